"""The analyst's page served by `sitrep api`: a live map, a timeline, each event with its evidence and sources.

The browser code lives in frontend/ (npm, pinned by its lock file) and is built into static/ here, which is committed
so that a fresh clone runs without npm. The Python side only reads the store: routes.py answers the page's requests,
history.py says what changed per version, alerts.py replays stored versions through the alerter's own matcher,
security.py holds the token check and the headers every response carries.
"""

"""Does an event match a subscription, and on what? Pure: one event dict, one Subscription, no I/O.

``match`` returns None, or a dict saying what matched (it goes into the alert's ``matched`` field and, through
``fingerprint``, decides whether a later version of the event is worth another alert).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import Any

import orjson

from sitrep.alerter.subscriptions import Subscription
from sitrep.storage.geo import haversine_km, in_bbox


@cache
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # whole words only ("IS" must not fire inside "this"), any case; a phrase may span any whitespace
    words = r"\s+".join(re.escape(w) for w in keyword.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def searchable_text(event: dict[str, Any]) -> str:
    """Where keywords are looked for: evidence text, the place (name and admin1), and both actors."""
    loc = event.get("location") or {}
    parts = [e.get("text") or "" for e in event.get("evidence") or []]
    parts += [loc.get("name") or "", loc.get("admin1") or "", event.get("actor1") or "", event.get("actor2") or ""]
    return "\n".join(parts)


def independent_sources(event: dict[str, Any]) -> int:
    """The event's count of independent sources; an event from before sources were counted: its reports."""
    if event.get("n_independent_sources") is not None:
        return int(event["n_independent_sources"])
    return len(set(event.get("source_doc_ids") or ()))


def match(sub: Subscription, event: dict[str, Any]) -> dict[str, Any] | None:
    loc = event.get("location") or {}
    lat, lon = loc.get("lat"), loc.get("lon")
    matched: dict[str, Any] = {}
    if sub.sub_event_types:
        if event.get("sub_event_type") not in sub.sub_event_types:
            return None
        matched["sub_event_type"] = event["sub_event_type"]
    if sub.event_types:
        if event.get("event_type") not in sub.event_types:
            return None
        matched["event_type"] = event["event_type"]
    if sub.countries:
        country = (loc.get("country") or "").casefold()
        if country not in {c.casefold() for c in sub.countries}:
            return None
        matched["country"] = loc["country"]
    if sub.actors:
        present = [a for a in (event.get("actor1"), event.get("actor2")) if a]
        hits = sorted({a for a in present for want in sub.actors if want.casefold() in a.casefold()})
        if not hits:
            return None
        matched["actors"] = hits
    if sub.near:
        if lat is None or lon is None:
            return None
        km = haversine_km(sub.near.lat, sub.near.lon, float(lat), float(lon))
        if km > sub.near.radius_km:
            return None
        matched["within_km"] = round(km, 1)
    if sub.bbox:
        if lat is None or lon is None or not in_bbox(float(lat), float(lon), sub.bbox):
            return None
        matched["in_bbox"] = list(sub.bbox)
    if sub.min_fatalities is not None:
        fatalities = event.get("fatalities")
        if fatalities is None or fatalities < sub.min_fatalities:
            return None  # an unknown count is not "at least N"
    if sub.keywords:
        text = searchable_text(event)
        hits = sorted({k for k in sub.keywords if _keyword_pattern(k).search(text)}, key=str.casefold)
        if not hits:
            return None
        matched["keywords"] = hits
    if sub.min_independent_sources is not None or sub.realert_on_corroboration:
        sources = independent_sources(event)
        if sub.min_independent_sources is not None and sources < sub.min_independent_sources:
            return None  # not corroborated enough yet
        matched["independent_sources"] = sources
    # The casualty figure is always part of what an alert reports: a revised count is news for every subscriber.
    matched["fatalities"] = event.get("fatalities")
    return matched


SOURCES_MARK = "+"  # digest+N: the count of independent sources rides after the digest (hex never contains "+")


def fingerprint(matched: dict[str, Any]) -> str:
    """A stable digest of what matched. Distances count in whole kilometres: a geocoder nudging a point by a few
    hundred metres is not worth waking anyone. The count of independent sources is not in the digest but after it
    (``digest+N``), so deciding can tell a rise (worth an alert if asked) from any other change."""
    canonical = dict(matched)
    if "within_km" in canonical:
        canonical["within_km"] = round(canonical["within_km"])
    sources = canonical.pop("independent_sources", None)
    digest = hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]
    return digest if sources is None else f"{digest}{SOURCES_MARK}{int(sources)}"


def split_fingerprint(fp: str) -> tuple[str, int | None]:
    """(digest, count of independent sources or None)."""
    digest, mark, count = fp.partition(SOURCES_MARK)
    return digest, int(count) if mark else None

"""`sitrep events` — query stored events (latest versions) and print them as a table, JSON lines, CSV or GeoJSON.

Filters are the HTTP API's (sitrep.storage.query): both build the same SQL from the same parsed query.
"""

from __future__ import annotations

import argparse
import sys

from sitrep.storage.backends import default_database_url, open_store
from sitrep.storage.formats import FORMATS, render
from sitrep.storage.query import DEFAULT_LIMIT, parse_query


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database-url", default=None, help="default $SITREP_DATABASE_URL or sqlite:///.sitrep/sitrep.db")
    p.add_argument("--since", help="event_date on or after YYYY-MM-DD")
    p.add_argument("--until", help="event_date on or before YYYY-MM-DD")
    p.add_argument("--sub-event-type", action="append", default=[], help="repeatable: any of these sub-event types")
    p.add_argument("--actor", action="append", default=[], help="repeatable: text in actor1 or actor2 (any case)")
    p.add_argument("--country", action="append", default=[], help="repeatable (or comma-separated)")
    p.add_argument("--place", help="text in the location name (any case)")
    p.add_argument("--bbox", help="minlon,minlat,maxlon,maxlat")
    p.add_argument("--near", help="lat,lon (with --radius-km)")
    p.add_argument("--radius-km", type=str, help="kilometres around --near")
    p.add_argument("--min-fatalities", type=str, help="at least this many reported fatalities")
    p.add_argument("--min-independent-sources", type=str,
                   help="at least this many independent sources (copies of one story count once)")
    p.add_argument("--limit", type=str, default=str(DEFAULT_LIMIT))
    p.add_argument("--format", choices=FORMATS, default="table")


def params_from_args(args: argparse.Namespace) -> dict[str, list[str]]:
    """The CLI's options as API query parameters, so both go through parse_query."""
    single = {"since": args.since, "until": args.until, "place": args.place, "bbox": args.bbox, "near": args.near,
              "radius_km": args.radius_km, "min_fatalities": args.min_fatalities, "limit": args.limit}
    single["min_independent_sources"] = args.min_independent_sources
    params = {k: [v] for k, v in single.items() if v is not None}
    for key, values in (("sub_event_type", args.sub_event_type), ("actor", args.actor), ("country", args.country)):
        if values:
            params[key] = list(values)
    return params


def run(args: argparse.Namespace) -> int:
    try:
        query = parse_query(params_from_args(args))
    except ValueError as exc:
        print(f"sitrep events: {exc}", file=sys.stderr)
        return 2
    url = args.database_url or default_database_url()
    try:
        store = open_store(url, read_only=True)
    except FileNotFoundError as exc:
        print(f"sitrep events: {exc} (has `sitrep storage` run?)", file=sys.stderr)
        return 1
    try:
        sys.stdout.write(render(store.query_events(query), args.format))
    finally:
        store.close()
    return 0

"""Event records -> text: a readable table, JSON lines, CSV, or a GeoJSON FeatureCollection. Pure functions."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

import orjson

FORMATS = ("table", "jsonl", "csv", "geojson")
# new columns go at the end: a reader that picks columns by position keeps working
CSV_COLUMNS = ("event_id", "version", "event_date", "event_type", "sub_event_type", "place", "admin1", "country",
               "lat", "lon", "geo_precision", "actor1", "actor2", "fatalities", "confidence", "published_at",
               "n_sources", "n_independent_sources", "sources")


def event_sources(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The event's sources; a record from before sources existed: one bare source per extracted report."""
    if record.get("sources"):
        return list(record["sources"])
    return [{"doc_id": d, "outlet": None, "url": None, "published_at": None, "copy_of": None}
            for d in record.get("source_doc_ids") or []]


def sources_text(sources: list[dict[str, Any]]) -> str:
    """One cell: ``doc_id [outlet]`` per source, a copy saying what it copies, separated by "; "."""
    parts = []
    for s in sources:
        text = s["doc_id"] + (f" [{s['outlet']}]" if s.get("outlet") else "")
        parts.append(text + (f" copy of {s['copy_of']}" if s.get("copy_of") else ""))
    return "; ".join(parts)


def flat(record: dict[str, Any]) -> dict[str, Any]:
    """One row per event: the location's fields lifted to the top level (``place`` is the location name), the
    sources as one text cell with their counts."""
    loc = record.get("location") or {}
    sources = event_sources(record)
    row = {k: record.get(k) for k in CSV_COLUMNS}
    row.update(place=loc.get("name"), admin1=loc.get("admin1"), country=loc.get("country"), lat=loc.get("lat"),
               lon=loc.get("lon"), geo_precision=loc.get("geo_precision"), sources=sources_text(sources),
               n_sources=record.get("n_sources", len(sources)),
               n_independent_sources=record.get("n_independent_sources", len(sources)))
    return row


def to_jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(orjson.dumps(r).decode() + "\n" for r in records)


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow({k: "" if v is None else v for k, v in flat(r).items()})
    return out.getvalue()


def to_geojson(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection; an event without coordinates is a Feature with a null geometry (still listed: RFC 7946
    allows it, and dropping it would silently hide events from a map-only reader)."""
    features = []
    for r in records:
        loc = r.get("location") or {}
        geometry = None
        if loc.get("lat") is not None and loc.get("lon") is not None:
            geometry = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}  # GeoJSON is lon, lat
        # the same properties as the map's GeoJSON read from the table's columns (web/geojson.py): the counts of
        # sources; the source objects themselves are in the event record (/events/{id}, --format jsonl)
        properties = {k: v for k, v in flat(r).items() if k != "sources"}
        features.append({"type": "Feature", "id": r["event_id"], "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _cell(value: Any, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


TABLE = (("event_date", "DATE", 10), ("sub_event_type", "TYPE", 24), ("place", "PLACE", 22), ("country", "COUNTRY", 12),
         ("actor1", "ACTOR 1", 24), ("actor2", "ACTOR 2", 24), ("fatalities", "FAT", 4), ("version", "V", 3),
         ("outlets", "SOURCES (INDEP/ALL)", 28), ("event_id", "EVENT", 24))


def _table_row(record: dict[str, Any]) -> dict[str, Any]:
    """The flat row plus ``outlets``: ``2/3 apnews.com, reuters.com`` (independent/all sources, then the distinct
    outlets, or doc ids where the outlet is unknown)."""
    row = flat(record)
    names = dict.fromkeys(s.get("outlet") or s["doc_id"] for s in event_sources(record))
    row["outlets"] = f"{row['n_independent_sources']}/{row['n_sources']} {', '.join(names)}".rstrip()
    return row


def to_table(records: Iterable[dict[str, Any]]) -> str:
    rows = [_table_row(r) for r in records]
    lines = ["  ".join(title.ljust(w) for _, title, w in TABLE).rstrip()]
    for row in rows:
        lines.append("  ".join(_cell(row[key], w).ljust(w) for key, _, w in TABLE).rstrip())
    lines.append(f"({len(rows)} event{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render(records: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "table":
        return to_table(records)
    if fmt == "jsonl":
        return to_jsonl(records)
    if fmt == "csv":
        return to_csv(records)
    if fmt == "geojson":
        return orjson.dumps(to_geojson(records), option=orjson.OPT_INDENT_2).decode() + "\n"
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")

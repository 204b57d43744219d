"""The event query, shared by `sitrep events` and the HTTP API: parse filters once, build parameterised SQL over the
``events`` table (latest versions), then finish the radius filter in Python (a box prefilter in SQL uses the
lat/lon index; the exact great-circle test is done on the few rows the box lets through).

SQL uses ``?`` placeholders; a backend with another paramstyle rewrites them (no literal ``?`` appears in the SQL).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sitrep.storage.formats import CSV_COLUMNS
from sitrep.storage.geo import BBox, box_around, haversine_km, parse_bbox, parse_point

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
PARAMS = (
    "since",
    "until",
    "event_type",
    "sub_event_type",
    "actor",
    "country",
    "place",
    "bbox",
    "near",
    "radius_km",
    "min_fatalities",
    "min_independent_sources",
    "updated_after",
    "limit",
)
# what build_sql may select (a fixed set: never caller text). "flat" is every column formats.flat() reads, so a
# table or a map can be answered without decoding each stored JSON record
Select = Literal["record", "record+updated", "flat"]
# each is an events column of the same name (the sources cell is built from the stored record, not a column)
FLAT_COLUMNS = tuple(c for c in CSV_COLUMNS if c != "sources")
_SELECT = {"record": "record", "record+updated": "record, updated_at", "flat": ", ".join(FLAT_COLUMNS)}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class EventQuery:
    since: str | None = None  # inclusive, on event_date
    until: str | None = None  # inclusive, on event_date
    event_types: tuple[str, ...] = ()  # any of, exact
    sub_event_types: tuple[str, ...] = ()  # any of, exact
    actors: tuple[str, ...] = ()  # any of, case-insensitive substring of actor1 or actor2
    countries: tuple[str, ...] = ()  # any of, case-insensitive exact
    place: str | None = None  # case-insensitive substring of the location name
    bbox: BBox | None = None
    near: tuple[float, float] | None = None  # (lat, lon), with radius_km
    radius_km: float | None = None
    min_fatalities: int | None = None
    min_independent_sources: int | None = None  # copies of one story count once (see the events schema)
    # stored (the events.updated_at column) strictly after this instant: what changed since a page last looked
    updated_after: str | None = None
    limit: int = DEFAULT_LIMIT


def parse_query(params: Mapping[str, Sequence[str]]) -> EventQuery:
    """Query-string style parameters (each a list of values) -> EventQuery, or ValueError saying what is wrong."""
    unknown = sorted(set(params) - set(PARAMS))
    if unknown:
        raise ValueError(f"unknown parameter(s): {', '.join(unknown)} (known: {', '.join(PARAMS)})")

    def one(name: str) -> str | None:
        values = [v for v in params.get(name, ()) if v != ""]
        if len(values) > 1:
            raise ValueError(f"{name} given more than once")
        return values[0] if values else None

    def many(name: str) -> tuple[str, ...]:
        # repeatable, and each value may itself be comma-separated ("Syria,Iraq")
        out = [part.strip() for v in params.get(name, ()) for part in v.split(",")]
        return tuple(p for p in out if p)

    near_text, radius_text = one("near"), one("radius_km")
    if (near_text is None) != (radius_text is None):
        raise ValueError("near and radius_km go together")
    radius = _number(radius_text, "radius_km") if radius_text is not None else None
    if radius is not None and radius <= 0:
        raise ValueError("radius_km must be positive")
    bbox_text, fat_text, limit_text = one("bbox"), one("min_fatalities"), one("limit")
    min_fat = _integer(fat_text, "min_fatalities") if fat_text is not None else None
    limit = _integer(limit_text, "limit") if limit_text is not None else DEFAULT_LIMIT
    if min_fat is not None and min_fat < 0:
        raise ValueError("min_fatalities must be >= 0")
    min_sources = _at_least_one(one("min_independent_sources"), "min_independent_sources")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    # actors and places are names that may contain commas ("Hayat Tahrir al-Sham, HTS"): repeat, do not split
    actors = tuple(v.strip() for v in params.get("actor", ()) if v.strip())
    return EventQuery(
        since=_date(one("since"), "since"),
        until=_date(one("until"), "until"),
        event_types=many("event_type"),
        sub_event_types=many("sub_event_type"),
        actors=actors,
        countries=many("country"),
        place=one("place"),
        bbox=parse_bbox(bbox_text) if bbox_text is not None else None,
        near=parse_point(near_text) if near_text is not None else None,
        radius_km=radius,
        min_fatalities=min_fat,
        updated_after=_instant(one("updated_after")),
        min_independent_sources=min_sources,
        limit=limit,
    )


def _instant(value: str | None) -> str | None:
    # compared as text with updated_at, which storage writes as ISO 8601 UTC with a Z (deadletter.now_iso)
    if value is not None and not _DATE.match(value):
        raise ValueError(f"updated_after must be an ISO 8601 time, got {value!r}")
    return value


def _date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not _DATE.match(value):
        raise ValueError(f"{name} must be a date YYYY-MM-DD, got {value!r}")
    return value[:10]  # a full timestamp compares by its day: event_date has day precision at best


def _number(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {value!r}") from None


def _integer(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def _at_least_one(value: str | None, name: str) -> int | None:
    number = _integer(value, name) if value is not None else None
    if number is not None and number < 1:
        raise ValueError(f"{name} must be >= 1")
    return number


def _like(fragment: str) -> str:
    escaped = fragment.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _bbox_sql(box: BBox, where: list[str], params: list[Any]) -> None:
    min_lon, min_lat, max_lon, max_lat = box
    where.append("lat BETWEEN ? AND ?")
    params += [min_lat, max_lat]
    if min_lon <= max_lon:
        where.append("lon BETWEEN ? AND ?")
        params += [min_lon, max_lon]
    else:  # crosses the antimeridian
        where.append("(lon >= ? OR lon <= ?)")
        params += [min_lon, max_lon]


def _where(q: EventQuery) -> tuple[list[str], list[Any]]:
    """The SQL-expressible filters as AND-ed conditions and their parameters."""
    where: list[str] = []
    params: list[Any] = []
    if q.since:
        where.append("event_date >= ?")
        params.append(q.since)
    if q.until:
        where.append("event_date <= ?")
        params.append(q.until)
    if q.event_types:
        where.append(f"event_type IN ({', '.join('?' * len(q.event_types))})")
        params += list(q.event_types)
    if q.sub_event_types:
        where.append(f"sub_event_type IN ({', '.join('?' * len(q.sub_event_types))})")
        params += list(q.sub_event_types)
    if q.countries:
        where.append(f"lower(country) IN ({', '.join('?' * len(q.countries))})")
        params += [c.lower() for c in q.countries]
    if q.actors:
        ors = []
        for actor in q.actors:
            ors.append(
                "lower(coalesce(actor1, '')) LIKE ? ESCAPE '\\' OR lower(coalesce(actor2, '')) LIKE ? ESCAPE '\\'"
            )
            params += [_like(actor), _like(actor)]
        where.append(f"({' OR '.join(ors)})")
    if q.place:
        where.append("lower(place) LIKE ? ESCAPE '\\'")
        params.append(_like(q.place))
    if q.min_fatalities is not None:
        where.append("fatalities >= ?")
        params.append(q.min_fatalities)
    if q.min_independent_sources is not None:
        where.append("n_independent_sources >= ?")
        params.append(q.min_independent_sources)
    if q.bbox:
        _bbox_sql(q.bbox, where, params)
    if q.near and q.radius_km:
        _bbox_sql(box_around(q.near[0], q.near[1], q.radius_km), where, params)
    if q.updated_after:
        where.append("updated_at > ?")
        params.append(q.updated_after)
    return where, params


def build_sql(q: EventQuery, select: Select = "record") -> tuple[str, list[Any]]:
    """SELECT the latest record (and any other ``columns``, after it) of every event passing the SQL-expressible
    filters, newest event first."""
    where, params = _where(q)
    sql = f"SELECT {_SELECT[select]} FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY event_date DESC, event_id"
    if not q.near:  # with a radius, rows outside the circle are dropped afterwards: cap after that
        sql += " LIMIT ?"
        params.append(q.limit)
    return sql, params


def build_timeline_sql(q: EventQuery) -> tuple[str, list[Any]]:
    """Events per (day, event type) under the filters, without the limit; only for a query without ``near`` (the
    exact radius test is done in Python, so such a query is counted from its records instead)."""
    if q.near:
        raise ValueError("a radius query is counted from its records")
    where, params = _where(q)
    sql = "SELECT event_date, event_type, COUNT(*) FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + " GROUP BY event_date, event_type ORDER BY event_date, event_type", params


def latest_update_sql() -> str:
    """When storage last changed an event: the cursor a live page starts from."""
    return "SELECT MAX(updated_at) FROM events"


def distance_km(q: EventQuery, record: Mapping[str, Any]) -> float | None:
    loc = record.get("location") or {}
    if q.near is None or loc.get("lat") is None or loc.get("lon") is None:
        return None
    return haversine_km(q.near[0], q.near[1], float(loc["lat"]), float(loc["lon"]))


def finish(q: EventQuery, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The part of the query SQL cannot do: the exact radius test, then the limit."""
    if q.near and q.radius_km:
        radius = q.radius_km
        records = [r for r in records if (d := distance_km(q, r)) is not None and d <= radius]
    return records[: q.limit]

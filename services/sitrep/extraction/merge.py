"""One real-world event, many reports: merge candidate events into a serialisable state of known events.

State is a plain dict {"events": {event_id: event}} so the stream can keep it in a faust table (one state per
blocking key) and the offline command in memory. `merge` is idempotent: re-applying a document changes nothing.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import date
from typing import Any

from sitrep.extraction.lexicon import distance_km

DATE_TOLERANCE = {1: 1, 2: 7, 3: 31}  # days, by the coarser time_precision of the two
PLACE_KM = 30.0


def event_id_for(candidate: dict[str, Any]) -> str:
    """Deterministic id from the first report: sub_event_type + date + place rounded to ~10 km."""
    loc = candidate["location"]
    key = (f"{candidate['sub_event_type']}|{candidate['event_date']}|{round(loc.get('lat') or 0.0, 1)}|"
           f"{round(loc.get('lon') or 0.0, 1)}|{loc.get('country')}")
    return "evt-" + hashlib.sha1(key.encode()).hexdigest()[:16]


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def blocking_keys(candidate: dict[str, Any]) -> list[str]:
    """Coarse keys (sub_event_type, country, ISO week) under which the candidate's possible matches live; the first
    is the candidate's own week, where a new event is stored."""
    d = date.fromisoformat(candidate["event_date"])
    tol = DATE_TOLERANCE[candidate["time_precision"]]
    prefix = f"{candidate['sub_event_type']}|{candidate['location']['country']}|"
    keys = [prefix + _iso_week(d)]
    for offset in range(-tol, tol + 1, 1 if tol <= 7 else 7):
        k = prefix + _iso_week(date.fromordinal(d.toordinal() + offset))
        if k not in keys:
            keys.append(k)
    end = prefix + _iso_week(date.fromordinal(d.toordinal() + tol))
    if end not in keys:
        keys.append(end)
    return keys


def actor_key(name: str | None) -> str | None:
    """An actor name as compared across reports: case, a leading "the", hyphens and spacing do not matter."""
    if name is None:
        return None
    key = " ".join(name.casefold().replace("-", " ").split())
    return key.removeprefix("the ")


def unidentified(name: str | None) -> bool:
    """No actor, or ACLED's "Unidentified Armed Group (X)": a later report may name who it was."""
    return name is None or name.casefold().startswith("unidentified")


def actors_compatible(a: str | None, b: str | None) -> bool:
    return unidentified(a) or unidentified(b) or actor_key(a) == actor_key(b)


def _coarse(loc: dict[str, Any]) -> bool:
    """A place known only as a region without an admin1, or as the country."""
    return bool(loc.get("geo_precision") == 3 and not loc.get("admin1"))


def places_compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same country, and: two coarse places of the same name; the same admin1 when one is a province; within
    PLACE_KM otherwise. A country-level or regional mention is not a wildcard that swallows a precise event."""
    if a["country"] != b["country"]:
        return False
    if _coarse(a) or _coarse(b):
        return _coarse(a) and _coarse(b) and actor_key(a.get("name")) == actor_key(b.get("name"))
    if max(a["geo_precision"], b["geo_precision"]) == 3:
        return bool(a.get("admin1") == b.get("admin1"))
    if None in (a.get("lat"), a.get("lon"), b.get("lat"), b.get("lon")):
        return False
    return distance_km(a["lat"], a["lon"], b["lat"], b["lon"]) <= PLACE_KM


def matches(event: dict[str, Any], cand: dict[str, Any]) -> bool:
    if event["sub_event_type"] != cand["sub_event_type"]:
        return False
    tol = DATE_TOLERANCE[max(event["time_precision"], cand["time_precision"])]
    gap = abs(date.fromisoformat(event["event_date"]).toordinal() - date.fromisoformat(cand["event_date"]).toordinal())
    if gap > tol:
        return False
    if (
        gap
        and event["time_precision"] == cand["time_precision"] == 1
        and set(event["source_doc_ids"]) & set(cand["source_doc_ids"])
    ):
        return False  # one report giving two different days reports two events
    if not places_compatible(event["location"], cand["location"]):
        return False
    # reports name the target differently (the militia or the army it fights for): only actor1 must agree
    return actors_compatible(event["actor1"], cand["actor1"])


def stated_tolls(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Each report's own stated toll: what the event keeps as `fatalities_by_source`."""
    if "fatalities_by_source" in event:
        return list(event["fatalities_by_source"])
    if event.get("fatalities") is None:
        return []
    return [{"doc_id": d, "fatalities": event["fatalities"], "published_at": event.get("published_at")}
            for d in event["source_doc_ids"][:1]]


def conservative_toll(tolls: list[dict[str, Any]]) -> int | None:
    """The lowest figure among the latest reports that state one: a toll rising in later reports raises the
    event's (a new version); two reports of the same day that disagree give the lower one."""
    if not tolls:
        return None
    latest = max(t["published_at"] or "" for t in tolls)
    return min(int(t["fatalities"]) for t in tolls if (t["published_at"] or "") == latest)


def _combine(event: dict[str, Any], cand: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(event)
    out["source_doc_ids"] = list(dict.fromkeys([*event["source_doc_ids"], *cand["source_doc_ids"]]))
    seen = {(e["doc_id"], e["start"], e["end"]) for e in event["evidence"]}
    out["evidence"] = event["evidence"] + [e for e in cand["evidence"]
                                           if (e["doc_id"], e["start"], e["end"]) not in seen]
    tolls = {t["doc_id"]: t for t in [*stated_tolls(event), *stated_tolls(cand)]}
    out["fatalities_by_source"] = [tolls[d] for d in sorted(tolls)]
    out["fatalities"] = conservative_toll(out["fatalities_by_source"])
    if cand["time_precision"] < event["time_precision"]:
        out["event_date"], out["time_precision"] = cand["event_date"], cand["time_precision"]
    if cand["location"]["geo_precision"] < event["location"]["geo_precision"]:
        out["location"] = copy.deepcopy(cand["location"])
    for k in ("actor1", "actor2"):
        # a named actor wins over an unidentified one; between two named ones, the first report's stays
        out[k] = cand[k] if unidentified(event[k]) and not unidentified(cand[k]) else event[k]
    out["confidence"] = max(event["confidence"], cand["confidence"])
    pubs = [p for p in (event.get("published_at"), cand.get("published_at")) if p]
    out["published_at"] = min(pubs) if pubs else None
    return out


def _date_gap(event: dict[str, Any], cand: dict[str, Any]) -> int:
    return abs(date.fromisoformat(event["event_date"]).toordinal() - date.fromisoformat(cand["event_date"]).toordinal())


_IGNORED = {"version", "updated_at", "event_id"}


def merge(state: dict[str, Any], candidates: list[dict[str, Any]], now: str | None = None) -> list[dict[str, Any]]:
    """Apply one document's candidate events to `state` (updated in place); return the new or changed events, each
    with its stable event_id and a version that grew by one."""
    events: dict[str, dict[str, Any]] = state.setdefault("events", {})
    changed: dict[str, dict[str, Any]] = {}
    for cand in candidates:
        hosts = [e for e in events.values() if matches(e, cand)]
        host = min(hosts, key=lambda e: _date_gap(e, cand)) if hosts else None
        if host is None:
            new = copy.deepcopy(cand)
            new["fatalities_by_source"] = stated_tolls(cand)
            new["event_id"] = event_id_for(cand)
            n = 1
            while new["event_id"] in events:  # a different event with the same type, day and place (other actors)
                n += 1
                new["event_id"] = f"{event_id_for(cand)}-{n}"
            new["version"] = 1
            new["updated_at"] = now
            events[new["event_id"]] = new
            changed[new["event_id"]] = new
            continue
        combined = _combine(host, cand)
        if {k: v for k, v in combined.items() if k not in _IGNORED} != {
                k: v for k, v in host.items() if k not in _IGNORED}:
            combined["version"] = host["version"] + 1
            combined["updated_at"] = now
            events[host["event_id"]] = combined
            changed[host["event_id"]] = combined
    return [copy.deepcopy(e) for e in changed.values()]

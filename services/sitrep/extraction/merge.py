"""One real-world event, many reports: merge candidate events into a serialisable state of known events.

State is a plain dict {"events": {event_id: event}} so the stream can keep it in a faust table (one state per
blocking key) and the offline command in memory. `merge` is idempotent: re-applying a document changes nothing.

Every event lists the documents that reported it as `sources` (outlet, url, publication time, and which document a
copy was copied from), so a syndicated copy dropped by deduplication still counts: `add_copy_source` records it on
the events its original reported. `n_independent_sources` counts copies of one story once.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypedDict

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


class Source(TypedDict):
    """One document that reported an event. ``copy_of``: the document it copies (a syndicated re-post), else None."""

    doc_id: str
    outlet: str | None
    url: str | None
    published_at: str | None
    copy_of: str | None


def source_of(doc: Mapping[str, Any], copy_of: str | None = None) -> Source:
    """The source entry of one document record (schemas/documents.schema.json): its outlet is the record's
    ``source``. A document is never a copy of itself (a replay under its own id is the original)."""
    return {"doc_id": str(doc["id"]), "outlet": doc.get("source"), "url": doc.get("url"),
            "published_at": doc.get("published_at"), "copy_of": copy_of if copy_of != doc["id"] else None}


def with_sources(candidates: Iterable[Mapping[str, Any]], doc: Mapping[str, Any],
                 copies: Iterable[Source] = ()) -> list[dict[str, Any]]:
    """The document's candidate events, each carrying the document as its source, plus any copies of it already
    known (a copy whose verdict came before its original was merged)."""
    own = [source_of(doc), *copies]
    return [{**copy.deepcopy(dict(c)), "sources": union_sources(own)} for c in candidates]


def _entry(raw: Mapping[str, Any]) -> Source:
    return {"doc_id": str(raw["doc_id"]), "outlet": raw.get("outlet"), "url": raw.get("url"),
            "published_at": raw.get("published_at"), "copy_of": raw.get("copy_of")}


def sources_of(record: Mapping[str, Any]) -> list[Source]:
    """A record's sources; a record from before sources existed gets one per source_doc_id (its publication time
    from its stated toll when it has one, else the record's own for its first document)."""
    if record.get("sources"):
        return [_entry(s) for s in record["sources"]]
    published = {t["doc_id"]: t.get("published_at") for t in record.get("fatalities_by_source") or []}
    return [{"doc_id": d, "outlet": None, "url": None,
             "published_at": published.get(d, record.get("published_at") if i == 0 else None), "copy_of": None}
            for i, d in enumerate(record.get("source_doc_ids") or [])]


def _merged_entry(entries: list[Source]) -> Source:
    """Two entries of one document (from two reports, or a copy notice): field by field the known value, the
    smallest when they disagree, so the result does not depend on the order they came in. A document known to
    be a copy stays a copy."""
    def pick(name: str) -> str | None:
        known = sorted({str(value) for e in entries if (value := e.get(name)) is not None})
        return known[0] if known else None

    return {"doc_id": entries[0]["doc_id"], "outlet": pick("outlet"), "url": pick("url"),
            "published_at": pick("published_at"), "copy_of": pick("copy_of")}


def union_sources(*lists: Iterable[Source]) -> list[Source]:
    """The union by doc_id, oldest publication first (then by doc_id): order-independent and idempotent."""
    by_doc: dict[str, list[Source]] = {}
    for entry in (e for sources in lists for e in sources):
        by_doc.setdefault(entry["doc_id"], []).append(entry)
    merged = [_merged_entry(entries) for entries in by_doc.values()]
    return sorted(merged, key=lambda e: (e["published_at"] or "", e["doc_id"]))


def independent_count(sources: Iterable[Source]) -> int:
    """Copies of one story count once: a source and the document it copies are one story, and so are two copies
    of the same document (whether or not that document is itself a source of the event)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    docs = []
    for s in sources:
        docs.append(s["doc_id"])
        if s["copy_of"] is not None:
            a, b = root(s["doc_id"]), root(s["copy_of"])
            if a != b:
                parent[max(a, b)] = min(a, b)
    return len({root(d) for d in docs})


def _set_sources(event: dict[str, Any], sources: list[Source]) -> None:
    event["sources"] = sources
    event["n_sources"] = len(sources)
    event["n_independent_sources"] = independent_count(sources)


def _combine(event: dict[str, Any], cand: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(event)
    _set_sources(out, union_sources(sources_of(event), sources_of(cand)))
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
            _set_sources(new, union_sources(sources_of(cand)))
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


def reports(event: Mapping[str, Any], doc_id: str) -> bool:
    """Did this document (as an extracted report, or as a copy already recorded) report the event?"""
    return doc_id in event.get("source_doc_ids", ()) or any(s["doc_id"] == doc_id for s in sources_of(event))


def add_copy_source(state: dict[str, Any], original_doc_id: str, copy_source: Source,
                    now: str | None = None) -> list[dict[str, Any]]:
    """A copy of ``original_doc_id`` was dropped by deduplication: record it as a source (``copy_of`` the original)
    on every event of ``state`` the original reported, each as a new version; return those versions. Idempotent:
    a copy already recorded changes nothing. A copy of a copy lands on the events its original's original reported.
    """
    if copy_source["doc_id"] == original_doc_id:
        return []  # a replay of the original under its own id is not a copy
    entry = _entry(copy_source)
    entry["copy_of"] = entry["copy_of"] or original_doc_id
    changed = []
    for event_id in sorted(state.get("events", {})):
        event = state["events"][event_id]
        if not reports(event, original_doc_id):
            continue
        sources = union_sources(sources_of(event), [entry])
        if event.get("sources") == sources:
            continue
        new = copy.deepcopy(event)
        _set_sources(new, sources)
        new["version"] = event["version"] + 1
        new["updated_at"] = now
        state["events"][event_id] = new
        changed.append(copy.deepcopy(new))
    return changed

"""Document record -> ACLED events, each traced to its sentence (evidence offsets into the RAW text).

The extractor is a sequence of passes over one document, each testable on its own:
- mentions (`mentions.Document`): the places, actors, dates and trigger cues the text names;
- frame (`frame`): the context each sentence inherits what it leaves unstated from;
- candidates (`candidates.sentence_candidates`): each trigger typed and given its date, place, actors and toll;
- consolidation (`consolidate.consolidate`): one event per real event of the document.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from typing import Any

from sitrep.cleaning.segments import to_raw_span
from sitrep.extraction.actors import generic_actor
from sitrep.extraction.anchors import anchors
from sitrep.extraction.candidates import Reading, item_from_section, section_of, sentence_candidates
from sitrep.extraction.consolidate import Candidate, consolidate
from sitrep.extraction.dates import parse_published
from sitrep.extraction.frame import Context, Section, document_frame
from sitrep.extraction.gazetteer import gazetteer
from sitrep.extraction.lexicon import Place
from sitrep.extraction.mentions import Document
from sitrep.extraction.taxonomy import EVENT_TYPE

__all__ = ["Candidate", "extract_events", "find_candidates", "provisional_id"]


def find_candidates(text: str, published: date, derived: bool = False) -> list[Candidate]:
    """Events of one clean text. `derived`: the text is one post split from a page, whose publication date need not
    be the post's own (dates then anchor to the post's own latest stated date, see `anchors`)."""
    frame = document_frame(text, published, derived)
    doc = Document(text, published, anchors(text, published, derived, frame.date), frame)
    ctx = Context(frame)
    for idx in doc.visited():
        role = doc.roles.get(idx)
        if role is None or role.kind == "header":
            ctx.section = None
        readings, cands = sentence_candidates(doc, idx, ctx)
        if ctx.section is not None:
            _list_item(doc, idx, ctx, ctx.section, readings, cands)
        ctx.add(doc.spans[idx][2], cands)
        if role is not None and role.kind == "header":
            ctx.section = section_of(doc, idx, readings, cands)
    return consolidate(ctx.made)


def _list_item(doc: Document, idx: int, ctx: Context, section: Section, readings: list[Reading],
               cands: list[Candidate]) -> None:  # fmt: skip
    """A list item: an event of its own, or its header's event at the item's place; once the items give the events
    the header summarises, the header's own (vaguer) candidate goes."""
    if not readings:
        inherited = item_from_section(doc, idx, section)
        if inherited is not None:
            cands.append(inherited)
    if cands and section.header_candidates:
        ctx.drop(section.header_candidates)
        section.header_candidates = []


def _confidence(c: Candidate) -> float:
    score = 0.3
    score += 0.2 if c.explicit.get("date") and c.time_precision == 1 else 0.1
    score += 0.2 if c.explicit.get("place") and c.geo_precision < 3 else 0.1
    score += 0.15 if c.actor1 else 0.0
    score += 0.05 if c.actor2 else 0.0
    score += 0.1 if c.fatalities is not None else 0.0
    return round(min(score, 1.0), 2)


def provisional_id(sub_event_type: str, event_date: str, lat: float | None, lon: float | None) -> str:
    key = f"{sub_event_type}|{event_date}|{round(lat or 0.0, 1)}|{round(lon or 0.0, 1)}"
    return "evt-" + hashlib.sha1(key.encode()).hexdigest()[:16]


def _evidence(c: Candidate, text: str, segments: list[list[int]], raw_id: str) -> list[dict[str, Any]]:
    out = []
    for s, e in c.evidence:
        rs, re_ = to_raw_span(segments, s, e)
        out.append({"doc_id": raw_id, "start": rs, "end": re_, "text": text[s:e]})
    return out


def _coordinates(place: Place) -> tuple[float | None, float | None]:
    """A country, or a region that is no administrative unit ("southern Lebanon", "the Sahel"), has no point of its
    own: the event carries the country and null coordinates (ANNOTATION.md)."""
    if place.kind == "country" or place.id.startswith("R-C-"):  # "northern Mali"; "eastern Baghdad" keeps its city
        return None, None
    if place.kind == "region" and (place.lat, place.lon) in _country_points():
        return None, None  # a named region without coordinates of its own stands at its country's point
    return place.lat, place.lon


@cache
def _country_points() -> frozenset[tuple[float, float]]:
    return frozenset(gazetteer().country_points.values())


def _event_record(c: Candidate, doc: dict[str, Any], evidence: list[dict[str, Any]]) -> dict[str, Any]:
    assert c.place is not None and c.date is not None
    event_date = c.date.isoformat()
    return {
        "event_id": provisional_id(c.sub_event_type, event_date, c.place.lat, c.place.lon),
        "version": 1,
        "event_type": EVENT_TYPE[c.sub_event_type],
        "sub_event_type": c.sub_event_type,
        "event_date": event_date,
        "time_precision": c.time_precision,
        "location": {
            "name": c.place.name,
            "country": c.place.country,
            "admin1": c.place.admin1,
            "lat": _coordinates(c.place)[0],
            "lon": _coordinates(c.place)[1],
            "geo_precision": c.geo_precision,
        },
        "actor1": generic_actor(c.actor1, c.place.country),
        "actor2": generic_actor(c.actor2, c.place.country),
        "fatalities": c.fatalities,
        "source_doc_ids": [doc["id"]],
        "evidence": evidence,
        "confidence": _confidence(c),
        "published_at": doc.get("published_at"),
    }


def extract_events(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Candidate events of one document record (schemas/documents.schema.json), each valid against the events
    schema with a provisional event_id and version 1; `sitrep.extraction.merge` gives the final ids and versions."""
    published = parse_published(doc.get("published_at"))
    text = doc.get("text") or ""
    if published is None or not text:
        return []
    raw_id = doc.get("raw_id") or doc["id"]
    segments = doc.get("segments") or [[0, 0, len(text)]]
    derived = bool(doc.get("parent_id")) or "~" in str(doc.get("id", ""))
    return [
        _event_record(c, doc, _evidence(c, text, segments, raw_id)) for c in find_candidates(text, published, derived)
    ]

"""Consolidation pass: a document's candidates -> its events, one per real event.

Undated candidates only survive by merging into a dated one; then one event per (type, date, place, actor). The most
precise reports host the merge, so that a vague one ("nine strikes between March 30 and April 5") joins a precise
one instead of swallowing several distinct days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from datetime import date

from sitrep.extraction.lexicon import KIND_RANK, Place, distance_km
from sitrep.extraction.salience import too_vague_or_old


@dataclass(slots=True)
class Candidate:
    sub_event_type: str
    date: date | None
    time_precision: int
    place: Place | None
    geo_precision: int
    actor1: str | None
    actor2: str | None
    fatalities: int | None
    evidence: list[tuple[int, int]] = field(default_factory=list)  # clean-text spans
    explicit: dict[str, bool] = field(default_factory=dict)
    place_weight: int = 0  # how often the document names the place: breaks ties between equally precise places
    weak: bool = False  # from a generic trigger (a bare "struck"): dropped when its sentence gives a specific one
    reference: dt.date | None = None  # the date the report speaks from where the event is told
    month_heading: bool = False  # dated by the month that heads its chronology entry ("In May, ...")


def detail(sub_type: str, actor1: str | None, actor2: str | None, fatalities: int | None,
           evidence: list[tuple[int, int]] | None = None) -> Candidate:  # fmt: skip
    """A candidate that only adds details (actors, toll, evidence) to an event already made."""
    return Candidate(sub_type, None, 3, None, 3, actor1, actor2, fatalities, evidence or [], {})


def compatible(a: Candidate, b: Candidate) -> bool:
    """Same event within one document: one report gives each day its own event, so precision-1 dates must agree."""
    if a.sub_event_type != b.sub_event_type or a.date is None or b.date is None:
        return False
    tol = {1: 0, 2: 7, 3: 31}[max(a.time_precision, b.time_precision)]
    if abs((a.date - b.date).days) > tol:
        return False
    if a.place and b.place and a.place.id != b.place.id and not _same_area(a, b, a.place, b.place):
        return False
    return a.actor1 is None or b.actor1 is None or a.actor1 == b.actor1


def _same_area(a: Candidate, b: Candidate, pa: Place, pb: Place) -> bool:
    coarse = max(a.geo_precision, b.geo_precision) == 3
    if distance_km(pa.lat, pa.lon, pb.lat, pb.lon) <= 30:
        return True
    return coarse and pa.country == pb.country and (pa.kind == "country" or pb.kind == "country"
                                                    or pa.admin1 == pb.admin1)  # fmt: skip


def _better_place(into: Candidate, other: Candidate) -> bool:
    """The host's place stands unless the other is more precise (or names a site where the host only has a
    region, or is named more often at the same precision)."""
    if other.place is None:
        return False
    if into.place is None or other.geo_precision < into.geo_precision:
        return True
    if other.geo_precision != into.geo_precision:
        return False
    site_over_region = KIND_RANK.get(into.place.kind, 0) <= KIND_RANK["region"] < KIND_RANK.get(other.place.kind, 0)
    return site_over_region or other.place_weight > into.place_weight


def absorb(into: Candidate, other: Candidate) -> None:
    """Fold `other` (the same event, or details of it) into `into`."""
    if other.time_precision < into.time_precision and other.date:
        into.date, into.time_precision = other.date, other.time_precision
    if _better_place(into, other):
        into.place, into.geo_precision, into.place_weight = other.place, other.geo_precision, other.place_weight
    into.actor1 = into.actor1 or other.actor1
    into.actor2 = into.actor2 or other.actor2
    if into.actor2 == into.actor1:
        into.actor2 = None
    if other.fatalities is not None:
        into.fatalities = max(into.fatalities or 0, other.fatalities)
    into.evidence = sorted(set(into.evidence) | set(other.evidence))
    for k, v in other.explicit.items():
        into.explicit[k] = into.explicit.get(k, False) or v


CHRONOLOGY_ENTRIES = 2  # month-headed entries that make a document a chronology ("In January, ... In May, ...")


def consolidate(made: list[Candidate]) -> list[Candidate]:
    """One event per real event of the document."""
    dated = sorted((c for c in made if c.date is not None), key=lambda c: (c.time_precision, c.geo_precision))
    merged: list[Candidate] = []
    for c in dated:
        host = next((m for m in merged if compatible(m, c)), None)
        if host:
            absorb(host, c)
        else:
            merged.append(c)
    for c in (c for c in made if c.date is None):
        host = next((m for m in merged if compatible(m, replace(c, date=m.date, time_precision=m.time_precision))),
                    None)  # fmt: skip
        if host:
            absorb(host, c)
    # salience: a month-only date or one long before the report does not make an event; a country-level place with
    # only a coarse date is a generic statement
    # a month heading dates an entry only in a chronology: two or more entries headed by their months
    chronology = sum(c.month_heading for c in merged) >= CHRONOLOGY_ENTRIES
    return [c for c in merged if not (c.place and c.place.kind == "country" and c.time_precision != 1)
            and not too_vague_or_old(c.date, c.time_precision, c.reference or c.date,
                                     chronology and c.month_heading)]  # fmt: skip

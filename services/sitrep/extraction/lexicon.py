"""The older combined view of the dictionaries, kept for callers written against it (events.py until the pipeline
moves to `places.find_place_mentions` and `actor_names.find_actor_mentions`).

`lexicon().find(text)` gives one `Mention(start, end, places, actors)` per span: the RESOLVED place first (then its
alternatives) as places with coordinates, and actor names where generic actors keep their "{}" templates
("Civilians ({})") for `actors.generic_actor` to fill.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from sitrep.extraction import gazetteer as gz
from sitrep.extraction.actor_names import BARE, TEMPLATES, ActorMention, find_actor_mentions
from sitrep.extraction.places import PlaceMention, find_place_mentions
from sitrep.extraction.textnorm import fold

KIND_RANK = {
    "base": 4,
    "airport": 4,
    "crossing": 4,
    "site": 4,
    "camp": 4,
    "neighbourhood": 4,
    "town": 3,
    "region": 2,
    "border": 2,
    "country": 1,
}


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str  # the old kinds: admin units are "region"
    country: str
    admin1: str | None
    lat: float
    lon: float
    population: int
    common: bool = False


class Mention(NamedTuple):
    start: int
    end: int
    places: tuple[Place, ...]
    actors: tuple[str, ...]


_COMPAT: dict[str, Place | None] = {}


def _compat(p: gz.Place) -> Place | None:
    """The old-shape place of a resolved one (cached: a few thousand distinct places are ever named)."""
    got = _COMPAT.get(p.id, False)
    if got is False:
        got = _COMPAT[p.id] = _compat_of(p)
    return got if isinstance(got, Place) else None


def _compat_of(p: gz.Place) -> Place | None:
    lat, lon = p.lat, p.lon
    if lat is None or lon is None:
        point = _point(p)
        if point is None:
            return None
        lat, lon = point
    kind = "region" if p.kind in ("admin1", "admin2") else p.kind
    return Place(p.id, p.name, kind, p.country or "", p.admin1, lat, lon, p.population)


def _point(p: gz.Place) -> tuple[float, float] | None:
    """Old callers need coordinates: a country (or a part of one) gets its representative point."""
    return gz.gazetteer().country_points.get(p.iso2) if p.iso2 else None


def _old_actor(m: ActorMention) -> str:
    if m.kind in TEMPLATES and m.actor == BARE[m.kind]:
        return TEMPLATES[m.kind]
    return m.actor


class Lexicon:
    def find(self, text: str, folded: str | None = None) -> list[Mention]:
        """Place and actor mentions of `text`, merged per span, in text order."""
        folded = fold(text) if folded is None else folded
        by_span: dict[tuple[int, int], tuple[list[Place], list[str]]] = {}
        actors = find_actor_mentions(text, folded)
        pm: PlaceMention
        for pm in find_place_mentions(text, folded, actors):
            # the resolved reading only: the old callers' own choice among readings ignores document context
            place = _compat(pm.place)
            if place is not None:
                by_span.setdefault((pm.start, pm.end), ([], []))[0].append(place)
        for am in actors:
            by_span.setdefault((am.start, am.end), ([], []))[1].append(_old_actor(am))
        out = [Mention(s, e, tuple(p), tuple(dict.fromkeys(a))) for (s, e), (p, a) in sorted(by_span.items())]
        # overlapping spans (a place inside a longer actor name): the longer one wins
        kept: list[Mention] = []
        for m in out:
            if kept and m.start < kept[-1].end:
                if m.end - m.start > kept[-1].end - kept[-1].start:
                    kept[-1] = m
                continue
            kept.append(m)
        return kept


@cache
def lexicon() -> Lexicon:
    gz.gazetteer()
    return Lexicon()


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))

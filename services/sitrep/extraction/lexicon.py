"""One Aho-Corasick automaton over every place spelling (gazetteer) and actor alias, matched on folded text.

Matching is on word boundaries, leftmost-longest, so "Damascus International Airport" wins over "Damascus" and
"Kata'ib Hezbollah" over "Hezbollah".
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from sitrep.extraction.actors import ACTORS
from sitrep.extraction.textnorm import fold, name_variants

GAZETTEER = Path(__file__).with_name("data") / "gazetteer.tsv"
KIND_RANK = {"base": 4, "airport": 4, "crossing": 4, "site": 4, "town": 3, "region": 2, "border": 2, "country": 1}


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str
    country: str
    admin1: str | None
    lat: float
    lon: float
    population: int
    common: bool  # an English word too: only matches when written with a capital


@dataclass(frozen=True)
class Entry:
    kind: str  # "place" | "actor"
    ref: Place | str  # the place, or the normalised actor name
    exact: str | None  # case-sensitive alias (IS, US, PMU): the matched text must equal it, punctuation aside


class Mention(NamedTuple):  # a tuple: cheap to create, and these are made by the thousand
    start: int
    end: int
    places: tuple[Place, ...]
    actors: tuple[str, ...]


def load_places(path: Path = GAZETTEER) -> list[tuple[Place, list[str]]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t",
                              quoting=csv.QUOTE_NONE, escapechar="\\")
        for r in rows:
            place = Place(r["id"], r["name"], r["kind"], r["country"], r["admin1"] or None, float(r["lat"]),
                          float(r["lon"]), int(r["population"] or 0), r["common"] == "1")
            out.append((place, r["names"].split("|")))
    return out


def _case_sensitive(alias: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", alias)
    return len(letters) <= 5 and sum(c.isupper() for c in letters) >= 2


class Lexicon:
    def __init__(self) -> None:
        table: dict[str, list[Entry]] = {}
        for place, names in load_places():
            for name in names:
                for key in name_variants(name):
                    table.setdefault(key, []).append(Entry("place", place, None))
        for actor, aliases in ACTORS.items():
            for alias in aliases:
                exact = re.sub(r"\W", "", alias) if _case_sensitive(alias) else None
                for key in name_variants(alias):
                    table.setdefault(key, []).append(Entry("actor", actor, exact))
        self.automaton = ahocorasick.Automaton()
        for key, entries in table.items():
            # one entry per distinct place/actor under a key
            unique = list({(e.kind, e.ref if isinstance(e.ref, str) else e.ref.id, e.exact): e
                           for e in entries}.values())
            # keyed with a leading space and searched in " " + folded text: a key can only match at the start of a
            # word, which skips the many mid-word hits ("sis" in "analysis") before they reach Python
            plain = all(e.exact is None and not (isinstance(e.ref, Place) and e.ref.common) for e in unique)
            fast = (tuple(e.ref for e in unique if isinstance(e.ref, Place)),
                    tuple(dict.fromkeys(e.ref for e in unique if isinstance(e.ref, str)))) if plain else None
            capital = all(e.exact is not None or (isinstance(e.ref, Place) and e.ref.common) for e in unique)
            self.automaton.add_word(" " + key, (len(key), tuple(unique), fast, capital))
        self.automaton.make_automaton()

    def find(self, text: str, folded: str | None = None) -> list[Mention]:
        """Leftmost-longest dictionary mentions in `text`, each with its candidate places and actors."""
        folded = fold(text) if folded is None else folded
        n = len(folded)
        out: list[Mention] = []
        # iter_long: leftmost-longest, non-overlapping ("Damascus International Airport" over "Damascus"); keys
        # start with a space, so each match starts a word and only its end needs a boundary check
        for end, (length, entries, fast, capital) in self.automaton.iter_long(" " + folded):
            # `end` is the last character's index in the padded text, i.e. the exclusive end in `folded`
            if end < n and folded[end].isalnum():
                continue
            start = end - length
            if capital and not text[start].isupper():
                continue  # every entry under this key needs a capital ("IS", "US", "Hit"): "is" is just a word
            if fast is not None:  # no case rule applies under this key: the answer is precomputed
                out.append(Mention(start, end, fast[0], fast[1]))
                continue
            surface = text[start:end]
            places: list[Place] = []
            actors: list[str] = []
            for e in entries:
                if e.exact is not None and (not surface[:1].isupper() or (
                        surface if surface.isalnum() else _WORD_CHARS.sub("", surface)) != e.exact
                                            or _in_capitals(text, start, end)):
                    continue
                if e.kind == "place":
                    assert isinstance(e.ref, Place)
                    if e.ref.common and not any(c.isupper() for c in surface):
                        continue
                    places.append(e.ref)
                else:
                    assert isinstance(e.ref, str)
                    actors.append(e.ref)
            if places or actors:
                out.append(Mention(start, end, tuple(places), tuple(dict.fromkeys(actors))))
        return out


_WORD_CHARS = re.compile(r"\W")


def _in_capitals(text: str, start: int, end: int) -> bool:
    """An acronym inside an all-capitals heading ("ABU KAMAL IS THE NEW ...") is just a capitalised word."""
    if text[end:end + 1] == " " and text[end + 1:end + 2].islower():
        return False  # the next word is lower-case: not a heading (the common case, decided without splitting)
    before = text[max(0, start - 12):start].split()
    after = text[end:end + 12].split()
    neighbours = [w for w in (before[-1:] + after[:1]) if any(c.isalpha() for c in w)]
    return bool(neighbours) and all(w.isupper() and len(w) > 1 for w in neighbours)


@cache
def lexicon() -> Lexicon:
    """The process-wide lexicon (built once: a second or two)."""
    return Lexicon()


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))

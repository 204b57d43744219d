"""The worldwide gazetteer at run time: places decoded on demand, one Aho-Corasick automaton over every spelling.

data/gazetteer.tsv.gz (built by `build_gazetteer`) holds ~290k places and ~880k normalised spellings. Loading keeps
the place rows as raw lines (a Place is decoded the first time a document names it) and the spellings' readings as
raw "i,j,k" strings: that is what keeps the load within ~2 s and the memory within budget.
"""

from __future__ import annotations

import gzip
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick

from sitrep.extraction.textnorm import fold, norm_key

DATA = Path(__file__).with_name("data")
GAZETTEER = DATA / "gazetteer.tsv.gz"

# key flags, as build_gazetteer writes them
COMMON, LOWER_OK, DEMONYM, EXACT, ALT = 1, 2, 4, 8, 16
# geo_precision of a place by kind (ACLED: 1 the place itself, 2 a district, 3 a province, region or country)
PRECISION = {"admin2": 2, "admin1": 3, "country": 3, "region": 3, "border": 3}


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    kind: str  # town | admin1 | admin2 | country | region | base | airport | crossing | camp | site | border | ...
    country: str | None
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    population: int
    geo_precision: int
    iso2: str = ""  # the country's ISO code ("SY"), "" when unknown

    @property
    def supplement(self) -> bool:
        return self.id.startswith("S")


def _automaton(keys: bytes, values: array[int], pieces: int = 8) -> ahocorasick.Automaton:
    """The automaton over every spelling, filled a slice of lines at a time (fewer live strings at once)."""
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    add = automaton.add_word
    i = pos = 0
    for piece in range(1, pieces + 1):
        cut = len(keys) if piece == pieces else keys.find(b"\n", len(keys) * piece // pieces)
        if cut < 0:
            cut = len(keys)
        for key in keys[pos:cut].decode("utf-8").split("\n"):
            if key:
                add(key, values[i])
                i += 1
        pos = cut + 1
        if pos >= len(keys):
            break
    automaton.make_automaton()
    return automaton


def decode(value: int) -> tuple[int, int, int, bool]:
    """(flags, key length, payload, multi) of an automaton value (build_gazetteer.encode)."""
    value &= 0xFFFFFFFF  # stored as a signed 32-bit int
    return (value >> 6) & 31, value & 63, value >> 12, bool(value >> 11 & 1)


class Gazetteer:
    def __init__(self, path: Path = GAZETTEER) -> None:
        data = gzip.decompress(path.read_bytes())
        # sections are cut from the bytes and decoded one by one: the spellings are ASCII and stay one byte a
        # character, and no copy of the whole file lives longer than this constructor (peak memory)
        start = data.index(b"\n", data.index(b"#places\t")) + 1
        keys_at = data.index(b"#keys\t", start)
        self._rows = data[start : keys_at - 1].decode("utf-8").split("\n")
        keys_start = data.index(b"\n", keys_at) + 1
        values_at = data.index(b"#values\n", keys_start)
        multi_at = data.index(b"#multi\n", values_at)
        values = array("i")
        values.frombytes(bytes.fromhex(data[values_at + 8 : multi_at - 1].decode("ascii")))
        self._multi = array("I")
        self._multi.frombytes(bytes.fromhex(data[multi_at + 7 :].strip().decode("ascii")))
        keys = data[keys_start : values_at - 1]
        del data
        self.automaton = _automaton(keys, values)
        self._places: dict[int, Place] = {}
        self.countries = self._country_table()

    def _country_table(self) -> dict[str, str]:
        """iso2 -> display name, from the country rows (and their representative points)."""
        out = {}
        self.country_points: dict[str, tuple[float, float]] = {}
        for line in self._rows:
            if line.startswith("C-"):
                cols = line.split("\t")
                out[cols[3]] = cols[1]
                if cols[6]:
                    self.country_points[cols[3]] = (float(cols[6]), float(cols[7]))
        return out

    def readings(self, payload: int, multi: bool) -> tuple[int, ...]:
        """Indexes of the places a spelling may name, best static prior first."""
        if not multi:
            return (payload,)
        return tuple(self._multi[payload + 1 : payload + 1 + self._multi[payload]])

    def place(self, index: int) -> Place:
        got = self._places.get(index)
        if got is None:
            got = self._places[index] = self._decode(self._rows[index])
        return got

    def _decode(self, line: str) -> Place:
        pid, name, kind, cc, admin1, admin2, lat, lon, pop = line.split("\t")
        country = self.countries.get(cc) if cc else None
        if kind == "country":  # ANNOTATION: only the country -> lat/lon null
            return Place(pid, name, kind, name, None, None, None, None, 0, 3, cc)
        no_coords = not lat
        return Place(
            pid,
            name,
            kind,
            country,
            admin1 or None,
            admin2 or None,
            None if no_coords else float(lat),
            None if no_coords else float(lon),
            int(pop or 0),
            PRECISION.get(kind, 1),
            cc,
        )

    def matches(self, folded: str) -> Iterator[tuple[int, int, int]]:
        """Leftmost-longest spelling hits on word boundaries: (start, end, automaton value)."""
        n = len(folded)
        for end, value in self.automaton.iter_long(" " + folded):
            # `end` is the last character's index in the padded text, i.e. the exclusive end in `folded`
            if end < n and folded[end].isalnum():
                continue
            yield end - (value & 63), end, value

    def names(self) -> list[str]:
        """Every place's display name (the spaCy baseline's phrase list)."""
        return sorted({row.split("\t", 2)[1] for row in self._rows})

    def lookup(self, name: str) -> list[Place]:
        """The places a name (any spelling) may be, best static prior first."""
        value = self.automaton.get(" " + norm_key(name), None)
        if value is None:
            return []
        _, _, payload, multi = decode(value)
        return [self.place(i) for i in self.readings(payload, multi)]


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (loaded once)."""
    return Gazetteer()


__all__ = ["ALT", "COMMON", "DEMONYM", "EXACT", "LOWER_OK", "Gazetteer", "Place", "fold", "gazetteer"]

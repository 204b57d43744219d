"""Place mentions of a whole document, resolved against the worldwide gazetteer with the document as context.

A gazetteer of every country matches thousands of words that are no place in the text at hand ("Of", "Said",
"Police", "Ali"). A hit becomes a mention only with enough evidence, and its reading is chosen by document context:
1. spelling: written with a capital (an acronym exactly), except countries, provinces and big places;
2. names that are English words or given names need more: not at the start of a sentence, and a locative cue
   ("in", "near", "the village of") or the document's country;
3. a capitalised name glued to other capitalised words ("Hassan Nasrallah", "Aleppo University") is another name;
4. readings in the countries the document names (countries, demonyms, provinces, unambiguous towns) beat readings
   elsewhere; then a province of the document, kind and population. A small place outside the document's countries
   is not accepted at all: it is almost always a homonym.
Directional phrases ("southern Lebanon", "northern Mali", "north-west Syria") become regions (lat/lon None when the
part is of a country; the province's centroid when of a province).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass

from sitrep.extraction.actor_names import ActorMention, find_actor_mentions
from sitrep.extraction.gazetteer import ALT, COMMON, DEMONYM, EXACT, LOWER_OK, Gazetteer, Place, gazetteer
from sitrep.extraction.textnorm import fold

BIG = 100_000  # people: needs no document context
SMALL = 20_000  # people: below this, a place outside the document's countries is not taken


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    surface: str  # the raw string as written: text[start:end]
    place: Place
    alternatives: tuple[Place, ...]
    direction: str | None = None  # "northern", "south-eastern", ...: the mention is a part of `place`'s area


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    flags: int
    readings: tuple[int, ...]
    cue: bool | None = None  # a locative cue before it ("in", "near", "the town of"); computed when needed
    initial: bool | None = None  # first word of a sentence (a capital that proves nothing); likewise
    own: tuple[str, int] | bool | None = False  # its own _contribution, once computed (False: not yet)


class _Doc:
    """The text a hit's lazily computed evidence is read from."""

    __slots__ = ("demonym_weight", "folded", "text")

    def __init__(self, text: str, folded: str, demonym_weight: int = 0) -> None:
        self.text, self.folded = text, folded
        self.demonym_weight = demonym_weight  # context from nationality words only ("Turkish jets")

    def cue(self, h: _Hit) -> bool:
        if h.cue is None:
            h.cue = bool(_CUE.search(self.folded, max(0, h.start - 40), h.start))
        return h.cue

    def initial(self, h: _Hit) -> bool:
        if h.initial is None:
            h.initial = bool(_SENTENCE_START.search(self.text, max(0, h.start - 6), h.start))
        return h.initial


_CUE = re.compile(
    r"(?:\b(?:in|at|near|outside|around|from|to|into|toward|towards|across|inside|within|between|"
    r"and|or|of|on|via|through|throughout|along|across|beyond|reached|entered|captured|seized|struck|hit|shelled|bombed|attacked|"
    r"besieged|stormed|overran|targeted|raided|village|town|city|district|province|state|region|"
    r"county|area|camp|outskirts|suburb|neighbourhood|neighborhood|localities|locality))\s+"
    r"(?:the\s+)?(?:(?:north|south|east|west|central|northern|southern|eastern|western)\w*\s+)?$"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“(\[]|\s[-–—])\s*$")
_DIRECTION = re.compile(
    r"\b(north|south|east|west|central|north\s?east|north\s?west|south\s?east|south\s?west|"
    r"northern|southern|eastern|western|north\s?eastern|north\s?western|south\s?eastern|"
    r"south\s?western|upper|lower)\s+$"
)
_DIRECTION_FORM = {
    "north": "northern",
    "south": "southern",
    "east": "eastern",
    "west": "western",
    "central": "central",
    "upper": "upper",
    "lower": "lower",
}
# Capitalised words that may stand next to a place name without making it part of another name
_PLACE_WORDS = frozenset(
    [
        "governorate",
        "province",
        "state",
        "region",
        "district",
        "county",
        "city",
        "town",
        "village",
        "camp",
        "base",
        "airport",
        "air",
        "port",
        "crossing",
        "border",
        "heights",
        "valley",
        "river",
        "desert",
        "mountains",
        "mountain",
        "hills",
        "countryside",
        "area",
        "strip",
        "bank",
        "coast",
        "lake",
        "island",
        "islands",
        "international",
        "university",
        "hospital",
        "municipality",
        "oblast",
        "division",
        "department",
        "prefecture",
        "street",
        "road",
        "square",
        "market",
        "bridge",
        "dam",
        "gate",
        "highway",
        "junction",
        "mosque",
        "church",
        "checkpoint",
        "prison",
        "refugee",
    ]
)
_FUNCTION = frozenset(
    [
        "in",
        "at",
        "near",
        "on",
        "from",
        "to",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "for",
        "by",
        "with",
        "into",
        "over",
        "as",
        "while",
        "after",
        "before",
        "since",
        "outside",
        "around",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "update",
        "report",
        "breaking",
        "live",
    ]
)
_TITLES = re.compile(
    r"\b(?:mr|mrs|ms|dr|gen|general|col|colonel|lt|maj|major|capt|captain|sgt|president|minister|"
    r"prime|king|prince|sheikh|shaikh|imam|emir|commander|spokesman|spokeswoman|leader|chief|"
    r"judge|senator|governor|mayor|sultan|pope|saint|st|father|brother|sister|abu|umm|bin|ibn|"
    r"son|daughter|named|called)\s+$"
)


def find_place_mentions(
    text: str, folded: str | None = None, actors: list[ActorMention] | None = None
) -> list[PlaceMention]:
    """Every place mention of a WHOLE document, in text order, non-overlapping, resolved with document context.
    `actors`: the document's actor mentions when already found (a place inside a group's name is no place)."""
    folded = fold(text) if folded is None else folded
    g = gazetteer()
    hits, demonyms = _hits(g, text, folded)
    names = _named_spans(find_actor_mentions(text, folded) if actors is None else actors)
    hits = [h for h in hits if not _glued(text, h.start, h.end) and not _inside(names, h)]
    doc = _Doc(text, folded, sum(demonyms.values()))
    context = _context(g, doc, hits, demonyms)
    admin1s = _admin1_names(g, hits)
    out = []
    for h in hits:
        ranked = _rank(g, doc, h, context, admin1s)
        if ranked is None:
            continue
        mention = PlaceMention(h.start, h.end, text[h.start : h.end], ranked[0], tuple(ranked[1:]))
        out.append(_directional(g, text, folded, mention, h))
    return out


def document_countries(mentions: list[PlaceMention]) -> list[tuple[str, int]]:
    """Countries of the document's resolved places, most mentioned first."""
    counts = Counter(m.place.country for m in mentions if m.place.country)
    return counts.most_common()


def _hits(g: Gazetteer, text: str, folded: str) -> tuple[list[_Hit], Counter[str]]:
    """Spelling hits that pass the case rules; demonyms only count toward the document's countries."""
    hits: list[_Hit] = []
    demonyms: Counter[str] = Counter()
    n = len(folded)
    # the automaton loop inlined (no generator): ~100 raw hits a document, most rejected by their case at once
    for end, value in g.automaton.iter_long(" " + folded):
        if end < n and folded[end].isalnum():
            continue
        value &= 0xFFFFFFFF
        start = end - (value & 63)
        flags = (value >> 6) & 31
        upper = text[start].isupper()
        lower_case = not upper and not _capital_after_article(text, start, end)
        if lower_case and (not flags & LOWER_OK or flags & COMMON):
            continue
        hit = _hit(g, text, start, end, flags, value, lower_case)
        if hit is None:
            continue
        if flags & DEMONYM:
            demonyms[g.place(hit.readings[0]).iso2] += 1
        else:
            hits.append(hit)
    return hits, demonyms


_LOWER: dict[int, tuple[int, ...]] = {}


def _lower_case_readings(g: Gazetteer, value: int) -> tuple[int, ...]:
    got = _LOWER.get(value)
    if got is None:
        readings = g.readings(value >> 12, bool(value >> 11 & 1))
        got = _LOWER[value] = tuple(i for i in readings if _notable(g.place(i)))
    return got


def _hit(g: Gazetteer, text: str, start: int, end: int, flags: int, value: int, lower_case: bool) -> _Hit | None:
    surface = text[start:end]
    if flags & EXACT and not surface.replace(".", "").replace(" ", "").isupper():
        return None
    if surface.isupper() and len(surface) <= 5 and not flags & EXACT and not _in_capitals(text, start, end):
        return None  # an acronym ("SAA", "IMO") that is no place's acronym
    if lower_case:  # written in lower case: only the readings well known enough to be written so
        readings = _lower_case_readings(g, value)
        if not readings:
            return None
    else:
        readings = g.readings(value >> 12, bool(value >> 11 & 1))
    return _Hit(start, end, flags, readings)


_ARTICLE = re.compile(r"(?:al|el|ad|ed|as|es|ash|esh|at|et|az|ez|ar|er|an|en|adh|ath)[-‑ ’']", re.IGNORECASE)


def _in_capitals(text: str, start: int, end: int) -> bool:
    """Inside an all-capitals heading or dateline ("KHARTOUM, Sudan", "GAZA CITY"): capitals prove nothing."""
    line_start = text.rfind("\n", 0, start) + 1
    line = text[line_start : text.find("\n", end) if text.find("\n", end) >= 0 else len(text)]
    words = [w for w in line.split() if any(c.isalpha() for c in w)]
    return (len(words) > 1 and sum(w.isupper() for w in words) >= 0.6 * len(words)) or (
        start == line_start and text[end : end + 1] in (",", " ") and text[start:end].isupper()
    )


def _capital_after_article(text: str, start: int, end: int) -> bool:
    """ "al-Tanf", "el-Fasher": the name is capitalised after its lower-case article."""
    if text[start] not in "aAeE":
        return False  # every article starts so: most lower-case hits are decided here
    m = _ARTICLE.match(text, start, end)
    return m is not None and m.end() < end and text[m.end()].isupper()


def _named_spans(actors: list[ActorMention]) -> list[tuple[int, int, bool]]:
    """(start, end, whole): spans of actor names; `whole` when the name itself is no place ("Hamas", "Hezbollah";
    a country's name standing for its forces, "Israel", stays a place too)."""
    return [(a.start, a.end, a.kind not in ("state", "police")) for a in actors]


def _inside(spans: list[tuple[int, int, bool]], h: _Hit) -> bool:
    i = bisect.bisect_right(spans, (h.start, 1 << 62, True)) - 1
    while i >= 0 and spans[i][1] > h.start:
        start, end, whole = spans[i]
        if start <= h.start and h.end <= end and (end - start > h.end - h.start or whole):
            return True
        i -= 1
    return False


def _notable(p: Place) -> bool:
    return p.kind in ("country", "admin1") or p.supplement or (p.population >= BIG and p.kind == "town")


_PREV_WORD = re.compile(r"([A-Z][\w'’-]*) $")
_NEXT_WORD = re.compile(r" ([A-Z][\w'’-]*)")
_NOT_NAME = _FUNCTION | _PLACE_WORDS


def _glued(text: str, start: int, end: int) -> bool:
    """A capitalised name glued to other capitalised words that are no place words is part of another name
    ("Hassan Nasrallah", "Aleppo University" is kept as a place word; "President Hassan" is a person)."""
    if not text[start].isupper() and not _capital_after_article(text, start, end):
        return False
    if (
        start > 1
        and text[start - 1] == " "
        and text[start - 2].isalpha()
        and _TITLES.search(text[max(0, start - 14) : start].lower())
    ):
        return True
    after_cap = text[end : end + 1] == " " and text[end + 1 : end + 2].isupper()
    word_start = text.rfind(" ", max(0, start - 30), start - 1) + 1
    before_cap = start > 1 and text[start - 1] == " " and text[word_start : word_start + 1].isupper()
    if not (after_cap or before_cap):
        return False  # no capitalised word touches it: the common case, decided without a regex
    before = text[max(0, start - 30) : start]
    after = text[end : end + 30]
    prev = _PREV_WORD.search(before)
    nxt = _NEXT_WORD.match(after)
    glued_before = (
        prev is not None
        and prev.group(1).lower() not in _NOT_NAME
        and not prev.group(1).endswith(("'s", "’s"))
        and not prev.group(1).isupper()
    )
    glued_after = nxt is not None and nxt.group(1).lower() not in _NOT_NAME and not nxt.group(1).isupper()
    if not (glued_before or glued_after):
        return False
    return not _title_case_line(text, start)


def _title_case_line(text: str, pos: int) -> bool:
    """A headline in Title Case capitalises every word: gluing proves nothing there."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    got = _TITLE_CACHE.get(line)
    if got is None:
        if len(_TITLE_CACHE) > 4096:
            _TITLE_CACHE.clear()
        got = _TITLE_CACHE[line] = _title_case(line, 0)
    return got


_TITLE_CACHE: dict[str, bool] = {}
_WORDS = re.compile(r"[A-Za-z][\w'’-]*")


def _title_case(line: str, _: int) -> bool:
    words = _WORDS.findall(line)
    content = [w for w in words if w.lower() not in _FUNCTION or w[0].isupper()]
    return len(content) >= 3 and sum(w[0].isupper() for w in content) >= 0.8 * len(content) and len(words) < 20


def _context(g: Gazetteer, doc: _Doc, hits: list[_Hit], demonyms: Counter[str]) -> Counter[str]:
    """How strongly the document is about each country (ISO code): countries and provinces it names, its
    demonyms, and its towns that can only be in one country."""
    ctx: Counter[str] = Counter()
    for iso, n in demonyms.items():
        ctx[iso] += n
    for h in hits:
        got = _contribution(g, doc, h)
        if got is not None:
            ctx[got[0]] += got[1]
    return ctx


def _contribution(g: Gazetteer, doc: _Doc, h: _Hit) -> tuple[str, int] | None:
    """What one hit says of the document's country, if anything (a hit never supports itself: see _accepted)."""
    if h.own is False:
        h.own = _contribution_of(g, doc, h)
    return h.own if isinstance(h.own, tuple) else None


def _contribution_of(g: Gazetteer, doc: _Doc, h: _Hit) -> tuple[str, int] | None:
    places = [g.place(i) for i in h.readings[:8]]
    first = places[0]
    if not first.iso2:
        return None  # "the Sahel", "the Red Sea": no one country
    if first.kind == "country":
        return None if h.flags & COMMON and doc.initial(h) else (first.iso2, 2)
    if h.flags & (COMMON | ALT):
        return None
    if len({p.iso2 for p in places}) > 1:  # "Gaza", "Rafah": the best known reading speaks, a little
        return (first.iso2, 1) if _notable(first) else None
    if first.kind == "admin1" or first.supplement or first.population >= 5000:
        return first.iso2, 2 if first.kind == "admin1" else 1
    return None


def _admin1_names(g: Gazetteer, hits: list[_Hit]) -> set[tuple[str, str]]:
    """(country, province) pairs the document names: a town in a province the text names is that town."""
    out = set()
    for h in hits:
        for i in h.readings[:8]:
            p = g.place(i)
            if p.kind == "admin1" and p.admin1:
                out.add((p.iso2, p.admin1))
    return out


def _score(p: Place, context: Counter[str], total: int, admin1s: set[tuple[str, str]]) -> float:
    share = context.get(p.iso2, 0) / total if total else 0.0
    # a country's name is the country ("Iraq" is also an alternate name of Arak); a province ranks by its people,
    # behind a town of the same name unless it is much bigger
    kind = {"country": 10.0, "admin1": -1.0, "admin2": -1.5}.get(p.kind, 0.0) + (2.0 if p.supplement else 0.0)
    return (
        4.0 * share
        + (1.5 if share else 0.0)
        + 0.5 * math.log10(p.population + 1)
        + kind
        + (1.5 if (p.iso2, p.admin1 or "") in admin1s and p.kind != "admin1" else 0.0)
    )


def _rank(g: Gazetteer, doc: _Doc, h: _Hit, context: Counter[str], admin1s: set[tuple[str, str]]) -> list[Place] | None:
    """The readings of a hit best first, or None when the evidence does not make it a place."""
    total = sum(context.values())
    places = [g.place(i) for i in h.readings[:24]]
    ranked = places if len(places) == 1 else sorted(places, key=lambda p: -_score(p, context, total, admin1s))
    return ranked if _accepted(g, doc, ranked[0], h, context, total, admin1s) else None


def _accepted(
    g: Gazetteer, doc: _Doc, best: Place, h: _Hit, context: Counter[str], total: int, admin1s: set[tuple[str, str]]
) -> bool:
    """Enough evidence that the hit names `best`: the better known the place, the less is needed."""
    own = _contribution(g, doc, h)
    own_weight = own[1] if own and own[0] == best.iso2 else 0
    in_context = context.get(best.iso2, 0) - own_weight > 0
    total -= own_weight  # the context the rest of the document gives
    common = bool(h.flags & COMMON)
    if best.kind in ("country", "admin1") or best.supplement:
        # "Chad", "Jordan", "Georgia": a sentence-initial capital alone proves nothing
        return not (common and doc.initial(h) and not (doc.cue(h) or in_context))
    if best.kind == "town" and best.population >= BIG:
        if h.flags & ALT and not in_context:
            return doc.cue(h)  # "Kuki": an alternate name of a city abroad, in a text about elsewhere
        return not common or (not doc.initial(h) and (doc.cue(h) or in_context))
    if total > doc.demonym_weight and not in_context:
        # a place in a country the document never names is mostly a homonym; a town of some size, named by its
        # own name after a locative cue, may still be across a border ("evacuated from Arsal to Idlib")
        # (nationality words alone do not count: "Turkish jets struck Sinjar" is in Iraq)
        needed = BIG // 2 if h.flags & ALT else SMALL  # an alternate spelling only for a town of some size
        return not h.flags & COMMON and best.population >= needed and doc.cue(h)
    supported = (best.iso2, best.admin1 or "") in admin1s
    if common:  # "Green", "Airport": a cue, the document's country and its province named
        return not doc.initial(h) and doc.cue(h) and in_context and (supported or best.population >= SMALL)
    if h.flags & ALT or best.population < SMALL:
        return doc.cue(h) or supported
    return True


def _directional(g: Gazetteer, text: str, folded: str, m: PlaceMention, h: _Hit) -> PlaceMention:
    """ "southern Lebanon", "north-west Syria", "eastern Aleppo": a part of the place, as a region."""
    found = _DIRECTION.search(folded, max(0, m.start - 16), m.start)
    if found is None:
        return m
    word = re.sub(r"\s", "", found.group(1))
    base = word[:-2] if word.endswith("ern") and word[:-2] in _DIRECTION_FORM else word
    direction = _DIRECTION_FORM.get(base, base if base.endswith("ern") else base + "ern")
    place = m.place
    admin = next(
        (p for p in (m.place, *m.alternatives) if p.kind == "admin1" and p.iso2 == place.iso2 and place.kind == "town"),
        None,
    )
    if admin is not None and place.population < 500_000:
        place = admin  # "southern Idlib": the province's south, not the town's
    name = f"{direction} {place.name}"
    if place.kind == "country":
        region = Place(
            f"R-{place.id}-{direction}", name, "region", place.country, None, None, None, None, 0, 3, place.iso2
        )
    else:
        precision = 3 if place.kind in ("admin1", "region") else 2
        region = Place(
            f"R-{place.id}-{direction}",
            name,
            "region",
            place.country,
            place.admin1,
            place.admin2,
            place.lat,
            place.lon,
            0,
            precision,
            place.iso2,
        )
    return PlaceMention(
        found.start(), m.end, text[found.start() : m.end], region, (m.place, *m.alternatives), direction
    )

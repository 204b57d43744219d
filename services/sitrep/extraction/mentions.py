"""Mentions pass: what a document names, sentence by sentence (places, actors, dates), independent of any trigger.

A `Document` holds the whole text's dictionary matches and trigger cues found once; its `Sentence`s are built on
first use (only sentences with a trigger cue, and the few before them that may carry a date, are ever looked at),
and each sentence computes its place, actor and date mentions once, on first use.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sitrep.extraction.anchors import Anchors
from sitrep.extraction.dates import DateMention, find_dates
from sitrep.extraction.frame import DocFrame, is_caps_header, is_list_item
from sitrep.extraction.lexicon import KIND_RANK as _LEXICON_RANK
from sitrep.extraction.lexicon import Mention, Place, lexicon
from sitrep.extraction.sentences import split_sentences
from sitrep.extraction.textnorm import fold
from sitrep.extraction.triggers import cue_starts

NEAR = re.compile(
    r"(?:near|outside|around|close to|nearby|vicinity of|outskirts of|countryside of|"
    r"(?:north|south|east|"
    r"west|northeast|northwest|southeast|southwest|north east|south east|north west|south west)(?:ern)?"
    r" of|km (?:from|of)|miles (?:from|of)|between)\s+(?:the\s+)?(?:town of\s+|city of\s+)?$"
)
_AT = re.compile(
    r"(?:reached|entered|captured|recaptured|seized|retook|liberated|siege of|struck|bombed|hit|"
    r"targeted|raided|in|at|on|near|into|to|over|around|outside|of|towards?|across|inside|within|from|between|and)\s+"
    r"(?:the\s+)?(?:town of\s+|city of\s+|village of\s+|area of\s+)?$"
)  # a possessive before the place ("in Syria's Idlib") is not read as locative: "between Syria's Homs and ..."
# would then outrank the place the clause is about (seeds 0.912 -> 0.877 with it, no gain on dev)
_AREA_AFTER = re.compile(r"^\s+(?:area|countryside|region|outskirts|environs|vicinity|desert)\b")
# A place in an attribution phrase is where the speaker is, not where the event happened
_ATTRIBUTION = re.compile(
    r"\b(?:sources?|officials?|spokes(?:man|woman|person)|correspondents?|journalists?|"
    r"reporters?|activists?|residents?|observers?|analysts?|based|headquartered|stationed|reported|reporting|"
    r"reports|speaking|wrote|posted|told \w+)\s+(?:\w+\s+){0,1}(?:in|from|at)\s+(?:the\s+)?$"
)
# An actor in a "backed by ..." phrase supports the one who acts; it is neither actor1 nor the target
_SUPPORT = re.compile(
    r"\b(?:backed|supported|assisted|aided|helped|covered|accompanied)\s+by\b|"
    r"\bwith\s+(?:the\s+)?(?:\w+\s+)?(?:support|help|backing|cover)\s+(?:of|from)\b|\balongside\b"
)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$")
# "Ankara blamed", "Damascus said": a capital standing for its government is no event place
_METONYM = re.compile(
    r"^\s+(?:has\s+|had\s+|have\s+|also\s+|later\s+|on\s+\w+\s+)?(?:said|says|blamed|blames|warned|"
    r"warns|vowed|vows|accused|accuses|announced|denied|denies|condemned|condemns|insisted|claimed|"
    r"threatened|wants|hopes|rejected|demanded|responded|urged|called|will|would|sees|believes)\b"
)
_IN_BEFORE = re.compile(r"\b(?:in|at|inside|into|across|within|throughout)\s+(?:the\s+)?$")
_FUNCTION = {"in", "at", "near", "on", "from", "to", "the", "outside", "around", "north", "south", "east", "west",
             "and", "of", "for", "by", "with", "into", "over", "as", "while", "after", "before", "since", "a", "an",
             "update", "situation", "report", "—", "-", "–"}  # fmt: skip
_PLACE_WORDS = {"governorate", "province", "air", "airport", "base", "crossing", "heights", "valley", "river",
                "desert", "mountains", "city", "countryside", "area", "region", "district", "border", "syria", "iraq",
                "lebanon", "jordan", "israel", "international"}  # fmt: skip


# camps and neighbourhoods are as precise as a site; a town outranks a region, a region a country
KIND_RANK = {**_LEXICON_RANK, "camp": 4, "neighbourhood": 4}


class PlaceMention(NamedTuple):
    """A usable place mention of a sentence, with what does not depend on the trigger."""

    start: int
    place: Place
    score: float  # kind rank, +2 when introduced as the location ("in X", "struck X")
    precision: int
    after_from: bool  # "from X": the origin of a movement


class ActorMention(NamedTuple):
    start: int
    end: int
    actor: str


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    para: int
    text: str
    folded: str
    published: date
    ref: date  # the date relative phrases resolve against
    cues: list[tuple[int, tuple[int, ...]]]  # (offset in the sentence, trigger indexes) of its trigger cues
    doc_mentions: list[Mention]
    lo: int  # doc_mentions[lo:hi] lie inside the sentence
    hi: int
    countries: dict[str, int]  # the document's country counts: disambiguates same-named places
    _mentions: list[Mention] | None = None
    _dates: list[DateMention] | None = None
    _places: list[PlaceMention] | None = None
    _actors: list[ActorMention] | None = None

    @property
    def mentions(self) -> list[Mention]:
        """Dictionary mentions with sentence offsets, made on first use: most sentences hold no trigger."""
        if self._mentions is None:
            self._mentions = [
                Mention(m.start - self.start, m.end - self.start, m.places, m.actors)
                for m in self.doc_mentions[self.lo : self.hi]
            ]
        return self._mentions

    @property
    def dates(self) -> list[DateMention]:
        """Date phrases, found on first use: most sentences never need them."""
        if self._dates is None:
            self._dates = find_dates(self.text, self.published, self.ref, self.folded.split())
        return self._dates

    @property
    def places(self) -> list[PlaceMention]:
        if self._places is None:
            self._places = place_mentions(self)
        return self._places

    @property
    def actors(self) -> list[ActorMention]:
        """Actor mentions outside "backed by" phrases."""
        if self._actors is None:
            self._actors = [
                ActorMention(m.start, m.end, m.actors[0])
                for m in self.mentions
                if m.actors and not _supporting(self.folded, m.start)
            ]
        return self._actors


def doc_countries(mentions: list[Mention]) -> dict[str, int]:
    """How often each country is named unambiguously (directly or through one of its places)."""
    counts: dict[str, int] = {}
    for m in mentions:
        if len({p.country for p in m.places}) == 1:
            c = m.places[0].country
            counts[c] = counts.get(c, 0) + 1
    return counts


class ListRole(NamedTuple):
    kind: str  # "header" (a sentence over a list) | "item" (a sentence of a list item)
    item: int  # for an item: the offset of its line, shared by the item's sentences


def _line_of(text: str, pos: int) -> tuple[int, str]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, text[start : len(text) if end < 0 else end]


def list_roles(text: str, spans: list[tuple[int, int, int]]) -> dict[int, ListRole]:
    """Sentences that are list items, and the header sentence over each run of items (one ending in ":", or an
    all-capitals header line)."""
    roles: dict[int, ListRole] = {}
    for i, (start, _, _) in enumerate(spans):
        line_start, line = _line_of(text, start)
        if is_list_item(line):
            roles[i] = ListRole("item", line_start)
    for i in sorted(roles):
        j = i - 1
        if j < 0 or j in roles:
            continue
        header = text[spans[j][0] : spans[j][1]].rstrip()
        if header.endswith(":") or is_caps_header(_line_of(text, spans[j][0])[1]):
            roles[j] = ListRole("header", -1)
    return roles


class Document:
    """A text's dictionary mentions and trigger cues, found once; its sentences built on first use."""

    def __init__(self, text: str, published: date, anchor: Anchors, frame: DocFrame) -> None:
        self.text, self.published, self.anchor, self.frame = text, published, anchor, frame
        self.folded = fold(text)
        # the dateline names where the reporter is: no place or actor there is part of any event
        self.mentions = [m for m in lexicon().find(text, self.folded) if not frame.in_dateline(m.start)]
        self.countries = doc_countries(self.mentions)
        self.cues = cue_starts(self.folded)
        self.spans = split_sentences(text)
        self.roles = list_roles(text, self.spans)
        self._starts = [start for start, _, _ in self.spans]
        self._mention_starts = [m.start for m in self.mentions]
        self._cue_offsets = [c for c, _ in self.cues]
        self._built: dict[int, Sentence] = {}
        self._place_counts: dict[str, int] | None = None

    @property
    def place_counts(self) -> dict[str, int]:
        """How often the document names each place id (any reading of an ambiguous name counts)."""
        if self._place_counts is None:
            counts: dict[str, int] = {}
            for m in self.mentions:
                for p in m.places:
                    counts[p.id] = counts.get(p.id, 0) + 1
            self._place_counts = counts
        return self._place_counts

    def cued(self) -> list[int]:
        """Indexes of the sentences holding a trigger cue, in order."""
        return sorted({bisect.bisect_right(self._starts, c) - 1 for c in self._cue_offsets} - {-1})

    def visited(self) -> list[int]:
        """The sentences that may state an event: those with a trigger cue, list items and their headers; never a
        caption or clutter line."""
        return [i for i in sorted(set(self.cued()) | set(self.roles)) if not self.frame.is_skipped(self.spans[i][0])]

    def sentence(self, i: int) -> Sentence:
        built = self._built.get(i)
        if built is None:
            start, end, para = self.spans[i]
            lo = bisect.bisect_left(self._mention_starts, start)
            hi = bisect.bisect_left(self._mention_starts, end)
            while hi > lo and self.mentions[hi - 1].end > end:
                hi -= 1
            c_lo, c_hi = bisect.bisect_left(self._cue_offsets, start), bisect.bisect_left(self._cue_offsets, end)
            cues = [(c - start, ix) for c, ix in self.cues[c_lo:c_hi]]
            built = self._built[i] = Sentence(
                start, end, para, self.text[start:end], self.folded[start:end], self.published,
                self.anchor.at(start), cues, self.mentions, lo, hi, self.countries,
            )  # fmt: skip
        return built


def _proper_noun_neighbour(text: str, start: int, end: int) -> bool:
    """A place-name match glued to other capitalised words is part of a person's name ("Mustafa Mughniyeh")."""
    before = re.findall(r"[\w’'\-]+", text[max(0, start - 25) : start])
    after = re.findall(r"[\w’'\-]+", text[end : end + 25])
    gap_before = text[max(0, start - 2) : start]
    gap_after = text[end : end + 2]
    possessive = bool(before) and before[-1].endswith(("'s", "’s"))  # "Syria's Idlib": a qualifier, not a name
    glued_before = (
        bool(before) and not possessive and gap_before[-1:] == " " and gap_before[:1].isalnum()
        and before[-1][:1].isupper() and before[-1].lower() not in _FUNCTION and not before[-1].isupper()
    )  # fmt: skip
    glued_after = (
        bool(after) and gap_after[:1] == " " and gap_after[1:].isalpha() and after[0][:1].isupper()
        and after[0].lower() not in _PLACE_WORDS and not after[0].isupper()
    )  # fmt: skip
    return glued_before or glued_after


def choose_place(cands: tuple[Place, ...], countries: dict[str, int]) -> Place:
    """The likeliest reading of an ambiguous name: in a country the document names, the most specific kind."""
    return max(
        cands,
        key=lambda p: (countries.get(p.country, 0) > 0, KIND_RANK.get(p.kind, 0), p.id.startswith("S"), p.population),
    )


def _not_a_place_here(s: Sentence, m: Mention, place: Place, before: str) -> bool:
    """Readings where the name is not where something happened: a speaker's location, a possessive country, a
    country acting, a capital speaking for its government."""
    if _ATTRIBUTION.search(before):
        return True
    if place.kind == "country" and s.text[m.end : m.end + 2] in ("'s", "’s"):
        return True  # "Iran's program", "Syria's Homs": the country qualifies something else
    if place.kind == "country" and m.actors and not _IN_BEFORE.search(before):
        return True  # "Russia and Turkey agreed": the country acts; it is a place only as "in Turkey"
    return bool(_METONYM.match(s.folded[m.end : m.end + 40]))  # "Ankara blamed"


def place_mentions(s: Sentence) -> list[PlaceMention]:
    """The sentence's usable place mentions."""
    out = []
    for m in s.mentions:
        if not m.places or _proper_noun_neighbour(s.text, m.start, m.end):
            continue
        place = choose_place(m.places, s.countries)
        before = s.folded[max(0, m.start - 32) : m.start]  # the longest cue phrase is shorter than this
        if _not_a_place_here(s, m, place, before):
            continue
        score = float(KIND_RANK.get(place.kind, 0)) + (2 if _AT.search(before) else 0)
        near = bool(NEAR.search(before)) or bool(_AREA_AFTER.match(s.text[m.end : m.end + 15]))
        precision = 3 if place.kind in ("region", "border", "country") else (2 if near else 1)
        out.append(PlaceMention(m.start, place, score, precision, bool(_FROM_BEFORE.search(before))))
    return out


def _supporting(folded: str, start: int) -> bool:
    """Whether the actor mentioned at `start` is inside a "backed by ..." phrase (same clause, just before it)."""
    window = folded[max(0, start - 40) : start]
    cut = window.rfind("  ")  # a clause break (folded comma) ends the phrase
    return bool(_SUPPORT.search(window[cut + 1 :] if cut >= 0 else window))

"""Document record -> candidate ACLED events, each traced to its sentence (evidence offsets into the RAW text).

Per sentence: find triggers; skip negated or hypothetical ones; take the date, place, actors and fatalities the
sentence states (or carries over from the previous sentence of the paragraph); keep only events with a concrete place
or a day-precise date. Then merge the document's own candidates so that each (type, date, place) appears once.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from sitrep.cleaning.segments import to_raw_span
from sitrep.extraction.actors import generic_actor
from sitrep.extraction.anchors import Anchors, anchors
from sitrep.extraction.casualties import find_fatalities
from sitrep.extraction.dates import DateMention, find_dates, parse_published
from sitrep.extraction.lexicon import KIND_RANK, Mention, Place, distance_km, lexicon
from sitrep.extraction.sentences import split_sentences
from sitrep.extraction.taxonomy import AIR_ACTORS, EVENT_TYPE, STATE_ACTORS
from sitrep.extraction.textnorm import fold
from sitrep.extraction.triggers import AIR_WORDS, IRREALIS, NEGATION, Trigger, clause_before, cue_starts, find_triggers

_NEAR = re.compile(r"(?:near|outside|around|close to|nearby|vicinity of|outskirts of|countryside of|"
                   r"(?:north|south|east|"
                   r"west|northeast|northwest|southeast|southwest|north east|south east|north west|south west)(?:ern)?"
                   r" of|km (?:from|of)|miles (?:from|of)|between)\s+(?:the\s+)?(?:town of\s+|city of\s+)?$")
_AT = re.compile(r"(?:reached|entered|captured|recaptured|seized|retook|liberated|siege of|struck|bombed|hit|"
                 r"targeted|raided|in|at|on|near|into|to|over|around|outside|of|towards?|across|inside|within|from|between|and)\s+"
                 r"(?:the\s+)?(?:town of\s+|city of\s+|village of\s+|area of\s+)?$")
_AREA_AFTER = re.compile(r"^\s+(?:area|countryside|region|outskirts|environs|vicinity|desert)\b")
# A place in an attribution phrase is where the speaker is, not where the event happened
_ATTRIBUTION = re.compile(r"\b(?:sources?|officials?|spokes(?:man|woman|person)|correspondents?|journalists?|"
                          r"reporters?|activists?|residents?|observers?|analysts?|based|headquartered|stationed|reported|reporting|"
                          r"reports|speaking|wrote|posted|told \w+)\s+(?:\w+\s+){0,1}(?:in|from|at)\s+(?:the\s+)?$")
# An actor in a "backed by ..." phrase supports the one who acts; it is neither actor1 nor the target
_SUPPORT = re.compile(r"\b(?:backed|supported|assisted|aided|helped|covered|accompanied)\s+by\b|"
                      r"\bwith\s+(?:the\s+)?(?:\w+\s+)?(?:support|help|backing|cover)\s+(?:of|from)\b|\balongside\b")
# "X died in a US airstrike": X (before) is the target, the actor next to the trigger noun acted
_VICTIM_VERB = re.compile(r"\b(?:died|killed|wounded|injured|hurt|perished)\s+(?:in|by|during)\b")
_EVACUATION = re.compile(r"^evacuat")
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$")
_CLAUSE_END = re.compile(r"[,;:()]|\s(?:that|which|who|while|whereas|but)\s")
_COORDINATED = re.compile(r"\band\s+(?:then\s+|also\s+)?$")
_OF_AFTER = re.compile(r"\s+of\s")
_AFTER_EARLIER = re.compile(r"\b(?:comes?|came|follows|followed|coming)\s+after\s+(?:\w+\s+){0,3}$")
# "Ankara blamed", "Damascus said": a capital standing for its government is no event place
_METONYM = re.compile(r"^\s+(?:has\s+|had\s+|have\s+|also\s+|later\s+|on\s+\w+\s+)?(?:said|says|blamed|blames|warned|"
                      r"warns|vowed|vows|accused|accuses|announced|denied|denies|condemned|condemns|insisted|claimed|"
                      r"threatened|wants|hopes|rejected|demanded|responded|urged|called|will|would|sees|believes)\b")
# "... struck the town, killing 10 civilians": the victims named after the clause are the target
_VICTIMS_BEFORE = re.compile(r"\b(?:killing|killed|wounding|wounded|injuring|injured|targeting|targeted|hitting)\s+"
                             r"(?:[\w']+\s+){0,5}$")
# "after weeks of heavy bombardment": background to the reported event, not an event of its own
_DURATIVE = re.compile(r"\b(?:days|weeks|months|years) of (?:\w+ ){0,2}$")
# ACLED's default actors when a report names none: an unclaimed bomb was planted by an unidentified armed group; the
# victims of an abduction or an attack on people are civilians unless named
_UNKNOWN_PERPETRATOR = {"Remote explosive/landmine/IED", "Shelling/artillery/missile attack",
                        "Abduction/forced disappearance", "Attack"}
_CIVILIAN_TARGET = {"Abduction/forced disappearance", "Attack"}
UNIDENTIFIED, CIVILIANS = "Unidentified Armed Group ({})", "Civilians ({})"
_IN_BEFORE = re.compile(r"\b(?:in|at|inside|into|across|within|throughout)\s+(?:the\s+)?$")
_ALSO = re.compile(r"\b(?:also|meanwhile|separately)\b")
_FELL_TO = re.compile(r"f[ae]ll(?:en)? to$")
# Types that a more specific type from the same sentence overrides: the fall of a town is not also a withdrawal;
# rioters setting fire are not also looting; protesters shot at are not also a peaceful protest. (A generic-verb air
# strike, "a roadside bomb struck a patrol", is overridden by any other type.)
_TERRITORY = {"Government regains territory", "Non-state actor overtakes territory",
              "Non-violent transfer of territory"}
_OVERRIDDEN_BY = {
    "Change to group/activity": _TERRITORY,
    "Looting/property destruction": {"Violent demonstration", "Air/drone strike", "Shelling/artillery/missile attack",
                                     "Remote explosive/landmine/IED", "Suicide bomb", "Armed clash"},
    "Peaceful protest": {"Excessive force against protesters", "Violent demonstration", "Protest with intervention"},
}
# A raid by ground troops on a camp or a house is no air strike, whoever the raiders are
_GROUND_RAID = re.compile(r"\b(?:troops|forces|soldiers|police|commandos|units|camp|house|houses|home|homes|hideout|"
                          r"neighbo(?:u)?rhood|village|refugee)\b")
_PROTEST_TYPES = {"Peaceful protest", "Excessive force against protesters", "Violent demonstration",
                  "Protest with intervention"}
PROTESTERS, RIOTERS = "Protesters ({})", "Rioters ({})"
_FUNCTION = {"in", "at", "near", "on", "from", "to", "the", "outside", "around", "north", "south", "east", "west",
             "and", "of", "for", "by", "with", "into", "over", "as", "while", "after", "before", "since", "a", "an",
             "update", "situation", "report", "—", "-", "–"}
_PLACE_WORDS = {"governorate", "province", "air", "airport", "base", "crossing", "heights", "valley", "river",
                "desert", "mountains", "city", "countryside", "area", "region", "district", "border", "syria", "iraq",
                "lebanon", "jordan", "israel", "international"}


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    para: int
    text: str
    folded: str
    published: date
    ref: date
    cues: list[tuple[int, tuple[int, ...]]]  # (offset in the sentence, trigger indexes) of its trigger cues
    doc_mentions: list[Mention]
    lo: int  # doc_mentions[lo:hi] lie inside the sentence
    hi: int
    _mentions: list[Mention] | None = None
    _dates: list[DateMention] | None = None
    _places: list[_PlaceMention] | None = None
    _actors: list[tuple[int, int, str]] | None = None

    @property
    def mentions(self) -> list[Mention]:
        """Dictionary mentions with sentence offsets, made on first use: most sentences hold no trigger."""
        if self._mentions is None:
            self._mentions = [Mention(m.start - self.start, m.end - self.start, m.places, m.actors)
                              for m in self.doc_mentions[self.lo:self.hi]]
        return self._mentions

    @property
    def dates(self) -> list[DateMention]:
        """Date phrases, found on first use: most sentences never need them."""
        if self._dates is None:
            self._dates = find_dates(self.text, self.published, self.ref, self.folded.split())
        return self._dates


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


def _proper_noun_neighbour(text: str, start: int, end: int) -> bool:
    """A place-name match glued to other capitalised words is part of a person's name ("Mustafa Mughniyeh")."""
    before = re.findall(r"[\w’'\-]+", text[max(0, start - 25):start])
    after = re.findall(r"[\w’'\-]+", text[end:end + 25])
    gap_before = text[max(0, start - 2):start]
    gap_after = text[end:end + 2]
    possessive = bool(before) and before[-1].endswith(("'s", "’s"))  # "Syria's Idlib": a qualifier, not a name
    glued_before = bool(before) and not possessive and gap_before.endswith(" ") and "," not in gap_before \
        and before[-1][:1].isupper() \
        and before[-1].lower() not in _FUNCTION and not before[-1].isupper()
    glued_after = bool(after) and gap_after.startswith(" ") and "," not in gap_after and after[0][:1].isupper() \
        and after[0].lower() not in _PLACE_WORDS and not after[0].isupper()
    return glued_before or glued_after


def _choose_place(cands: tuple[Place, ...], countries: dict[str, int]) -> Place:
    return max(cands, key=lambda p: (countries.get(p.country, 0) > 0, KIND_RANK.get(p.kind, 0), p.id.startswith("S"),
                                     p.population))


def _doc_countries(mentions: list[Mention]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in mentions:
        if len({p.country for p in m.places}) == 1:
            c = m.places[0].country
            counts[c] = counts.get(c, 0) + 1
    return counts


class _PlaceMention(NamedTuple):
    start: int
    place: Place
    score: float  # kind rank, +2 when introduced as the location ("in X", "struck X")
    precision: int
    after_from: bool  # "from X": the origin of a movement


def _place_mentions(s: _Sentence, countries: dict[str, int]) -> list[_PlaceMention]:
    """The sentence's usable place mentions with what does not depend on the trigger, computed once per sentence."""
    if s._places is not None:
        return s._places
    out = []
    for m in s.mentions:
        if not m.places or _proper_noun_neighbour(s.text, m.start, m.end):
            continue
        place = _choose_place(m.places, countries)
        before = s.folded[max(0, m.start - 32):m.start]  # the longest cue phrase is shorter than this
        if _ATTRIBUTION.search(before):
            continue
        if place.kind == "country" and s.text[m.end:m.end + 2] in ("'s", "’s"):
            continue  # "Iran's program", "Syria's Homs": the country qualifies something else
        if place.kind == "country" and m.actors and not _IN_BEFORE.search(before):
            continue  # "Russia and Turkey agreed": the country acts; it is a place only as "in Turkey"
        if _METONYM.match(s.folded[m.end:m.end + 40]):
            continue  # "Ankara blamed": the government speaking, not a place where something happened
        score = float(KIND_RANK.get(place.kind, 0)) + (2 if _AT.search(before) else 0)
        near = bool(_NEAR.search(before)) or bool(_AREA_AFTER.match(s.text[m.end:m.end + 15]))
        precision = 3 if place.kind in ("region", "border", "country") else (2 if near else 1)
        out.append(_PlaceMention(m.start, place, score, precision, bool(_FROM_BEFORE.search(before))))
    s._places = out
    return out


def _pick_place(s: _Sentence, trig: Trigger, countries: dict[str, int]) -> tuple[Place, int] | None:
    best: tuple[float, Place, int] | None = None
    movement = trig.sub_event_type == "Change to group/activity"
    top = max(countries.values(), default=0)
    for pm in _place_mentions(s, countries):
        score = pm.score - abs(pm.start - trig.start) / 200
        if top and countries.get(pm.place.country, 0) * 3 < top:
            score -= 1.0  # a place in a country the document hardly mentions: a same-named place elsewhere
        if movement and pm.after_from:
            # an evacuation happens where people are taken from; any other movement is coded where it goes
            score += 3 if _EVACUATION.match(s.folded[trig.start:trig.end]) else -3
        if best is None or score > best[0]:
            best = (score, pm.place, pm.precision)
    return (best[1], best[2]) if best else None


def _pick_date(s: _Sentence, trig: Trigger) -> DateMention | None:
    if not s.dates:
        return None
    if trig.sub_event_type == "Agreement" and len(s.dates) > 1:
        # "took effect on Friday under a deal announced on Thursday": an agreement is coded when it was made
        dated = [d for d in s.dates if d.date is not None]
        if dated:
            return min(dated, key=lambda d: (d.date, d.precision))
    return min(s.dates, key=lambda d: abs(d.start - trig.start))


def _actors(s: _Sentence, trig: Trigger) -> tuple[str | None, str | None]:
    # an actor may overlap a trigger that includes its head noun ("Turkish jets struck")
    actors = _actor_mentions(s)
    before = [(start, a) for start, end, a in actors if end <= trig.start or start < trig.start < end]
    after = [(start, a) for start, _, a in actors if start >= trig.end]
    if trig.passive:
        by = s.folded.find(" by ", trig.end - 1)
        agent = next((a for pos, a in after if by >= 0 and pos > by), None)
        target = before[-1][1] if before else None
        a1, a2 = agent, target
    else:
        a1 = _coordinated_head(s, before)
        stop = _CLAUSE_END.search(s.text, trig.end)
        limit = stop.start() if stop else len(s.text)
        a2 = next((a for pos, a in after if a != a1 and pos < limit), None)
        if trig.sub_event_type == "Change to group/activity" and (
                _OF_AFTER.match(s.folded, trig.end) or s.folded[trig.start:trig.end].endswith(" of")):
            a1, a2 = next((a for _, a in after), a1), None  # "the movement of X": X moves
        victim = _VICTIM_VERB.search(s.folded, max(0, trig.start - 40), trig.start)
        if victim:  # "X died in a US airstrike": actor1 only next to the trigger, X is the target
            near = [a for pos, a in before if pos >= victim.end()]
            a1 = near[-1] if near else None
            a2 = next((a for pos, a in reversed(before) if pos < victim.start() and a != a1), a2)
    if _FELL_TO.search(s.folded, 0, trig.end):  # "Ramadi fell to IS": the one after "to" took it
        a1, a2 = next((a for _, a in after), None), (before[-1][1] if before else None)
    elif trig.sub_event_type == "Agreement":  # "Russia and Turkey agreed", "a ceasefire between Israel and Hamas"
        parties = list(dict.fromkeys(a for _, _, a in actors if a not in (PROTESTERS, RIOTERS)))
        a1, a2 = [*parties, None, None][:2]
    elif s.folded.startswith(" between ", trig.end):  # "clashes between X and Y"
        parties = list(dict.fromkeys(a for _, a in after))
        a1, a2 = [*parties, None, None][:2]
    if a2 is None:
        a2 = next((a for pos, a in after
                   if a != a1 and _VICTIMS_BEFORE.search(s.folded, max(trig.end, pos - 60), pos)), None)
    a1, a2 = _protest_roles(trig.sub_event_type, a1, a2)
    if a1 == a2:
        a2 = None
    return a1, a2


def _protest_roles(sub_type: str, a1: str | None, a2: str | None) -> tuple[str | None, str | None]:
    """ACLED's protest actors: protesters demonstrate (actor1); shot at, they are the target (actor2)."""
    if sub_type == "Peaceful protest":
        return PROTESTERS, None
    if sub_type == "Excessive force against protesters":
        return (a1 if a1 not in (PROTESTERS, RIOTERS) else None), PROTESTERS
    if sub_type == "Violent demonstration":
        return RIOTERS, (a2 if a2 not in (PROTESTERS, RIOTERS) else None)
    return a1, a2


def _coordinated_head(s: _Sentence, before: list[tuple[int, str]]) -> str | None:
    """The subject's head actor: "Hezbollah and Iraqi paramilitary fighters poured into" -> Hezbollah (the first of
    actors joined only by "and")."""
    if not before:
        return None
    i = len(before) - 1
    while i > 0:
        prev_pos, prev_actor = before[i - 1]
        prev_end = next(end for start, end, _ in _actor_mentions(s) if start == prev_pos)
        if s.folded[prev_end:before[i][0]].strip() not in ("and", "as well as") or prev_actor == before[i][1]:
            break
        i -= 1
    return before[i][1]


def _actor_mentions(s: _Sentence) -> list[tuple[int, int, str]]:
    """(start, end, actor) of the sentence's actor mentions outside "backed by" phrases, computed once per sentence."""
    if s._actors is None:
        s._actors = [(m.start, m.end, m.actors[0]) for m in s.mentions if m.actors and not _supporting(s, m.start)]
    return s._actors


def _supporting(s: _Sentence, start: int) -> bool:
    """Whether the actor mentioned at `start` is inside a "backed by ..." phrase (same clause, just before it)."""
    window = s.folded[max(0, start - 40):start]
    cut = window.rfind("  ")  # a clause break (folded comma) ends the phrase
    return bool(_SUPPORT.search(window[cut + 1:] if cut >= 0 else window))


def _most_specific(made: list[Candidate]) -> list[Candidate]:
    """One sentence, one event per real event: drop what a more specific type from the same sentence overrides."""
    if len(made) < 2:
        return made
    types = {c.sub_event_type for c in made}
    strong = any(not c.weak for c in made)
    return [c for c in made if not (c.weak and strong) and not (types & _OVERRIDDEN_BY.get(c.sub_event_type, set()))]


def _sub_type(trig: Trigger, s: _Sentence, actor1: str | None) -> str | None:
    if trig.needs == "air":
        if s.folded.startswith("raid", trig.start) and not AIR_WORDS.search(s.folded) and _GROUND_RAID.search(s.folded):
            return None  # "troops raided the camp": a ground raid
        if AIR_WORDS.search(s.folded) or actor1 in AIR_ACTORS:
            return trig.sub_event_type
        return None
    if trig.needs == "state":
        return trig.sub_event_type if actor1 in STATE_ACTORS else None
    if trig.needs == "nonstate":
        return trig.sub_event_type if actor1 and actor1 not in STATE_ACTORS else None
    return trig.sub_event_type


def _blocked(s: _Sentence, trig: Trigger) -> bool:
    clause = clause_before(s.folded, trig.start)[-60:]
    return bool(NEGATION.search(clause) or IRREALIS.search(clause) or _DURATIVE.search(clause))


class _Document:
    """A text's sentences, each built on first use: only sentences with a trigger cue (and the few before them that
    may carry a date) are ever looked at."""

    def __init__(self, text: str, published: date, anchor: Anchors) -> None:
        self.text, self.published, self.anchor = text, published, anchor
        self.folded = fold(text)
        self.mentions = lexicon().find(text, self.folded)
        self.cues = cue_starts(self.folded)
        self.spans = split_sentences(text)
        self._starts = [start for start, _, _ in self.spans]
        self._mention_starts = [m.start for m in self.mentions]
        self._cue_offsets = [c for c, _ in self.cues]
        self._built: dict[int, _Sentence] = {}

    def cued(self) -> list[int]:
        """Indexes of the sentences holding a trigger cue, in order."""
        return sorted({bisect.bisect_right(self._starts, c) - 1 for c in self._cue_offsets} - {-1})

    def sentence(self, i: int) -> _Sentence:
        built = self._built.get(i)
        if built is None:
            start, end, para = self.spans[i]
            lo = bisect.bisect_left(self._mention_starts, start)
            hi = bisect.bisect_left(self._mention_starts, end)
            while hi > lo and self.mentions[hi - 1].end > end:
                hi -= 1
            c_lo, c_hi = bisect.bisect_left(self._cue_offsets, start), bisect.bisect_left(self._cue_offsets, end)
            built = self._built[i] = _Sentence(
                start, end, para, self.text[start:end], self.folded[start:end], self.published,
                self.anchor.at(start), [(c - start, ix) for c, ix in self.cues[c_lo:c_hi]], self.mentions, lo, hi)
        return built


def _compatible(a: Candidate, b: Candidate) -> bool:
    """Same event within one document: one report gives each day its own event, so precision-1 dates must agree."""
    if a.sub_event_type != b.sub_event_type or a.date is None or b.date is None:
        return False
    tol = {1: 0, 2: 7, 3: 31}[max(a.time_precision, b.time_precision)]
    if abs((a.date - b.date).days) > tol:
        return False
    if a.place and b.place and a.place.id != b.place.id:
        coarse = max(a.geo_precision, b.geo_precision) == 3
        far = distance_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
        if not (far <= 30 or (coarse and a.place.country == b.place.country and (
                a.place.kind == "country" or b.place.kind == "country" or a.place.admin1 == b.place.admin1))):
            return False
    return a.actor1 is None or b.actor1 is None or a.actor1 == b.actor1


def _absorb(into: Candidate, other: Candidate) -> None:
    if other.time_precision < into.time_precision and other.date:
        into.date, into.time_precision = other.date, other.time_precision
    # the host's place stands unless the other is more precise (or names a site where the host only has a region)
    if other.place and (into.place is None or other.geo_precision < into.geo_precision or (
            other.geo_precision == into.geo_precision and (
                KIND_RANK.get(into.place.kind, 0) <= KIND_RANK["region"] < KIND_RANK.get(other.place.kind, 0)
                or other.place_weight > into.place_weight))):
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


CARRY_SENTENCES = 2  # a date carries over this many sentences: further on, the text has usually moved on


def _carried(doc: _Document, idx: int) -> DateMention | None:
    """The first resolved date of the nearest earlier sentence (of the last few, same paragraph) that has one."""
    para = doc.spans[idx][2]
    for j in range(idx - 1, max(-1, idx - 1 - CARRY_SENTENCES), -1):
        if doc.spans[j][2] != para:
            return None
        dated = next((d for d in doc.sentence(j).dates if d.date), None)
        if dated:
            return dated
    return None


def find_candidates(text: str, published: date, derived: bool = False) -> list[Candidate]:
    """Candidates of one clean text. `derived`: the text is one post split from a page, whose publication date
    need not be the post's own (dates then anchor to the post's own latest stated date, see `anchors`)."""
    doc = _Document(text, published, anchors(text, published, derived))
    doc_mentions = doc.mentions
    countries = _doc_countries(doc_mentions)
    place_counts: dict[str, int] = {}
    for m in doc_mentions:
        if m.places:
            for p in m.places:
                place_counts[p.id] = place_counts.get(p.id, 0) + 1
    made: list[Candidate] = []
    prev_by_para: dict[int, Candidate] = {}
    for idx in doc.cued():
        s = doc.sentence(idx)
        sentence_made: list[Candidate] = []
        done_until = -1  # several types may start at one word: the first whose conditions hold is the trigger
        for trig in find_triggers(s.folded, s.cues):
            if trig.start < done_until or _blocked(s, trig):
                continue
            actor1, actor2 = _actors(s, trig)
            prev = prev_by_para.get(s.para)
            sub_type = _sub_type(trig, s, actor1 if trig.needs in ("state", "nonstate") else
                                 actor1 or (prev.actor1 if prev else None))
            if sub_type is None:
                continue
            done_until = trig.end
            dm = _pick_date(s, trig)
            if dm is not None and dm.date is None:
                continue  # dated only as "last year", "in 2019": too vague to code
            explicit_date = dm is not None
            if dm is None:
                dm = _carried(doc, idx)
                if dm is None and made and made[-1].date is not None and (
                        _ALSO.search(s.folded) or made[-1].sub_event_type == sub_type in _PROTEST_TYPES):
                    # "Israeli artillery also shelled ...", "In Tripoli, demonstrators gathered ...": the same day as
                    # the event just reported
                    dm = DateMention(0, 0, made[-1].date, made[-1].time_precision)
                if dm is not None and dm.date is not None and _AFTER_EARLIER.search(
                        s.folded, max(0, trig.start - 40), trig.start):
                    # "this comes after a deal was struck": earlier than the reported event, within the week before
                    dm = DateMention(dm.start, dm.end, dm.date - timedelta(days=1), 2)
            same_sentence = next((c for c in reversed(sentence_made) if c.sub_event_type == sub_type), None)
            if sentence_made and _COORDINATED.search(s.folded, 0, trig.start):
                actor1 = sentence_made[-1].actor1  # "X targeted Y and destroyed Z": the verbs share the subject
            if same_sentence is not None and sub_type == "Agreement" and dm is not None and dm.date is not None:
                # "took effect on Friday under a deal announced on Thursday": one agreement, made the earlier day
                if same_sentence.date is None or dm.date < same_sentence.date:
                    same_sentence.date, same_sentence.time_precision = dm.date, dm.precision
                continue
            if same_sentence is not None and (dm is None or dm.date == same_sentence.date):
                # one sentence, one type, one date: "hit regime forces with air strikes" is one event
                _absorb(same_sentence, Candidate(sub_type, None, 3, None, 3, None, actor2, None, [], {}))
                continue
            last = made[-1] if made else None
            definite = re.search(r"\b(?:the|this|that|same)\s+(?:\w+\s+)?$",
                                 s.folded[max(0, trig.start - 20):trig.start])
            if definite and not explicit_date and last is not None and last.sub_event_type == sub_type:
                # "the strike was approved by ...": more about the event just reported, not a new one
                _absorb(last, Candidate(sub_type, None, 3, None, 3, None, actor2, find_fatalities(s.text),
                                        [(s.start, s.end)], {}))
                continue
            place = _pick_place(s, trig, countries)
            explicit_place = place is not None
            anaphoric = not explicit_place and not explicit_date and prev is not None
            if anaphoric and prev is not None:  # "... were killed in the strike": details of the previous event
                if prev.sub_event_type == sub_type or re.search(r"\b(?:the|this|that|same)\s+(?:\w+\s+)?$",
                                                                s.folded[max(0, trig.start - 20):trig.start]):
                    _absorb(prev, Candidate(prev.sub_event_type, None, 3, None, 3, actor1 if actor1 != prev.actor2
                                            else None, actor2, find_fatalities(s.text), [(s.start, s.end)], {}))
                continue
            if place is None and prev is not None and prev.sub_event_type == sub_type:
                place = (prev.place, prev.geo_precision) if prev.place else None
            if place is None:
                continue
            if prev is not None and prev.sub_event_type == sub_type and explicit_date is False:
                actor1 = actor1 or prev.actor1
            if actor1 is None and sub_type in _UNKNOWN_PERPETRATOR:
                actor1 = UNIDENTIFIED
            if actor2 is None and sub_type in _CIVILIAN_TARGET:
                actor2 = CIVILIANS
            cand = Candidate(sub_type, dm.date if dm else None, dm.precision if dm else 0, place[0], place[1],
                             actor1, actor2, find_fatalities(s.text), [(s.start, s.end)],
                             {"date": explicit_date, "place": explicit_place, "actor1": actor1 is not None,
                              "fatalities": False})
            cand.explicit["fatalities"] = cand.fatalities is not None
            cand.place_weight = place_counts.get(place[0].id, 0)
            cand.weak = trig.needs == "air"
            sentence_made.append(cand)
        sentence_made = _most_specific(sentence_made)
        for cand in sentence_made:
            made.append(cand)
            prev_by_para[s.para] = cand
    # undated candidates only survive by merging into a dated one; then one event per (type, date, place)
    # the most precise reports host the merge, so that a vague one ("nine strikes between March 30 and April 5")
    # joins a precise one instead of swallowing several distinct days
    dated = sorted((c for c in made if c.date is not None), key=lambda c: (c.time_precision, c.geo_precision))
    undated = [c for c in made if c.date is None]
    merged: list[Candidate] = []
    for c in dated:
        host = next((m for m in merged if _compatible(m, c)), None)
        if host:
            _absorb(host, c)
        else:
            merged.append(c)
    for c in undated:
        host = next((m for m in merged if m.sub_event_type == c.sub_event_type and _compatible(
            m, Candidate(c.sub_event_type, m.date, m.time_precision, c.place, c.geo_precision, c.actor1, c.actor2,
                         c.fatalities))), None)
        if host:
            _absorb(host, c)
    # a country-level place with only a coarse date is a generic statement, not an event
    return [c for c in merged if not (c.place and c.place.kind == "country" and c.time_precision != 1)]


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


def extract_events(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Candidate events of one document record (schemas/documents.schema.json), each valid against the events
    schema with a provisional event_id and version 1; `sitrep.extraction.merge` gives the final ids and versions."""
    published = parse_published(doc.get("published_at"))
    text = doc.get("text") or ""
    if published is None or not text:
        return []
    raw_id = doc.get("raw_id") or doc["id"]
    segments = doc.get("segments") or [[0, 0, len(text)]]
    out = []
    derived = bool(doc.get("parent_id")) or "~" in str(doc.get("id", ""))
    for c in find_candidates(text, published, derived):
        assert c.place is not None and c.date is not None
        evidence = []
        for s, e in c.evidence:
            rs, re_ = to_raw_span(segments, s, e)
            evidence.append({"doc_id": raw_id, "start": rs, "end": re_, "text": text[s:e]})
        event_date = c.date.isoformat()
        out.append({
            "event_id": provisional_id(c.sub_event_type, event_date, c.place.lat, c.place.lon),
            "version": 1,
            "event_type": EVENT_TYPE[c.sub_event_type],
            "sub_event_type": c.sub_event_type,
            "event_date": event_date,
            "time_precision": c.time_precision,
            "location": {"name": c.place.name, "country": c.place.country, "admin1": c.place.admin1,
                         "lat": c.place.lat, "lon": c.place.lon, "geo_precision": c.geo_precision},
            "actor1": generic_actor(c.actor1, c.place.country),
            "actor2": generic_actor(c.actor2, c.place.country),
            "fatalities": c.fatalities,
            "source_doc_ids": [doc["id"]],
            "evidence": evidence,
            "confidence": _confidence(c),
            "published_at": doc.get("published_at"),
        })
    return out

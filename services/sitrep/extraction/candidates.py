"""Candidates pass: each trigger of a sentence, typed and given its date, place, actors and toll.

A trigger becomes a new candidate, or adds details to an event already made (the same event told again in the same
sentence, "the strike ..." right after it, an anaphoric sentence with neither place nor date), or nothing (negated,
hypothetical, a type whose conditions do not hold, a vague date, no place at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sitrep.extraction.actor_names import flies, is_state_actor
from sitrep.extraction.casualties import find_fatalities
from sitrep.extraction.consolidate import Candidate, absorb, detail
from sitrep.extraction.dates import DateMention
from sitrep.extraction.frame import Context, Section
from sitrep.extraction.lexicon import Place
from sitrep.extraction.mentions import Document, Sentence
from sitrep.extraction.roles import assign_roles
from sitrep.extraction.salience import is_background, opens_with_month
from sitrep.extraction.triggers import (
    AIR_PLATFORM,
    AIR_WORDS,
    IRREALIS,
    NEGATION,
    Trigger,
    clause_before,
    find_triggers,
)

_EVACUATION = re.compile(r"^evacuat")
_COORDINATED = re.compile(r"\band\s+(?:then\s+|also\s+)?$")
_AFTER_EARLIER = re.compile(r"\b(?:comes?|came|follows|followed|coming)\s+after\s+(?:\w+\s+){0,3}$")
# "after weeks of heavy bombardment": background to the reported event, not an event of its own
_DURATIVE = re.compile(r"\b(?:days|weeks|months|years) of (?:\w+ ){0,2}$")
_GUN_WORDS = re.compile(r"\b(?:shell(?:s|ed|ing)?|artillery|mortars?|rockets?|tank|tanks|katyushas?)\b")
_DEFINITE = re.compile(r"\b(?:the|this|that|same)\s+(?:\w+\s+)?$")
# Follow-on sentences: another event of the same day as the one just reported
_ALSO = re.compile(
    r"\b(?:also|meanwhile|separately|in addition|additionally|hours later|later (?:that|the same|in the) day|"
    r"(?:on|during|in) the same (?:day|night|operation|raid|attack)|at the same time|elsewhere)\b"
)
# ACLED's default actors when a report names none: an unclaimed bomb was planted by an unidentified armed group; the
# victims of an abduction or an attack on people are civilians unless named
_UNKNOWN_PERPETRATOR = {"Remote explosive/landmine/IED", "Shelling/artillery/missile attack",
                        "Abduction/forced disappearance", "Attack"}  # fmt: skip
_CIVILIAN_TARGET = {"Abduction/forced disappearance", "Attack"}
UNIDENTIFIED, CIVILIANS = "Unidentified Armed Group ({})", "Civilians ({})"
# Types that a more specific type from the same sentence overrides: the fall of a town is not also a withdrawal;
# rioters setting fire are not also looting; protesters shot at are not also a peaceful protest. (A generic-verb air
# strike, "a roadside bomb struck a patrol", is overridden by any other type.)
_TERRITORY = {
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Non-violent transfer of territory",
}
_OVERRIDDEN_BY = {
    "Change to group/activity": _TERRITORY,
    "Looting/property destruction": {"Violent demonstration", "Air/drone strike", "Shelling/artillery/missile attack",
                                     "Remote explosive/landmine/IED", "Suicide bomb", "Armed clash"},
    "Peaceful protest": {"Excessive force against protesters", "Violent demonstration", "Protest with intervention"},
}  # fmt: skip
# A raid by ground troops on a camp or a house is no air strike, whoever the raiders are
_GROUND_RAID = re.compile(
    r"\b(?:troops|forces|soldiers|police|commandos|units|camp|house|houses|home|homes|hideout|"
    r"neighbo(?:u)?rhood|village|refugee)\b"
)
_PROTEST_TYPES = {"Peaceful protest", "Excessive force against protesters", "Violent demonstration",
                  "Protest with intervention"}  # fmt: skip


@dataclass(slots=True)
class Reading:
    """A trigger read in its sentence: its type and the actors its clause gives."""

    sentence: Sentence
    trig: Trigger
    sub_type: str
    actor1: str | None
    actor2: str | None


# A weapon that is the object of a disruption ("engineers defused an IED", "seized mortar rounds") did not go off:
# the disruption is the event (Disrupted weapons use), not an explosion
_WEAPON_TYPES = {"Remote explosive/landmine/IED", "Suicide bomb", "Grenade", "Chemical weapon",
                 "Shelling/artillery/missile attack", "Air/drone strike"}  # fmt: skip
_DISRUPTED_OBJECT = re.compile(
    r"\b(?:defused|defusing|dismantled|dismantling|destroyed|destroying|seized|seizing|found|discovered|uncovered|"
    r"recovered|cleared|clearing|removed|located|confiscated|intercepted|intercepting|shot down|disposed of|"
    r"detonated|seizure of|discovery of|cache of|stockpiles? of)\s+(?:[\w-]+\s+){0,4}$"
)
_RETYPED_FROM_AIR = {"Shelling/artillery/missile attack", "Remote explosive/landmine/IED"}
_CLAUSE_AFTER = re.compile(r"  |;| while | but | whereas ")


def _from_the_air(s: Sentence, trig: Trigger) -> bool:
    """Whether the clause of the trigger names an air platform as what fired or dropped it ("a drone fired two
    missiles", "rockets fired by a helicopter", "explosives dropped from a drone")."""
    before = clause_before(s.folded, trig.start)[-60:]
    rest = s.folded[trig.end : trig.end + 60]
    stop = _CLAUSE_AFTER.search(rest)
    return bool(AIR_PLATFORM.search(before) or AIR_PLATFORM.search(rest[: stop.start() if stop else len(rest)]))


def sub_type(trig: Trigger, s: Sentence, actor1: str | None) -> str | None:
    """The trigger's sub-event type when its conditions hold (air context, which side takes territory); a missile,
    rocket or explosive launched from an aircraft, a drone or a helicopter is an air/drone strike."""
    typed = _conditional_type(trig, s, actor1)
    if (
        typed in _WEAPON_TYPES
        and trig.needs != "air"
        and _DISRUPTED_OBJECT.search(s.folded, max(0, trig.start - 70), trig.start)
    ):
        return None
    if typed in _RETYPED_FROM_AIR and trig.needs != "generic" and _from_the_air(s, trig):
        return "Air/drone strike"
    return typed


def _conditional_type(trig: Trigger, s: Sentence, actor1: str | None) -> str | None:
    if trig.needs == "air":
        if s.folded.startswith("raid", trig.start) and not AIR_WORDS.search(s.folded) and _GROUND_RAID.search(s.folded):
            return None  # "troops raided the camp": a ground raid
        if AIR_WORDS.search(s.folded) or flies(actor1):
            return trig.sub_event_type
        return None
    if trig.needs == "generic":
        # "the explosion", "the bombing": an event the text already told, or one it only refers back to
        if _DEFINITE.search(s.folded[max(0, trig.start - 20) : trig.start]):
            return None
        from_air = AIR_PLATFORM.search(s.folded) or flies(actor1)
        return None if from_air or _GUN_WORDS.search(s.folded) else trig.sub_event_type
    if trig.needs == "state":
        return trig.sub_event_type if is_state_actor(actor1) else None
    if trig.needs == "nonstate":
        return trig.sub_event_type if actor1 and not is_state_actor(actor1) else None
    return trig.sub_event_type


def blocked(s: Sentence, trig: Trigger) -> bool:
    """Negated, hypothetical or durative background ("after weeks of shelling")."""
    clause = clause_before(s.folded, trig.start)[-60:]
    if NEGATION.search(clause) or IRREALIS.search(clause) or _DURATIVE.search(clause):
        return True
    return is_background(s.folded, trig.start)


def pick_place(s: Sentence, trig: Trigger) -> tuple[Place, int] | None:
    """The sentence's place nearest the trigger, preferring places introduced as the location."""
    best: tuple[float, Place, int] | None = None
    movement = trig.sub_event_type == "Change to group/activity"
    countries = s.countries
    top = max(countries.values(), default=0)
    for pm in s.places:
        score = pm.score - abs(pm.start - trig.start) / 200
        if top and countries.get(pm.place.country, 0) * 3 < top:
            score -= 1.0  # a place in a country the document hardly mentions: a same-named place elsewhere
        if movement and pm.after_from:
            # an evacuation happens where people are taken from; any other movement is coded where it goes
            score += 3 if _EVACUATION.match(s.folded[trig.start : trig.end]) else -3
        if best is None or score > best[0]:
            best = (score, pm.place, pm.precision)
    return (best[1], best[2]) if best else None


def pick_date(s: Sentence, trig: Trigger) -> DateMention | None:
    if not s.dates:
        return None
    if trig.sub_event_type == "Agreement" and len(s.dates) > 1:
        # "took effect on Friday under a deal announced on Thursday": an agreement is coded when it was made
        dated = [d for d in s.dates if d.date is not None]
        if dated:
            return min(dated, key=lambda d: (d.date, d.precision))
    return min(s.dates, key=lambda d: abs(d.start - trig.start))


CARRY_SENTENCES = 2  # a date carries over this many sentences: further on, the text has usually moved on


def carried_date(doc: Document, idx: int) -> DateMention | None:
    """The first resolved date of the nearest earlier sentence (of the last few, same paragraph, same list item)
    that has one."""
    para = doc.spans[idx][2]
    role = doc.roles.get(idx)
    for j in range(idx - 1, max(-1, idx - 1 - CARRY_SENTENCES), -1):
        other = doc.roles.get(j)
        if doc.spans[j][2] != para or (other is not None and other.kind == "item" and other != role):
            return None  # another paragraph, or another list item: each item states its own date or the header's
        dated = next((d for d in doc.sentence(j).dates if d.date), None)
        if dated:
            return dated
    return None


def _frame_date(doc: Document) -> DateMention | None:
    return DateMention(0, 0, doc.frame.date, 1) if doc.frame.date else None


def _read(s: Sentence, trig: Trigger, ctx: Context) -> Reading | None:
    actor1, actor2 = assign_roles(s, trig)
    prev = ctx.last_in_para.get(s.para)
    if ctx.section is not None:  # a list item: what it leaves unstated, its header states
        actor1 = actor1 or ctx.section.actor1
    deciding = actor1 if trig.needs in ("state", "nonstate") else actor1 or (prev.actor1 if prev else None)
    typed = sub_type(trig, s, deciding)
    return None if typed is None else Reading(s, trig, typed, actor1, actor2)


def _inherited_date(doc: Document, idx: int, r: Reading, ctx: Context) -> DateMention | None:
    """The date of a sentence that states none: carried from the sentences before, or the last event's."""
    s, trig = r.sentence, r.trig
    dm = carried_date(doc, idx)
    if ctx.section is not None:
        return dm or ctx.section.date or _frame_date(doc)
    last = ctx.last
    if (
        dm is None
        and last is not None
        and last.date is not None
        and (_ALSO.search(s.folded) or last.sub_event_type == r.sub_type in _PROTEST_TYPES)
    ):
        # "Israeli artillery also shelled ...", "In Tripoli, demonstrators gathered ...": the same day as the event
        # just reported
        dm = DateMention(0, 0, last.date, last.time_precision)
    if dm is None and doc.frame.date is not None:
        # no date of its own: the day the report speaks from (its dateline or page date), known to the statement day
        dm = DateMention(0, 0, doc.frame.date, 2)
    if dm is not None and dm.date is not None and _AFTER_EARLIER.search(s.folded, max(0, trig.start - 40), trig.start):
        # "this comes after a deal was struck": earlier than the reported event, within the week before
        dm = DateMention(dm.start, dm.end, dm.date - timedelta(days=1), 2)
    return dm


def _folded_into_sentence(r: Reading, dm: DateMention | None, made: list[Candidate]) -> bool:
    """The same event named twice in one sentence: fold the second mention into the first."""
    same = next((c for c in reversed(made) if c.sub_event_type == r.sub_type), None)
    if same is None:
        return False
    if r.sub_type == "Agreement" and dm is not None and dm.date is not None:
        # "took effect on Friday under a deal announced on Thursday": one agreement, made the earlier day
        if same.date is None or dm.date < same.date:
            same.date, same.time_precision = dm.date, dm.precision
        return True
    if dm is None or dm.date == same.date:
        # one sentence, one type, one date: "hit regime forces with air strikes" is one event
        absorb(same, detail(r.sub_type, None, r.actor2, None))
        return True
    return False


def _folded_into_previous(r: Reading, explicit_date: bool, place: tuple[Place, int] | None, ctx: Context) -> bool:
    """A sentence that only tells more about the event just reported ("the strike was approved by ...", "... were
    killed in the strike")."""
    s, trig = r.sentence, r.trig
    definite = _DEFINITE.search(s.folded[max(0, trig.start - 20) : trig.start])
    last = ctx.last
    span = [(s.start, s.end)]
    if definite and not explicit_date and last is not None and last.sub_event_type == r.sub_type:
        absorb(last, detail(r.sub_type, None, r.actor2, find_fatalities(s.text), span))
        return True
    prev = ctx.last_in_para.get(s.para)
    if place is not None or explicit_date or prev is None:
        return False
    if prev.sub_event_type == r.sub_type or definite:
        actor1 = r.actor1 if r.actor1 != prev.actor2 else None
        absorb(prev, detail(prev.sub_event_type, actor1, r.actor2, find_fatalities(s.text), span))
    return True


def _new_candidate(r: Reading, dm: DateMention | None, explicit_date: bool, place: tuple[Place, int],
                   explicit_place: bool, doc: Document) -> Candidate:  # fmt: skip
    s, actor1, actor2 = r.sentence, r.actor1, r.actor2
    if actor1 is None and r.sub_type in _UNKNOWN_PERPETRATOR:
        actor1 = UNIDENTIFIED
    if actor2 is None and r.sub_type in _CIVILIAN_TARGET:
        actor2 = CIVILIANS
    fatalities = find_fatalities(s.text)
    explicit = {"date": explicit_date, "place": explicit_place, "actor1": actor1 is not None,
                "fatalities": fatalities is not None}  # fmt: skip
    cand = Candidate(r.sub_type, dm.date if dm else None, dm.precision if dm else 0, place[0], place[1],
                     actor1, actor2, fatalities, [(s.start, s.end)], explicit)  # fmt: skip
    cand.place_weight = doc.place_counts.get(place[0].id, 0)
    cand.reference = s.ref
    cand.weak = r.trig.needs in ("air", "generic")
    cand.month_heading = cand.time_precision == 3 and opens_with_month(s.folded)
    return cand


def _place_reading(doc: Document, idx: int, r: Reading, ctx: Context, made: list[Candidate]) -> Candidate | None:
    """A typed reading -> a new candidate, or None when it was folded into an event already made (or has no place)."""
    s, trig = r.sentence, r.trig
    dm = pick_date(s, trig)
    if dm is not None and dm.date is None:
        return None  # dated only as "last year", "in 2019": too vague to code
    explicit_date = dm is not None
    if dm is None:
        dm = _inherited_date(doc, idx, r, ctx)
    if made and _COORDINATED.search(s.folded, 0, trig.start):
        r.actor1 = made[-1].actor1  # "X targeted Y and destroyed Z": the verbs share the subject
    if _folded_into_sentence(r, dm, made):
        return None
    place = pick_place(s, trig)
    if _folded_into_previous(r, explicit_date, place, ctx):
        return None
    explicit_place = place is not None
    prev = ctx.last_in_para.get(s.para)
    if place is None and prev is not None and prev.sub_event_type == r.sub_type and prev.place:
        place = (prev.place, prev.geo_precision)
    if place is None and ctx.section is not None:
        place = ctx.section.place
    if place is None:
        return None
    if prev is not None and prev.sub_event_type == r.sub_type and not explicit_date:
        r.actor1 = r.actor1 or prev.actor1
    return _new_candidate(r, dm, explicit_date, place, explicit_place, doc)


def sentence_candidates(doc: Document, idx: int, ctx: Context) -> tuple[list[Reading], list[Candidate]]:
    """The typed triggers and the new candidates of sentence `idx` (details of earlier events are folded into them
    on the way)."""
    s = doc.sentence(idx)
    made: list[Candidate] = []
    readings: list[Reading] = []
    done_until = -1  # several types may start at one word: the first whose conditions hold is the trigger
    for trig in find_triggers(s.folded, s.cues):
        if trig.start < done_until or blocked(s, trig):
            continue
        reading = _read(s, trig, ctx)
        if reading is None:
            continue
        done_until = trig.end
        readings.append(reading)
        cand = _place_reading(doc, idx, reading, ctx, made)
        if cand is not None:
            made.append(cand)
    return readings, most_specific(made)


def section_of(doc: Document, idx: int, readings: list[Reading], cands: list[Candidate]) -> Section:
    """What header sentence `idx` states for the list items under it."""
    s = doc.sentence(idx)
    place = pick_place(s, readings[0].trig) if readings else None
    if place is None and s.places:
        best = max(s.places, key=lambda pm: pm.score)
        place = (best.place, best.precision)
    dated = next((d for d in s.dates if d.date is not None), None)
    if readings:
        r = readings[0]
        own = pick_date(s, r.trig)
        return Section(r.sub_type, r.actor1, r.actor2, own if own and own.date else dated, place, cands)
    return Section(None, s.actors[0].actor if s.actors else None, None, dated, place, cands)


def item_from_section(doc: Document, idx: int, section: Section) -> Candidate | None:
    """A list item with no trigger of its own ("- Saada: two launch platforms (Tuesday)."): an event of its header's
    type, actors and date, at the item's own place (and on its own date, when it states one)."""
    s = doc.sentence(idx)
    role = doc.roles.get(idx)
    if section.sub_type is None or role is None or role.item != s.start:
        return None  # no type to inherit, or not the item's first sentence
    trig = Trigger(0, 0, section.sub_type, "", False)
    place = pick_place(s, trig) or section.place
    # a day the item states ("(Tuesday)"); a vaguer phrase belongs to a clause about something else ("from which
    # launches were carried out earlier this week")
    own = next((d for d in s.dates if d.date is not None and d.precision == 1), None)
    dm = own or section.date or _frame_date(doc)
    if place is None or dm is None or dm.date is None:
        return None
    fatalities = find_fatalities(s.text)
    explicit = {"date": own is not None, "place": True, "actor1": section.actor1 is not None,
                "fatalities": fatalities is not None}  # fmt: skip
    return Candidate(section.sub_type, dm.date, dm.precision, place[0], place[1], section.actor1, section.actor2,
                     fatalities, [(s.start, s.end)], explicit, doc.place_counts.get(place[0].id, 0),
                     reference=s.ref)  # fmt: skip


def most_specific(made: list[Candidate]) -> list[Candidate]:
    """One sentence, one event per real event: drop what a more specific type from the same sentence overrides."""
    if len(made) < 2:
        return made
    types = {c.sub_event_type for c in made}
    strong = any(not c.weak for c in made)
    return [c for c in made if not (c.weak and strong) and not (types & _OVERRIDDEN_BY.get(c.sub_event_type, set()))]

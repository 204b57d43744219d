"""Actor roles from the clause around a trigger: actor1 acted, actor2 was the target.

Active voice: the subject before the trigger acts, the first actor after it (same clause) is the target. Passive
("were struck by X"): the agent after "by" acts, the subject is the target. "X died in a US airstrike": X is the
target. "Ramadi fell to IS": the one after "to" took it. Agreements and "clashes between X and Y" take both parties.
"""

from __future__ import annotations

import re

from sitrep.extraction.mentions import ActorMention, Sentence
from sitrep.extraction.triggers import Trigger

PROTESTERS, RIOTERS = "Protesters ({})", "Rioters ({})"
_CLAUSE_END = re.compile(r"[,;:()]|\s(?:that|which|who|while|whereas|but)\s")
_OF_AFTER = re.compile(r"\s+of\s")
# "X died in a US airstrike": X (before) is the target, the actor next to the trigger noun acted
_VICTIM_VERB = re.compile(r"\b(?:died|killed|wounded|injured|hurt|perished)\s+(?:in|by|during)\b")
_FELL_TO = re.compile(r"f[ae]ll(?:en)? to$")
# "... struck the town, killing 10 civilians": the victims named after the clause are the target
_VICTIMS_BEFORE = re.compile(
    r"\b(?:killing|killed|wounding|wounded|injuring|injured|targeting|targeted|hitting)\s+(?:[\w']+\s+){0,5}$"
)

Positioned = list[tuple[int, str]]


def _split(s: Sentence, trig: Trigger) -> tuple[Positioned, Positioned]:
    # an actor may overlap a trigger that includes its head noun ("Turkish jets struck")
    before = [(a.start, a.actor) for a in s.actors if a.end <= trig.start or a.start < trig.start < a.end]
    after = [(a.start, a.actor) for a in s.actors if a.start >= trig.end]
    return before, after


def _passive_roles(s: Sentence, trig: Trigger, before: Positioned, after: Positioned) -> tuple[str | None, ...]:
    by = s.folded.find(" by ", trig.end - 1)
    agent = next((a for pos, a in after if by >= 0 and pos > by), None)
    return agent, (before[-1][1] if before else None)


def _active_roles(s: Sentence, trig: Trigger, before: Positioned, after: Positioned) -> tuple[str | None, ...]:
    a1 = coordinated_head(s.folded, s.actors, before)
    stop = _CLAUSE_END.search(s.text, trig.end)
    limit = stop.start() if stop else len(s.text)
    a2 = next((a for pos, a in after if a != a1 and pos < limit), None)
    if trig.sub_event_type == "Change to group/activity" and (
        _OF_AFTER.match(s.folded, trig.end) or s.folded[trig.start : trig.end].endswith(" of")
    ):
        a1, a2 = next((a for _, a in after), a1), None  # "the movement of X": X moves
    victim = _VICTIM_VERB.search(s.folded, max(0, trig.start - 40), trig.start)
    if victim:  # "X died in a US airstrike": actor1 only next to the trigger, X is the target
        near = [a for pos, a in before if pos >= victim.end()]
        a1 = near[-1] if near else None
        a2 = next((a for pos, a in reversed(before) if pos < victim.start() and a != a1), a2)
    return a1, a2


def _parties(actors: list[str]) -> tuple[str | None, str | None]:
    parties = list(dict.fromkeys(actors))
    padded: list[str | None] = [*parties, None, None]
    return padded[0], padded[1]


def assign_roles(s: Sentence, trig: Trigger) -> tuple[str | None, str | None]:
    """(actor1, actor2) of the event `trig` reports, from its sentence."""
    before, after = _split(s, trig)
    a1, a2 = (_passive_roles if trig.passive else _active_roles)(s, trig, before, after)
    if _FELL_TO.search(s.folded, 0, trig.end):  # "Ramadi fell to IS": the one after "to" took it
        a1, a2 = next((a for _, a in after), None), (before[-1][1] if before else None)
    elif trig.sub_event_type == "Agreement":  # "Russia and Turkey agreed", "a ceasefire between Israel and Hamas"
        a1, a2 = _parties([a.actor for a in s.actors if a.actor not in (PROTESTERS, RIOTERS)])
    elif s.folded.startswith(" between ", trig.end):  # "clashes between X and Y"
        a1, a2 = _parties([a for _, a in after])
    if a2 is None:
        a2 = next(
            (a for pos, a in after if a != a1 and _VICTIMS_BEFORE.search(s.folded, max(trig.end, pos - 60), pos)),
            None,
        )
    a1, a2 = protest_roles(trig.sub_event_type, a1, a2)
    return a1, (None if a1 == a2 else a2)


def protest_roles(sub_type: str, a1: str | None, a2: str | None) -> tuple[str | None, str | None]:
    """ACLED's protest actors: protesters demonstrate (actor1); shot at, they are the target (actor2)."""
    if sub_type == "Peaceful protest":
        return PROTESTERS, None
    if sub_type == "Excessive force against protesters":
        return (a1 if a1 not in (PROTESTERS, RIOTERS) else None), PROTESTERS
    if sub_type == "Violent demonstration":
        return RIOTERS, (a2 if a2 not in (PROTESTERS, RIOTERS) else None)
    return a1, a2


def coordinated_head(folded: str, actors: list[ActorMention], before: Positioned) -> str | None:
    """The subject's head actor: "Hezbollah and Iraqi paramilitary fighters poured into" -> Hezbollah (the first of
    actors joined only by "and")."""
    if not before:
        return None
    ends = {a.start: a.end for a in actors}
    i = len(before) - 1
    while i > 0:
        prev_pos, prev_actor = before[i - 1]
        if folded[ends[prev_pos] : before[i][0]].strip() not in ("and", "as well as") or prev_actor == before[i][1]:
            break
        i -= 1
    return before[i][1]

"""Trigger phrases per ACLED sub-event type, matched on folded sentences (lower-case, punctuation -> space)."""

from __future__ import annotations

import re
from typing import NamedTuple

import ahocorasick

# (sub_event_type, pattern, needs, cues) - needs: "air" = only with air context or an air-capable actor1,
# "state" / "nonstate" = which side takes territory; "" = always. cues: words any match of the pattern begins with
# (as word prefixes): a pattern is only tried where one of its cues starts a word, not at every character of every
# sentence (tests/unit/test_extract_properties.py checks this finds what an exhaustive scan finds).
_RAW: list[tuple[str, str, str, str]] = [
    # security forces shooting at a crowd: listed first, so that "opened fire on protesters" is not an armed clash
    ("Excessive force against protesters",
     r"(?:opened fire|fired(?: live (?:ammunition|rounds))?|shot|shooting) (?:\w+ ){0,2}?(?:on|at|into) (?:\w+ ){0,2}?"
     r"(?:protesters|protestors|demonstrators|marchers|crowds?)",
     "", "opened fired shot shooting"),
    ("Violent demonstration", r"rioters?|riot(?:ed|ing)|(?:threw|hurled|throwing|hurling) (?:stones|rocks|molotov)|"
                              r"stormed and (?:set fire|torched|burned)", "",
     "riot threw hurled throwing hurling stormed"),
    ("Suicide bomb", r"suicide (?:bomb(?:er|ing|ers|ings)?|attack(?:er|s)?|car bomb(?:er|ers|s|ing)?|"
                     r"truck bomb(?:er|s)?|vest)|"
                     r"svbied|vbied", "",
     "suicide svbied"),
    ("Remote explosive/landmine/IED", r"ied|ieds|roadside bomb|car bomb|landmine|land mine|explosive device|"
                                      r"booby trap(?:ped)?|sticky bomb|bomb exploded|improvised explosive", "",
     "ied roadside car landmine land explosive booby sticky bomb improvised"),
    ("Air/drone strike", r"air ?strikes?|air raids?|drone strikes?|aerial (?:bombardment|attack|strike)s?|"
                         r"(?:aircraft|warplanes?|jets?|drones?|planes?|helicopters?|f 16s?|f 16i)"
                         r" (?:\w+ ){0,3}?(?:struck|bombed|targeted|hit|destroyed|attacked|raided|fired)", "",
     "air drone aerial aircraft warplane jet plane helicopter f_16"),
    ("Air/drone strike", r"struck|strikes? (?:on|against|engaged|hit|targeted)|conducted (?:\w+ ){0,2}strikes?|"
                         r"bombed|raided|bombing|hit|destroyed|targeted|prosecuted|raid(?:s)? on|strike|neutrali[sz]ed|"
                         r"assassinated|eliminated", "air",
     "struck strike conducted bombed raided bombing hit destroyed targeted prosecuted raid neutrali assassinated "
     "eliminated"),
    ("Shelling/artillery/missile attack", r"shell(?:ed|ing|s)|artillery|mortars?|rockets? (?:fire|fired|attack|"
                                          r"launched|hit)|missile attack|"
                                          r"fired (?:\w+ ){0,4}?(?:rockets?|missiles?|mortars?|shells|rounds)|"
                                          r"(?:rockets?|missiles?|mortars?|shells) (?:were |was )?(?:fired|launched|"
                                          r"landed|slammed)|bombardment|mortar fire|rocket fire", "",
     "shell artillery mortar rocket missile fired bombardment"),
    ("Armed clash", r"clash(?:ed|es)?|firefights?|gun ?battles?|fought|fighting between|ambush(?:ed)?|fired on|"
                    r"exchange of fire|exchanged fire|gunfights?|shootouts?|opened fire (?:on|at)|"
                    r"attacked (?:\w+ ){0,2}?(?:checkpoints?|positions?|posts?|outposts?|bases?|convoys?|patrols?|"
                    r"barracks|troops|soldiers)", "",
     "clash firefight gun fought fighting ambush fired exchange exchanged shootout opened attacked"),
    ("Government regains territory", r"recaptur(?:ed|ing)|retook|retaken|regain(?:ed|ing)|liberat(?:ed|ing)|"
                                      r"(?:captured|seized|took control of|established control over|broke the siege|"
                                      r"breaking the siege|lifted the siege|declared (?:full |complete |total )?"
                                      r"control (?:of|over)|took full control of|fell to)", "state",
     "recaptur retook retaken regain liberat captured seized took established broke breaking lifted declared fell"),
    ("Non-state actor overtakes territory", r"captured|seized control|took control of|overran|overrun|seized|fell to",
     "nonstate",
     "captured seized took overran overrun fell"),
    ("Arrests", r"arrest(?:ed|s)?|detain(?:ed|s)|rounded up|taken into custody", "",
     "arrest detain rounded taken"),
    ("Abduction/forced disappearance", r"abduct(?:ed|ion)|kidnap(?:ped|ping)", "",
     "abduct kidnap"),
    ("Agreement", r"agreement|deal was (?:struck|reached)|reached a deal|(?:ceasefire|truce) (?:agreed|deal|came|"
                  r"was (?:agreed|reached|announced|signed))|(?:ceasefire|truce) (?:\w+ ){0,5}?(?:took effect|"
                  r"went into (?:effect|force)|came into (?:effect|force)|entered into force)|"
                  r"agreed (?:\w+ ){0,3}?(?:to|on)|"
                  r"signed (?:a|an) (?:deal|accord)|evacuation deal|deal with|deal announced", "",
     "agreement deal reached ceasefire truce agreed signed evacuation"),
    ("Headquarters or base established", r"(?:established|set up|built|opened) (?:a |an |its )?(?:new )?"
                                         r"(?:\w+ )?(?:base|headquarters|hq|outpost|garrison|checkpoint)", "",
     "established set built opened"),
    ("Change to group/activity", r"deploy(?:ed|ing|ment)|redeploy(?:ed|ment)|were moved|moved to|arrived in|"
                                 r"withdr(?:ew|awn|awal)|evacuat(?:ed|ion)|relocat(?:ed|ion)|poured into|"
                                 r"took up positions|departed|left the area|reinforcements|convoy (?:moved|left|"
                                 r"headed|heading|arrived)|returned to|movement of", "",
     "deploy redeploy were moved arrived withdr evacuat relocat poured took departed left reinforcements convoy "
     "returned movement"),
    ("Disrupted weapons use", r"intercepted|defused|dismantled|shot down|seized (?:weapons|arms|explosives)", "",
     "intercepted defused dismantled shot seized"),
    ("Attack", r"executed|shot dead|massacred?|killed civilians|attacked civilians|stabbed", "",
     "executed shot massacre killed attacked stabbed"),
    ("Looting/property destruction", r"looted|looting|torched|demoli(?:shed|shing|tion)|set fire to|bulldozed", "",
     "looted looting torched demoli set bulldozed"),
    ("Peaceful protest", r"protest(?:ed|ers|s)?(?! movement)|demonstrat(?:ed|ion|ions|ors)|rall(?:y|ied|ies)|"
                         r"marched (?:peacefully|through|in|to|from|on)|took to the streets|staged a sit in|sit ins?",
     "", "protest demonstrat rall marched took staged sit"),
]
TRIGGERS: list[tuple[str, re.Pattern[str], str]] = [(t, re.compile(rf"\b(?:{p})\b"), n) for t, p, n, _ in _RAW]



def _cue_automaton() -> ahocorasick.Automaton:
    by_cue: dict[str, list[int]] = {}
    for i, (_, _, _, cues) in enumerate(_RAW):
        for cue in cues.split():
            by_cue.setdefault(cue.replace("_", " "), []).append(i)
    auto = ahocorasick.Automaton()
    for cue, indexes in by_cue.items():
        auto.add_word(" " + cue, (len(cue), tuple(indexes)))  # leading space: only at the start of a word
    auto.make_automaton()
    return auto


_CUE_AUTO = _cue_automaton()
AIR_WORDS = re.compile(r"\b(?:air|aircraft|airstrikes?|warplanes?|jets?|drones?|planes?|bombs?|missiles?|sorties?|"
                       r"air force|f 16s?|helicopters?)\b")
NEGATION = re.compile(r"\b(?:no|not|never|nor|without|denied|denies|deny|n t|neither|refrained from|did not)\b")
IRREALIS = re.compile(r"\b(?:will|would|could|might|may|should|must|plans? to|planning to|expected to|"
                      r"threaten(?:s|ed)? "
                      r"to|vow(?:s|ed)? to|intend(?:s|ed)? to|aim(?:s|ing)? to|if|seeks? to|ready to|poised to|"
                      r"prepar(?:es|ed|ing) to|wants? to|attempt(?:s|ed)? to|in order to|to identify and|"
                      r"how to|capable of|hope(?:s)? (?:to|that)|backed by|supported by|support of|cover of)\b")
PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+\s+)?$")


class Trigger(NamedTuple):  # a tuple: cheap to create, and these are made by the thousand
    start: int
    end: int
    sub_event_type: str
    needs: str
    passive: bool


def cue_starts(folded_sentence: str) -> list[tuple[int, tuple[int, ...]]]:
    """(offset, trigger indexes) of the words in `folded_sentence` that begin with a trigger cue, in order."""
    found: dict[int, tuple[int, ...]] = {}
    for end, (length, indexes) in _CUE_AUTO.iter(" " + folded_sentence):
        start = end - length
        found[start] = found[start] + indexes if start in found else indexes
    return sorted(found.items())


def find_triggers(folded_sentence: str, starts: list[tuple[int, tuple[int, ...]]] | None = None) -> list[Trigger]:
    """Every trigger in a folded sentence, earliest first. Several types may start at one word ("captured" is
    territory taken by a state or by a non-state actor): all are returned, in listed order, and the caller keeps the
    first whose conditions hold; a trigger starting inside an earlier one of another start is not returned.
    `starts`: the sentence's `cue_starts`, when the caller found them for a whole document at once."""
    found: list[Trigger] = []
    covered = -1
    for s, indexes in cue_starts(folded_sentence) if starts is None else starts:
        if s < covered:
            continue
        here = []
        for i in sorted(set(indexes)):
            sub_type, pattern, needs = TRIGGERS[i]
            m = pattern.match(folded_sentence, s)
            if m is None:
                continue
            e = m.end()
            before = folded_sentence[max(0, s - 24):s]
            passive = bool(PASSIVE_BEFORE.search(before)) and folded_sentence[e:e + 4].startswith(" by")
            passive = passive or folded_sentence[e:e + 6].startswith((" by ", "  by "))
            here.append(Trigger(s, e, sub_type, needs, passive))
        if here:
            found.extend(here)
            covered = min(t.end for t in here)
    return found


def clause_before(folded_sentence: str, pos: int) -> str:
    """Text from the last clause break before `pos` (comma, semicolon, colon, 'but', 'and') to `pos`."""
    head = folded_sentence[:pos]
    cut = max(head.rfind("  "), head.rfind(" but "), head.rfind(" while "), head.rfind(" after "))
    return head[cut + 1:] if cut >= 0 else head

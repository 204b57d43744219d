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
    (
        "Excessive force against protesters",
        r"(?:opened fire|fired(?: live (?:ammunition|rounds))?|shot|shooting) (?:\w+ ){0,3}?(?:on|at|into) "
        r"(?:\w+ ){0,3}?(?:protesters|protestors|demonstrators|marchers|crowds?|mourners)",
        "",
        "opened fired shot shooting",
    ),
    # a protest the authorities broke up without lethal force
    (
        "Protest with intervention",
        r"(?:dispersed|broke up|disperse|break up|teargassed|tear gassed|charged|beat|arrested|detained|rounded up)"
        r" (?:\w+ ){0,3}?(?:protesters|protestors|demonstrators|marchers|crowds?|rall(?:y|ies)|protests?|sit ins?)|"
        r"(?:fired|firing) (?:\w+ ){0,2}?(?:tear gas|teargas|water cannons?|rubber bullets)|tear gas|teargas|"
        r"water cannons?",
        "",
        "dispersed broke disperse break teargassed tear charged beat arrested detained rounded fired firing teargas "
        "water_cannon",
    ),
    # a mob: rioters without an organisation, attacking people or property
    # an angry crowd acting on its own is a mob, whoever it turns on
    (
        "Mob violence",
        r"mobs?|lynch(?:ed|ing|ings)?|vigilantes?|(?:angry|irate|enraged) (?:crowds?|residents|villagers|youths)",
        "",
        "mob_ mobs_ lynch vigilante angry irate enraged",
    ),
    (
        "Violent demonstration",
        r"rioters?|riot(?:ed|ing|s)?|(?:threw|hurled|throwing|hurling|pelted) (?:\w+ ){0,2}?"
        r"(?:stones|rocks|molotov|petrol bombs)|stormed and (?:set fire|torched|burned)",
        "",
        "riot threw hurled throwing hurling pelted stormed",
    ),
    (
        "Suicide bomb",
        r"suicide (?:bomb(?:er|ing|ers|ings)?|attack(?:er|s)?|car bomb(?:er|ers|s|ing)?|"
        r"truck bomb(?:er|s)?|vest|blast|bombers?)|blew (?:himself|herself|themselves) up|"
        r"svbieds?|vbieds?",
        "",
        "suicide blew svbied vbied",
    ),
    (
        "Chemical weapon",
        r"chemical (?:weapons? )?attacks?|chemical weapons? (?:was |were )?used|chlorine (?:gas )?"
        r"(?:attacks?|bombs?|barrels?)|sarin|toxic gas attacks?|poison gas",
        "",
        "chemical chlorine sarin toxic poison",
    ),
    (
        "Grenade",
        r"(?:hand )?grenade (?:attacks?|blast|explosion|exploded|was thrown|was hurled)|"
        r"(?:threw|hurled|lobbed|tossed|throwing|hurling) (?:a |two |several |\w+ )?(?:hand )?grenades?",
        "",
        "hand grenade threw hurled lobbed tossed throwing hurling",
    ),
    (
        "Remote explosive/landmine/IED",
        r"ieds?|roadside bombs?|car bombs?|landmines?|land mines?|explosive devices?|"
        r"booby trap(?:ped|s)?|sticky bombs?|bomb (?:exploded|went off|blast)|"
        r"improvised explosive|motorcycle bomb|magnetic bomb",
        "",
        "ied roadside car landmine land explosive booby sticky bomb improvised motorcycle magnetic",
    ),
    # a bare "explosion" or "bombing" is a planted bomb only when nothing says it came from the air or a gun
    (
        "Remote explosive/landmine/IED",
        r"bomb attack|bombings?|explosions?|blasts?",
        "generic",
        "bomb bombing explosion blast",
    ),
    (
        "Air/drone strike",
        r"air ?strikes?|air raids?|drone (?:strikes?|attacks?|bombing|bombardment)|"
        r"aerial (?:bombardment|attack|strike|bombing)s?|airstrikes?|"
        r"barrel bombs?|kamikaze drones?|suicide drones?|loitering munitions?|"
        r"(?:aircraft|warplanes?|jets?|drones?|planes?|helicopters?|gunships?|f 16s?|f 16i|uavs?)"
        r" (?:\w+ ){0,3}?(?:struck|bombed|targeted|hit|destroyed|attacked|raided|fired|dropped|"
        r"launched|shelled|strafed|pounded)",
        "",
        "air drone aerial airstrike barrel kamikaze suicide loitering aircraft warplane jet plane helicopter gunship "
        "f_16 uav",
    ),
    (
        "Air/drone strike",
        r"struck|strikes? (?:on|against|engaged|hit|targeted|by)|conducted (?:\w+ ){0,2}strikes?|"
        r"carried out (?:\w+ ){0,3}?(?:strikes?|raids?|operations?|sorties) (?:on|against)|"
        r"bombed|raided|bombing|hit|destroyed|targeted|prosecuted|raids? (?:on|against|by|in)|"
        r"strike|neutrali[sz]ed|assassinated|eliminated|pounded|dropped (?:\w+ ){0,2}?bombs?",
        "air",
        "struck strike conducted carried bombed raided bombing hit destroyed targeted prosecuted raid neutrali "
        "assassinated eliminated pounded dropped",
    ),
    (
        "Shelling/artillery/missile attack",
        r"shell(?:ed|ing|s)|artillery|mortars?|rockets? (?:fire|fired|attack|"
        r"launched|hit|barrage|salvo)|missile attacks?|missile strikes?|"
        r"fired (?:\w+ ){0,4}?(?:rockets?|missiles?|mortars?|shells|rounds|"
        r"projectiles|katyushas?)|"
        r"(?:rockets?|mortars?|shells|projectiles) (?:were |was )?"
        r"(?:fired|launched|landed|slammed|struck|hit)|"
        r"missiles? (?:were |was )?(?:fired|launched|landed|slammed)|"
        r"bombardment|mortar fire|"
        r"rocket fire|barrage of (?:rockets|missiles|shells)|"
        r"(?:salvo|salvos) of (?:\w+ )?(?:rockets|missiles)|katyushas?",
        "",
        "shell artillery mortar rocket missile fired projectiles bombardment barrage salvo katyusha",
    ),
    # violence against civilians: before armed clash, so that "opened fire on villagers" is not a battle
    (
        "Attack",
        r"executed|shot dead|massacred?|massacres|killed civilians|gunned down|hacked to death|beheaded|"
        r"(?:attacked|raided|stormed|opened fire on|fired on|shot at|targeted|killed) (?:\w+ ){0,3}?"
        r"(?:civilians|villagers|villages?|residents|farmers|worshippers|passengers|travell?ers|displaced|"
        r"herders|fishermen|miners|mourners|students|children|women|shoppers|motorists|family|families|"
        r"homes|camps? for (?:the )?displaced)|"
        r"attack(?:s)? (?:\w+ ){0,3}?on (?:\w+ ){0,2}?(?:civilians|villagers|village|residents|farmers|"
        r"worshippers|passengers|displaced|herders|fishermen|mourners|shelter|camp for)|stabbed|"
        r"killing spree|burned alive",
        "",
        "executed shot massacre killed gunned hacked beheaded attacked raided stormed opened fired targeted attack "
        "stabbed killing burned",
    ),
    (
        "Armed clash",
        r"clash(?:ed|es)?|firefights?|gun ?battles?|fought|fighting (?:between|with|against|in|around|"
        r"for|near|erupted|broke out)|heavy fighting|ambush(?:ed|es)?|fired on|"
        r"exchange of fire|exchanged fire|gunfights?|shootouts?|opened fire (?:on|at)|"
        r"(?:attacked|stormed|raided|overran|assaulted|targeted|hit) (?:\w+ ){0,3}?(?:checkpoints?|"
        r"positions?|posts?|outposts?|bases?|convoys?|patrols?|barracks|troops|soldiers|camps?|"
        r"police stations?|checkposts?|garrisons?|army|military|units)|"
        r"(?:attacks?|assaults?|offensive|raid) (?:by (?:\w+ ){0,6}?)?on (?:\w+ ){0,3}?(?:checkpoints?|"
        r"positions?|posts?|outposts?|bases?|convoys?|patrols?|barracks|troops|soldiers|camps?|"
        r"police stations?|checkposts?|garrisons?|army|military)|"
        r"(?:repelled|repulsed|fought off|foiled|thwarted|beat back) (?:\w+ ){0,3}?(?:attacks?|assaults?|"
        r"offensive|incursion|infiltration)|battles? (?:for|between|with)|engaged in combat",
        "",
        "clash firefight gun fought fighting heavy ambush fired exchange exchanged shootout opened attacked stormed "
        "raided overran assaulted targeted hit attack assault offensive raid repelled repulsed foiled thwarted beat "
        "battle engaged",
    ),
    # people seized or taken away are abducted; "seized the town" stays a territorial change (listed after this)
    (
        "Abduction/forced disappearance",
        r"(?:seized|snatched|grabbed|took away|taken away|carried away|whisked away) (?:\w+ ){0,3}?"
        r"(?:people|persons|men|women|children|girls|boys|chiefs|villagers|passengers|drivers|students|farmers|"
        r"civilians|residents|travell?ers|worshippers|aid workers|officials|teachers|pupils|captives)|"
        r"(?:were|was|been) (?:seized|snatched|taken away|carried away|whisked away)\b(?! control)",
        "",
        "seized snatched grabbed took taken carried whisked were was been",
    ),
    (
        "Government regains territory",
        r"recaptur(?:ed|ing)|retook|retaken|regain(?:ed|ing)|liberat(?:ed|ing)|"
        r"(?:captured|seized|took control of|established control over|broke the siege|"
        r"breaking the siege|lifted the siege|declared (?:full |complete |total )?"
        r"control (?:of|over)|took full control of|(?:taken|assumed) (?:full |complete |total )?control of|"
        r"took over|fell to|"
        r"seized (?:full |complete |total )?control of|entered|cleared)",
        "state",
        "recaptur retook retaken regain liberat captured seized took taken assumed established broke breaking lifted "
        "declared fell entered cleared",
    ),
    (
        "Non-state actor overtakes territory",
        r"captured|seized control|took control of|overran|overrun|seized|"
        r"fell to|took over|took full control of|(?:taken|assumed) (?:full |complete |total )?control of|"
        r"seized (?:full |complete |total )?"
        r"control of|entered",
        "nonstate",
        "captured seized took taken assumed overran overrun fell entered",
    ),
    (
        "Non-violent transfer of territory",
        r"handed over|handover of|hand over|took possession of|took over (?:\w+ ){0,2}?"
        r"(?:base|camp|bases|camps|positions)|withdrew from (?:\w+ ){0,3}?"
        r"(?:handing|leaving it to)|transferred (?:control|the base|the camp)",
        "",
        "handed handover hand took withdrew transferred",
    ),
    (
        "Arrests",
        r"arrest(?:ed|s)?|detain(?:ed|s)|rounded up|taken into custody|apprehended|nabbed",
        "",
        "arrest detain rounded taken apprehended nabbed",
    ),
    (
        "Abduction/forced disappearance",
        r"abduct(?:ed|ion|ions|ing)|kidnap(?:ped|ping|pings)|"
        r"taken hostage|took (?:\w+ ){0,3}?hostage|held hostage",
        "",
        "abduct kidnap taken took held_hostage",
    ),
    (
        "Sexual violence",
        r"rap(?:ed|es)|rape of|gang rap(?:ed|es)|sexual(?:ly)? (?:violence|assault(?:ed)?|abused|"
        r"abuse)",
        "",
        "rape raped rapes gang sexual",
    ),
    (
        "Agreement",
        r"agreement|deal was (?:struck|reached)|reached (?:a|an) (?:deal|arrangement|accord|agreement)|"
        r"(?:ceasefire|truce) (?:agreed|deal|came|was (?:agreed|reached|announced|signed))|"
        r"(?:ceasefire|truce) (?:\w+ ){0,5}?(?:took effect|"
        r"went into (?:effect|force)|came into (?:effect|force)|entered into force)|"
        r"agreed (?:\w+ ){0,3}?(?:to|on)|announced (?:a|an) (?:ceasefire|truce)|"
        r"signed (?:a|an) (?:deal|accord|peace)|evacuation deal|deal with|deal announced|"
        r"peace (?:deal|accord) (?:was )?signed|prisoner (?:swap|exchange)",
        "",
        "agreement deal reached ceasefire truce agreed announced signed evacuation peace prisoner",
    ),
    (
        "Headquarters or base established",
        r"(?:established|set up|built|opened) (?:a |an |its )?(?:new )?"
        r"(?:\w+ )?(?:base|headquarters|hq|outpost|garrison|checkpoint)",
        "",
        "established set built opened",
    ),
    (
        "Disrupted weapons use",
        r"intercepted|defused|dismantled|shot down|seized (?:\w+ ){0,2}?(?:weapons|arms|"
        r"explosives|ammunition|rockets|drones)|"
        r"(?:cleared|removed|disposed of|located and destroyed|found and destroyed|"
        r"detonated in a controlled|safely detonated) (?:\w+ ){0,3}?(?:mines?|ieds?|"
        r"explosives?|devices?|ordnance|bombs?)|"
        r"(?:destroyed|demolished|blew up|uncovered|discovered) (?:\w+ ){0,3}?(?:tunnels?|"
        r"weapons (?:depots?|caches?|stores?)|arms (?:depots?|caches?)|ieds?|explosive devices?|"
        r"launch(?:ers| pads| sites)?|rocket launchers)|foiled (?:an? )?(?:\w+ )?(?:plot|bombing)",
        "",
        "intercepted defused dismantled shot seized cleared removed disposed located found detonated safely destroyed "
        "demolished blew uncovered discovered foiled",
    ),
    (
        "Change to group/activity",
        r"deploy(?:ed|ing|ment)|redeploy(?:ed|ment)|were moved|moved to|arrived in|"
        r"withdr(?:ew|awn|awal)|evacuat(?:ed|ion)|relocat(?:ed|ion)|poured into|"
        r"took up positions|departed|left the area|reinforcements|convoy (?:moved|left|"
        r"headed|heading|arrived)|returned to|movement of|pulled out|"
        r"launched (?:a |an |its |the )?(?:\w+ ){0,2}?(?:offensive|operation|campaign)",
        "",
        "deploy redeploy were moved arrived withdr evacuat relocat poured took departed left reinforcements convoy "
        "returned movement pulled launched",
    ),
    (
        "Looting/property destruction",
        r"looted|looting|torched|demoli(?:shed|shing|tion)|set fire to|bulldozed|"
        r"set (?:\w+ ){0,3}?on fire|set ablaze|burn(?:ed|t) (?:down )?"
        r"(?:\w+ ){0,2}?(?:houses|homes|shops|market|vehicles|cars|buildings|offices|"
        r"villages?)|ransacked|pillaged|plundered|vandali[sz]ed",
        "",
        "looted looting torched demoli set bulldozed burned burnt ransacked pillaged plundered vandali",
    ),
    (
        "Peaceful protest",
        r"protest(?:ed|ers|s|ing)?(?! movement)|demonstrat(?:ed|ion|ions|ors)|rall(?:y|ied|ies)|"
        r"marched (?:peacefully|through|in|to|from|on)|took to the streets|staged a sit in|sit ins?|"
        r"poured onto the streets|strike action|went on strike|general strike",
        "",
        "protest demonstrat rall marched took_to staged sit_in sit_ins poured strike_action went_on general_strike",
    ),
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
AIR_WORDS = re.compile(
    r"\b(?:air|aircraft|airstrikes?|warplanes?|jets?|drones?|planes?|bombs?|missiles?|sorties?|"
    r"air force|f 16s?|helicopters?)\b"
)
# What launches from the air: a missile or bomb from one of these is an air/drone strike, whatever the verb
AIR_PLATFORM = re.compile(
    r"(?<!anti )\b(?:aircraft|warplanes?|jets?|drones?|planes?|helicopters?|gunships?|uavs?|"
    r"air ?strikes?|air raids?|air force|f 16s?|f 16i|sorties?|fighter bombers?)\b"
)
NEGATION = re.compile(r"\b(?:no|not|never|nor|without|denied|denies|deny|n t|neither|refrained from|did not)\b")
IRREALIS = re.compile(
    r"\b(?:will|would|could|might|may|should|must|plans? to|planning to|expected to|"
    r"threaten(?:s|ed)? "
    r"to|vow(?:s|ed)? to|intend(?:s|ed)? to|aim(?:s|ing)? to|if|seeks? to|ready to|poised to|"
    r"prepar(?:es|ed|ing) to|wants? to|attempt(?:s|ed)? to|in order to|to identify and|"
    r"how to|capable of|hope(?:s)? (?:to|that)|backed by|supported by|support of|cover of)\b"
)
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
            before = folded_sentence[max(0, s - 24) : s]
            passive = bool(PASSIVE_BEFORE.search(before)) and folded_sentence[e : e + 4].startswith(" by")
            passive = passive or folded_sentence[e : e + 6].startswith((" by ", "  by "))
            here.append(Trigger(s, e, sub_type, needs, passive))
        if here:
            found.extend(here)
            covered = min(t.end for t in here)
    return found


def clause_before(folded_sentence: str, pos: int) -> str:
    """Text from the last clause break before `pos` (comma, semicolon, colon, 'but', 'and') to `pos`."""
    head = folded_sentence[:pos]
    cut = max(head.rfind("  "), head.rfind(" but "), head.rfind(" while "), head.rfind(" after "))
    return head[cut + 1 :] if cut >= 0 else head

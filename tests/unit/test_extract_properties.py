"""Properties of extraction over generated documents (not the seeds): cleaning + extraction never raise, evidence
points into the raw text and says what the raw text says there, no event is dated after publication, and the trigger
cue prefilter finds exactly what trying every pattern at every word would find."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep import schemas
from sitrep.cleaning import clean_document
from sitrep.extraction import extract_events
from sitrep.extraction.textnorm import fold
from sitrep.extraction.triggers import PASSIVE_BEFORE, TRIGGERS, Trigger, find_triggers

WORDS = [
    # triggers and near-misses
    "struck", "strikes", "airstrike", "air", "raid", "raided", "on", "shelled", "rockets", "fired", "clashed",
    "captured", "seized", "control", "of", "took", "deal", "was", "reached", "agreed", "to", "deployed",
    "evacuated", "from", "moved", "convoy", "left", "the", "area", "arrested", "kidnapped", "suicide", "bomb",
    "car", "roadside", "IED", "protest", "looted", "shot", "dead", "down", "set", "fire", "up", "a", "base",
    "established", "withdrew", "returned", "movement", "drone", "jets", "F-16", "Israeli", "hit", "destroyed",
    "opened", "protesters", "rioters", "threw", "stones", "fell", "declared", "full", "ceasefire", "effect",
    "marched", "peacefully", "attacked", "checkpoint", "gunfight", "mortar", "were", "announced", "between",
    # actors, places, dates, counts, function words
    "Israel", "IS", "ISIS", "Hezbollah", "PMU", "Coalition", "regime", "forces", "SDF", "Russia", "Turkish",
    "Homs", "al-Tanf", "Abu", "Kamal", "Deir", "ez-Zor", "Palmyra", "Sinjar", "near", "in", "by", "and", "not",
    "Monday", "yesterday", "18", "May", "2017", "last", "week", "month", "late", "February", "at", "least", "48",
    "killed", "wounded", "six", "fighters", "people", "said", "source", "backed", "that", "will",
]
SEPARATORS = [" ", " ", " ", ", ", ". ", ".\n", "\n\n", " – ", "’s ", " (", ") ", "“", "” ", "\t", "  "]


@st.composite
def texts(draw: st.DrawFn) -> str:
    n = draw(st.integers(min_value=0, max_value=60))
    parts = []
    for _ in range(n):
        parts.append(draw(st.sampled_from(WORDS)))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    if draw(st.booleans()):  # dated update sections and listing-page footers exercise anchors and post splitting
        parts.insert(draw(st.integers(0, len(parts))), "\n\nUPDATE September 5, 2017\n\n")
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), "\n\nComments Off on Some Post\n\n")
    return "".join(parts) + draw(st.text(max_size=20))


def raw_doc(text: str, published: str) -> dict[str, Any]:
    return {"id": "gen-1", "kind": "article", "source": "gen", "published_at": published, "title": None,
            "text": text}


CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@settings(max_examples=150, deadline=None)
@given(texts(), st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_extraction_over_generated_documents(text: str, published: date) -> None:
    raw = raw_doc(text, published.isoformat())
    for doc in clean_document(raw):
        for event in extract_events(doc):
            schemas.check("events", event)
            assert date.fromisoformat(event["event_date"]) <= published
            for ev in event["evidence"]:
                assert ev["doc_id"] == raw["id"]
                assert 0 <= ev["start"] <= ev["end"] <= len(text)
                # cleaning only changes whitespace and drops control characters inside kept lines: the raw span says
                # what the evidence says
                assert squash(CONTROL.sub("", text[ev["start"]:ev["end"]])) == squash(ev["text"])


def exhaustive_triggers(folded: str) -> list[Trigger]:
    """The reference: every pattern tried at the start of every word (what the cue prefilter must reproduce)."""
    found: list[Trigger] = []
    covered = -1
    for s in (i for i, ch in enumerate(folded) if ch != " " and (i == 0 or folded[i - 1] == " ")):
        if s < covered:
            continue
        here = []
        for sub_type, pattern, needs in TRIGGERS:
            m = pattern.match(folded, s)
            if m is None:
                continue
            e = m.end()
            passive = bool(PASSIVE_BEFORE.search(folded[max(0, s - 24):s])) and folded[e:e + 4].startswith(" by")
            passive = passive or folded[e:e + 6].startswith((" by ", "  by "))
            here.append(Trigger(s, e, sub_type, needs, passive))
        if here:
            found.extend(here)
            covered = min(t.end for t in here)
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30))
def test_cue_prefilter_finds_what_an_exhaustive_scan_finds(words: list[str]) -> None:
    folded = fold(" ".join(words))
    assert find_triggers(folded) == exhaustive_triggers(folded)


def test_every_trigger_phrase_has_a_cue() -> None:
    phrases = ["suicide bomber", "svbied", "roadside bomb", "land mine", "booby trapped", "bomb exploded",
               "air strikes", "airstrike", "aerial bombardment", "warplanes bombed", "f 16s struck", "strikes on",
               "conducted two strikes", "prosecuted", "neutralised", "shelling", "mortars", "rockets fired",
               "fired two rockets", "clashes", "firefight", "gunbattle", "ambushed", "exchanged fire",
               "recaptured", "retook", "liberating", "broke the siege", "overran", "arrested", "rounded up",
               "taken into custody", "abduction", "kidnapping", "agreement", "deal was reached", "reached a deal",
               "ceasefire agreed", "truce took effect", "signed a deal", "evacuation deal", "set up a new base",
               "opened its headquarters", "redeployment", "were moved", "withdrawal", "relocated", "poured into",
               "took up positions", "departed", "left the area", "reinforcements", "convoy headed", "movement of",
               "intercepted", "defused", "shot down", "seized weapons", "executed", "shot dead", "massacre",
               "stabbed", "looting", "torched", "demolition", "set fire to", "bulldozed", "protesters",
               "demonstration", "rallied",
               # generalization rules
               "opened fire on protesters", "rioters", "threw stones", "suicide car bomber", "rockets were fired",
               "gunfight", "attacked a checkpoint", "declared full control of", "fell to", "agreed on",
               "ceasefire between them took effect", "marched peacefully", "took to the streets",
               "improvised explosive", "mortar fire", "deal announced",
               # the whole taxonomy, nominal events and instruments
               "dispersed the protesters", "fired tear gas", "a mob lynched", "hurled a grenade", "grenade attack",
               "chemical attack", "raped", "sexual violence", "handed over", "took possession of", "apprehended",
               "were taken hostage", "set ablaze", "blew himself up", "barrel bombs", "helicopters dropped",
               "drone attack",
               "carried out several strikes on", "raids by", "attack on their positions", "repelled an attack",
               "attacked a village", "opened fire on villagers", "launched an offensive", "set the houses on fire",
               "destroyed a tunnel", "cleared an anti tank mine", "prisoner swap", "went on strike", "explosion",
               "salvo of rockets", "katyusha", "heavy fighting", "took over the base"]
    for phrase in phrases:
        folded = fold(f"they {phrase} there")
        assert find_triggers(folded) == exhaustive_triggers(folded) != [], phrase

"""Salience: which mentions of an event type report an event, and which are background.

Not events (ANNOTATION.md): aggregates ("more than 300 strikes over eight years", "killed since October"), habitual
or repeated activity ("strikes the area almost daily"), references back to an earlier attack ("the last attack on the
base", "a similar strike"), month-only references, and events long before the report that it only recalls.
"""

from __future__ import annotations

import re
from datetime import date

from sitrep.extraction.triggers import clause_before

_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|" \
          r"jun|jul|aug|sep|sept|oct|nov|dec)"  # fmt: skip
# Counts over a period: the clause states a total, not an event
_AGGREGATE = re.compile(
    rf"\bsince (?:early |late |mid |the (?:start|beginning|end) of )?(?:{_MONTHS}|(?:19|20)\d\d|the (?:start|beginning|"
    r"outbreak|war|conflict|fighting|offensive|campaign|uprising|coup)|then|last (?:year|month|week))\b|"
    r"\bso far (?:this|in) (?:year|month|week)\b|\bthis year alone\b|\bin total\b|\ba total of\b|"
    r"\b(?:more than|over|nearly|almost|at least) \d[\d,]* "
    r"(?:\w+ )?(?:strikes|attacks|raids|incidents|airstrikes|air strikes|operations|sorties|targets)\b|"
    r"\b(?:dozens|hundreds|thousands|scores) of (?:\w+ )?(?:strikes|attacks|raids|incidents|airstrikes)\b|"
    r"\b(?:almost |nearly )?(?:daily|every day|every night|weekly|regularly|routinely|frequently|repeatedly)\b|"
    r"\b(?:deadliest|worst|bloodiest) (?:\w+ ){0,3}(?:since|in|of)\b|\banniversary\b|\bcommemorat"
)
_AGGREGATE_CUES = (
    "since",
    "so far",
    "alone",
    "total",
    "more than",
    "over ",
    "nearly",
    "almost",
    "at least",
    "dozens",
    "hundreds",
    "thousands",
    "scores",
    "daily",
    "every",
    "weekly",
    "regularly",
    "routinely",
    "frequently",
    "repeatedly",
    "deadliest",
    "worst",
    "bloodiest",
    "anniversary",
    "commemorat",
)
# "the last attack on the base", "a similar strike", "the third attack on police this month"
_BACK_REFERENCE = re.compile(
    r"\b(?:last|previous|prior|similar|earlier|former|past|recent|second|third|fourth|fifth|sixth|another such|"
    r"such)\s+(?:such\s+|major\s+|deadly\s+|big\s+|large\s+)?$"
)
HISTORICAL_DAYS = 120  # an event this long before the report's own date is history it recalls, not news


def is_background(folded_sentence: str, trigger_start: int) -> bool:
    """Whether the trigger at `trigger_start` is background: an aggregate or habitual statement in its clause, or a
    reference back to an earlier attack."""
    if _BACK_REFERENCE.search(folded_sentence[max(0, trigger_start - 30) : trigger_start]):
        return True
    clause = clause_before(folded_sentence, trigger_start)[-80:]
    tail = folded_sentence[trigger_start : trigger_start + 80]
    cut = tail.find("  ")
    window = clause + " " + (tail[:cut] if cut >= 0 else tail)
    # most clauses hold none of the words an aggregate needs: skip the long pattern for them
    return any(cue in window for cue in _AGGREGATE_CUES) and bool(_AGGREGATE.search(window))


# "In January, ...", "Later in May, ...", "In late February, ...": a chronology whose entries are dated by the month
# that opens them (a timeline of strikes); unlike "earlier this month" or "broke out in July" the month is the
# entry's own heading, so the entry is an event told at month precision
_MONTH_HEADING = re.compile(
    r"^\W*(?:(?:later|earlier|also|then|and)\s+)?(?:in|during)\s+(?:(?:early|late|mid)-?\s*)?"
    rf"{_MONTHS}\b(?:\s+\d{{4}})?\s?[, ]"
)


def opens_with_month(folded_sentence: str) -> bool:
    """Whether the sentence is a chronology entry headed by its month ("In late February, the air force struck ...")."""
    return bool(_MONTH_HEADING.match(folded_sentence))


def too_vague_or_old(event_date: date | None, time_precision: int, reference: date | None,
                     month_heading: bool = False) -> bool:  # fmt: skip
    """Month-only dates do not date an event (unless the month heads a chronology entry); one long before the
    report's own date is history it recalls."""
    if event_date is None or time_precision >= 4 or (time_precision == 3 and not month_heading):
        return True
    return reference is not None and (reference - event_date).days > HISTORICAL_DAYS

"""Date phrases resolved against the publication date, with ACLED time_precision (1 day, 2 week, 3 month).

A rule set rather than dateparser: it is faster, and the rules that matter for news (a weekday is the most recent one
on or before publication; a day-month without year is the latest one not after publication) are explicit here.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import NamedTuple

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_MON_ANY = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d\d?)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?P<wd>" + "|".join(WEEKDAYS) + r")"

# (pattern, kind) - tried in order; earlier patterns win on overlapping text
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # a range of days ("between March 30 and April 5"): only the week is known
    (re.compile(rf"\b(?:between|from)\s+(?:{_MON_ANY}\s+)?[0-3]?\d(?:st|nd|rd|th)?\s+(?:and|to|until)\s+"
                rf"{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.I), "range"),
    (re.compile(rf"\b(?:between|from)\s+[0-3]?\d(?:st|nd|rd|th)?(?:\s+{_MON_ANY})?\s+(?:and|to|until)\s+"
                rf"{_DAY}\s+{_MON}(?:,?\s+{_YEAR})?\b", re.I), "range"),
    (re.compile(rf"\b(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/{_YEAR}\b"), "dmy_num"),
    (re.compile(rf"\b{_YEAR}-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"), "ymd_num"),
    # no optional words in front ("the 18th of May", "on Monday"): a pattern that starts with a fixed character class
    # lets the regex engine skip ahead to candidates instead of trying every position
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?\b", re.I), "dmy"),
    (re.compile(rf"\b{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?\b(?!\s*(?:km|kilomet|mile|%|percent|people|fighters))", re.I),
     "mdy"),
    (re.compile(rf"\b(?P<part>early|mid|mid-|late|end of|beginning of|the end of)\s*-?\s*{_MON}(?:,?\s+{_YEAR})?\b",
                re.I), "part_month"),
    (re.compile(rf"\b(?:in|since|during|of|later in|earlier in|until|by)\s+{_MON}(?:,?\s+{_YEAR})?\b", re.I),
     "month"),
    (re.compile(rf"\b{_MON}\s+{_YEAR}\b", re.I), "month"),
    (re.compile(rf"\b{_WD}(?:\s+(?:morning|evening|night|afternoon))?\b", re.I), "weekday"),
    (re.compile(r"\b(?:yesterday|last\s+night|overnight)\b", re.I), "yesterday"),
    (re.compile(r"\b(?:today|this\s+morning|this\s+evening|tonight|this\s+afternoon|earlier\s+today)\b", re.I),
     "today"),
    (re.compile(r"\b(?:last|this|past|previous)\s+weekend\b|\bover\s+the\s+weekend\b", re.I), "weekend"),
    (re.compile(r"\b(?:(?:over|during|in)\s+the\s+(?:past|last)\s+(?:few\s+|several\s+|\w+\s+)?(?:days|week)"
                r"|over\s+the\s+course\s+of\s+(?:\w+\s+){0,2}days|earlier\s+this\s+week|this\s+week)\b", re.I),
     "this_week"),
    (re.compile(r"\blast\s+week\b", re.I), "last_week"),
    (re.compile(r"\b(?:last|previous)\s+month\b|\blast\s+month'?s\b", re.I), "last_month"),
    (re.compile(r"\b(?:earlier\s+this|this|earlier\s+in\s+the)\s+month\b", re.I), "this_month"),
    (re.compile(r"\bearlier\s+this\s+year\b", re.I), "this_year"),
    # too vague to date an event: still found, so that a sentence dated this way is not given a nearby date
    (re.compile(rf"\b(?:last|past|previous)\s+year\b|\b(?:in|since|back\s+in|during)\s+{_YEAR}\b"
                r"|\bover\s+the\s+(?:past|last)\s+\w+\s+(?:years|months)\b", re.I), "vague"),
]


class DateMention(NamedTuple):  # a tuple: cheap to create, and these are made by the thousand
    start: int
    end: int
    date: date | None  # None: the phrase dates the statement too vaguely to code an event
    precision: int  # 1 day, 2 week, 3 month; 0 with date None


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _latest_not_after(m: int, d: int, pub: date) -> date | None:
    """Day-month without a year: the latest such day on or before publication."""
    for y in (pub.year, pub.year - 1):
        found = _safe(y, m, d)
        if found and found <= pub:
            return found
    return None


def _month_point(y: int | None, m: int, day: int, ref: date, limit: date) -> date | None:
    """A point in a month named without a day: the year is the reference date's (or the one before, for a later
    month); the point is capped at `limit` ("mid-May" published on 10 May is not after publication)."""
    year = y if y else (ref.year if m <= ref.month else ref.year - 1)
    found = _safe(year, m, day)
    if found and found > limit and not y:
        found = _safe(year - 1, m, day) if (year, m) != (limit.year, limit.month) else limit
    if found and found > limit and found.year == limit.year and found.month == limit.month:
        found = limit
    return found


def _resolve(kind: str, g: dict[str, str | None], pub: date, limit: date) -> tuple[date | None, int]:
    """Resolve against the reference date `pub`; month points are capped at `limit` (the publication date)."""
    year = int(g.get("year") or 0) or None
    if kind in ("dmy_num", "ymd_num"):
        return _safe(int(g["year"] or 0), int(g["m"] or 0), int(g["d"] or 0)), 1
    if kind in ("dmy", "mdy"):
        m, d = MONTHS[(g["mon"] or "").lower()], int(g["day"] or 0)
        return (_safe(year, m, d) if year else _latest_not_after(m, d, pub)), 1
    if kind == "range":
        m, d = MONTHS[(g["mon"] or "").lower()], int(g["day"] or 0)
        return (_safe(year, m, d) if year else _latest_not_after(m, d, pub)), 2
    if kind == "part_month":
        part = (g["part"] or "").lower()
        late = part.startswith(("late", "end", "the end"))
        day = 5 if part.startswith(("early", "beginning")) else 25 if late else 15
        return _month_point(year, MONTHS[(g["mon"] or "").lower()], day, pub, limit), 3
    if kind == "month":
        return _month_point(year, MONTHS[(g["mon"] or "").lower()], 15, pub, limit), 3
    if kind == "weekday":
        back = (pub.weekday() - WEEKDAYS[(g["wd"] or "").lower()]) % 7
        return pub - timedelta(days=back), 1
    if kind == "yesterday":
        return pub - timedelta(days=1), 1
    if kind == "today":
        return pub, 1
    if kind == "weekend":
        return pub - timedelta(days=(pub.weekday() - 5) % 7), 2
    if kind == "this_week":
        return pub, 2
    if kind == "last_week":
        return pub - timedelta(days=7), 2
    if kind == "last_month":
        first = pub.replace(day=1) - timedelta(days=1)
        return first.replace(day=15), 3
    if kind == "this_month":
        return min(pub, pub.replace(day=15)), 3
    if kind == "this_year":
        jan1 = pub.replace(month=1, day=1)
        return jan1 + (pub - jan1) / 2, 3
    return None, 0


# Case-insensitive matching is slow: match lower-cased text with case-sensitive copies of the patterns instead.
# Each pattern kind needs one of a few words (a month name, a weekday, "yesterday", ...) or characters: a pattern
# whose cue is absent from the sentence's words is not run at all (most sentences name no month, weekday or day).
_MONTH_KINDS = ("range", "dmy", "mdy", "part_month", "month")
_WORD_KINDS: dict[str, tuple[str, ...]] = {m: _MONTH_KINDS for m in MONTHS}
_WORD_KINDS.update({d: ("weekday",) for d in WEEKDAYS})
for _kinds, _words in (
    (("yesterday",), "yesterday overnight night"), (("today",), "today tonight morning evening afternoon"),
    (("weekend",), "weekend"), (("this_week", "last_week"), "week days"), (("last_month", "this_month", "vague"),
                                                                         "month months"),
    (("this_year", "vague"), "year years"),
):
    for _w in _words.split():
        _WORD_KINDS[_w] = _WORD_KINDS.get(_w, ()) + _kinds
_CHAR_KINDS = (("/", "dmy_num"), ("-", "ymd_num"), ("19", "vague"), ("20", "vague"))
_WORDS = re.compile(r"[a-z]+")
_LOWER = [(re.compile(p.pattern), kind) for p, kind in _PATTERNS]


_CUE_WORDS = frozenset(_WORD_KINDS)


def _kinds_present(lower: str, words: list[str] | None = None) -> set[str]:
    words = _WORDS.findall(lower) if words is None else words
    kinds = {k for w in _CUE_WORDS.intersection(words) for k in _WORD_KINDS[w]}
    kinds.update(k for ch, k in _CHAR_KINDS if ch in lower)
    return kinds


def find_dates(text: str, published: date, ref: date | None = None,
               words: list[str] | None = None) -> list[DateMention]:
    """Every date phrase in `text`, resolved against `ref` (default: `published`; a derived document's own dated
    context otherwise); never a date after `published` (such phrases resolve to None). `words`: the text's words,
    lower-cased, when the caller has them (`fold(text).split()`)."""
    ref = published if ref is None or ref > published else ref
    found: list[DateMention] = []
    lower = text.lower()
    kinds = _kinds_present(lower, words)
    if not kinds:
        return found
    # lower() can change the length of exotic text: then match the original with the case-insensitive patterns
    patterns = _LOWER if len(lower) == len(text) else _PATTERNS
    subject = lower if patterns is _LOWER else text
    taken: list[tuple[int, int]] = []
    for pattern, kind in patterns:
        if kind not in kinds:
            continue
        for m in pattern.finditer(subject):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            resolved, precision = _resolve(kind, m.groupdict(), ref, published)
            if resolved is None and kind != "vague":
                continue  # not a calendar date ("31 February", "45 May")
            if resolved is not None and resolved > published:
                resolved, precision = None, 0  # a future date: a plan or forecast, not an event
            taken.append((s, e))
            found.append(DateMention(s, e, resolved, precision if resolved else 0))
    return sorted(found, key=lambda d: d.start)


def parse_published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None

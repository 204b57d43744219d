"""Reference dates that relative phrases ("on Monday", "yesterday") resolve against, per part of a document.

The publication date is the right anchor for an ordinary article. Three general cases need another one:
- a dateline or page date stated in the text ("BEIRUT, Dec 3 (AFP) -": a print edition or a wire copy published
  later than it was filed) is the day the report speaks from;
- a derived document (one post split from a listing page) carries the page's date, which can be years after the post
  was written: its anchor is the latest explicit full date the post itself states that is not after publication
  (day-month dates without a year count in the year of the latest full date);
- a post with dated update sections ("UPDATE September 5, 2017", "Update - 2 March 2019"): each section is anchored
  to its own header date, and the text before the first update to the earliest header (the original text was written
  before any update was added).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date

from sitrep.extraction.dates import MONTHS, find_dates

_UPDATE_HEADER = re.compile(r"^[ \t]*(?:\*+\s*)?(?:update[sd]?|edit(?:ed)?|correction)\b[^\n]{0,60}$", re.I | re.M)
_FULL_DATE = re.compile(
    r"\b(?:[0-3]?\d(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>[A-Za-z]{3,9})\.?,?\s+(?P<y1>(?:19|20)\d\d)"
    r"|(?P<m2>[A-Za-z]{3,9})\.?\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d))\b"
)


@dataclass(frozen=True)
class Anchors:
    """Reference date by clean-text offset: `starts[i]` begins a part anchored to `dates[i]`."""

    starts: list[int]
    dates: list[date]

    def at(self, pos: int) -> date:
        return self.dates[max(0, bisect.bisect_right(self.starts, pos) - 1)]


def _latest_full_year(text: str, published: date) -> int | None:
    years = [
        int(m.group("y1") or m.group("y2"))
        for m in _FULL_DATE.finditer(text)
        if (m.group("m1") or m.group("m2") or "").lower().rstrip(".") in MONTHS
    ]
    years = [y for y in years if y <= published.year]
    return max(years) if years else None


def _own_date(text: str, published: date) -> date:
    """Latest explicit day-precise date in `text` not after `published`, year-less ones in the latest stated year."""
    year = _latest_full_year(text, published)
    if year is None:
        return published
    context = min(published, date(year, 12, 31))
    days = [
        d.date
        for d in find_dates(text, published, context)
        if d.date is not None
        and d.precision == 1
        and d.date.year == year
        and _is_calendar_phrase(text[d.start : d.end])
    ]
    return max(days) if days else published


def _is_calendar_phrase(phrase: str) -> bool:
    """A date written with a month name or digits, not a relative one ("today") that would just echo the anchor."""
    low = phrase.lower()
    return any(ch.isdigit() for ch in low) and any(m in low for m in MONTHS)


def anchors(text: str, published: date, derived: bool, stated: date | None = None) -> Anchors:
    """`stated`: the date the document says it speaks from (its dateline or page date), when it states one."""
    base = _own_date(text, published) if derived else (stated or published)
    headers: list[tuple[int, date]] = []
    for m in _UPDATE_HEADER.finditer(text):
        found = [d for d in find_dates(m.group(), published, base) if d.date is not None and d.precision == 1]
        if found:
            headers.append((m.start(), found[0].date))  # type: ignore[arg-type]
    if not headers:
        return Anchors([0], [base])
    first = min(d for _, d in headers)
    return Anchors([0] + [pos for pos, _ in headers], [min(first, base)] + [d for _, d in headers])

"""Frame pass: the document's own structure, which sentences inherit what they leave unstated from.

- The document frame: a dateline ("RIYADH, March 3 (SPA) —", "Taiz —", "QUETTA, Pakistan (AP) —") names where the
  reporter is, never where it happened, and its date anchors relative dates; a byline or page-date line ("June 19,
  2024 — IDF Spokesperson's Unit", "Live updates — Sunday 12 May 2024") gives the date the report speaks from.
- Lines that are never events: photo captions, related links, newsletter prompts, video captions.
- Section frames: a header sentence ending in ":" (or an all-capitals header line) over list items; each item is an
  event of the header's type, actors and date unless the item states its own.
- `Context` is the running discourse state while candidates are read in document order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sitrep.extraction.consolidate import Candidate
from sitrep.extraction.dates import DateMention, find_dates
from sitrep.extraction.lexicon import Place

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# "CITY[, Country][, Month Day] [(AGENCY)] —", "City (AGENCY) -", "City —", "CITY:", "Staff Correspondent, Dhaka —"
_DATELINE = re.compile(
    r"(?P<prefix>(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3},\s+)?"  # "Staff Correspondent, " / "QUETTA, "
    r"[A-Z][\w.'’/-]*(?:\s+[A-Z][\w.'’/-]*){0,3}"  # the city ("MOSCOW/ANKARA")
    r"(?:,\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})?"  # its country or state
    rf"(?:,?\s+(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s+\d{{4}})?)?"  # its date
    r"(?:\s*\([A-Za-z][\w .&-]{0,20}\))?)"  # the agency
    r"\s*(?:[—–]|--?|:)\s+(?=[\"“A-Z0-9])",
    re.I,
)
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_CLUTTER = re.compile(
    r"^[ \t]*(?:\[?\s*(?:photo|image|picture|video|watch|caption|file photo|photo caption|pictured)\b[^\n]{0,20}?"
    r"[\]:|—–-]|related\b|read more\b|read also\b|see also\b|more on this\b|sign up\b|subscribe\b|follow (?:us|the)\b|"
    r"click here\b|share this\b|advertisement\b|you may also like\b|recommended\b|most read\b|listen\b)",
    re.I | re.M,
)
_LIST_ITEM = re.compile(r"^\s*(?:[•▪◦*–-]|\d{1,2}[.)]|\([a-z0-9]\))\s+\S")
_CAPS_HEADER = re.compile(r"^[A-Z][A-Z .,'’/&()-]{3,}(?:\s+[—–-]\s+[^\n]{0,60})?$")


@dataclass(frozen=True)
class DocFrame:
    dateline: tuple[int, int] | None  # span of the dateline: its places are where the reporter is
    date: date | None  # the date the report speaks from (dateline or byline), when it states one
    skipped: tuple[tuple[int, int], ...]  # caption and clutter lines: never events

    def is_skipped(self, start: int) -> bool:
        return any(s <= start < e for s, e in self.skipped)

    def in_dateline(self, start: int) -> bool:
        return self.dateline is not None and self.dateline[0] <= start < self.dateline[1]


def _paragraphs(text: str, limit: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos + len(line) - len(line.lstrip()), line.strip()))
            if len(out) >= limit:
                break
        pos += len(line) + 1
    return out


def _day_date(phrase: str, published: date) -> date | None:
    days = [d.date for d in find_dates(phrase, published) if d.date is not None and d.precision == 1]
    return days[0] if days else None


def _dateline(start: int, line: str, published: date) -> tuple[tuple[int, int], date | None] | None:
    m = _DATELINE.match(line)
    if m is None:
        return None
    prefix = m.group("prefix")
    words = prefix.replace(",", " ").split()
    marked = "(" in prefix or "," in prefix or bool(_CAPS_WORD.search(prefix)) or len(words) <= 3
    if not marked or len(words) > 9:
        return None
    return (start, start + m.end()), _day_date(prefix, published)


def _page_date(line: str, published: date) -> date | None:
    """A short line that is only a date and a source ("June 19, 2024 — IDF Spokesperson's Unit")."""
    if len(line) > 90 or line.endswith((".", "?", "!", ":")):
        return None
    days = [d for d in find_dates(line, published) if d.date is not None and d.precision == 1]
    if not days:
        return None
    rest = line[: days[0].start] + line[days[0].end :]
    return days[0].date if len(re.findall(r"[A-Za-z]+", rest)) <= 6 else None


def _line_span(text: str, pos: int) -> tuple[int, int]:
    end = text.find("\n", pos)
    return pos, len(text) if end < 0 else end


def document_frame(text: str, published: date, derived: bool = False) -> DocFrame:
    """Dateline, page date and clutter lines of a document. A `derived` document (one post split from a page) has
    no date of its own: a date line in it is the page's (see `anchors`)."""
    dateline: tuple[int, int] | None = None
    frame_date: date | None = None
    for start, line in _paragraphs(text, 5):
        page = _page_date(line, published)
        if page is not None and frame_date is None:
            frame_date = page
            continue
        if len(line) < 80 and not line.endswith("."):
            continue  # a headline ("Gaza: strike kills five") or a label, not the body's first line
        found = _dateline(start, line, published)
        if found is not None:
            dateline, frame_date = found[0], frame_date or found[1]
            break
    skipped = tuple(_line_span(text, m.start()) for m in _CLUTTER.finditer(text))
    own = frame_date if frame_date and frame_date <= published and not derived else None
    return DocFrame(dateline, own, skipped)


def is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line))


def is_caps_header(line: str) -> bool:
    """An all-capitals section header line ("NORTH KORDOFAN - RSF")."""
    return bool(_CAPS_HEADER.match(line.strip())) and not line.strip().endswith(".")


@dataclass
class Section:
    """What a header sentence states for the list under it."""

    sub_type: str | None
    actor1: str | None
    actor2: str | None
    date: DateMention | None
    place: tuple[Place, int] | None  # the header's place, for items that name none
    header_candidates: list[Candidate] = field(default_factory=list)


@dataclass
class Context:
    frame: DocFrame
    made: list[Candidate] = field(default_factory=list)
    last_in_para: dict[int, Candidate] = field(default_factory=dict)
    section: Section | None = None

    @property
    def last(self) -> Candidate | None:
        return self.made[-1] if self.made else None

    def add(self, para: int, cands: list[Candidate]) -> None:
        for cand in cands:
            self.made.append(cand)
            self.last_in_para[para] = cand

    def drop(self, cands: list[Candidate]) -> None:
        """Forget a header's own candidates once its list items give the events it summarises."""
        ids = {id(c) for c in cands}
        self.made = [c for c in self.made if id(c) not in ids]
        self.last_in_para = {p: c for p, c in self.last_in_para.items() if id(c) not in ids}

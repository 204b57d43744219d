"""A raw text as a list of non-blank lines, each a trimmed [start, end) span of the raw text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sitrep.cleaning.normalize import normalized

_LINE = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+")
_EDGE_SPACE = re.compile(r"^\s+|\s+$")


@dataclass
class Line:
    start: int  # raw offsets, whitespace trimmed
    end: int
    text: str
    # a blank line (or a page break) precedes it in the raw text: a paragraph boundary
    para: bool
    _norm: str | None = field(default=None, repr=False)

    @property
    def norm(self) -> str:
        if self._norm is None:
            self._norm = normalized(self.text)
        return self._norm


def split_lines(raw: str) -> list[Line]:
    lines: list[Line] = []
    prev_end = 0
    for m in _LINE.finditer(raw):
        start, end = m.span()
        text = m.group()
        stripped = text.strip()
        if not stripped:
            continue
        lead = len(text) - len(text.lstrip())
        trail = len(text) - len(text.rstrip())
        gap = raw[prev_end:start]
        para = not lines or gap.count("\n") + gap.count("\r") - gap.count("\r\n") > 1 or "\x0c" in gap
        lines.append(Line(start + lead, end - trail, stripped, para))
        prev_end = end
    return lines

"""Clean text built from slices of the raw text, and the offset map back to the raw text.

A segment [clean_start, raw_start, length] says clean[clean_start:clean_start+length] ==
raw[raw_start:raw_start+length]. Everything in the clean text that is not covered by a segment is a separator the
builder inserted (a space or line breaks), so any clean offset maps back to a raw offset.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

Segment = list[int]  # [clean_start, raw_start, length]; a list, not a tuple, because that is its JSON form


class CleanTextBuilder:
    """Concatenate raw slices and separators; record where each slice came from."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._parts: list[str] = []
        self._len = 0
        self.segments: list[Segment] = []

    def __len__(self) -> int:
        return self._len

    def add_raw(self, start: int, end: int) -> None:
        if end <= start:
            return
        last = self.segments[-1] if self.segments else None
        if last is not None and last[0] + last[2] == self._len and last[1] + last[2] == start:
            last[2] += end - start  # contiguous in both texts: one segment
        else:
            self.segments.append([self._len, start, end - start])
        self._parts.append(self.raw[start:end])
        self._len += end - start

    def add_separator(self, sep: str) -> None:
        self._parts.append(sep)
        self._len += len(sep)

    def text(self) -> str:
        return "".join(self._parts)


def to_raw_offset(segments: Sequence[Sequence[int]], clean_offset: int) -> int:
    """Raw offset of a clean offset. Inside a separator: the raw start of the next segment (or the raw end of the
    last one), so a span never starts in text the cleaner dropped."""
    if not segments:
        return 0
    i = bisect_right([s[0] for s in segments], clean_offset) - 1
    if i >= 0:
        cs, rs, n = segments[i][0], segments[i][1], segments[i][2]
        if clean_offset < cs + n:
            return rs + clean_offset - cs
    if i + 1 < len(segments):
        return segments[i + 1][1]
    last = segments[-1]
    return last[1] + last[2]


def to_raw_span(segments: Sequence[Sequence[int]], start: int, end: int) -> tuple[int, int]:
    """Raw [start, end) of a clean [start, end): starts at the first covered character, ends after the last one."""
    if end <= start:
        r = to_raw_offset(segments, start)
        return r, r
    raw_start = to_raw_offset(segments, start)
    starts = [s[0] for s in segments]
    i = bisect_right(starts, end - 1) - 1  # segment holding or preceding the last character
    if i < 0:
        return raw_start, raw_start
    cs, rs, n = segments[i][0], segments[i][1], segments[i][2]
    raw_end = rs + min(end - cs, n)
    return raw_start, max(raw_start, raw_end)

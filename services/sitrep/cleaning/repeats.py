"""Dropping text a page shows twice: teasers followed by their full text, and blocks repeated within a document.

Only long repeats go: a paragraph of at least LONG_LINE normalised characters, or a run of consecutive lines that
repeats an earlier run and totals at least LONG_RUN characters. Short recurring lines (captions, "UPDATE",
sub-headings, "Read more") are left alone because they are legitimately repeated.
"""

from __future__ import annotations

from collections import defaultdict

from sitrep.cleaning.lines import Line
from sitrep.cleaning.normalize import normalized

LONG_LINE = 80
LONG_RUN = 200
TEASER_MIN = 40
ELLIPSES = ("…", "...", "[…]", "[...]", "(…)", "(...)")


def _strip_ellipsis(text: str) -> tuple[str, bool]:
    t = text.rstrip()
    for e in ELLIPSES:
        if t.endswith(e):
            return t[: -len(e)], True
    return t, False


def drop_teasers(lines: list[Line]) -> list[Line]:
    """Drop a line whose text is a prefix of the next line (an excerpt shown before the full paragraph)."""
    out: list[Line] = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and _is_teaser_of(line, nxt):
            continue
        out.append(line)
    return out


def _is_teaser_of(line: Line, nxt: Line) -> bool:
    body, ellipsis = _strip_ellipsis(line.text)
    if not ellipsis and len(line.norm) < 100:  # without "…" only a long prefix is clearly a teaser, not a heading
        return False
    head = normalized(body)
    if len(head) < TEASER_MIN or len(nxt.norm) <= len(head):
        return False
    return nxt.norm.startswith(head)


def split_doubled(text: str) -> int | None:
    """If text is one long passage written twice in a row (A A), the length of the first copy, else None."""
    n = len(text)
    if n < 2 * LONG_LINE:
        return None
    mid = n // 2
    for cut in range(max(1, mid - 3), min(n - 1, mid + 4)):
        first, second = text[:cut].rstrip(), text[cut:].lstrip()
        if len(first) >= LONG_LINE and first == second:
            return len(first)
    return None


def drop_repeats(lines: list[Line]) -> list[Line]:
    """Keep the first copy of every long paragraph and of every long run of consecutive lines."""
    seen: dict[str, list[int]] = defaultdict(list)  # normalised line -> indexes in `lines`
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        norm = lines[i].norm
        earlier = [p for p in seen.get(norm, []) if keep[p]] if norm else []
        run = _longest_run(lines, i, earlier)
        if run and sum(len(lines[i + k].norm) for k in range(run)) >= LONG_RUN:
            for k in range(run):
                keep[i + k] = False
            i += run
            continue
        if earlier and len(norm) >= LONG_LINE:
            keep[i] = False
        elif norm:
            seen[norm].append(i)
        i += 1
    return [line for line, k in zip(lines, keep, strict=True) if k]


def _longest_run(lines: list[Line], i: int, earlier: list[int]) -> int:
    best = 0
    for p in earlier:
        k = 0
        while p + k < i and i + k < len(lines) and lines[p + k].norm == lines[i + k].norm:
            k += 1
        best = max(best, k)
    return best

"""Sentence and paragraph boundaries over clean text, as (start, end, paragraph) offsets.

Hard-wrapped lines ("The\\nabove tweet") are joined; a blank line always ends a paragraph; abbreviations such as
"U.S." or "Brig. Gen." do not end a sentence.
"""

from __future__ import annotations

import re

_ABBREV = {"u.s", "u.k", "u.n", "gen", "brig", "col", "lt", "maj", "capt", "sgt", "dr", "mr", "mrs", "ms", "st",
           "no", "vs", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "inc",
           "co", "corp", "jr", "sr", "gov", "sen", "rep", "pres", "adm", "cmdr", "e.g", "i.e", "etc", "al"}
# one leading character class (not an alternation of two) lets the regex engine skip ahead to the next [.!?]
_END = re.compile(r"[.!?]+[\"”’')\]]*(?:(?=\s+[\"“‘(\[]?[A-Z0-9#@•])|$)")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
_LINE_END_PUNCT = tuple(".!?:;\"”)…")
_FUNCTION_WORDS = {"the", "a", "an", "of", "in", "to", "and", "on", "by", "for", "with", "from", "at", "that", "as"}
_BULLET = re.compile(r"^\s*(?:[•\-*–]|\d+\.)\s")


def _paragraph_lines(text: str) -> list[tuple[int, int, int]]:
    """Logical lines (start, end, paragraph index), joining hard-wrapped physical lines."""
    out: list[tuple[int, int, int]] = []
    para = 0
    pos = 0
    cur: list[int] | None = None
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        line = raw.strip()
        if not line:
            if cur is not None:
                out.append((cur[0], cur[1], para))
                cur = None
            para += 1
            continue
        if cur is not None:
            prev = text[cur[0]:cur[1]].rstrip()
            joins = not prev.endswith(_LINE_END_PUNCT) and not _BULLET.match(raw) and (
                line[0].islower() or len(prev.split()) <= 3 or prev.split()[-1][:1].islower()
                or prev.split()[-1].lower() in _FUNCTION_WORDS)
            if joins:
                cur[1] = end
                continue
            out.append((cur[0], cur[1], para))
        cur = [start + (len(raw) - len(raw.lstrip())), end]
    if cur is not None:
        out.append((cur[0], cur[1], para))
    return out


def split_sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) for every sentence of `text`."""
    out: list[tuple[int, int, int]] = []
    for lstart, lend, para in _paragraph_lines(text):
        seg_start = lstart
        for m in _END.finditer(text, lstart, lend):
            word = text[max(lstart, m.start() - 6):m.start()].split()[-1:] or [""]
            last = word[0].lower().lstrip("(\"“")
            if last in _ABBREV or (len(last) == 1 and last.isalpha()) or _INITIALS.fullmatch(last):
                continue
            out.append((seg_start, m.end(), para))
            seg_start = m.end()
            while seg_start < lend and text[seg_start].isspace():
                seg_start += 1
        if seg_start < lend and text[seg_start:lend].strip():
            out.append((seg_start, lend, para))
    return out

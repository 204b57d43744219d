"""Splitting a listing page (tag, category or archive page holding several posts) into one part per post.

Blog engines close every post with a footer naming it ("Comments Off on <title>", "2 Comments on <title>",
"52 Responses to <title>"). Those footers are the split points: the lines before a footer belong to the post it
names, and that post's title is the line, among the first few, that equals the title in the footer. After the last
footer come comments (on a post page) or page furniture (on a listing page): never post text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitrep.cleaning.boilerplate import footer_title
from sitrep.cleaning.lines import Line
from sitrep.cleaning.normalize import normalized

TITLE_LOOKAHEAD = 6  # lines at the top of a part in which to look for its title (after page headers, dates)


@dataclass
class Part:
    lines: list[Line]
    title: Line | None  # the title line, no longer in `lines`
    footer_title: str | None  # title as written in the footer, when there was one


def split_posts(lines: list[Line]) -> list[Part]:
    footers = [(i, t) for i, line in enumerate(lines) if (t := footer_title(line.text))]
    if not footers:
        return [Part(lines, None, None)]
    parts: list[Part] = []
    prev = 0
    for i, title in footers:
        parts.append(_part(lines[prev:i], title))
        prev = i + 1
    return [p for p in parts if p.lines or p.title] or [Part([], None, None)]


def _part(lines: list[Line], title: str) -> Part:
    want = normalized(title)
    for k, line in enumerate(lines[:TITLE_LOOKAHEAD]):
        if want and line.norm == want:
            return Part(lines[k + 1 :], line, title)  # lines above the title: page header, not the post
    return Part(lines, None, title)

"""clean_document: a raw article or tweet -> one or more clean document records (schemas/documents)."""

from __future__ import annotations

import re
from typing import Any

from sitrep.cleaning import boilerplate
from sitrep.cleaning.lines import Line, split_lines
from sitrep.cleaning.listing import split_posts
from sitrep.cleaning.normalize import content_hash, normalized
from sitrep.cleaning.repeats import drop_repeats, drop_teasers, split_doubled
from sitrep.cleaning.segments import CleanTextBuilder

# inside a line: any whitespace other than one plain space becomes one space, and control characters that are not
# white space (NUL, BEL, ESC, DEL, C1 ...) are dropped: they would reach terminals through `sitrep events`/alerts
_ODD_SPACE = re.compile(r"(\s{2,}|[^\S ])|[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]+")
MIN_COMMENT_HEADERS = 2  # one "X says:" line can be prose; two or more are a comment thread
BYLINE_LOOKAHEAD = 3


def clean_document(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Clean documents for one raw document: one per post on a listing page, otherwise exactly one."""
    text = raw.get("text") or ""
    lines = split_lines(text)
    if raw.get("kind") == "tweet":
        return [_record(raw, raw["id"], None, raw.get("title"), raw.get("author"), lines)]
    parts = split_posts(lines)
    cleaned = [(part, *_clean_lines(part.lines)) for part in parts]
    cleaned = [c for c in cleaned if c[1]] or cleaned[:1]
    if len(cleaned) == 1:
        part, body, author = cleaned[0]
        title = raw.get("title") or (part.title.text if part.title else None)
        if body and title and body[0].norm == normalized(title):
            body = body[1:]  # the title repeated as the first line of the body
        return [_record(raw, raw["id"], None, title, raw.get("author") or author, body)]
    return [
        _record(
            raw,
            f"{raw['id']}~{n}",
            raw["id"],
            part.title.text if part.title else part.footer_title,
            author or raw.get("author"),
            body,
        )
        for n, (part, body, author) in enumerate(cleaned, 1)
    ]


def _clean_lines(lines: list[Line]) -> tuple[list[Line], str | None]:
    lines = _cut_thread(lines)
    lines = [line for line in lines if not boilerplate.is_furniture(line.text)]
    lines = [_undouble(line) for line in lines]
    lines = drop_repeats(drop_teasers(lines))
    return _take_byline(lines)


def _cut_thread(lines: list[Line]) -> list[Line]:
    """Everything from the start of a comment thread or comment form on is not the post."""
    for i, line in enumerate(lines):
        if boilerplate.starts_thread(line.text):
            lines = lines[:i]
            break
    headers = [i for i, line in enumerate(lines) if boilerplate.is_comment_header(line.text)]
    if len(headers) >= MIN_COMMENT_HEADERS:
        lines = lines[: headers[0]]
    return lines


def _undouble(line: Line) -> Line:
    n = split_doubled(line.text)
    if n is None:
        return line
    return Line(line.start, line.start + n, line.text[:n], line.para)


def _take_byline(lines: list[Line]) -> tuple[list[Line], str | None]:
    author = None
    while lines and (who := boilerplate.byline(lines[-1].text)):
        author, lines = who, lines[:-1]
    for i, line in enumerate(lines[:BYLINE_LOOKAHEAD]):
        if who := boilerplate.byline(line.text):
            author = author or who
            lines = lines[:i] + lines[i + 1 :]
            break
    return lines, author


def build_text(raw_text: str, lines: list[Line]) -> tuple[str, list[list[int]]]:
    """Clean text from kept lines: one space for odd whitespace, a newline between lines of one paragraph, a blank
    line between paragraphs (or where something was dropped). Returns the text and its segments."""
    b = CleanTextBuilder(raw_text)
    prev: Line | None = None
    for line in lines:
        if prev is not None:
            dropped_between = bool(raw_text[prev.end : line.start].strip())
            b.add_separator("\n\n" if line.para or dropped_between else "\n")
        pos = line.start
        for m in _ODD_SPACE.finditer(raw_text, line.start, line.end):
            b.add_raw(pos, m.start())
            if m.group(1):
                b.add_separator(" ")
            pos = m.end()
        b.add_raw(pos, line.end)
        prev = line
    return b.text(), b.segments


def _record(
    raw: dict[str, Any], doc_id: str, parent_id: str | None, title: str | None, author: str | None, lines: list[Line]
) -> dict[str, Any]:
    kind = raw.get("kind", "article")
    text, segments = build_text(raw.get("text") or "", lines)
    record: dict[str, Any] = {
        "id": doc_id,
        "raw_id": raw["id"],
        "parent_id": parent_id,
        "kind": kind,
        "url": raw.get("url"),
        "source": raw.get("source") or "unknown",
        "published_at": raw.get("published_at"),
        "title": title,
        "author": author,
        "text": text,
        "segments": segments,
        "content_hash": content_hash(text, kind),
    }
    if raw.get("received_at"):
        record["received_at"] = raw["received_at"]
    return record

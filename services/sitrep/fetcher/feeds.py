"""RSS and Atom feeds (feedparser) -> plain FeedEntry records. No network: feedparser only ever sees bytes."""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str | None
    published_at: str | None  # ISO 8601, UTC
    author: str | None
    summary_html: str | None
    content_html: str | None  # the full content when the feed carries it (content:encoded, atom:content)


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: list[FeedEntry]
    problem: str | None  # why the document is not a well-formed feed (entries may still have been salvaged)


def _iso(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    # feedparser normalises dates to UTC struct_time; timegm reads it as UTC
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat().replace("+00:00", "Z")


def _entry(raw: Any, base_url: str) -> FeedEntry | None:
    link = raw.get("link") or next((lk.get("href") for lk in raw.get("links", []) if lk.get("href")), None)
    if not link:
        return None
    content = raw.get("content") or []
    content_html = max((c.get("value") or "" for c in content), key=len, default="") or None
    return FeedEntry(
        link=urljoin(base_url, link.strip()),
        title=(raw.get("title") or "").strip() or None,
        published_at=_iso(raw.get("published_parsed") or raw.get("updated_parsed")),
        author=(raw.get("author") or "").strip() or None,
        summary_html=raw.get("summary") or None,
        content_html=content_html,
    )


def parse_feed(body: bytes, base_url: str, content_type: str | None = None) -> ParsedFeed:
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(body, response_headers=headers)
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc else "not a well-formed feed"
    entries = [e for e in (_entry(raw, base_url) for raw in parsed.get("entries", [])) if e is not None]
    if not entries and not parsed.get("version"):
        problem = problem or "no RSS or Atom feed found"
    title = (parsed.get("feed", {}).get("title") or "").strip() or None
    return ParsedFeed(title, entries, problem)

"""Raw article records from what a feed entry and a fetched page say, and the content hash that detects edits."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sitrep.fetcher.articles import Extracted
from sitrep.fetcher.canonical_url import canonicalize, document_id
from sitrep.fetcher.feeds import FeedEntry


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def content_hash(record: dict[str, Any]) -> str:
    """What makes a new version: the title and text, not fetch times or URLs."""
    h = hashlib.blake2b(digest_size=16)
    for key in ("title", "text"):
        h.update((record.get(key) or "").encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def _http_date_iso(value: str | None) -> str | None:
    from email.utils import parsedate_to_datetime

    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def article_record(url: str, source: str, fetched_at: str, *, extracted: Extracted | None = None,
                   entry: FeedEntry | None = None, fallback_text: str | None = None,
                   last_modified: str | None = None) -> dict[str, Any] | None:
    """The raw article for ``url`` (its id comes from the canonical URL), or None when there is no text at all.

    Publication time, most precise first: the feed entry's timestamp, the page's own date, the HTTP Last-Modified,
    and the fetch time as a last resort (recorded in ``published_at_from`` so consumers can tell)."""
    text = extracted.text if extracted else (fallback_text or "").strip()
    if not text:
        return None
    canonical = canonicalize(url)
    candidates = (
        ("feed", entry.published_at if entry else None),
        ("page", extracted.published if extracted else None),
        ("last-modified", _http_date_iso(last_modified)),
        ("fetched", fetched_at),
    )
    origin, published = next((name, value) for name, value in candidates if value)
    return {
        "id": document_id("article", canonical),
        "kind": "article",
        "url": canonical,
        "source": source,
        "published_at": published,
        "published_at_from": origin,
        "title": (extracted.title if extracted and extracted.title else None) or (entry.title if entry else None),
        "text": text,
        "author": (extracted.author if extracted and extracted.author else None) or (entry.author if entry else None),
        "lang": extracted.language if extracted else None,
        "extraction": extracted.method if extracted else "fallback",
        "fetched_at": fetched_at,
    }

"""The processor's pure steps, called by the faust agents and by the offline commands alike."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sitrep.deadletter import now_iso

_WS = re.compile(r"\s+")


def _fallback_clean(raw: dict[str, Any]) -> list[dict[str, Any]]:
    text = raw["text"]
    normal = _WS.sub(" ", text).strip().lower()
    return [{
        "id": raw["id"], "raw_id": raw["id"], "parent_id": None, "kind": raw["kind"], "url": raw.get("url"),
        "source": raw["source"], "published_at": raw["published_at"], "title": raw.get("title"),
        "author": raw.get("author"), "text": text, "segments": [[0, 0, len(text)]], "quotes": [],
        "content_hash": hashlib.blake2b(normal.encode(), digest_size=16).hexdigest(),
    }]


def clean(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Raw document -> clean document records (a listing page may split into several)."""
    try:
        from sitrep.cleaning import clean_document
    except ImportError:
        return _fallback_clean(raw)
    docs: list[dict[str, Any]] = clean_document(raw)
    return docs


def exact_verdict(doc: dict[str, Any], seen: dict[str, Any] | None) -> dict[str, Any]:
    """The exact-duplicate verdict given what the seen-set holds for this document's content hash.

    The same id seen again is a replay or a redelivery after a crash: it is counted as an exact duplicate of itself
    but still forwarded, so that an at-least-once redelivery can never lose a document (consumers are idempotent).
    """
    if seen is None:
        verdict, of, sim = "unique", None, None
    else:
        verdict, of, sim = "exact", seen["doc_id"], 1.0
    return {"doc_id": doc["id"], "verdict": verdict, "duplicate_of": of, "similarity": sim,
            "source": doc.get("source"), "kind": doc.get("kind"), "decided_at": now_iso()}


def forward(verdict: dict[str, Any]) -> bool:
    """Unique and quoted documents go on; a replayed document (duplicate of itself) goes on too (see exact_verdict)."""
    return verdict["verdict"] in ("unique", "quoted") or verdict["duplicate_of"] == verdict["doc_id"]

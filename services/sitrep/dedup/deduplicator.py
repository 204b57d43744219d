"""Deduplicator: the in-memory composition of the pure pieces, for `sitrep dedup` and a single-partition stream.

State, all plain maps so a stream can hold the same in tables: doc_id -> sketch bytes, band key -> doc ids,
content hash -> doc ids, and the quote index. Entries whose time is older than the newest time seen minus the
retention window are evicted. The time is when the document was received (its received_at, else the clock at
check) by default — that is what bounds the state of a running stream, and it keeps a historical corpus replayed
offline comparable across years — or its published_at with retention_basis="published".
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sitrep.dedup.params import DedupParams
from sitrep.dedup.quotes import QuoteIndex
from sitrep.dedup.sketch import UNKNOWN_TIME, Sketch, make_sketch, sketch_from_bytes, sketch_to_bytes, utc_key
from sitrep.dedup.verdict import decide, match_bucket, verdict_record

DEFAULT_RETENTION = timedelta(days=30)


def _parse(key: str) -> datetime:
    return datetime.strptime(key, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class Deduplicator:
    def __init__(
        self,
        params: DedupParams | None = None,
        retention: timedelta = DEFAULT_RETENTION,
        retention_basis: Literal["published", "received"] = "received",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.clock = clock
        self.params = params or DedupParams()
        self.retention = retention
        self.retention_basis = retention_basis
        self.sketches: dict[str, bytes] = {}
        self.bands: dict[str, list[str]] = {}
        self.by_hash: dict[str, list[str]] = {}
        self.quotes = QuoteIndex()
        self._expiry: list[tuple[str, str]] = []  # heap of (time key, doc id)
        self._newest: str | None = None
        self._cutoff: str | None = None  # time key below which entries are evicted (newest - retention)

    # --- state access -------------------------------------------------------------------------------------------
    def load(self, doc_id: str) -> Sketch | None:
        b = self.sketches.get(doc_id)
        return sketch_from_bytes(b) if b is not None else None

    def __len__(self) -> int:
        return len(self.sketches)

    def state_bytes(self) -> int:
        """Bytes of state as a key-value store would hold it: sketches, band/hash/quote maps (keys + ids)."""
        sketches = sum(len(k) + len(v) for k, v in self.sketches.items())
        maps = sum(len(k) + sum(len(i) for i in ids) for m in (self.bands, self.by_hash) for k, ids in m.items())
        return sketches + maps + self.quotes.size_bytes()

    # --- the verdict --------------------------------------------------------------------------------------------
    def check(self, doc: dict[str, Any], now: str | None = None) -> dict[str, Any]:
        """Verdict for a clean document, then remember it (unless it is a replay or already out of the window)."""
        params = self.params
        sketch = make_sketch(doc, params)
        if sketch.doc_id in self.sketches:
            return decide(sketch, (), params, seen_before=True, now=now) | {"source": doc.get("source")}
        candidates: set[str] = set()
        for key in sketch.band_keys:
            ids = self.bands.get(key)
            if ids:
                candidates.update(ids)
        candidates.update(self.by_hash.get(sketch.content_hash, ()))
        candidates.update(self.quotes.copy_candidates(sketch, params))
        members = [s for s in map(self.load, sorted(candidates)) if s is not None]
        verdict = decide(sketch, match_bucket(sketch, members, params), params, now=now)
        if verdict["verdict"] == "unique":
            links = self.quotes.links(sketch, self.load, params)
            if links:
                first, score = min(links, key=lambda ls: ls[0].order_key)
                ids = sorted(s.doc_id for s, _ in links)
                verdict = verdict_record(sketch, "quoted", first.doc_id, score, verdict["decided_at"], quotes=ids)
        verdict["source"] = doc.get("source")
        self._remember(sketch, doc, verdict["verdict"])
        return verdict

    def _time_key(self, sketch: Sketch, doc: dict[str, Any]) -> str:
        if self.retention_basis == "published":
            return sketch.order_key[0]
        if doc.get("received_at"):
            return utc_key(doc["received_at"])
        return self.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _remember(self, sketch: Sketch, doc: dict[str, Any], verdict: str) -> None:
        when = self._time_key(sketch, doc)
        if when != UNKNOWN_TIME and (self._newest is None or when > self._newest):
            self._newest = when
            self._cutoff = (_parse(when) - self.retention).strftime("%Y-%m-%dT%H:%M:%SZ")
        if self._expired(when):
            return  # older than the window already: it would be evicted at once
        self.sketches[sketch.doc_id] = sketch_to_bytes(sketch)
        self.by_hash.setdefault(sketch.content_hash, []).append(sketch.doc_id)
        if verdict != "exact":  # an exact copy has the same band keys as its original: nothing to add
            for key in sketch.band_keys:
                self.bands.setdefault(key, []).append(sketch.doc_id)
        if verdict in ("unique", "quoted"):  # copies are dropped downstream; their original stands for them
            self.quotes.add(sketch, self.params)
        heapq.heappush(self._expiry, (when, sketch.doc_id))
        self.evict()

    def _expired(self, when: str) -> bool:
        return self._cutoff is not None and when != UNKNOWN_TIME and when < self._cutoff

    def evict(self) -> int:
        """Forget documents older than the retention window (relative to the newest time seen)."""
        n = 0
        while self._expiry and self._expired(self._expiry[0][0]):
            _, doc_id = heapq.heappop(self._expiry)
            sketch = self.load(doc_id)
            if sketch is None:
                continue
            del self.sketches[doc_id]
            for key in sketch.band_keys:
                _discard(self.bands, key, doc_id)
            _discard(self.by_hash, sketch.content_hash, doc_id)
            self.quotes.remove(sketch)
            n += 1
        return n


def _discard(index: dict[str, list[str]], key: str, doc_id: str) -> None:
    ids = index.get(key)
    if ids and doc_id in ids:
        ids.remove(doc_id)
        if not ids:
            del index[key]

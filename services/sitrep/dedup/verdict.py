"""What one LSH bucket says about a document (match_bucket) and the verdict from all buckets (decide).

Both are pure and decide is independent of the order of matches, so workers that each see some buckets and a
single worker that sees all of them reach the same verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from sitrep.dedup.params import DedupParams
from sitrep.dedup.sketch import U32, Sketch


@dataclass(frozen=True)
class Match:
    doc_id: str
    order_key: tuple[str, str]
    similarity: float  # exact Jaccard of the shingle sets
    same_hash: bool  # same normalised text


def jaccard(a: Sketch, b: Sketch) -> float:
    """Exact Jaccard similarity of the two shingle sets (sorted unique arrays)."""
    return jaccard_sets(a.shingles, b.shingles)


def jaccard_sets(a: U32, b: U32) -> float:
    if len(a) == 0 and len(b) == 0:
        return 1.0
    common = intersection_size(a, b)
    return common / (len(a) + len(b) - common)


def intersection_size(a: U32, b: U32) -> int:
    if len(a) > len(b):
        a, b = b, a
    if len(a) == 0:
        return 0
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = 0
    return int(np.count_nonzero(b[pos] == a))


def containment(part: Sketch, whole: Sketch) -> float:
    """Share of `part`'s shingles that are in `whole` (1.0: all of part's text appears in whole)."""
    if len(part.shingles) == 0:
        return 0.0
    return intersection_size(part.shingles, whole.shingles) / len(part.shingles)


def match_bucket(sketch: Sketch, members: Iterable[Sketch], params: DedupParams) -> list[Match]:
    """Each member of a bucket (other than the document itself) with its exact similarity to the document."""
    return [
        Match(
            m.doc_id,
            m.order_key,
            1.0 if m.content_hash == sketch.content_hash else jaccard(sketch, m),
            m.content_hash == sketch.content_hash,
        )
        for m in members
        if m.doc_id != sketch.doc_id
    ]


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def verdict_record(
    sketch: Sketch,
    verdict: str,
    duplicate_of: str | None,
    similarity: float | None,
    now: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "doc_id": sketch.doc_id,
        "verdict": verdict,
        "duplicate_of": duplicate_of,
        "similarity": None if similarity is None else round(float(similarity), 4),
        "kind": sketch.kind,
        "decided_at": now or now_iso(),
    }
    record.update(extra)
    return record


def decide(
    sketch: Sketch,
    matches: Iterable[Match],
    params: DedupParams,
    *,
    seen_before: bool = False,
    now: str | None = None,
) -> dict[str, Any]:
    """exact (same normalised text as a known document), near (Jaccard >= threshold) or unique. duplicate_of is the
    qualifying document with the smallest order_key (the earliest published). seen_before: this doc id is already
    in the state (a replay), which is an exact duplicate of itself."""
    if seen_before:
        return verdict_record(sketch, "exact", sketch.doc_id, 1.0, now)
    exact: Match | None = None
    near: Match | None = None
    best = None
    for m in matches:
        if m.doc_id == sketch.doc_id:
            continue
        best = m.similarity if best is None else max(best, m.similarity)
        if m.same_hash and (exact is None or m.order_key < exact.order_key):
            exact = m
        if m.similarity >= params.threshold and (near is None or m.order_key < near.order_key):
            near = m
    if exact is not None:
        return verdict_record(sketch, "exact", exact.doc_id, 1.0, now)
    if near is not None:
        return verdict_record(sketch, "near", near.doc_id, near.similarity, now)
    return verdict_record(sketch, "unique", None, best, now)

"""What one LSH bucket or anchor says about a document (match_bucket) and the verdict from all of them (decide).

Both are pure and decide is independent of the order of matches, so workers that each see some buckets and a
single worker that sees all of them reach the same verdict.

Two kinds of copy: a near duplicate (Jaccard of the shingle sets >= threshold) and a copy by containment (most of
the shorter article's prose shingles are in the longer one, and so are its distinctive words: copy_score). The
second finds what outlets make of a wire story — cut after a few paragraphs, extended, re-headlined, wrapped in
clutter — whose Jaccard can never pass (it is at most |shorter| / |longer|). Both scores are symmetric, so which of
two documents came first never changes whether they are copies; the copy is then attributed to the earliest
qualifying document by (published time, id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from sitrep.dedup.params import DedupParams
from sitrep.dedup.sketch import U32, Sketch, members


@dataclass(frozen=True)
class Match:
    doc_id: str
    order_key: tuple[str, str]
    similarity: float  # exact Jaccard of the shingle sets
    same_hash: bool  # same normalised text
    containment: float = 0.0  # copy_score: the shorter article's prose shingles found in the longer (0: not scored)
    kept: float = 0.0  # copy_score: the shorter article's distinctive words found in the longer

    def is_copy(self, params: DedupParams) -> bool:
        """A copy by containment that is not two releases of one template."""
        return self.containment >= params.copy_containment and self.kept >= params.copy_kept


MatchRow = list[Any]  # [doc_id, published key, doc_id, similarity, same_hash, containment, kept]: JSON-able


def match_to_row(m: Match) -> MatchRow:
    return [m.doc_id, *m.order_key, m.similarity, m.same_hash, m.containment, m.kept]


def match_from_row(row: MatchRow) -> Match:
    """A Match from match_to_row (rows of 5, from before containment, read as not scored)."""
    return Match(row[0], (row[1], row[2]), row[3], row[4], *row[5:7])


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


def copy_score(a: Sketch, b: Sketch, params: DedupParams) -> tuple[float, float]:
    """(containment, kept) of the shorter of two articles in the longer; (0, 0) when either is not an article or
    the shorter is too short to tell. Symmetric: the shorter is the one with fewer prose shingles, ties broken by
    (published time, id), so the score does not depend on which document arrived first.

    containment: share of the shorter's prose shingles (clutter lines excluded) that are in the longer's shingles;
    kept: share of the shorter's distinctive words (numbers, names on prose lines) among the longer's words that
    open with a capital or a digit (1.0 when the shorter has none: nothing distinguishes it)."""
    return pair_scores(a, b, params)[1:]


def pair_scores(a: Sketch, b: Sketch, params: DedupParams) -> tuple[float, float, float]:
    """(Jaccard, containment, kept) of two sketches from one membership search (see copy_score)."""
    short, long = sorted((a, b), key=lambda s: (s.prose_size, s.order_key))
    if len(short.shingles) == 0:
        return (1.0 if len(long.shingles) == 0 else 0.0), 0.0, 0.0
    inside = members(short.shingles, long.shingles)
    common = int(np.count_nonzero(inside))
    similarity = common / (len(short.shingles) + len(long.shingles) - common)
    size = short.prose_size
    if a.kind != "article" or b.kind != "article" or size < params.copy_min_shingles:
        return similarity, 0.0, 0.0
    prose_common = common - int(np.count_nonzero(inside[short.clutter_at])) if len(short.clutter_at) else common
    kept = intersection_size(short.names, long.capitals) / len(short.names) if len(short.names) else 1.0
    return similarity, prose_common / size, kept


def match_bucket(sketch: Sketch, members: Iterable[Sketch], params: DedupParams) -> list[Match]:
    """Each candidate (bucket mate or anchor hit; other than the document itself) with its exact Jaccard and
    copy_score against the document."""
    out = []
    for m in members:
        if m.doc_id == sketch.doc_id:
            continue
        if m.content_hash == sketch.content_hash:
            out.append(Match(m.doc_id, m.order_key, 1.0, True, 1.0, 1.0))
        else:
            similarity, containment, kept = pair_scores(sketch, m, params)
            out.append(Match(m.doc_id, m.order_key, similarity, False, containment, kept))
    return out


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
    """exact (same normalised text as a known document), near (Jaccard >= threshold, or a copy by containment:
    `basis` says which) or unique. duplicate_of is the qualifying document with the smallest order_key (the
    earliest published, then the smallest id). seen_before: this doc id is already in the state (a replay), which
    is an exact duplicate of itself."""
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
        if (m.similarity >= params.threshold or m.is_copy(params)) and (near is None or m.order_key < near.order_key):
            near = m
    if exact is not None:
        return verdict_record(sketch, "exact", exact.doc_id, 1.0, now)
    if near is not None:
        if near.similarity >= params.threshold:
            return verdict_record(sketch, "near", near.doc_id, near.similarity, now, basis="jaccard")
        return verdict_record(
            sketch, "near", near.doc_id, near.containment, now, basis="containment", jaccard=round(near.similarity, 4)
        )
    return verdict_record(sketch, "unique", None, best, now)

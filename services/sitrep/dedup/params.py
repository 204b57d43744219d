"""Deduplication parameters (tuned on bench/dedup_bench.py's labelled set; see bench/results/dedup.json)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DedupParams:
    shingle: int = 5  # words per shingle
    num_perm: int = 128  # MinHash permutations
    bands: int = 32  # LSH bands x rows <= num_perm; (1/bands)^(1/rows) ~ the similarity where candidates start
    rows: int = 4
    threshold: float = 0.6  # exact Jaccard over shingle sets at or above which a document is a near duplicate
    seed: int = 20260421  # MinHash seed: changing it invalidates stored sketches
    quote_min_words: int = 8  # shorter tweets occur in articles by chance, they are never "quoted"
    quote_containment: float = 0.8  # share of a tweet's shingles an article must contain to quote it
    # winnowing window over an article's shingles: every run of `quote_window` shingles holds an anchor, so a tweet of
    # quote_min_words words (quote_min_words - shingle + 1 shingles) is found whichever of the two came first
    quote_window: int = 4
    quote_tweet_anchors: int = 3  # smallest shingle hashes of a tweet (anchors for articles that come later)
    # copies by containment (dedup.verdict.copy_score): the shorter article's prose shingles found in the longer one,
    # whatever the headline, cut or added paragraphs; the ceiling Jaccard puts on a truncated copy does not apply
    copy_containment: float = 0.7
    # template guard: share of the shorter article's distinctive words (numbers, names) that the longer one has; two
    # releases of one template share their sentences but not their figures and places
    copy_kept: float = 0.75
    copy_min_shingles: int = 15  # prose shingles the shorter article needs (~20 words): less is a phrase, not a text
    # articles scored per document for containment (per partition of a stream): those whose anchors its shingles hit
    # most. A copy hits ~2/(quote_window+1) of the shared shingles' anchors; articles that only share a few stock
    # phrases hit a few, and scoring all of them would cost more than the rest of dedup together
    copy_candidates: int = 8
    prose_min_words: int = 8  # a line of fewer words that does not end like a sentence is clutter (dedup.features)

    def __post_init__(self) -> None:
        if self.shingle < 1 or self.num_perm < 1 or self.bands < 1 or self.rows < 1:
            raise ValueError("shingle, num_perm, bands and rows must be positive")
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows ({self.bands}x{self.rows}) exceeds num_perm ({self.num_perm})")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if not (0.0 < self.copy_containment <= 1.0 and 0.0 <= self.copy_kept <= 1.0):
            raise ValueError("copy_containment must be in (0, 1] and copy_kept in [0, 1]")
        if self.quote_window < 1:
            raise ValueError("quote_window must be positive")

    @property
    def lsh_threshold(self) -> float:
        """Jaccard at which a pair has a ~50% chance to share a band (the S-curve's midpoint, approximately)."""
        return float((1.0 / self.bands) ** (1.0 / self.rows))

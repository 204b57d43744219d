"""Deduplication: exact and near duplicates (MinHash LSH candidates, exact Jaccard), tweets quoted in articles.

Pure pieces a stream composes with its tables (make_sketch, match_bucket, decide, QuoteIndex) and an in-memory
composition of them (Deduplicator).
"""

from sitrep.dedup.deduplicator import Deduplicator
from sitrep.dedup.params import DedupParams
from sitrep.dedup.quotes import QuoteIndex, quote_score
from sitrep.dedup.sketch import Sketch, make_sketch, sketch_from_bytes, sketch_to_bytes
from sitrep.dedup.verdict import Match, containment, decide, jaccard, match_bucket

__all__ = [
    "DedupParams",
    "Deduplicator",
    "Match",
    "QuoteIndex",
    "Sketch",
    "containment",
    "decide",
    "jaccard",
    "make_sketch",
    "match_bucket",
    "quote_score",
    "sketch_from_bytes",
    "sketch_to_bytes",
]

"""Links between tweets and the articles that quote them (verdict `quoted`: linked, both documents stay).

A tweet is quoted by an article when at least `quote_containment` of the tweet's shingles (links stripped) are in
the article's shingle set. Finding the candidates without scanning every document, in both arrival orders:
- tweet first: a tweet is indexed under its few smallest shingle hashes; an article that contains the tweet
  contains those shingles, so looking up every shingle of the article finds it;
- article first: an article is indexed under its winnowed shingles (the minimum of every window of
  `quote_window` consecutive shingles); a tweet of >= quote_window shingles that the article contains covers a
  whole window, so one of the tweet's shingles is an anchor of the article.
State: two maps anchor -> doc id (tweets, articles). One id per anchor, the latest, because an article has ~200
anchors and this runs for every document: a plain dict.update is ~20x cheaper than appending to per-anchor lists.
An overwritten anchor rarely loses a link, since a quoted tweet spans several of the article's windows. The anchors
of a document are in its Sketch, so the maps can be rebuilt from stored sketches and entries are removed when a
sketch is evicted.

The article anchors also find copies by containment (rank_anchor_hits, QuoteIndex.copy_candidates): an article that
shares a run of >= quote_window shingles with an earlier one hits one of its anchors, in either direction and
however short the copy, so truncated copies that share no LSH band are still scored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar

import orjson

from sitrep.dedup.params import DedupParams
from sitrep.dedup.sketch import Sketch
from sitrep.dedup.verdict import containment

K = TypeVar("K", bound=Hashable)


def quotable(tweet: Sketch, params: DedupParams) -> bool:
    return tweet.kind == "tweet" and tweet.n_words >= params.quote_min_words


def quote_score(tweet: Sketch, article: Sketch, params: DedupParams) -> float | None:
    """Containment of the tweet in the article, if high enough to call it a quote."""
    if not quotable(tweet, params) or article.kind != "article":
        return None
    c = containment(tweet, article)
    return c if c >= params.quote_containment else None


def link_score(a: Sketch, b: Sketch, params: DedupParams) -> float | None:
    """quote_score of a tweet and an article given in either order (None for two of a kind)."""
    tweet, article = (a, b) if a.kind == "tweet" else (b, a)
    return quote_score(tweet, article, params)


def rank_anchor_hits(lookups: Iterable[K], table: Mapping[K, str], params: DedupParams) -> list[str]:
    """The documents of an anchor table that a document's shingles (`lookups`) hit most, at most
    `params.copy_candidates` of them, ties by id (so the same table and lookups give the same candidates whatever
    the order they came in)."""
    # map and filter: one C-level pass, no Python frame per shingle (this runs for every shingle of every article)
    hits: Counter[str] = Counter(filter(None, map(table.get, lookups)))
    if len(hits) <= params.copy_candidates:
        return sorted(hits)
    return [doc for doc, _ in sorted(hits.items(), key=lambda dh: (-dh[1], dh[0]))[: params.copy_candidates]]


class QuoteIndex:
    """anchor -> doc id, for tweets and for articles. Plain dicts of ints and strings (see to_bytes)."""

    def __init__(self) -> None:
        self.tweets: dict[int, str] = {}
        self.articles: dict[int, str] = {}

    def _table(self, sketch: Sketch) -> dict[int, str]:
        return self.tweets if sketch.kind == "tweet" else self.articles

    def add(self, sketch: Sketch, params: DedupParams) -> None:
        if sketch.kind == "tweet" and not quotable(sketch, params):
            return
        self._table(sketch).update(dict.fromkeys(sketch.anchors.tolist(), sketch.doc_id))

    def remove(self, sketch: Sketch) -> None:
        table = self._table(sketch)
        for a in sketch.anchors.tolist():
            if table.get(a) == sketch.doc_id:
                del table[a]

    def candidates(self, sketch: Sketch, params: DedupParams) -> set[str]:
        """Ids of documents that may quote (or be quoted by) this one."""
        if sketch.kind == "tweet" and not quotable(sketch, params):
            return set()
        table = self.articles if sketch.kind == "tweet" else self.tweets
        if not table:
            return set()
        found = {table[k] for k in table.keys() & sketch.shingles.tolist()}
        found.discard(sketch.doc_id)
        return found

    def copy_candidates(self, sketch: Sketch, params: DedupParams) -> list[str]:
        """Ids of articles that may share a run of text with this article (copies by containment, either way): an
        earlier article is indexed under its winnowed shingles, and any run of `quote_window` shingles it shares
        with this one holds one of them — however short the shared text or the copy is."""
        if sketch.kind != "article":
            return []
        return [d for d in rank_anchor_hits(sketch.shingles.tolist(), self.articles, params) if d != sketch.doc_id]

    def links(
        self, sketch: Sketch, load: Callable[[str], Sketch | None], params: DedupParams
    ) -> list[tuple[Sketch, float]]:
        """The documents this one quotes or is quoted by, each with the tweet's containment in the article."""
        out: list[tuple[Sketch, float]] = []
        for doc_id in sorted(self.candidates(sketch, params)):
            other = load(doc_id)
            if other is None:
                continue
            score = link_score(sketch, other, params)
            if score is not None:
                out.append((other, score))
        return out

    def size_bytes(self) -> int:
        """Bytes this index takes when stored as key -> ids (4-byte anchors, UTF-8 ids)."""
        return sum(4 + len(i) for t in (self.tweets, self.articles) for i in t.values())

    def to_bytes(self) -> bytes:
        return orjson.dumps({"tweets": self.tweets, "articles": self.articles}, option=orjson.OPT_NON_STR_KEYS)

    @classmethod
    def from_bytes(cls, b: bytes) -> QuoteIndex:
        data = orjson.loads(b)
        idx = cls()
        idx.tweets = {int(k): v for k, v in data["tweets"].items()}
        idx.articles = {int(k): v for k, v in data["articles"].items()}
        return idx

    @classmethod
    def rebuild(cls, sketches: Iterable[Sketch], params: DedupParams) -> QuoteIndex:
        idx = cls()
        for s in sketches:
            idx.add(s, params)
        return idx

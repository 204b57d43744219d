"""A reproducible corpus of realistic raw documents for load benchmarks, grown from the seeds.

Articles are ~5 KB mixes of seed paragraphs (from different outlets, shuffled) with their figures and days of the
month redrawn, so every article is a distinct text in MinHash terms but keeps the vocabulary and sentence shapes of
real conflict reporting (places, actors, casualty phrases) that the extraction stage works on. A share of the stream
repeats earlier articles: exact copies under another id (syndication) and near copies (a wire story re-edited: a few
words changed, a paragraph dropped, a footer added). Tweets are sentences lifted from articles (the way accounts
quote reporting) or seed tweets with their figures redrawn.

Used by bench/e2e.py; tests/docgen.py (the reliability helper's generator) is preferred when it exists.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sitrep.corpus import read_corpus
from sitrep.paths import project_root

NUMBER = re.compile(r"\b\d{1,3}\b")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
OUTLETS = ("Wire Desk", "Levant Monitor", "Frontline Daily", "Border Post", "Gulf Observer", "Euphrates News",
           "Regional Times", "Field Reports")
ACCOUNTS = ("CJTFOIR", "OIRSpox", "FieldReporter", "LevantWatch", "ConflictDesk", "SyriaMonitor")
FOOTERS = ("Reporting by the wire desk; editing by staff.", "This story has been updated.",
           "Follow us for more updates.", "Additional reporting from local correspondents.")


def _pools() -> tuple[list[str], list[str]]:
    paragraphs: list[str] = []
    tweets: list[str] = []
    for record in read_corpus(project_root() / "seeds"):
        if record["kind"] == "tweet":
            tweets.append(record["text"])
            continue
        for line in record["text"].splitlines():
            line = line.strip()
            if 120 <= len(line) <= 1500:
                paragraphs.append(line)
    return paragraphs, tweets


def _redraw_numbers(text: str, rng: random.Random) -> str:
    # figures change from story to story; keeping the digit count keeps the text's shape
    return NUMBER.sub(lambda m: str(rng.randint(2, 10 ** len(m.group()) - 1)), text)


def _edit_words(text: str, rng: random.Random, share: float) -> str:
    words = text.split(" ")
    for _ in range(max(1, int(len(words) * share))):
        i = rng.randrange(len(words))
        words[i] = rng.choice(words)
    return " ".join(words)


class CorpusGenerator:
    def __init__(self, seed: int = 7, article_bytes: int = 5000, tweet_share: float = 0.2,
                 exact_share: float = 0.07, near_share: float = 0.08) -> None:
        self.rng = random.Random(seed)
        self.paragraphs, self.seed_tweets = _pools()
        self.article_bytes = article_bytes
        self.tweet_share, self.exact_share, self.near_share = tweet_share, exact_share, near_share
        self.articles: list[dict[str, Any]] = []
        self.start = date(2017, 1, 1)

    def _day(self) -> str:
        return (self.start + timedelta(days=self.rng.randrange(0, 1400))).isoformat()

    def _article(self, n: int) -> dict[str, Any]:
        rng = self.rng
        parts: list[str] = []
        size = 0
        while size < self.article_bytes:
            p = _redraw_numbers(rng.choice(self.paragraphs), rng)
            p = _edit_words(p, rng, 0.02)
            parts.append(p)
            size += len(p) + 1
        title = " ".join(parts[0].split(" ")[:10])
        return {"id": f"bench-a{n:07d}", "kind": "article", "url": f"https://news.example.org/a/{n}",
                "source": rng.choice(OUTLETS), "published_at": self._day(), "title": title, "text": "\n".join(parts)}

    def _exact(self, n: int) -> dict[str, Any]:
        original = self.rng.choice(self.articles[-200:])
        return {**original, "id": f"bench-x{n:07d}", "url": f"https://mirror.example.org/a/{n}",
                "source": self.rng.choice(OUTLETS)}

    def _near(self, n: int) -> dict[str, Any]:
        rng = self.rng
        original = rng.choice(self.articles[-200:])
        paragraphs = original["text"].split("\n")
        if len(paragraphs) > 3:
            paragraphs.pop(rng.randrange(len(paragraphs)))
        text = _edit_words("\n".join(paragraphs), rng, 0.01) + "\n" + rng.choice(FOOTERS)
        return {**original, "id": f"bench-n{n:07d}", "url": f"https://other.example.org/a/{n}",
                "source": rng.choice(OUTLETS), "text": text}

    def _tweet(self, n: int) -> dict[str, Any]:
        rng = self.rng
        text = ""
        if self.articles and rng.random() < 0.6:
            sentences = [s for s in SENTENCE.split(rng.choice(self.articles[-200:])["text"]) if 60 <= len(s) <= 270]
            text = rng.choice(sentences) if sentences else ""
        if not text:
            text = _redraw_numbers(rng.choice(self.seed_tweets), rng)
        when = self._day()
        return {"id": f"bench-t{n:07d}", "kind": "tweet", "url": None, "source": "twitter",
                "author": rng.choice(ACCOUNTS), "published_at": when, "created_at": when, "title": None,
                "text": text, "in_reply_to": None, "quoted_id": None}

    def records(self, n: int) -> Iterator[dict[str, Any]]:
        for i in range(n):
            roll = self.rng.random()
            if self.articles and roll < self.exact_share:
                yield self._exact(i)
            elif self.articles and roll < self.exact_share + self.near_share:
                yield self._near(i)
            elif roll < self.exact_share + self.near_share + self.tweet_share:
                yield self._tweet(i)
            else:
                article = self._article(i)
                self.articles.append(article)
                yield article


def generate_corpus(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` raw records (articles, exact and near copies, tweets), the same list for the same seed."""
    return list(CorpusGenerator(seed).records(n))

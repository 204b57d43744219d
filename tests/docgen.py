"""A generator of realistic raw documents for reliability tests and benchmarks.

Documents are recombined from the seed corpus (paragraphs and sentences of different seeds), with places, dates and
numbers varied so extraction finds events that differ between documents, plus a share of exact copies, near copies
(edited re-posts) and tweets, some of them quoted inside later articles. Everything is a pure function of
``(n, seed)``: the same call yields the same records, so a clean run and a crashed run see identical input.

    generate_corpus(n, seed) -> list of raw records (valid against raw.articles / raw.tweets schemas)
    iter_corpus(n, seed)     -> the same records lazily (for soak runs of 100k+ documents)

Command line: ``python -m tests.docgen N SEED > corpus.jsonl``.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from sitrep.corpus import read_corpus

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# Places of the region the seeds report on; any one may stand in for any other, so events move around the map.
PLACES = [
    "Aleppo", "Idlib", "Raqqa", "Deir ez-Zor", "Homs", "Hama", "Palmyra", "Damascus", "Daraa", "Quneitra", "Suweida",
    "Manbij", "Kobani", "Afrin", "Al-Bukamal", "Mayadin", "Hajin", "Latakia", "Tartus", "Qamishli", "Hasakah",
    "Mosul", "Kirkuk", "Tikrit", "Fallujah", "Ramadi", "Baghdad", "Erbil", "Tal Afar", "Sinjar", "Samarra", "Baiji",
    "Al-Qaim", "Rutba", "At Tanf", "Abu Kamal", "Jarabulus", "Tadmur", "Douma", "Khan Shaykhun",
]
_PLACE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(PLACES, key=len, reverse=True)) + r")\b")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_DAY_MONTH_RE = re.compile(r"\b([0-3]?\d) (" + "|".join(MONTHS) + r")\b")
_MONTH_DAY_RE = re.compile(r"\b(" + "|".join(MONTHS) + r") ([0-3]?\d)\b")
# Small counts (casualties, aircraft, strikes), not years or long figures.
_NUMBER_RE = re.compile(r"(?<![\d.,/:-])([1-9]\d{0,2})(?![\d.,/:%-])")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
OUTLETS = ["Rudaw", "AMN", "Moon of Alabama", "SOHR", "Enab Baladi", "Kurdistan 24", "Syria Direct", "Reuters wire",
           "Local blog", "Wire digest", "Regional desk", "Field notes"]
ACCOUNTS = ["OIRSpox", "CJTFOIR", "SyriaMonitor", "IraqNewsNow", "ConflictWatch", "FieldReporter"]
HASHTAGS = ["#Syria", "#Iraq", "#defeatDaesh", "#BREAKING", "#Coalition", ""]
BOILERPLATE = ["Share this article", "Comments Off", "Subscribe to our newsletter", "Read more:", "Related articles"]


@lru_cache(maxsize=1)
def _material() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(paragraphs, sentences, tweet texts) of the seed corpus."""
    paragraphs: list[str] = []
    tweets: list[str] = []
    for record in read_corpus(SEEDS):
        if record["kind"] == "tweet":
            tweets.append(record["text"])
            continue
        for para in re.split(r"\n\s*\n", record["text"]):
            para = " ".join(para.split())
            if len(para) >= 80:  # headings and teaser fragments make poor material
                paragraphs.append(para)
    sentences = [s for p in paragraphs for s in _SENTENCE_RE.split(p) if 40 <= len(s) <= 400]
    return tuple(paragraphs), tuple(sentences), tuple(tweets)


def _vary(text: str, rng: random.Random, published: date) -> str:
    """Move places, numbers and day-month dates (to days on or before publication) consistently within a text."""
    place_map: dict[str, str] = {}

    def place(m: re.Match[str]) -> str:
        return place_map.setdefault(m.group(1), rng.choice(PLACES))

    def number(m: re.Match[str]) -> str:
        value = int(m.group(1))
        return str(max(1, value + rng.randint(-value // 2 - 1, value // 2 + 1)))

    def day_month(m: re.Match[str]) -> str:
        d = published - timedelta(days=rng.randint(0, 20))
        return f"{d.day} {MONTHS[d.month - 1]}"

    def month_day(m: re.Match[str]) -> str:
        d = published - timedelta(days=rng.randint(0, 20))
        return f"{MONTHS[d.month - 1]} {d.day}"

    text = _PLACE_RE.sub(place, text)
    text = _DAY_MONTH_RE.sub(day_month, text)
    text = _MONTH_DAY_RE.sub(month_day, text)
    return _NUMBER_RE.sub(number, text)


def _published(rng: random.Random) -> date:
    return date(2016, 1, 1) + timedelta(days=rng.randint(0, 365 * 6))


def _article(i: int, seed: int, rng: random.Random, quoted: str | None) -> dict[str, Any]:
    paragraphs, sentences, _ = _material()
    published = _published(rng)
    parts: list[str] = []
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.35:  # a paragraph stitched from sentences of different seeds
            parts.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(2, 4))))
        else:
            parts.append(rng.choice(paragraphs))
    if quoted is not None:
        parts.insert(rng.randint(0, len(parts)), f'The account wrote: "{quoted}"')
    if rng.random() < 0.3:
        parts.append(rng.choice(BOILERPLATE))
    body = "\n\n".join(_vary(p, rng, published) for p in parts)
    title = _vary(rng.choice(sentences), rng, published)[:160]
    stamp = published.isoformat() if rng.random() < 0.5 else f"{published.isoformat()}T{rng.randint(0, 23):02d}:00:00Z"
    return {
        "id": f"gen{seed}-a{i:06d}",
        "kind": "article",
        "url": f"https://news.example/{seed}/{i}" if rng.random() < 0.7 else None,
        "source": rng.choice(OUTLETS),
        "published_at": stamp,
        "title": title,
        "text": body,
    }


def _tweet(i: int, seed: int, rng: random.Random) -> dict[str, Any]:
    _, sentences, tweets = _material()
    published = _published(rng)
    base = rng.choice(tweets) if tweets and rng.random() < 0.4 else rng.choice(sentences)
    text = f"{_vary(base, rng, published)} {rng.choice(HASHTAGS)}".strip()[:280]
    stamp = f"{published.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
    return {
        "id": f"gen{seed}-t{i:06d}",
        "kind": "tweet",
        "url": None,
        "source": "twitter",
        "author": rng.choice(ACCOUNTS),
        "published_at": stamp,
        "created_at": stamp,
        "title": None,
        "text": text,
        "in_reply_to": None,
        "quoted_id": None,
    }


def _near_copy(original: dict[str, Any], i: int, seed: int, rng: random.Random) -> dict[str, Any]:
    """A re-post: same story with a sentence dropped or a line of boilerplate added, under another outlet."""
    text = original["text"]
    sentences = _SENTENCE_RE.split(text)
    if len(sentences) > 3 and rng.random() < 0.6:
        del sentences[rng.randrange(len(sentences))]
        text = " ".join(sentences)
    else:
        text = f"{text}\n\n{rng.choice(BOILERPLATE)}"
    copy = dict(original, id=f"gen{seed}-n{i:06d}", text=text)
    if copy["kind"] == "article":
        copy["source"] = rng.choice(OUTLETS)
    return copy


def iter_corpus(n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` raw records: ~70% articles, ~15% tweets, ~7% exact copies (new id), ~8% near copies."""
    rng = random.Random(seed)
    recent: list[dict[str, Any]] = []  # a window of earlier documents to copy and quote from
    for i in range(n):
        roll = rng.random()
        if recent and roll < 0.07:
            record = dict(rng.choice(recent), id=f"gen{seed}-c{i:06d}")
        elif recent and roll < 0.15:
            record = _near_copy(rng.choice(recent), i, seed, rng)
        elif roll < 0.30:
            record = _tweet(i, seed, rng)
        else:
            tweets = [r for r in recent[-20:] if r["kind"] == "tweet"]
            quoted = rng.choice(tweets)["text"] if tweets and rng.random() < 0.3 else None
            record = _article(i, seed, rng, quoted)
        recent.append(record)
        if len(recent) > 200:
            del recent[:100]
        yield record


def generate_corpus(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` raw records (articles and tweets), deterministic for ``(n, seed)``."""
    return list(iter_corpus(n, seed))


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 1000
    seed = int(argv[1]) if len(argv) > 1 else 0
    out = sys.stdout.buffer
    for record in iter_corpus(n, seed):
        out.write(orjson.dumps(record) + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Deduplication: sketches, exact Jaccard, verdicts (order-independent), quotes both ways, retention, the command."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from sitrep import schemas
from sitrep.cleaning import clean_document
from sitrep.corpus import read_corpus
from sitrep.dedup import (
    Deduplicator,
    DedupParams,
    Match,
    QuoteIndex,
    containment,
    decide,
    jaccard,
    make_sketch,
    match_bucket,
    sketch_from_bytes,
    sketch_to_bytes,
)
from sitrep.paths import project_root

P = DedupParams()
WORDS = [
    "army",
    "convoy",
    "strike",
    "village",
    "border",
    "militia",
    "drone",
    "artillery",
    "ministry",
    "statement",
    "province",
    "checkpoint",
    "civilians",
    "police",
    "airport",
    "bridge",
    "river",
    "market",
    "hospital",
    "school",
    "district",
    "official",
    "commander",
    "report",
    "forces",
    "town",
    "said",
]


def text_of(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + str(rng.randrange(50)) for _ in range(n))


def doc(doc_id: str, text: str, kind: str = "article", published_at: str = "2024-01-02", **extra: object) -> dict:
    return {"id": doc_id, "kind": kind, "text": text, "published_at": published_at, "source": "s", **extra}


def test_sketch_round_trips_through_bytes() -> None:
    s = make_sketch(doc("d1", text_of(300, 1)), P)
    b = sketch_to_bytes(s)
    t = sketch_from_bytes(b)
    assert (t.doc_id, t.kind, t.order_key, t.content_hash, t.band_keys, t.n_words) == (
        s.doc_id,
        s.kind,
        s.order_key,
        s.content_hash,
        s.band_keys,
        s.n_words,
    )
    assert np.array_equal(t.shingles, s.shingles) and np.array_equal(t.anchors, s.anchors)
    assert len(s.band_keys) == P.bands and all(k.startswith(f"{i}:") for i, k in enumerate(s.band_keys))
    assert list(s.shingles) == sorted(set(s.shingles.tolist()))
    assert len(b) < 4 * (len(s.shingles) + len(s.anchors)) + 600  # ~4 bytes per shingle and anchor + overhead


def test_sketch_is_stable_and_ignores_case_and_punctuation() -> None:
    a = make_sketch(doc("a", "Army convoy hit near the border, officials said."), P)
    b = make_sketch(doc("b", "ARMY convoy  hit near the border officials said"), P)
    assert a.content_hash == b.content_hash and a.band_keys == b.band_keys
    assert np.array_equal(a.shingles, b.shingles)


def test_order_key_normalises_dates_to_utc() -> None:
    a = make_sketch(doc("a", "x", published_at="2024-01-02T01:00:00+02:00"), P)
    b = make_sketch(doc("b", "x", published_at="2024-01-01"), P)
    assert a.order_key == ("2024-01-01T23:00:00Z", "a")
    assert b.order_key < a.order_key


def test_exact_jaccard_against_python_sets() -> None:
    rng = random.Random(7)
    for _ in range(20):
        base = [rng.choice(WORDS) for _ in range(200)]
        other = list(base)
        for _ in range(rng.randrange(0, 60)):
            other[rng.randrange(len(other))] = rng.choice(WORDS) + "x"
        sa, sb = make_sketch(doc("a", " ".join(base)), P), make_sketch(doc("b", " ".join(other)), P)

        def shingles(ws: list[str]) -> set[tuple[str, ...]]:
            return {tuple(ws[i : i + P.shingle]) for i in range(len(ws) - P.shingle + 1)}

        expected = len(shingles(base) & shingles(other)) / len(shingles(base) | shingles(other))
        assert jaccard(sa, sb) == pytest.approx(expected, abs=1e-9)


def test_decide_exact_near_unique_and_original() -> None:
    s = make_sketch(doc("new", text_of(100, 3)), P)
    old, older = ("2024-01-01T00:00:00Z", "old"), ("2023-12-01T00:00:00Z", "older")
    assert decide(s, [Match("old", old, 0.9, True), Match("older", older, 0.95, False)], P)["verdict"] == "exact"
    near = decide(s, [Match("old", old, 0.9, False), Match("older", older, 0.6, False)], P)
    assert (near["verdict"], near["duplicate_of"], near["similarity"]) == ("near", "older", 0.6)
    unique = decide(s, [Match("old", old, P.threshold - 0.01, False)], P)
    assert unique["verdict"] == "unique" and unique["duplicate_of"] is None
    replay = decide(s, [], P, seen_before=True)
    assert (replay["verdict"], replay["duplicate_of"]) == ("exact", "new")
    for record in (near, unique, replay):
        schemas.check("duplicates", record)


def test_decide_is_independent_of_match_order() -> None:
    s = make_sketch(doc("new", "text"), P)
    matches = [Match(f"m{i}", (f"2024-01-0{i % 7 + 1}T00:00:00Z", f"m{i}"), 0.5 + i / 20, i == 4) for i in range(6)]
    verdicts = {
        (v["verdict"], v["duplicate_of"], v["similarity"])
        for v in (decide(s, list(p), P, now="t") for p in itertools.permutations(matches))
    }
    assert len(verdicts) == 1


def test_match_bucket_ignores_the_document_itself() -> None:
    a = make_sketch(doc("a", text_of(80, 1)), P)
    b = make_sketch(doc("b", text_of(80, 1)), P)
    assert [m.doc_id for m in match_bucket(a, [a, b], P)] == ["b"]
    assert match_bucket(a, [b], P)[0].same_hash


def test_deduplicator_exact_near_unique_and_replay() -> None:
    d = Deduplicator()
    base = text_of(400, 11).split()
    edited = list(base)
    for i in range(0, 400, 50):  # a handful of word edits: a syndicated copy
        edited[i] = "changed"
    v1 = d.check(doc("orig", " ".join(base), published_at="2024-01-01"))
    v2 = d.check(doc("copy", " ".join(base).upper() + "!", published_at="2024-01-02"))
    v3 = d.check(doc("edit", "Byline: Staff. " + " ".join(edited), published_at="2024-01-03"))
    v4 = d.check(doc("other", text_of(400, 12)))
    v5 = d.check(doc("orig", " ".join(base), published_at="2024-01-01"))
    assert (v1["verdict"], v2["verdict"], v3["verdict"], v4["verdict"]) == ("unique", "exact", "near", "unique")
    assert v2["duplicate_of"] == "orig" and v3["duplicate_of"] == "orig" and 0.5 <= v3["similarity"] < 1
    assert (v5["verdict"], v5["duplicate_of"]) == ("exact", "orig")
    for v in (v1, v2, v3, v4, v5):
        schemas.check("duplicates", v)


def test_quotes_linked_in_both_arrival_orders() -> None:
    tweet_text = "Coalition aircraft struck a convoy of pro regime forces advancing towards the garrison today"
    article_text = text_of(150, 5) + f"\n“{tweet_text} pic.twitter.com/AbC123”— Spokes Person (@spox) May 18, 2017\n"
    article_text += text_of(150, 6)
    tweet = doc("t1", tweet_text + " https://t.co/xyz", kind="tweet", author="spox")
    article = doc("a1", article_text)
    for first, second in ((tweet, article), (article, tweet)):
        d = Deduplicator()
        assert d.check(first)["verdict"] == "unique"
        v = d.check(second)
        assert (v["verdict"], v["duplicate_of"], v["quotes"]) == ("quoted", first["id"], [first["id"]])
        schemas.check("duplicates", v)


def test_short_or_absent_tweets_are_not_quoted() -> None:
    d = Deduplicator()
    d.check(doc("a1", text_of(200, 5) + " breaking news now " + text_of(50, 6)))
    assert d.check(doc("t1", "Breaking news now", kind="tweet"))["verdict"] == "unique"
    assert d.check(doc("t2", text_of(20, 99), kind="tweet"))["verdict"] == "unique"


def test_quote_index_serialises_and_containment() -> None:
    t = make_sketch(doc("t", text_of(20, 3), kind="tweet"), P)
    a = make_sketch(doc("a", text_of(100, 2) + " " + text_of(20, 3) + " " + text_of(100, 4)), P)
    assert containment(t, a) == 1.0
    idx = QuoteIndex()
    idx.add(t, P)
    again = QuoteIndex.from_bytes(idx.to_bytes())
    assert again.candidates(a, P) == {"t"}
    again.remove(t)
    assert again.candidates(a, P) == set()


def test_retention_evicts_old_documents_and_bounds_state() -> None:
    clock = [datetime(2024, 1, 1, tzinfo=UTC)]
    d = Deduplicator(retention=timedelta(days=30), clock=lambda: clock[0])
    d.check(doc("old", text_of(300, 1)))
    size_one = d.state_bytes()
    assert size_one > 0 and len(d) == 1
    clock[0] += timedelta(days=31)
    d.check(doc("new", text_of(300, 2)))
    assert len(d) == 1 and d.load("old") is None
    assert d.bands and all("old" not in ids for ids in d.bands.values())
    assert d.check(doc("old", text_of(300, 1)))["verdict"] == "unique"  # forgotten, so not a replay


def test_published_basis_uses_published_at() -> None:
    d = Deduplicator(retention=timedelta(days=30), retention_basis="published")
    d.check(doc("a", text_of(300, 1), published_at="2024-01-01"))
    d.check(doc("b", text_of(300, 2), published_at="2024-03-01"))
    assert d.load("a") is None and d.load("b") is not None


def test_seed_tweets_linked_to_the_articles_that_quote_them() -> None:
    d = Deduplicator()
    verdicts = {}
    for raw in read_corpus(project_root() / "seeds"):
        for clean in clean_document(raw):
            verdicts[clean["id"]] = d.check(clean)
    quoted = {k: v["duplicate_of"] for k, v in verdicts.items() if v["verdict"] == "quoted"}
    assert quoted["tweet-oirspox-20180424-1502"].startswith("002_")
    for t in (
        "tweet-cjtfoir-20170518-1",
        "tweet-cjtfoir-20170518-3",
        "tweet-mmagreen-20170518",
        "tweet-leithfadel-20170518",
    ):
        assert quoted[t].startswith("004_")
    assert all(v["verdict"] in ("unique", "quoted") for v in verdicts.values())  # the seeds hold no copies


def test_offline_command_prints_one_valid_verdict_per_document(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    import orjson

    from sitrep.cli import main

    assert main(["dedup", str(project_root() / "seeds")]) == 0
    lines = capsysbinary.readouterr().out.splitlines()
    records = [orjson.loads(line) for line in lines]
    for r in records:
        schemas.check("duplicates", r)
    assert len(records) == 4 + 4 + 7  # tag page split in 4, four other articles, seven tweets

"""The LSH stage's in-memory indexes (band buckets, quote anchors) rebuilt from the stored sketches after a restart
or rebalance must equal the ones the stream built message by message, partition by partition."""

from __future__ import annotations

import time
from typing import Any

import pytest

from sitrep.cleaning import clean_document
from sitrep.corpus import read_corpus
from sitrep.processor import stages
from tests.conftest import SEEDS

PARTS = 4


def _docs() -> list[dict[str, Any]]:
    docs = [doc for raw in read_corpus(SEEDS) for doc in clean_document(raw)]
    # a re-post under another id: a bucket with two members and anchors that the first document keeps
    copy = dict(docs[1], id=docs[1]["id"] + "-copy")
    return [*docs, copy]


def _visit_all(docs: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any], dict[Any, Any], dict[Any, Any],
                                                       list[dict[str, Any]]]:
    sketches: dict[str, Any] = {}
    bands: dict[str, Any] = {}
    tweets: dict[Any, Any] = {}
    articles: dict[Any, Any] = {}
    replies = []
    for doc in docs:
        _, messages = stages.fan_out(doc, PARTS, time.time())
        for p, m in sorted(messages.items()):
            replies.append(stages.visit_partition(m, p, sketches, bands, tweets, articles))
    return sketches, bands, tweets, articles, replies


def test_rebuilt_indexes_equal_the_incremental_ones() -> None:
    sketches, bands, tweets, articles, _ = _visit_all(_docs())
    assert bands and articles and tweets  # the seeds exercise every index
    rebuilt_bands: dict[str, Any] = {}
    rebuilt_tweets: dict[Any, Any] = {}
    rebuilt_articles: dict[Any, Any] = {}
    total = 0
    for p in range(PARTS):
        total += stages.index_partition(sketches.items(), p, PARTS, rebuilt_bands, rebuilt_tweets, rebuilt_articles)
    assert total == len(sketches)
    assert rebuilt_bands == bands
    assert rebuilt_tweets == tweets
    assert rebuilt_articles == articles


def test_a_partition_rebuilds_only_its_own_keys() -> None:
    sketches, bands, _, articles, _ = _visit_all(_docs())
    own_bands: dict[str, Any] = {}
    own_articles: dict[Any, Any] = {}
    stages.index_partition(sketches.items(), 2, PARTS, own_bands, {}, own_articles)
    assert own_bands == {k: v for k, v in bands.items() if stages.partition_of_str(k, PARTS) == 2}
    assert own_articles == {k: v for k, v in articles.items() if int(k) % PARTS == 2}


@pytest.mark.parametrize("which", [0, 1])
def test_after_a_rebuild_a_repost_gets_the_same_answer(which: int) -> None:
    docs = _docs()
    sketches, bands, tweets, articles, _ = _visit_all(docs[:-1])
    rb: dict[str, Any] = {}
    rt: dict[Any, Any] = {}
    ra: dict[Any, Any] = {}
    for p in range(PARTS):
        stages.index_partition(sketches.items(), p, PARTS, rb, rt, ra)
    repost = dict(docs[which], id="repost-after-restart")
    _, messages = stages.fan_out(repost, PARTS, time.time())
    live = [stages.visit_partition(m, p, dict(sketches), bands, tweets, articles) for p, m in messages.items()]
    again = [stages.visit_partition(m, p, dict(sketches), rb, rt, ra) for p, m in messages.items()]
    assert again == live
    assert any(r["matches"] for r in again)  # the repost finds its original through the rebuilt buckets

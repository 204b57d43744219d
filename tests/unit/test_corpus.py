from __future__ import annotations

import json

import pytest

from sitrep.corpus import CorpusError, read_corpus
from tests.conftest import SEEDS


def test_seeds_folder_reads_articles_and_tweets():
    records = list(read_corpus(SEEDS))
    kinds = [r["kind"] for r in records]
    assert kinds.count("article") == 5
    assert kinds.count("tweet") >= 5
    assert len({r["id"] for r in records}) == len(records)
    rudaw = next(r for r in records if r["id"].startswith("001_"))
    assert rudaw["source"] == "Rudaw" and rudaw["text"].startswith("ERBIL")


def test_every_seed_tweet_is_quoted_in_a_seed_article():
    records = list(read_corpus(SEEDS))
    articles = " ".join(r["text"] for r in records if r["kind"] == "article")
    for tweet in (r for r in records if r["kind"] == "tweet"):
        first_words = " ".join(tweet["text"].split()[:6])
        assert first_words in " ".join(articles.split()), tweet["id"]


def test_bad_jsonl_line_names_file_and_line(tmp_path):
    path = tmp_path / "docs.jsonl"
    good = {"id": "x", "kind": "article", "source": "s", "published_at": "2020-01-01", "text": "t"}
    path.write_text(json.dumps(good) + "\n\n{oops\n")
    with pytest.raises(CorpusError) as err:
        list(read_corpus(path))
    assert f"{path}:3" in str(err.value)


def test_schema_violation_names_the_field(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"id": "x", "kind": "tweet", "source": "s", "published_at": "2020-01-01",
                                "text": "t"}) + "\n")
    with pytest.raises(CorpusError, match=r"docs.jsonl:1: .*author"):
        list(read_corpus(path))


def test_text_file_missing_from_manifest_is_an_error(tmp_path):
    (tmp_path / "manifest.jsonl").write_text("")
    (tmp_path / "stray.txt").write_text("hello")
    with pytest.raises(CorpusError, match=r"stray\.txt"):
        list(read_corpus(tmp_path))


def test_manifest_tweet_takes_its_author_from_the_manifest(tmp_path):
    entry = {
        "id": "t1",
        "file": "t1.txt",
        "kind": "tweet",
        "outlet": "X",
        "published_at": "2025-01-02",
        "author": "@someone",
    }
    (tmp_path / "manifest.jsonl").write_text(json.dumps(entry) + "\n")
    (tmp_path / "t1.txt").write_text("A post.")
    [record] = read_corpus(tmp_path)
    assert record["kind"] == "tweet" and record["author"] == "@someone"


def test_manifest_tweet_without_author_is_rejected(tmp_path):
    entry = {"id": "t1", "file": "t1.txt", "kind": "tweet", "outlet": "X", "published_at": "2025-01-02"}
    (tmp_path / "manifest.jsonl").write_text(json.dumps(entry) + "\n")
    (tmp_path / "t1.txt").write_text("A post.")
    with pytest.raises(CorpusError, match=r"manifest.jsonl:1: .*author"):
        list(read_corpus(tmp_path))

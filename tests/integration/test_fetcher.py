"""The fetcher against a real HTTP server on 127.0.0.1 (tests/fake_sources.py) and the real Kafka broker."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from sitrep import schemas
from tests.conftest import SEEDS
from tests.fake_sources import ARABIC, BEARER, COMMENT_MARKER, NAV_MARKER, FakeSources
from tests.support import Service, metric_value, read_topic, wait_for

pytestmark = pytest.mark.integration

DROP_TWEETS = [
    {"id": "tweet-drop-1", "kind": "tweet", "url": None, "source": "bridge", "author": "FieldDesk",
     "published_at": "2024-05-13T09:00:00Z", "text": "Checkpoint closed after overnight strikes.", "title": None},
    {"id": "tweet-drop-2", "kind": "tweet", "url": None, "source": "bridge", "author": "FieldDesk",
     "published_at": "2024-05-13T09:05:00Z", "text": "Checkpoint reopened at noon.", "title": None},
]
ODD_PAGES = ["/flaky/429.html", "/flaky/500.html", "/cp1256.html", "/big.html", "/slow.html", "/redirect-metadata"]


@pytest.fixture
def fake() -> Iterator[FakeSources]:
    server = FakeSources(retry_after_seconds=2, slow_seconds=2.0).start()
    yield server
    server.stop()


def _write_config(tmp_path: Path, sources: list[dict[str, Any]], allow_private: bool = True) -> Path:
    config = {
        "state_path": str(tmp_path / "fetcher-state.db"),
        "workers": 4,
        "http": {
            "allow_private": ["127.0.0.1/32"] if allow_private else [],
            "timeout_seconds": 0.5, "total_timeout_seconds": 5, "max_retries": 1,
            "backoff_base_seconds": 0.1, "backoff_max_seconds": 0.5, "retry_after_max_seconds": 10,
            "per_host_interval_seconds": 0, "per_host_concurrency": 4, "max_body_bytes": 200_000,
        },
        "sources": sources,
    }
    path = tmp_path / "fetcher.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def _all_sources(fake: FakeSources, drop: Path) -> list[dict[str, Any]]:
    return [
        {"name": "news", "type": "feed", "url": f"{fake.base}/feed.xml", "interval_seconds": 1},
        {"name": "odd", "type": "page", "source": "Odd Site", "urls": [fake.base + p for p in ODD_PAGES],
         "interval_seconds": 600},
        {"name": "broken", "type": "feed", "url": f"{fake.base}/broken.xml", "interval_seconds": 600},
        {"name": "x", "type": "x_search", "query": "kharkiv", "api_base": fake.base,
         "bearer_token_env": "TEST_X_TOKEN", "interval_seconds": 600},
        {"name": "drop", "type": "tweet_drop", "path": str(drop), "min_file_age_seconds": 0, "interval_seconds": 600},
        {"name": "seeds", "type": "corpus", "path": str(SEEDS), "interval_seconds": 600},
    ]


def _run_once(command: list[str], env: dict[str, str], log_dir: Path, timeout: float = 60) -> tuple[int, str]:
    service = Service(command, env, log_dir).start()
    assert service.proc is not None
    try:
        rc = service.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        service.stop()
        raise
    return rc, service.log()


def test_fetcher_publishes_politely_and_a_restart_publishes_nothing_again(
        fake: FakeSources, service_env: dict[str, str], tmp_path: Path, kafka_bootstrap: str, topic_prefix: str):
    drop = tmp_path / "drop"
    drop.mkdir()
    lines = [orjson.dumps(t) for t in DROP_TWEETS] + [b'{"id": "broken", "kind": "tweet"}', b"not json"]
    (drop / "export-1.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    config = _write_config(tmp_path, _all_sources(fake, drop))
    env = {**service_env, "TEST_X_TOKEN": BEARER}

    fetcher = Service(["fetcher", "--config", str(config)], env, tmp_path).start()
    try:
        fetcher.wait_healthy(60)
        # the feed is polled again after 1 s and answered 304; the odd pages take a few seconds (Retry-After: 2)
        wait_for(lambda: 304 in [h.status for h in fake.requests_to("/feed.xml")], 40, "a 304 for the feed")
        wait_for(lambda: metric_value(fetcher.metrics(), "sitrep_fetch_documents_published_total",
                                      {"source": "odd"}) >= 3, 30, "odd pages published")
        text = fetcher.metrics()
    finally:
        rc = fetcher.stop()
    assert rc == 0, fetcher.log()[-3000:]

    # --- metrics and logs: each failure counted under its own type, the other sources kept flowing ---------------
    for kind in ("too_large", "timeout", "blocked", "feed_malformed", "invalid_record"):
        assert metric_value(text, "sitrep_fetch_errors_total", {"type": kind}) >= 1, kind
    assert metric_value(text, "sitrep_fetch_unchanged_total", {"host": "127.0.0.1"}) >= 1
    assert metric_value(text, "sitrep_fetch_robots_refusals_total", {"host": "127.0.0.1"}) >= 1
    assert metric_value(text, "sitrep_fetch_documents_published_total", {"kind": "article", "source": "news"}) == 5
    log = fetcher.log()
    assert "malformed feed" in log and "broken.xml" in log
    assert BEARER not in log

    # --- politeness, as the server saw it ----------------------------------------------------------------------------
    assert fake.requests_to("/private/hidden.html") == []  # robots.txt: Disallow: /private/
    first, second = fake.requests_to("/flaky/429.html")[:2]
    assert second.at - first.at >= 2.0  # Retry-After: 2
    assert [h.status for h in fake.requests_to("/flaky/500.html")][:2] == [500, 200]
    feed_hits = fake.requests_to("/feed.xml")
    assert feed_hits[0].status == 200 and all(h.status == 304 for h in feed_hits[1:])
    assert all(h.headers.get("if-none-match") == '"feed-v1"' for h in feed_hits[1:])

    # --- what reached the raw topics ---------------------------------------------------------------------------------
    articles = read_topic(kafka_bootstrap, f"{topic_prefix}raw.articles", idle_ms=1500)
    tweets = read_topic(kafka_bootstrap, f"{topic_prefix}raw.tweets", idle_ms=1500)
    for record in articles:
        schemas.check("raw.articles", record)
    for record in tweets:
        schemas.check("raw.tweets", record)
    # 5 feed articles (one linked twice), 3 odd pages that finally answered, 5 seed articles from the corpus
    assert len(articles) == len({a["id"] for a in articles}) == 13
    # 2 from the X API (the retweet skipped), 2 valid lines of the drop file, 7 seed tweets
    assert len(tweets) == len({t["id"] for t in tweets}) == 11

    fetched = [a for a in articles if a["id"].startswith("art-")]
    by_url = {a["url"]: a for a in fetched}
    assert len(by_url) == 8
    assert all("utm_" not in url and "#" not in url for url in by_url)
    for article in fetched:
        assert COMMENT_MARKER not in article["text"] and NAV_MARKER not in article["text"]
        assert article["title"] and article["source"] in ("Seed News", "Odd Site")
    rudaw = next(a for a in fetched if a["title"].startswith("Coalition aircraft leave area"))
    assert rudaw["text"].startswith("ERBIL, Kurdistan Region")
    assert rudaw["published_at"].startswith("2017-09-09") and rudaw["author"] == "Staff Reporter"
    arabic = by_url[f"{fake.base}/cp1256.html"]
    assert ARABIC in arabic["text"]

    x_tweets = {t["id"]: t for t in tweets if t["source"] == "twitter" and t["id"].startswith("tweet-17")}
    assert set(x_tweets) == {"tweet-1790000000000000003", "tweet-1790000000000000001"}
    reply = x_tweets["tweet-1790000000000000003"]
    assert reply["author"] == "LocalReporter" and reply["in_reply_to"] == "tweet-1790000000000000001"
    assert reply["url"] == "https://x.com/LocalReporter/status/1790000000000000003"
    assert {"tweet-drop-1", "tweet-drop-2"} <= {t["id"] for t in tweets}

    # --- restart with the same state file: nothing is published twice ----------------------------------------------
    before = len(fake.hits)
    rc, log = _run_once(["fetcher", "--config", str(config), "--once"], env, tmp_path)
    assert rc == 0, log[-3000:]
    assert len(read_topic(kafka_bootstrap, f"{topic_prefix}raw.articles", idle_ms=1500)) == 13
    assert len(read_topic(kafka_bootstrap, f"{topic_prefix}raw.tweets", idle_ms=1500)) == 11
    after = fake.hits[before:]
    assert [h.status for h in after if h.path == "/feed.xml"] == [304]
    x_calls = [h for h in after if h.path == "/2/tweets/search/recent"]
    assert [h.query.get("since_id") for h in x_calls] == [["1790000000000000003"]]


def test_private_addresses_are_refused_without_an_allow_list(
        fake: FakeSources, service_env: dict[str, str], tmp_path: Path, kafka_bootstrap: str, topic_prefix: str):
    config = _write_config(tmp_path, [
        {"name": "news", "type": "feed", "url": f"{fake.base}/feed.xml"},
        {"name": "seeds", "type": "corpus", "path": str(SEEDS)},  # a source that needs no network keeps flowing
    ], allow_private=False)
    rc, log = _run_once(["fetcher", "--config", str(config), "--once"], service_env, tmp_path)
    assert rc == 0, log[-3000:]
    assert fake.hits == []  # not even robots.txt
    assert "127.0.0.1 is loopback" in log
    articles = read_topic(kafka_bootstrap, f"{topic_prefix}raw.articles", idle_ms=1500)
    assert sorted(a["id"] for a in articles) == sorted(
        orjson.loads(line)["id"] for line in (SEEDS / "manifest.jsonl").read_bytes().splitlines() if line.strip())


def test_a_bad_config_is_reported_by_name(service_env: dict[str, str], tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("state_path: s.db\nsources:\n  - name: a\n    type: gopher\n", encoding="utf-8")
    rc, log = _run_once(["fetcher", "--config", str(path), "--once"], service_env, tmp_path)
    assert rc == 2
    assert "source 'a': type must be one of" in log

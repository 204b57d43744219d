from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.fetcher.config import parse_config
from sitrep.fetcher.robots import RobotsCache, policy_for_status
from sitrep.fetcher.state import FetcherState
from sitrep.settings import ConfigError


def test_state_survives_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    state = FetcherState(path)
    state.mark_seen([("art-1", "h1", "news")])
    state.save_validators("https://a.example/feed", '"v1"', "Tue, 14 May 2024 07:00:00 GMT")
    state.save_cursor("x", "1790000000000000005")
    state.mark_file_processed("/drop/a.jsonl", "abc", 3)
    state.close()

    again = FetcherState(path)
    assert not again.is_new_or_changed("art-1", "h1")
    assert again.is_new_or_changed("art-1", "h2") and again.is_new_or_changed("art-2", "h1")
    assert again.validators("https://a.example/feed") == ('"v1"', "Tue, 14 May 2024 07:00:00 GMT")
    assert again.cursor("x") == "1790000000000000005" and again.cursor("y") is None
    assert again.file_processed("/drop/a.jsonl", "abc") and not again.file_processed("/drop/a.jsonl", "changed")
    again.mark_seen([("art-1", "h2", "news")])
    assert again.seen_hash("art-1") == "h2" and again.seen_count() == 1


def test_config_resolves_paths_and_applies_defaults(tmp_path: Path) -> None:
    config = parse_config({
        "state_path": "state/fetcher.db",
        "http": {"allow_private": ["127.0.0.1/32"], "timeout_seconds": 2},
        "sources": [{"name": "n", "type": "feed", "url": "https://a.example/rss"},
                    {"name": "d", "type": "tweet_drop", "path": "drop"}],
    }, tmp_path)
    assert config.state_path == str(tmp_path / "state/fetcher.db")
    assert config.sources[1].path == str(tmp_path / "drop")
    assert config.http.timeout_seconds == 2 and config.http.max_retries == 3
    assert [str(n) for n in config.http.allow_networks()] == ["127.0.0.1/32"]


@pytest.mark.parametrize(("raw", "message"), [
    ({"sources": [{"name": "a", "type": "feed", "url": "u"}]}, "state_path is required"),
    ({"state_path": "s", "sources": []}, "'sources' must be a non-empty list"),
    ({"state_path": "s", "sources": [{"name": "a", "type": "rss2"}]}, "type must be one of"),
    ({"state_path": "s", "sources": [{"name": "a", "type": "feed"}]}, "a feed needs url"),
    ({"state_path": "s", "sources": [{"name": "a", "type": "feed", "url": "u", "colour": 1}]}, "unknown key"),
    ({"state_path": "s", "sources": [{"name": "a", "type": "x_search"}]}, "needs query"),
    ({"state_path": "s", "http": {"allow_private": ["nonsense"]}, "sources": [{"name": "a", "type": "page",
                                                                                "urls": ["u"]}]}, "allow_private"),
    ({"state_path": "s", "sources": [{"name": "a", "type": "page", "urls": ["u"]},
                                     {"name": "a", "type": "page", "urls": ["v"]}]}, "unique"),
])
def test_config_mistakes_are_named(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(raw)


def test_robots_status_policy() -> None:
    assert policy_for_status(404).can_fetch("bot", "https://a.example/x")
    assert not policy_for_status(503).can_fetch("bot", "https://a.example/x")
    assert not policy_for_status(None).can_fetch("bot", "https://a.example/x")
    rules = policy_for_status(200, "User-agent: *\nDisallow: /private/\nCrawl-delay: 4\n")
    assert rules.can_fetch("bot", "https://a.example/news") and not rules.can_fetch("bot", "https://a.example/private/")


def test_robots_cache_fetches_once_per_origin_until_expiry() -> None:
    now = [0.0]
    fetched: list[str] = []

    def fetch(url: str) -> tuple[int | None, str]:
        fetched.append(url)
        return 200, "User-agent: *\nDisallow: /no/\nCrawl-delay: 3\n"

    cache = RobotsCache(fetch, "sitrep-fetcher", ttl=100, clock=lambda: now[0])
    assert cache.allowed("https://a.example/yes") and not cache.allowed("https://a.example/no/x")
    assert cache.crawl_delay("https://a.example/") == 3.0
    assert cache.allowed("https://b.example/yes")
    assert fetched == ["https://a.example/robots.txt", "https://b.example/robots.txt"]
    now[0] = 101
    cache.allowed("https://a.example/yes")
    assert fetched[-1] == "https://a.example/robots.txt" and len(fetched) == 3


def test_the_documented_example_config_is_valid() -> None:
    from sitrep.fetcher.config import load_config
    from sitrep.paths import project_root

    config = load_config(project_root() / "deploy" / "fetcher.example.yaml")
    assert {s.type for s in config.sources} == {"feed", "page", "x_search", "tweet_drop", "corpus"}
    assert config.http.allow_private == ()

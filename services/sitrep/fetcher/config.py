"""The fetcher's YAML config -> frozen dataclasses, with every mistake reported by name before anything runs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from sitrep.fetcher.ssrf_guard import IPNetwork, parse_networks
from sitrep.settings import ConfigError

SOURCE_TYPES = ("feed", "page", "x_search", "tweet_drop", "corpus")
CONFIG_ENV = "SITREP_FETCHER_CONFIG"


@dataclass(frozen=True)
class HttpConfig:
    user_agent: str = "sitrep-fetcher/0.1 (+https://github.com/sitrep/sitrep)"
    robots_agent: str = "sitrep-fetcher"  # the product token robots.txt rules are matched against
    timeout_seconds: float = 15.0  # connect / read / write / pool, each
    total_timeout_seconds: float = 60.0  # a whole response, so a server that drips bytes cannot hold us
    max_body_bytes: int = 5_000_000
    max_retries: int = 3
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    retry_after_max_seconds: float = 300.0  # a longer Retry-After skips the host for this round instead
    max_redirects: int = 5
    per_host_interval_seconds: float = 1.0
    per_host_concurrency: int = 2
    max_crawl_delay_seconds: float = 30.0
    robots_ttl_seconds: float = 3600.0
    allow_private: tuple[str, ...] = ()  # CIDRs the SSRF guard lets through (tests, intranet feeds)

    def allow_networks(self) -> tuple[IPNetwork, ...]:
        return parse_networks(self.allow_private)


@dataclass(frozen=True)
class SourceConfig:
    name: str
    type: str
    interval_seconds: float = 600.0
    source: str | None = None  # the "source" field of published documents (outlet or account)
    url: str | None = None  # feed
    urls: tuple[str, ...] = ()  # page
    content: str = "page"  # feed: "page" fetches each entry's link, "feed" uses the entry's own content
    max_entries: int = 100  # feed: newest entries considered per poll
    refetch_seen: bool = False  # feed: fetch entries already published again (to catch edits)
    query: str | None = None  # x_search
    api_base: str = "https://api.x.com"  # x_search
    bearer_token_env: str = "X_BEARER_TOKEN"  # x_search: the NAME of the env var holding the token
    max_pages: int = 5  # x_search
    max_results: int = 100  # x_search, per page (10..100)
    include_retweets: bool = False  # x_search
    path: str | None = None  # tweet_drop, corpus
    min_file_age_seconds: float = 2.0  # tweet_drop: skip files still being written


@dataclass(frozen=True)
class FetcherConfig:
    state_path: str
    sources: tuple[SourceConfig, ...]
    http: HttpConfig = field(default_factory=HttpConfig)
    workers: int = 4  # article pages fetched in parallel (each host still paced by the limiter)


def _build(cls: type, raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(raw).__name__}")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, list):
            value = tuple(value)
        values[key] = value
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _check_source(s: SourceConfig, base: Path) -> SourceConfig:
    where = f"source {s.name!r}"
    if s.type not in SOURCE_TYPES:
        raise ConfigError(f"{where}: type must be one of {', '.join(SOURCE_TYPES)}, got {s.type!r}")
    if s.type == "feed" and not s.url:
        raise ConfigError(f"{where}: a feed needs url")
    if s.type == "feed" and s.content not in ("page", "feed"):
        raise ConfigError(f"{where}: content must be 'page' or 'feed'")
    if s.type == "page" and not s.urls:
        raise ConfigError(f"{where}: a page source needs urls")
    if s.type == "x_search" and not s.query:
        raise ConfigError(f"{where}: an x_search source needs query")
    if s.type in ("tweet_drop", "corpus"):
        if not s.path:
            raise ConfigError(f"{where}: needs path")
        path = Path(s.path) if Path(s.path).is_absolute() else base / s.path
        s = SourceConfig(**{**s.__dict__, "path": str(path)})
    if s.interval_seconds <= 0:
        raise ConfigError(f"{where}: interval_seconds must be positive")
    return s


def parse_config(raw: Any, base: Path = Path(".")) -> FetcherConfig:
    """``base``: the folder relative paths (state_path, source paths) are relative to — the config file's."""
    if not isinstance(raw, dict):
        raise ConfigError("fetcher config: expected a mapping at the top level")
    raw = dict(raw)
    sources_raw = raw.pop("sources", None)
    if not isinstance(sources_raw, list) or not sources_raw:
        raise ConfigError("fetcher config: 'sources' must be a non-empty list")
    http = _build(HttpConfig, raw.pop("http", {}) or {}, "http")
    try:
        http.allow_networks()
    except ValueError as exc:
        raise ConfigError(f"http.allow_private: {exc}") from None
    sources = []
    for n, item in enumerate(sources_raw):
        if isinstance(item, dict) and "name" not in item:
            raise ConfigError(f"sources[{n}]: needs a name")
        sources.append(_check_source(_build(SourceConfig, item, f"sources[{n}]"), base))
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise ConfigError("fetcher config: source names must be unique (they key the saved state)")
    state = raw.pop("state_path", None)
    if not state:
        raise ConfigError("fetcher config: state_path is required (the SQLite file that survives restarts)")
    state_path = Path(os.path.expanduser(str(state)))
    state_file = state_path if state_path.is_absolute() else base / state_path
    top = _build(FetcherConfig, {**raw, "state_path": str(state_file), "sources": tuple(sources), "http": http},
                 "fetcher config")
    if not isinstance(top, FetcherConfig):  # for mypy: _build returns Any
        raise ConfigError("fetcher config: invalid")
    return top


def load_config(path: str | Path | None = None) -> FetcherConfig:
    chosen = path or os.environ.get(CONFIG_ENV)
    if not chosen:
        raise ConfigError(f"no fetcher config: pass --config or set {CONFIG_ENV}")
    p = Path(chosen)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read fetcher config {p}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"fetcher config {p} is not valid YAML: {exc}") from None
    return parse_config(raw, p.parent.resolve())

"""robots.txt: what a fetch of it means (RFC 9309) and a per-origin cache; the fetching itself is injected."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def parse_robots(text: str) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


def policy_for_status(status: int | None, text: str = "") -> RobotFileParser:
    """RFC 9309 §2.3.1: 2xx -> the rules; 4xx -> no rules (allow all); 5xx, 429 or unreachable -> disallow all."""
    parser = RobotFileParser()
    if status is not None and 200 <= status < 300:
        return parse_robots(text)
    if status is not None and 400 <= status < 500 and status != 429:
        parser.allow_all = True  # type: ignore[attr-defined]  # real attributes, missing from typeshed
    else:
        parser.disallow_all = True  # type: ignore[attr-defined]
    return parser


@dataclass
class _Entry:
    parser: RobotFileParser
    expires: float


class RobotsCache:
    """One robots.txt per origin, refreshed after ``ttl`` seconds (a failure is retried sooner: ``error_ttl``)."""

    def __init__(self, fetch: Callable[[str], tuple[int | None, str]], agent: str, ttl: float = 3600.0,
                 error_ttl: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._fetch, self.agent, self.ttl, self.error_ttl, self._clock = fetch, agent, ttl, error_ttl, clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _parser(self, url: str) -> RobotFileParser:
        key = origin(url)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one fetch per origin even when many threads ask at once
            entry = self._entries.get(key)
            if entry is None or entry.expires <= self._clock():
                status, text = self._fetch(robots_url(url))
                parser = policy_for_status(status, text)
                ok = status is not None and status < 500 and status != 429
                entry = _Entry(parser, self._clock() + (self.ttl if ok else self.error_ttl))
                self._entries[key] = entry
            return entry.parser

    def allowed(self, url: str) -> bool:
        return self._parser(url).can_fetch(self.agent, url)

    def crawl_delay(self, url: str) -> float | None:
        delay = self._parser(url).crawl_delay(self.agent)
        return float(delay) if delay is not None else None

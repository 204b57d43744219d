"""Being a good client: exponential backoff with jitter, Retry-After, and per-host pacing and concurrency."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# 408/425/429 and the 5xx that mean "try later"; 501/505 and other 4xx would fail the same way again
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})


def backoff_delay(attempt: int, base: float, cap: float, rand: Callable[[], float] = random.random) -> float:
    """Delay before retry number ``attempt`` (0-based): "equal jitter", half fixed and half random, so many
    clients that failed together do not retry together, and the wait never collapses to zero."""
    ceiling = min(cap, base * (2 ** attempt))
    return ceiling / 2 + rand() * ceiling / 2


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date. None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # HTTP dates are GMT by definition
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def parse_rate_limit_reset(value: str | None, now_epoch: float | None = None) -> float | None:
    """X API's x-rate-limit-reset (epoch seconds when the window reopens) -> seconds to wait."""
    if not value or not value.strip().isdigit():
        return None
    now_epoch = time.time() if now_epoch is None else now_epoch
    return max(0.0, int(value.strip()) - now_epoch)


def retry_wait(attempt: int, retry_after: float | None, base: float, cap: float,
               rand: Callable[[], float] = random.random) -> float:
    """Never retry earlier than the server asked; otherwise back off exponentially."""
    delay = backoff_delay(attempt, base, cap, rand)
    return max(delay, retry_after) if retry_after is not None else delay


class HostLimiter:
    """Per host: at most ``concurrency`` requests in flight, starts at least ``interval`` seconds apart, and none
    before a time the host asked for (Retry-After). Thread-safe; the waiting happens outside the lock."""

    def __init__(self, interval: float, concurrency: int, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self.concurrency = max(1, concurrency)
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._not_before: dict[str, float] = {}
        self._intervals: dict[str, float] = {}

    def set_interval(self, host: str, seconds: float) -> None:
        """A host-specific minimum interval (robots.txt Crawl-delay), never below the global one."""
        with self._lock:
            self._intervals[host] = max(self.interval, seconds)

    def defer(self, host: str, seconds: float) -> None:
        with self._lock:
            until = self._clock() + seconds
            self._not_before[host] = max(self._not_before.get(host, 0.0), until)

    def deferred_for(self, host: str) -> float:
        with self._lock:
            return max(0.0, self._not_before.get(host, 0.0) - self._clock())

    def _reserve(self, host: str) -> float:
        with self._lock:
            now = self._clock()
            start = max(now, self._next_start.get(host, 0.0), self._not_before.get(host, 0.0))
            self._next_start[host] = start + self._intervals.get(host, self.interval)
            return start - now

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            sem = self._slots.setdefault(host, threading.Semaphore(self.concurrency))
        with sem:
            wait = self._reserve(host)
            if wait > 0:
                self._sleep(wait)
            yield

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from sitrep.fetcher.politeness import (
    HostLimiter,
    backoff_delay,
    parse_rate_limit_reset,
    parse_retry_after,
    retry_wait,
)

NOW = datetime(2024, 5, 13, 12, 0, 0, tzinfo=UTC)


def test_backoff_grows_exponentially_and_is_capped() -> None:
    lowest = [backoff_delay(n, base=1.0, cap=10.0, rand=lambda: 0.0) for n in range(6)]
    highest = [backoff_delay(n, base=1.0, cap=10.0, rand=lambda: 1.0) for n in range(6)]
    assert lowest == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert highest == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_backoff_jitter_stays_within_half_and_full_ceiling() -> None:
    for n in range(8):
        d = backoff_delay(n, base=0.5, cap=30.0)
        ceiling = min(30.0, 0.5 * 2 ** n)
        assert ceiling / 2 <= d <= ceiling


@pytest.mark.parametrize(("header", "seconds"), [
    ("120", 120.0),
    (" 0 ", 0.0),
    ("Mon, 13 May 2024 12:01:30 GMT", 90.0),
    ("Mon, 13 May 2024 11:00:00 GMT", 0.0),  # a date in the past: retry now, never a negative wait
    ("soon", None),
    ("-5", None),
    ("", None),
    (None, None),
])
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


def test_x_rate_limit_reset_is_an_epoch() -> None:
    assert parse_rate_limit_reset("1000060", now_epoch=1_000_000.0) == 60.0
    assert parse_rate_limit_reset("999", now_epoch=1_000_000.0) == 0.0
    assert parse_rate_limit_reset("x", now_epoch=1_000_000.0) is None


def test_retry_never_comes_before_retry_after() -> None:
    assert retry_wait(0, 7.0, base=1.0, cap=60.0, rand=lambda: 1.0) == 7.0
    assert retry_wait(5, 7.0, base=1.0, cap=60.0, rand=lambda: 1.0) == 32.0  # backoff longer than asked: backoff
    assert retry_wait(1, None, base=1.0, cap=60.0, rand=lambda: 0.0) == 1.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_host_limiter_spaces_requests_per_host_and_not_across_hosts() -> None:
    clock = FakeClock()
    limiter = HostLimiter(interval=2.0, concurrency=1, clock=clock, sleep=clock.sleep)
    for host in ("a", "a", "b", "a"):
        with limiter.slot(host):
            pass
    assert clock.sleeps == [2.0, 2.0]  # the 2nd and 4th (host a); host b went straight through


def test_host_limiter_defer_and_crawl_delay() -> None:
    clock = FakeClock()
    limiter = HostLimiter(interval=0.0, concurrency=2, clock=clock, sleep=clock.sleep)
    limiter.defer("a", 30.0)
    assert limiter.deferred_for("a") == 30.0 and limiter.deferred_for("b") == 0.0
    with limiter.slot("a"):
        pass
    assert clock.sleeps == [30.0]
    limiter.set_interval("c", 5.0)
    with limiter.slot("c"):
        pass
    with limiter.slot("c"):
        pass
    assert clock.sleeps == [30.0, 5.0]


def test_host_limiter_caps_concurrency() -> None:
    limiter = HostLimiter(interval=0.0, concurrency=2)
    inside, peak, lock = 0, 0, threading.Lock()
    gate = threading.Event()

    def work() -> None:
        nonlocal inside, peak
        with limiter.slot("h"):
            with lock:
                inside += 1
                peak = max(peak, inside)
            gate.wait(0.2)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2

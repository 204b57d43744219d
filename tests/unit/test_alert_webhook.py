"""Webhook delivery against a real HTTP server on 127.0.0.1: retries with backoff, HMAC checked by the server, and
the dead-letter path for deliveries that keep failing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from sitrep import schemas
from sitrep.alerter.decide import evaluate
from sitrep.alerter.service import AlerterSink
from sitrep.alerter.state import AlertState
from sitrep.alerter.subscriptions import Webhook, parse_subscriptions
from sitrep.alerter.webhook import deliver
from sitrep.settings import Settings
from sitrep.topics import Topic
from tests.support import HookReceiver
from tests.unit.test_alert_matcher import event

SECRET = b"correct horse battery staple"
HOOK_PATH = "/hook?token=abc"


@pytest.fixture
def receiver() -> Iterator[HookReceiver]:
    rec = HookReceiver(secret=SECRET).start()
    yield rec
    rec.stop()


def test_retries_with_exponential_backoff_until_accepted_and_signs_every_attempt(receiver: HookReceiver) -> None:
    receiver.statuses = [503, 500]
    hook = Webhook(url=receiver.url(HOOK_PATH), max_attempts=5, backoff_seconds=0.01, timeout_seconds=5)
    waits: list[float] = []
    attempts: list[str] = []
    with httpx.Client() as client:
        result = deliver(hook, b'{"alert_id":"x"}', headers={"X-Sitrep-Alert-Id": "x"}, secret=SECRET, client=client,
                         on_attempt=attempts.append, sleep=waits.append)
    assert result.ok and result.attempts == 3
    assert waits == [0.01, 0.02]
    assert attempts == ["retry", "retry", "ok"]
    assert receiver.signed_ok == [True, True, True]
    assert receiver.headers[0]["X-Sitrep-Alert-Id"] == "x"


def test_a_wrong_secret_fails_the_servers_check(receiver: HookReceiver) -> None:
    with httpx.Client() as client:
        deliver(Webhook(url=receiver.url(HOOK_PATH)), b"{}", headers={}, secret=b"not the secret", client=client)
    assert receiver.signed_ok == [False]


def test_a_client_error_is_final_and_not_retried(receiver: HookReceiver) -> None:
    receiver.statuses = [400]
    with httpx.Client() as client:
        result = deliver(Webhook(url=receiver.url(HOOK_PATH), backoff_seconds=0), b"{}", headers={}, secret=SECRET,
                         client=client, sleep=lambda s: None)
    assert (result.ok, result.attempts, result.status) == (False, 1, 400)


def test_an_unreachable_endpoint_is_retried_then_given_up() -> None:
    attempts: list[str] = []
    hook = Webhook(url="http://127.0.0.1:9/nothing-listens", max_attempts=3, backoff_seconds=0, timeout_seconds=1)
    with httpx.Client() as client:
        result = deliver(hook, b"{}", headers={}, secret=None, client=client, on_attempt=attempts.append,
                         sleep=lambda s: None)
    assert not result.ok and result.attempts == 3 and result.status is None
    assert attempts == ["retry", "retry", "failed"]


# --- the alerter's batch: alert published, webhook tried, dead letter when it keeps failing ---------------------------
class _Future:
    def __init__(self, partition: int, offset: int) -> None:
        self.md = type("Md", (), {"partition": partition, "offset": offset})()

    def get(self, timeout: float | None = None) -> Any:
        return self.md


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes]] = []

    def send(self, topic: str, key: bytes | None = None, value: bytes = b"") -> _Future:
        self.sent.append((topic, key, value))
        return _Future(0, len(self.sent) - 1)

    def flush(self) -> None:
        return None


def test_the_alerter_dead_letters_a_delivery_that_keeps_failing(receiver: HookReceiver, tmp_path: Any) -> None:
    receiver.statuses = [503, 503, 503, 200, 200, 200]  # first alert fails all 3 attempts; the second gets through
    subs = parse_subscriptions({"subscriptions": [{"name": "near-tanf", "near": {
        "lat": 33.5, "lon": 38.62, "radius_km": 50}, "webhook": {"url": receiver.url(HOOK_PATH), "secret_env": "HOOK",
                                                                  "max_attempts": 3, "backoff_seconds": 0}}]})
    producer = FakeProducer()
    state = AlertState(tmp_path / "s.db")
    sink = AlerterSink(subs, state, producer, Settings(bootstrap_servers="-", topic_prefix="p."),  # type: ignore[arg-type]
                       {"near-tanf": SECRET})
    sink.add(Topic.EVENTS, event("e1"))
    sink.add(Topic.EVENTS, event("e2"))
    sink.flush()
    topics = [t for t, _, _ in producer.sent]
    assert topics == ["p.alerts.near-tanf", "p.alerts.near-tanf", "p.alerts-webhook.deadletter"]
    letter = orjson.loads(producer.sent[2][2])
    schemas.check("deadletter", letter)
    assert letter["reason"] == "webhook_failed" and letter["attempts"] == 3
    assert orjson.loads(letter["payload"])["event_id"] == "e1"
    assert letter["origin"] == {"topic": "p.alerts.near-tanf", "partition": 0, "offset": 0}
    assert "token" not in orjson.dumps(letter).decode() and SECRET.decode() not in orjson.dumps(letter).decode()
    assert all(receiver.signed_ok) and len(receiver.bodies) == 4
    # the state moved on: the same events again publish nothing
    assert evaluate(event("e1"), subs, state.get, "t") == []
    state.close()

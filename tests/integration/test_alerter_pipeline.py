"""Events through the real broker to running `sitrep storage` and `sitrep alerter` processes: stored once per
version, alerted once per version that changes what matched, a webhook retried and signed, metrics over HTTP."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from kafka import KafkaProducer

from sitrep import schemas
from tests.integration.test_storage_backends import event
from tests.support import HookReceiver, Service, metric_value, read_topic, wait_for

pytestmark = pytest.mark.integration
SECRET = "pipeline-test-secret"
HOMS = {"name": "Homs", "admin1": "Homs", "lat": 34.73, "lon": 36.71}


@pytest.fixture
def webhook() -> Iterator[HookReceiver]:
    """A receiver on 127.0.0.1 that answers 503 to its first request, then 200, checking every signature."""
    rec = HookReceiver(secret=SECRET.encode(), statuses=[503]).start()
    yield rec
    rec.stop()


def _subscriptions(path: Path, hook_url: str) -> Path:
    path.write_text(f"""
subscriptions:
  - name: near-tanf
    near: {{lat: 33.50, lon: 38.62, radius_km: 50}}
    webhook: {{url: "{hook_url}", secret_env: TEST_HOOK_SECRET, max_attempts: 4, backoff_seconds: 0.05}}
  - name: syria-air
    sub_event_types: ["Air/drone strike"]
    countries: [Syria]
  - name: chemical
    keywords: [sarin]
""")
    return path


def test_events_are_stored_and_alerted_once_per_meaningful_version(service_env, tmp_path, kafka_bootstrap,
                                                                   topic_prefix, webhook):
    env = {**service_env, "SITREP_SUBSCRIPTIONS": str(_subscriptions(tmp_path / "subs.yaml", webhook.url("/alerts"))),
           "SITREP_ALERTER_STATE": str(tmp_path / "alerter-state.db"), "TEST_HOOK_SECRET": SECRET}
    storage = Service(["storage"], env, tmp_path).start()
    alerter = Service(["alerter"], env, tmp_path).start()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        storage.wait_healthy(60)
        alerter.wait_healthy(60)
        topic = f"{topic_prefix}events"
        first = [event("tanf", 1, fatalities=6), event("homs", 1, location=HOMS)]
        for e in first:
            producer.send(topic, key=e["event_id"].encode(), value=orjson.dumps(e))
        producer.send(topic, key=b"bad", value=b'{"event_id": "no-version"}')  # fails the schema
        producer.flush()
        wait_for(lambda: metric_value(alerter.metrics(), "sitrep_alerts_total") >= 2, 30, "first alerts")
        second = [event("tanf", 2, fatalities=9), *first]  # a new casualty figure, then a replay
        for e in second:
            producer.send(topic, key=e["event_id"].encode(), value=orjson.dumps(e))
        producer.flush()

        consumed = {"service": "storage", "topic": topic}
        wait_for(lambda: metric_value(storage.metrics(), "sitrep_messages_consumed_total", consumed) >= 6, 30,
                 "storage consumed everything")
        wait_for(lambda: metric_value(alerter.metrics(), "sitrep_messages_consumed_total",
                                      {"service": "alerter", "topic": topic}) >= 6, 30, "alerter consumed everything")
        wait_for(lambda: metric_value(alerter.metrics(), "sitrep_webhook_deliveries_total", {"result": "ok"}) >= 2,
                 30, "webhook deliveries")

        s = storage.metrics()
        assert metric_value(s, "sitrep_stored_total", {"kind": "event", "result": "latest"}) == 3
        assert metric_value(s, "sitrep_stored_total", {"kind": "event", "result": "unchanged"}) == 2
        assert metric_value(s, "sitrep_dead_letters_total", {"service": "storage", "reason": "schema"}) == 1
        assert metric_value(s, "sitrep_event_age_seconds_count", {"stage": "stored"}) == 3

        a = alerter.metrics()
        assert metric_value(a, "sitrep_alerts_total", {"subscription": "near-tanf"}) == 2  # v1, v2; not Homs
        assert metric_value(a, "sitrep_alerts_total", {"subscription": "syria-air"}) == 3  # tanf v1, v2, homs
        assert metric_value(a, "sitrep_alerts_total", {"subscription": "chemical"}) == 0
        assert metric_value(a, "sitrep_event_age_seconds_count", {"stage": "alerted"}) == 5
        assert metric_value(a, "sitrep_webhook_deliveries_total", {"subscription": "near-tanf", "result": "retry"}) == 1
        assert metric_value(a, "sitrep_webhook_deliveries_total", {"subscription": "near-tanf", "result": "ok"}) == 2
        assert metric_value(a, "sitrep_dead_letters_total", {"service": "alerter", "reason": "schema"}) == 1
        assert webhook.signed_ok == [True, True, True]

        alerts = read_topic(kafka_bootstrap, f"{topic_prefix}alerts.near-tanf")
        for alert in alerts:
            schemas.check("alerts", alert)
        assert [(x["event_id"], x["version"], x["event"]["fatalities"], x["reason"]) for x in alerts] == [
            ("tanf", 1, 6, "new"), ("tanf", 2, 9, "changed")]
        assert read_topic(kafka_bootstrap, f"{topic_prefix}alerts.chemical", idle_ms=1000) == []
        assert [orjson.loads(b)["alert_id"] for b in webhook.bodies] == [
            "near-tanf:tanf:1", "near-tanf:tanf:1", "near-tanf:tanf:2"]  # first attempt got the 503

        tail = subprocess.run([sys.executable, "-m", "sitrep.cli", "alerts", "tail", "near-tanf", "--from-beginning",
                               "--max", "2", "--idle-timeout", "15"], env=env, capture_output=True, text=True,
                              timeout=60)
        lines = tail.stdout.splitlines()
        assert tail.returncode == 0 and len(lines) == 2, tail.stderr[-2000:]
        assert "At Tanf" in lines[1] and "9 killed" in lines[1] and "tanf v2 changed" in lines[1]

        query = subprocess.run([sys.executable, "-m", "sitrep.cli", "events", "--format", "jsonl", "--near",
                                "33.5,38.62", "--radius-km", "50"], env=env, capture_output=True, text=True, timeout=60)
        assert query.returncode == 0, query.stderr[-2000:]
        assert [(r["event_id"], r["version"]) for r in map(orjson.loads, query.stdout.splitlines())] == [("tanf", 2)]
    finally:
        producer.close()
        storage.stop()
        alerter.stop()

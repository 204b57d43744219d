"""Secrets given to running services never show in their logs (at DEBUG, the chattiest level) or on /metrics: the
database password in SITREP_DATABASE_URL, the SASL password, a webhook's HMAC secret and the credentials or token
in a webhook URL that fails (failures are logged and dead-lettered with the URL).
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from kafka import KafkaProducer

from tests.integration.test_storage_backends import event
from tests.postgres import fresh_postgres_url, postgres_url  # noqa: F401
from tests.support import HookReceiver, Service, metric_value, read_topic, wait_for

pytestmark = pytest.mark.integration

DB_PASSWORD = "db-Pa55-7f3a9c"
SASL_PASSWORD = "sasl-Pa55-41be02"
HOOK_SECRET = "hook-Hm4c-9d1e77"
URL_PASSWORD = "url-Pa55-c0ffee"
URL_TOKEN = "url-T0ken-5ca1ab"
SECRETS = (DB_PASSWORD, SASL_PASSWORD, HOOK_SECRET, URL_PASSWORD, URL_TOKEN)


@pytest.fixture
def failing_hook() -> Iterator[str]:
    """A webhook receiver that always answers 500, so the alerter retries, gives up and reports the failure."""

    rec = HookReceiver(default_status=500).start()
    yield f"http://hook:{URL_PASSWORD}@127.0.0.1:{rec.port}/alerts?token={URL_TOKEN}"
    rec.stop()


def test_secrets_stay_out_of_logs_and_metrics(service_env, tmp_path, kafka_bootstrap, topic_prefix,
                                              fresh_postgres_url, failing_hook):  # noqa: F811
    # trust auth ignores the password, so it can be any secret: what matters is that the services were given it
    scheme, _, rest = fresh_postgres_url.partition("://")
    user, _, host = rest.partition("@")
    db_url = f"{scheme}://{user}:{DB_PASSWORD}@{host}"
    subs = tmp_path / "subs.yaml"
    subs.write_text(f"""
subscriptions:
  - name: everything
    match_all: true
    webhook: {{url: "{failing_hook}", secret_env: HOOK_SECRET, max_attempts: 2, backoff_seconds: 0.05}}
""")
    env = {**service_env, "SITREP_DATABASE_URL": db_url, "KAFKA_SASL_USERNAME": "sitrep",
           "KAFKA_SASL_PASSWORD": SASL_PASSWORD, "HOOK_SECRET": HOOK_SECRET, "SITREP_SUBSCRIPTIONS": str(subs),
           "SITREP_ALERTER_STATE": str(tmp_path / "alerts.db"), "SITREP_LOG_LEVEL": "DEBUG"}
    services = [Service([name], env, tmp_path).start() for name in ("storage", "alerter", "processor")]
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        for service in services:
            service.wait_healthy(90)
        e = event("evt-secret")
        producer.send(f"{topic_prefix}events", key=e["event_id"].encode(), value=orjson.dumps(e))
        producer.flush()
        storage, alerter, _ = services
        wait_for(lambda: metric_value(storage.metrics(), "sitrep_stored_total", {"kind": "event"}) >= 1, 60,
                 "the event stored in PostgreSQL (so the password was used)")
        wait_for(lambda: metric_value(alerter.metrics(), "sitrep_dead_letters_total",
                                      {"reason": "webhook_failed"}) >= 1, 60, "the webhook given up on")
        letters = read_topic(kafka_bootstrap, f"{topic_prefix}alerts-webhook.deadletter")
        assert letters
        exposed = [orjson.dumps(letter).decode() for letter in letters]
        for service in services:
            exposed += [service.log(), service.metrics()]
        assert "DEBUG" in services[0].log()  # the chattiest level really was on
        for text in exposed:
            for secret in SECRETS:
                assert secret not in text, f"{secret!r} leaked:\n...{text[max(0, text.find(secret) - 300):][:600]}"
    finally:
        producer.close()
        for service in services:
            service.stop()

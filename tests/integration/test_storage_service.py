"""`sitrep storage` on PostgreSQL through the real broker: the URL picks the backend, versions land once each,
the latest wins, and a replay changes nothing."""

from __future__ import annotations

import orjson
import pytest
from kafka import KafkaProducer

from sitrep.storage.backends import open_store
from tests.integration.test_storage_backends import event
from tests.postgres import fresh_postgres_url, postgres_url  # noqa: F401 - fixtures
from tests.support import Service, metric_value, wait_for

pytestmark = pytest.mark.integration


def test_storage_service_on_postgres(service_env, tmp_path, kafka_bootstrap, topic_prefix, request):
    pg_url = str(request.getfixturevalue("fresh_postgres_url"))
    env = {**service_env, "SITREP_DATABASE_URL": pg_url}
    storage = Service(["storage"], env, tmp_path).start()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        storage.wait_healthy(60)
        versions = [event("e1", 2, fatalities=9), event("e1", 1, fatalities=4), event("e2", 1)]
        for e in [*versions, *versions]:  # the second round is a replay
            producer.send(f"{topic_prefix}events", key=e["event_id"].encode(), value=orjson.dumps(e))
        producer.flush()
        wait_for(lambda: metric_value(storage.metrics(), "sitrep_stored_total", {"kind": "event"}) >= 6, 30,
                 "six event messages handled")
        text = storage.metrics()
        assert metric_value(text, "sitrep_stored_total", {"kind": "event", "result": "latest"}) == 2
        assert metric_value(text, "sitrep_stored_total", {"kind": "event", "result": "history_only"}) == 1
        assert metric_value(text, "sitrep_stored_total", {"kind": "event", "result": "unchanged"}) == 3
    finally:
        producer.close()
        storage.stop()
    store = open_store(pg_url, read_only=True)
    try:
        latest = store.event("e1")
        assert latest is not None and (latest["version"], latest["fatalities"]) == (2, 9)
        assert store.count("event_versions") == 3 and store.count("events") == 2
    finally:
        store.close()

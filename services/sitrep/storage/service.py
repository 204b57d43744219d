"""`sitrep storage` — consume documents, verdicts and events into the database (commit offsets after the write)."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime
from typing import Any

from sitrep import metrics
from sitrep.consumer_loop import StopFlag, run_loop
from sitrep.endpoints import serve
from sitrep.kafka_io import ensure_topics, make_consumer, make_producer
from sitrep.processor.intake import parse_published
from sitrep.settings import Settings
from sitrep.storage.sqlite_store import SqliteStore
from sitrep.topics import Topic

log = logging.getLogger(__name__)
SERVICE = "storage"
CONSUMES = (Topic.DOCUMENTS, Topic.DUPLICATES, Topic.EVENTS)


def open_store(url: str) -> SqliteStore:
    if url.startswith("sqlite:///"):
        return SqliteStore(url.removeprefix("sqlite:///") or ":memory:")
    raise SystemExit(f"unsupported database URL {url!r} (sqlite:///PATH)")


class MeteredSink:
    """Adds event-age metrics and outcome counters around the store's flush."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.ages: list[float] = []

    def add(self, topic: Topic, record: dict[str, Any]) -> None:
        self.store.add(topic, record)
        if topic is Topic.EVENTS and record.get("published_at"):
            try:
                age = (datetime.now(UTC) - parse_published(record["published_at"])).total_seconds()
                self.ages.append(max(age, 0.0))
            except Exception:  # noqa: BLE001 - a metric must never drop a record
                pass

    def flush(self) -> None:
        for outcome, n in self.store.flush().items():
            kind, _, result = outcome.partition("_")
            metrics.STORED.labels(kind, result).inc(n)
        for age in self.ages:
            metrics.EVENT_AGE.labels("stored").observe(age)
        self.ages.clear()


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database-url", default=None, help="default $SITREP_DATABASE_URL or sqlite:///.sitrep/sitrep.db")


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    store = open_store(args.database_url or settings.database_url)
    names = {settings.topic(t): t for t in CONSUMES}
    ensure_topics(settings, [*names, settings.topic(Topic.DEAD_LETTERS)])
    endpoints = serve(SERVICE, settings.metrics_host, settings.metrics_port)
    consumer = make_consumer(settings, names, group_id=f"{settings.topic_prefix}sitrep-storage")
    producer = make_producer(settings)
    stop = StopFlag().install()
    log.info("storage consuming %s; metrics at %s/metrics", ", ".join(names), endpoints.url)
    try:
        run_loop(service=SERVICE, settings=settings, consumer=consumer, producer=producer, topics=names,
                 sink=MeteredSink(store), stop=stop)
    finally:
        producer.flush()
        producer.close()
        consumer.close()
        store.close()
        endpoints.stop()
    return 0

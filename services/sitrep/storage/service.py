"""`sitrep storage` — consume documents, verdicts and events into the database (commit offsets after the write)."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime
from typing import Any

from sitrep import metrics
from sitrep.consumer_loop import StopFlag, run_loop
from sitrep.deadletter import EXIT_TOO_MANY_INVALID, TooManyInvalid
from sitrep.endpoints import serve
from sitrep.kafka_io import ensure_topics, make_consumer, make_producer
from sitrep.processor.intake import parse_published
from sitrep.settings import Settings
from sitrep.storage.backends import open_store, redact
from sitrep.storage.sql_store import SqlStore
from sitrep.topics import Topic

log = logging.getLogger(__name__)
SERVICE = "storage"
CONSUMES = (Topic.DOCUMENTS, Topic.DUPLICATES, Topic.EVENTS)


class MeteredSink:
    """Adds event-age metrics and outcome counters around the store's flush."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def add(self, topic: Topic, record: dict[str, Any]) -> None:
        self.store.add(topic, record)

    def flush(self) -> None:
        for outcome, n in self.store.flush().items():
            kind, _, result = outcome.partition("_")
            metrics.STORED.labels(kind, result).inc(n)
        # age only for versions stored now: a replayed version would report the archive's age, not the pipeline's
        for record, outcome in self.store.outcomes:
            if outcome in ("event_latest", "event_history_only") and record.get("published_at"):
                age = _age_seconds(record["published_at"])
                if age is not None:
                    metrics.EVENT_AGE.labels("stored").observe(age)


def _age_seconds(published_at: str) -> float | None:
    try:
        return max((datetime.now(UTC) - parse_published(published_at)).total_seconds(), 0.0)
    except Exception:  # a metric must never drop a record
        return None


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database-url", default=None,
                   help="sqlite:///PATH or postgresql://USER@HOST/DB; default $SITREP_DATABASE_URL or "
                        "sqlite:///.sitrep/sitrep.db")


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    url = args.database_url or settings.database_url
    store = open_store(url)
    log.info("storage database %s at schema version %d", redact(url), store.schema_version())
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
    except TooManyInvalid as exc:  # a broken deploy: stop with the code every service uses for it
        log.critical("%s", exc)
        return EXIT_TOO_MANY_INVALID
    finally:
        producer.flush()
        producer.close()
        consumer.close()
        store.close()
        endpoints.stop()
    return 0

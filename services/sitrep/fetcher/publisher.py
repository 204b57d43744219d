"""Publishing a Batch (I/O shell): keyed by document id on the raw topic of its kind; a document is remembered as
published only after Kafka acknowledged it, and a batch's state updates (validators, cursors, files) are saved only
when every one of its documents was acknowledged."""

from __future__ import annotations

import logging
from typing import Any

from kafka.errors import KafkaError

from sitrep import metrics
from sitrep.fetcher.documents import content_hash
from sitrep.fetcher.sources import Batch
from sitrep.fetcher.state import FetcherState
from sitrep.schemas import encode
from sitrep.settings import Settings
from sitrep.topics import RAW_TOPIC_BY_KIND

log = logging.getLogger(__name__)
SERVICE = "fetcher"


class Publisher:
    def __init__(self, settings: Settings, producer: Any, state: FetcherState, delivery_timeout: float = 130.0) -> None:
        self.settings, self.producer, self.state = settings, producer, state
        # kafka-python retries inside delivery_timeout_ms (120 s in make_producer); wait a little longer than that
        self.delivery_timeout = delivery_timeout

    def publish(self, batch: Batch) -> bool:
        """True when every record was acknowledged (and the batch's state saved)."""
        sent = []
        for record in batch.records:
            topic = self.settings.topic(RAW_TOPIC_BY_KIND[record["kind"]])
            try:
                future = self.producer.send(topic, key=record["id"].encode("utf-8"), value=encode(record))
            except KafkaError as exc:
                metrics.PRODUCE_FAILURES.labels(SERVICE, topic).inc()
                log.error("source %s: cannot send %s to %s: %s", batch.source, record["id"], topic, exc)
                continue
            sent.append((record, topic, future))
        if sent:
            self.producer.flush(timeout=self.delivery_timeout)
        delivered: list[tuple[str, str, str]] = []
        for record, topic, future in sent:
            try:
                future.get(timeout=self.delivery_timeout)
            except KafkaError as exc:
                metrics.PRODUCE_FAILURES.labels(SERVICE, topic).inc()
                log.error("source %s: delivery of %s to %s failed: %s (it stays unpublished and is retried on the "
                          "next poll)", batch.source, record["id"], topic, exc)
                continue
            delivered.append((record["id"], content_hash(record), batch.source))
            metrics.MESSAGES_OUT.labels(SERVICE, topic).inc()
            metrics.FETCH_PUBLISHED.labels(record["kind"], batch.source).inc()
        self.state.mark_seen(delivered)
        complete = len(delivered) == len(batch.records)
        if complete:
            for save in batch.on_delivered:
                save()
        if batch.records:
            log.info("source %s: published %d of %d new or changed documents", batch.source, len(delivered),
                     len(batch.records))
        return complete

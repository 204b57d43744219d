"""The run loop shared by the kafka-python services (storage, alerter): poll a batch, hand each valid record to a
sink, flush the sink, and only then commit offsets (quix-streams' checkpoint pattern: at-least-once, and the sink is
idempotent so a redelivered batch changes nothing). Invalid records go to the dead-letter topic with their origin.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import orjson
from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import CommitFailedError, KafkaConnectionError, KafkaError
from kafka.structs import TopicPartition

from sitrep import metrics, schemas
from sitrep.deadletter import InvalidMessage, InvalidRun, dead_letter
from sitrep.settings import Settings
from sitrep.topics import Topic

log = logging.getLogger(__name__)
LAG_INTERVAL_S = 5.0


class Sink(Protocol):
    def add(self, topic: Topic, record: dict[str, Any]) -> None: ...

    def flush(self) -> None: ...


class StopFlag:
    """Set by SIGTERM/SIGINT; the loop finishes its batch, commits and exits within one poll interval."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> StopFlag:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.event.set())
        return self

    def __bool__(self) -> bool:
        return self.event.is_set()


def run_loop(
    *,
    service: str,
    settings: Settings,
    consumer: KafkaConsumer,
    producer: KafkaProducer,
    topics: dict[str, Topic],
    sink: Sink,
    stop: StopFlag,
    poll_ms: int = 500,
    idle: Callable[[], None] | None = None,
) -> None:
    """Consume until ``stop`` is set. ``topics`` maps the physical topic name to its logical Topic (for its schema)."""
    invalid_run = InvalidRun(settings.dlq_limit)
    dlq_topic = settings.topic(Topic.DEAD_LETTERS)
    metrics.UP.labels(service).set(1)
    next_lag = 0.0
    try:
        while not stop:
            batch = consumer.poll(timeout_ms=poll_ms)
            if not batch:
                if idle:
                    idle()
                continue
            started = time.perf_counter()
            for tp, messages in batch.items():
                logical = topics[tp.topic]
                metrics.MESSAGES_IN.labels(service, tp.topic).inc(len(messages))
                for msg in messages:
                    try:
                        record = schemas.decode(logical, msg.value)
                        sink.add(logical, record)
                        invalid_run.ok((tp.topic, tp.partition))
                    except InvalidMessage as exc:
                        letter = dead_letter(
                            msg.value,
                            exc,
                            service=service,
                            topic=tp.topic,
                            partition=tp.partition,
                            offset=msg.offset,
                            key=msg.key,
                        )
                        producer.send(dlq_topic, key=msg.key, value=orjson.dumps(letter))
                        metrics.DEAD_LETTERS.labels(service, exc.reason).inc()
                        log.warning("dead letter from %s[%d]@%d: %s", tp.topic, tp.partition, msg.offset, exc)
                        invalid_run.invalid(exc.reason, (tp.topic, tp.partition))
            sink.flush()  # durable first ...
            producer.flush()
            commit(consumer, stop)  # ... then the offsets
            metrics.PROCESSING_SECONDS.labels(service, "batch").observe(time.perf_counter() - started)
            if time.monotonic() >= next_lag:  # asking the broker for end offsets is a round trip: not every batch
                _record_lag(service, consumer)
                next_lag = time.monotonic() + LAG_INTERVAL_S
    finally:
        metrics.UP.labels(service).set(0)


def commit(consumer: KafkaConsumer, stop: StopFlag, max_backoff_s: float = 5.0) -> bool:
    """Commit the consumed offsets, riding through a broker that is restarting or unreachable: a retriable error is
    retried with backoff until it succeeds or ``stop`` is set. Returns whether the offsets were committed.

    Not committing is always safe: the batch is delivered again and the sink ignores what it already holds. Exiting
    on the first connection error (what an unguarded ``consumer.commit()`` does) turned every broker restart into a
    crash of the service."""
    delay = 0.2
    while True:
        try:
            consumer.commit()
            return True
        except CommitFailedError as exc:
            # the group rebalanced: the partitions' next owner resumes from the last committed offset
            log.warning("commit refused after a rebalance (%s); the batch will be delivered again", exc)
            return False
        except KafkaError as exc:
            if not (exc.retriable or isinstance(exc, KafkaConnectionError)):
                raise
            if stop:
                log.warning("commit failed while stopping (%s); the batch will be delivered again", exc)
                return False
            log.warning("commit failed (%s); retrying in %.1f s", exc, delay)
            stop.event.wait(delay)
            delay = min(delay * 2, max_backoff_s)


def _record_lag(service: str, consumer: KafkaConsumer) -> None:
    try:
        assigned = list(consumer.assignment())
        ends = consumer.end_offsets(assigned)
    except Exception:  # lag is best effort: never let it stop consumption
        return
    per_topic: dict[str, int] = {}
    for tp in assigned:
        position = consumer.position(TopicPartition(tp.topic, tp.partition))
        per_topic[tp.topic] = per_topic.get(tp.topic, 0) + max(0, ends.get(tp, 0) - position)
    for topic, lag in per_topic.items():
        metrics.CONSUMER_LAG.labels(service, topic).set(lag)

"""What `sitrep run` checks on the cluster itself rather than on the services' word: that each service's consumer
group holds every partition of its input topics before anything is replayed, and that every replayed document got
its verdict on `duplicates` (the output a user sees, not an internal topic)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from sitrep.kafka_io import wait_for_kafka
from sitrep.settings import Settings
from sitrep.topics import Topic

log = logging.getLogger(__name__)


def unassigned(description: dict[str, Any], wanted: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """The partitions of ``wanted`` that no member of a described consumer group holds (all if not Stable)."""
    if description.get("group_state") != "Stable":
        return set(wanted)
    held: set[tuple[str, int]] = set()
    for member in description.get("members") or []:
        assignment = member.get("member_assignment") or {}
        for entry in assignment.get("assigned_partitions") or []:
            held.update((entry["topic"], p) for p in entry["partitions"])
    return wanted - held


class Cluster:
    """An admin client and a group-less consumer, for the checks only."""

    def __init__(self, settings: Settings) -> None:
        # faust's members carry assignor data kafka-python cannot decode; it warns on every describe (the
        # partitions themselves decode fine)
        logging.getLogger("kafka.admin._groups").setLevel(logging.ERROR)
        wait_for_kafka(settings)
        self.admin = KafkaAdminClient(**settings.kafka_common(), client_id="sitrep-run")
        self.consumer = KafkaConsumer(
            **settings.kafka_common(), client_id="sitrep-run", group_id=None, enable_auto_commit=False
        )

    def partitions(self, topics: Iterable[str]) -> set[tuple[str, int]]:
        out: set[tuple[str, int]] = set()
        for topic in topics:
            out.update((topic, p) for p in self.consumer.partitions_for_topic(topic) or ())
        return out

    def group_missing(self, group: str, topics: Iterable[str]) -> set[tuple[str, int]]:
        wanted = self.partitions(topics)
        try:
            description = self.admin.describe_groups([group]).get(group) or {}
        except KafkaError as exc:  # the coordinator may still be loading: not ready yet
            log.debug("describe group %s: %s", group, exc)
            return wanted
        return unassigned(description, wanted)

    def end_offsets(self, topic: str) -> dict[TopicPartition, int]:
        parts = [TopicPartition(topic, p) for _, p in sorted(self.partitions([topic]))]
        return dict(self.consumer.end_offsets(parts))

    def close(self) -> None:
        self.consumer.close()
        self.admin.close()


@dataclass
class Verdicts:
    """The verdicts read back for the documents one replay expects (clean document ids)."""

    expected: set[str]
    got: dict[str, str] = field(default_factory=dict)  # doc id -> verdict (the latest read)

    @property
    def missing(self) -> list[str]:
        return sorted(self.expected - self.got.keys())

    def by_verdict(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for verdict in self.got.values():
            counts[verdict] = counts.get(verdict, 0) + 1
        return counts

    def add(self, value: bytes | None) -> None:
        try:
            record = orjson.loads(value or b"")
        except orjson.JSONDecodeError:
            return  # not ours to judge here: storage dead-letters it
        if isinstance(record, dict) and record.get("doc_id") in self.expected:
            self.got[record["doc_id"]] = str(record.get("verdict"))


def collect_verdicts(
    settings: Settings, start: dict[TopicPartition, int], expected: set[str], timeout: float
) -> Verdicts:
    """Read `duplicates` from ``start`` (its end before the replay) until every expected document has a verdict or
    ``timeout`` passes."""
    verdicts = Verdicts(expected)
    consumer = KafkaConsumer(
        **settings.kafka_common(), client_id="sitrep-run-verdicts", group_id=None, enable_auto_commit=False
    )
    try:
        consumer.assign(list(start))
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        deadline = time.monotonic() + timeout
        while verdicts.missing and time.monotonic() < deadline:
            for messages in consumer.poll(timeout_ms=500).values():
                for message in messages:
                    verdicts.add(message.value)
    finally:
        consumer.close()
    return verdicts


def duplicates_topic(settings: Settings) -> str:
    return settings.topic(Topic.DUPLICATES)

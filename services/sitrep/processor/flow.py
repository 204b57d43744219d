"""The processor as four stage objects, each ``handle(message, state) -> emits``, and the table that wires them.

The same objects run under faust (app.py) and in one process (runner.py: `sitrep dedup`, `sitrep extract`,
`sitrep eval` and the tests). A stage knows nothing of its runtime: it reads and writes the tables it names (given
as mappings) and returns what to send. Path of a document:

  raw.articles, raw.tweets --Ingest--> accept, clean -> processor.verdict (the envelope, keyed by id) and
      processor.lsh (one request per partition that owns some of its band keys or anchors)
  processor.lsh --Lsh--> bucket-mates and quote links from the sketches stored on this partition -> a reply
  processor.verdict --Verdict--> once every reply is in: the verdict on `duplicates`; a unique or quoted document
      on `documents` and its candidate events on processor.merge (keyed by sub_event_type|country)
  processor.merge --Merge--> new or changed event versions on `events`
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, cast

import orjson

from sitrep.cleaning import clean_document
from sitrep.deadletter import InvalidMessage
from sitrep.extraction import extract_events
from sitrep.processor import stages
from sitrep.processor.intake import accept_raw
from sitrep.processor.messages import Candidates, DocEnvelope, LshReply, LshRequest
from sitrep.processor.state import BatchState, Overlay
from sitrep.topics import InternalTopic, Topic

Clock = Callable[[], float]
STALE_PENDING_SECONDS = 3600.0  # a document still missing replies after this lost them (a partition's data was lost)


@dataclass(frozen=True)
class Inbound:
    """One consumed message. ``topic`` is the logical name (without the deployment's prefix), ``source`` the name
    it was read from (what a dead letter cites)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    source: str = ""


@dataclass(frozen=True)
class Emit:
    """One message to send. ``partition`` None: by the key's hash, as Kafka's default partitioner does."""

    topic: Topic | InternalTopic
    key: str
    value: Mapping[str, Any]
    partition: int | None = None


class Stage(Protocol):
    name: str
    inputs: tuple[Topic | InternalTopic, ...]
    tables: tuple[str, ...]

    def handle(self, message: Inbound, state: BatchState) -> list[Emit]: ...

    def reset(self) -> None:
        """Forget in-memory indexes (after a rebalance, or when the tables were restored)."""


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def decode_internal(message: Inbound) -> dict[str, Any]:
    try:
        value = orjson.loads(message.value or b"")
    except orjson.JSONDecodeError as exc:
        raise InvalidMessage("invalid_json", str(exc)) from None
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise InvalidMessage("schema", "an internal message is an object with a type")
    return value


@dataclass
class Ingest:
    partitions: int
    max_text_chars: int
    clock: Clock = time.time
    name: str = "ingest"
    inputs: tuple[Topic | InternalTopic, ...] = (Topic.RAW_ARTICLES, Topic.RAW_TWEETS)
    tables: tuple[str, ...] = ()

    def handle(self, message: Inbound, state: BatchState) -> list[Emit]:
        raw = accept_raw(Topic(message.topic), message.value, self.max_text_chars)
        emits: list[Emit] = []
        for doc in clean_document(raw):
            now = self.clock()
            doc["received_at"] = iso(now)
            origin = f"{message.topic}:{message.partition}:{message.offset}/{doc['id']}"
            envelope, requests = stages.fan_out(doc, self.partitions, now, origin)
            emits.append(Emit(InternalTopic.VERDICT, doc["id"], envelope))
            emits.extend(Emit(InternalTopic.LSH, doc["id"], r, p) for p, r in requests.items())
        return emits

    def reset(self) -> None:
        return None


@dataclass
class PartitionIndex:
    """Band buckets and quote anchors of one LSH partition: derived from its stored sketches, kept in memory."""

    bands: dict[str, Any] = field(default_factory=dict)
    tweets: dict[Any, Any] = field(default_factory=dict)
    articles: dict[Any, Any] = field(default_factory=dict)


@dataclass
class Lsh:
    partitions: int
    retention_s: float
    clock: Clock = time.time
    name: str = "lsh"
    inputs: tuple[Topic | InternalTopic, ...] = (InternalTopic.LSH,)
    tables: tuple[str, ...] = ("lsh-sketches",)
    indexes: dict[int, PartitionIndex] = field(default_factory=dict)

    def index(self, partition: int, sketches: Overlay) -> PartitionIndex:
        index = self.indexes.get(partition)
        if index is None:
            index = self.indexes[partition] = PartitionIndex()
            stages.index_partition(
                sketches.items(), partition, self.partitions, index.bands, index.tweets, index.articles
            )
        return index

    def handle(self, message: Inbound, state: BatchState) -> list[Emit]:
        value = decode_internal(message)
        sketches = state["lsh-sketches"]
        index = self.index(message.partition, sketches)
        if value["type"] == "tick":
            for key in stages.expired(sketches, message.partition, self.clock() - self.retention_s):
                stages.forget_sketch(
                    key, message.partition, self.partitions, sketches, index.bands, index.tweets, index.articles
                )
            return []
        reply = stages.visit_partition(
            cast(LshRequest, value),
            message.partition,
            sketches,
            index.bands,
            index.tweets,
            index.articles,
        )
        return [] if reply is None else [Emit(InternalTopic.VERDICT, reply["doc_id"], reply)]

    def reset(self) -> None:
        self.indexes.clear()


@dataclass
class Verdict:
    retention_s: float
    clock: Clock = time.time
    extract: Callable[[dict[str, Any]], list[dict[str, Any]]] = extract_events
    name: str = "verdict"
    inputs: tuple[Topic | InternalTopic, ...] = (InternalTopic.VERDICT,)
    tables: tuple[str, ...] = ("verdict-pending", "verdict-done")

    def handle(self, message: Inbound, state: BatchState) -> list[Emit]:
        value = decode_internal(message)
        pending, done = state["verdict-pending"], state["verdict-done"]
        now = self.clock()
        if value["type"] == "tick":
            for key in stages.expired(done, message.partition, now - self.retention_s):
                del done[key]
            for key in stages.expired(pending, message.partition, now - STALE_PENDING_SECONDS):
                del pending[key]
            return []
        doc_id = value["doc_id"]
        step = stages.verdict_step(
            cast(DocEnvelope | LshReply, value), pending.get(doc_id), done.get(doc_id), now, message.partition
        )
        if step.pending is not None:
            pending[doc_id] = step.pending
        elif doc_id in pending:
            del pending[doc_id]
        if step.done is not None:
            done[doc_id] = step.done
        emits: list[Emit] = []
        if step.verdict is not None:
            emits.append(Emit(Topic.DUPLICATES, doc_id, step.verdict))
        if step.forwarded is not None:
            emits.append(Emit(Topic.DOCUMENTS, doc_id, step.forwarded))
            origin = value["origin"]
            for key, group in stages.group_by_merge_key(self.extract(step.forwarded)).items():
                candidates = Candidates(type="candidates", doc_id=doc_id, origin=origin, candidates=group)
                emits.append(Emit(InternalTopic.MERGE, key, candidates))
        return emits

    def reset(self) -> None:
        return None


@dataclass
class Merge:
    retention_s: float
    clock: Clock = time.time
    name: str = "merge"
    inputs: tuple[Topic | InternalTopic, ...] = (InternalTopic.MERGE,)
    tables: tuple[str, ...] = ("merge-blocks",)

    def handle(self, message: Inbound, state: BatchState) -> list[Emit]:
        value = decode_internal(message)
        blocks = state["merge-blocks"]
        now = self.clock()
        if value["type"] == "tick":
            for key in stages.expired(blocks, message.partition, now - self.retention_s):
                del blocks[key]
            return []
        versions = stages.merge_candidates(value["candidates"], blocks, iso(now), now, message.partition)
        return [Emit(Topic.EVENTS, v["event_id"], v) for v in versions]

    def reset(self) -> None:
        return None


def wiring(partitions: int, max_text_chars: int, retention_s: float, clock: Clock = time.time) -> list[Stage]:
    """Every stage of the processor, in the order a document meets them."""
    return [
        Ingest(partitions, max_text_chars, clock),
        Lsh(partitions, retention_s, clock),
        Verdict(retention_s, clock),
        Merge(retention_s, clock),
    ]


TICKED = (InternalTopic.LSH, InternalTopic.VERDICT, InternalTopic.MERGE)  # topics whose stages keep retention

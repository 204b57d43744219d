"""The processor as four stage objects, each ``handle(message, state) -> emits``, and the table that wires them.

The same objects run under faust (app.py) and in one process (runner.py: `sitrep dedup`, `sitrep extract`,
`sitrep eval` and the tests). A stage knows nothing of its runtime: it reads and writes the tables it names (given
as mappings) and returns what to send. Path of a document:

  raw.articles, raw.tweets --Ingest--> accept (else a dead letter), clean, sketch -> processor.dedup, partition 0
  processor.dedup --Dedup--> judged against every stored sketch: the verdict on `duplicates`; a unique or quoted
      document on processor.extract (keyed by id)
  processor.extract --Extract--> the document on `documents`, its candidate events on processor.merge (keyed by
      sub_event_type|country)
  processor.merge --Merge--> new or changed event versions on `events`

Why dedup on one partition: near-duplicate candidates must meet, so split LSH state sends each document to every
partition that owns one of its ~32 band keys and ~200 anchors (with 12 partitions: all 12, each storing the sketch);
Kafka writes per document grew with the partition count. Judging a document costs ~0.3 ms, extracting it ~4 ms:
the work that needs spreading is extraction, which is keyed by document id (README: the topology, measured).
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
from sitrep.dedup import make_sketch
from sitrep.extraction import extract_events
from sitrep.extraction.merge import with_sources
from sitrep.processor import stages
from sitrep.processor.intake import accept_raw
from sitrep.processor.messages import Candidates, DedupRequest, ExtractRequest
from sitrep.processor.state import BatchState, Overlay
from sitrep.topics import InternalTopic, Topic

Clock = Callable[[], float]


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
            sketch = stages.encode_sketch(make_sketch(doc, stages.PARAMS))  # here: spread over the raw partitions
            request = DedupRequest(
                type="dedup", doc_id=doc["id"], doc=doc, sketch=sketch, received_at=now, origin=origin
            )
            emits.append(Emit(InternalTopic.DEDUP, doc["id"], request, stages.DEDUP_PARTITION))
        return emits

    def reset(self) -> None:
        return None


@dataclass
class PartitionIndex:
    """Band buckets and quote anchors of the dedup partition: derived from its stored sketches, kept in memory."""

    bands: dict[str, Any] = field(default_factory=dict)
    tweets: dict[Any, Any] = field(default_factory=dict)
    articles: dict[Any, Any] = field(default_factory=dict)


@dataclass
class Dedup:
    retention_s: float
    clock: Clock = time.time
    name: str = "dedup"
    inputs: tuple[Topic | InternalTopic, ...] = (InternalTopic.DEDUP,)
    tables: tuple[str, ...] = ("dedup-sketches",)
    indexes: dict[int, PartitionIndex] = field(default_factory=dict)

    def index(self, partition: int, sketches: Overlay) -> PartitionIndex:
        index = self.indexes.get(partition)
        if index is None:
            index = self.indexes[partition] = PartitionIndex()
            stages.index_partition(sketches.items(), partition, 1, index.bands, index.tweets, index.articles)
        return index

    def handle(self, message: Inbound, state: BatchState) -> list[Emit]:
        value = decode_internal(message)
        sketches = state["dedup-sketches"]
        index = self.index(message.partition, sketches)
        if value["type"] == "tick":
            for key in stages.expired(sketches, message.partition, self.clock() - self.retention_s):
                stages.forget_sketch(key, message.partition, 1, sketches, index.bands, index.tweets, index.articles)
            return []
        if message.partition != stages.DEDUP_PARTITION:
            raise InvalidMessage("wrong_partition", f"dedup requests belong on partition {stages.DEDUP_PARTITION}")
        request = cast(DedupRequest, value)
        verdict = stages.dedup_step(request, sketches, index.bands, index.tweets, index.articles)
        if verdict is None:
            return []
        emits = [Emit(Topic.DUPLICATES, request["doc_id"], verdict)]
        doc = stages.forwarded(request, verdict)
        if doc is not None:
            extract = ExtractRequest(type="extract", doc_id=request["doc_id"], doc=doc, origin=request["origin"])
            emits.append(Emit(InternalTopic.EXTRACT, request["doc_id"], extract))
        return emits

    def reset(self) -> None:
        self.indexes.clear()


@dataclass
class Extract:
    """Stateless, keyed by document id: the expensive stage, spread over every partition."""

    extract: Callable[[dict[str, Any]], list[dict[str, Any]]] = extract_events
    name: str = "extract"
    inputs: tuple[Topic | InternalTopic, ...] = (InternalTopic.EXTRACT,)
    tables: tuple[str, ...] = ()

    def handle(self, message: Inbound, state: BatchState) -> list[Emit]:
        request = cast(ExtractRequest, decode_internal(message))
        doc_id, doc = request["doc_id"], request["doc"]
        emits = [Emit(Topic.DOCUMENTS, doc_id, doc)]
        # each candidate carries its document as a source (outlet, url, publication): events count their sources
        for key, group in stages.group_by_merge_key(with_sources(self.extract(doc), doc)).items():
            candidates = Candidates(type="candidates", doc_id=doc_id, origin=request["origin"], candidates=group)
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
        receipt = stages.receipt_key(value["candidates"], value["origin"])
        if receipt in blocks:  # merged before: its events were acknowledged before its blocks were written
            return []
        versions = stages.merge_candidates(value["candidates"], blocks, iso(now), now, message.partition)
        # written last: a changelog prefix holding the receipt holds every block this message wrote
        blocks[receipt] = {"received_at": now, "partition": message.partition}
        return [Emit(Topic.EVENTS, v["event_id"], v) for v in versions]

    def reset(self) -> None:
        return None


def wiring(max_text_chars: int, retention_s: float, clock: Clock = time.time) -> list[Stage]:
    """Every stage of the processor, in the order a document meets them."""
    return [Ingest(max_text_chars, clock), Dedup(retention_s, clock), Extract(), Merge(retention_s, clock)]


TICKED = (InternalTopic.DEDUP, InternalTopic.MERGE)  # topics whose stages keep retention

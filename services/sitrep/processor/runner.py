"""The processor's stages in one process, with Kafka's delivery rules modelled: topics are partitioned logs, each
stage consumes its inputs from a committed offset, its tables are restored from what was durably written, and a
crash can strike between any two durable actions.

Used by `sitrep dedup`, `sitrep extract`, `sitrep eval` (without faults: the offline limit of the same code the
stream runs) and by the tests (with faults: a crash at every step, redeliveries, shuffled schedules).

One batch, as the faust runtime does it (app.py):
  1. handle each message against the stage's tables seen through an overlay (state.py), collecting the emits;
  2. send the emits and wait until every one is acknowledged;
  3. apply the overlay's writes to the tables (their changelog);
  4. commit the input offsets.
A crash before 2 completes leaves the state as it was: the batch is redelivered and sends again (duplicates, which
every stage and consumer tolerates). A crash after 3 leaves state whose outputs are all acknowledged. ``order=
"state-first"`` swaps 2 and 3, as faust's tables do (a table write goes to the changelog when it is made, the
outputs later): the tests use it to show what that loses.
"""

from __future__ import annotations

import random
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from sitrep.deadletter import InvalidMessage, dead_letter
from sitrep.processor.flow import TICKED, Clock, Emit, Inbound, Stage, wiring
from sitrep.processor.state import BatchState, Write, apply_to_dicts
from sitrep.settings import Settings
from sitrep.topics import InternalTopic, Topic


class Crash(Exception):
    """The process died (kill -9): everything not durable is gone."""


@dataclass(frozen=True)
class Record:
    key: str
    value: bytes


@dataclass
class Faults:
    """Where the process dies: at these durable-action numbers (0-based, counted over the whole run)."""

    crash_at: set[int] = field(default_factory=set)
    actions: int = 0
    crashes: int = 0

    def step(self) -> None:
        n = self.actions
        self.actions += 1
        if n in self.crash_at:
            self.crashes += 1
            raise Crash(f"crash at action {n}")


@dataclass
class Process:
    """What dies with a crash: the stage objects (their in-memory indexes) and the consumers' positions."""

    stages: list[Stage]
    positions: dict[tuple[str, str, int], int]


class MemoryRunner:
    def __init__(
        self,
        partitions: int = 1,
        *,
        settings: Settings | None = None,
        clock: Clock = time.time,
        batch: int = 64,
        faults: Faults | None = None,
        seed: int | None = None,
        order: Literal["outputs-first", "state-first"] = "outputs-first",
    ) -> None:
        settings = settings or Settings(bootstrap_servers="")  # only its processing defaults are used
        self.partitions = partitions
        self.clock = clock
        self.batch = batch
        self.faults = faults or Faults()
        self.order = order
        self.rng = random.Random(seed) if seed is not None else None
        self.make_stages: Callable[[], list[Stage]] = lambda: wiring(
            settings.max_text_chars, settings.dedup_retention_days * 86400.0, clock
        )
        self.log: dict[str, list[list[Record]]] = {}
        self.durable: dict[str, dict[str, dict[str, Any]]] = {}  # stage -> table -> key -> value (changelog)
        self.committed: dict[tuple[str, str, int], int] = {}
        self.process = self._start()

    def _start(self) -> Process:
        stages = self.make_stages()
        for stage in stages:
            tables = self.durable.setdefault(stage.name, {})
            for name in stage.tables:
                tables.setdefault(name, {})
        return Process(stages, dict(self.committed))

    # --- the log ----------------------------------------------------------------------------------------------
    def partitions_of(self, topic: str) -> list[list[Record]]:
        return self.log.setdefault(topic, [[] for _ in range(self.partitions)])

    def publish(self, topic: Topic | InternalTopic, key: str, value: bytes, partition: int | None = None) -> None:
        parts = self.partitions_of(topic.value)
        p = zlib.crc32(key.encode()) % len(parts) if partition is None else partition
        parts[p].append(Record(key, value))

    def records(self, topic: Topic | InternalTopic) -> list[dict[str, Any]]:
        """Every record on the topic, partition by partition (JSON-decoded)."""
        return [orjson.loads(r.value) for part in self.partitions_of(topic.value) for r in part]

    # --- running ----------------------------------------------------------------------------------------------
    def ready(self) -> list[tuple[Stage, str, int]]:
        out = []
        for stage in self.process.stages:
            for topic in stage.inputs:
                for p, part in enumerate(self.partitions_of(topic.value)):
                    if self.process.positions.get((stage.name, topic.value, p), 0) < len(part):
                        out.append((stage, topic.value, p))
        return out

    def run(self, max_batches: int | None = None) -> int:
        """Process until nothing is left (restarting after each crash); returns the number of batches."""
        n = 0
        while max_batches is None or n < max_batches:
            ready = self.ready()
            if not ready:
                return n
            stage, topic, p = self.rng.choice(ready) if self.rng else ready[0]
            size = self.rng.randint(1, self.batch) if self.rng else self.batch
            try:
                self.run_batch(stage, topic, p, size)
            except Crash:
                self.process = self._start()
            n += 1
        return n

    def run_batch(self, stage: Stage, topic: str, partition: int, size: int) -> None:
        key = (stage.name, topic, partition)
        start = self.process.positions.get(key, 0)
        records = self.partitions_of(topic)[partition][start : start + size]
        state = BatchState(self.durable[stage.name])
        emits: list[Emit] = []
        for offset, record in enumerate(records, start):
            message = Inbound(topic, partition, offset, record.key.encode(), record.value)
            emits.extend(handle(stage, message, state.at_partition(partition)))
        writes = state.writes()
        if self.order == "state-first":
            self._apply(stage.name, writes)
            self._send(emits)
        else:
            self._send(emits)
            self._apply(stage.name, writes)
        self.process.positions[key] = start + len(records)
        self.faults.step()
        self.committed[key] = start + len(records)

    def _send(self, emits: Iterable[Emit]) -> None:
        for e in emits:
            self.faults.step()
            self.publish(e.topic, e.key, orjson.dumps(e.value), e.partition)

    def _apply(self, stage: str, writes: list[Write]) -> None:
        for w in writes:
            self.faults.step()
            apply_to_dicts(self.durable[stage], [w])

    def tick(self) -> None:
        """What the faust timer does: ask every partition of every stateful stage to apply retention."""
        for topic in TICKED:
            for p in range(self.partitions):
                self.publish(topic, "tick", b'{"type":"tick"}', p)


def handle(stage: Stage, message: Inbound, state: BatchState) -> list[Emit]:
    """One message through a stage; invalid input becomes a dead letter. Any other error propagates: a bug or an
    outage must stop the runner, never be dead-lettered."""
    try:
        return stage.handle(message, state)
    except InvalidMessage as exc:
        letter = dead_letter(
            message.value,
            exc,
            service="processor",
            topic=message.source or message.topic,
            partition=message.partition,
            offset=message.offset,
            key=message.key,
        )
        return [Emit(Topic.DEAD_LETTERS, message.key.decode() if message.key else "", letter)]


def publish_raw(runner: MemoryRunner, records: Iterable[Mapping[str, Any]]) -> None:
    """Raw documents onto their raw topic (by kind), one partition, in order: as `sitrep replay` does."""
    for record in records:
        topic = Topic.RAW_TWEETS if record.get("kind") == "tweet" else Topic.RAW_ARTICLES
        runner.publish(topic, str(record.get("id", "")), orjson.dumps(record), 0)

"""The processor's faust app: one agent per (stage, input topic) of the wiring table in flow.py; each agent only
moves messages between Kafka and its stage object.

Per batch (``stream.take_events``): handle every message against the stage's tables seen through an overlay, send
the emits and wait until the broker acknowledged every one, then write the tables (their changelog); faust acks the
batch's offsets when the agent asks for the next batch, and commits them only after flushing the producer (with the
barrier of faust_shim.py, that includes every changelog write). So a restart never finds state whose outputs were
lost, and everything after the committed offset is redelivered (README, Reliability).

Invalid input becomes a dead letter. Any other error, and a run of too many invalid messages on one partition,
ends the process at once (os._exit) without committing: faust's clean stop would commit the failing batch's offsets
(take_events acks a batch in a ``finally``), and an escaped exception would only stop the agent, silently (#175).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
import time
from collections.abc import Awaitable, Sequence
from typing import Any

import faust
import orjson
from faust.sensors.prometheus import setup_prometheus_sensors
from faust.types import TableT

from sitrep import metrics
from sitrep.deadletter import EXIT_TOO_MANY_INVALID, InvalidRun, TooManyInvalid
from sitrep.paths import state_dir
from sitrep.processor.credentials import faust_credentials
from sitrep.processor.faust_shim import install_flush_barrier
from sitrep.processor.flow import TICKED, Emit, Inbound, Stage, wiring
from sitrep.processor.runner import handle
from sitrep.processor.state import DELETED, BatchState, Write
from sitrep.settings import Settings
from sitrep.topics import InternalTopic, Topic

log = logging.getLogger(__name__)
SERVICE = "processor"
TICK_SECONDS = 60.0
BATCH_MAX = 256  # messages per batch: amortises the per-message cost of faust and of waiting for acks
BATCH_WITHIN_S = 0.05  # a batch waits at most this long to fill: the latency a batch adds
EXIT_ERROR = 1


@functools.lru_cache(maxsize=1024)
def labelled(metric: Any, *labels: str) -> Any:
    """A metric's child for these labels, looked up once (labels() takes a lock and builds a key every call)."""
    return metric.labels(*labels)


def app_config(settings: Settings, web_port: int) -> dict[str, Any]:
    return dict(
        broker=[f"kafka://{b}" for b in settings.bootstrap_servers.split(",")],
        broker_credentials=faust_credentials(settings.security),
        store="memory://",
        value_serializer="json",  # the tables' values; topics carry raw orjson bytes
        key_serializer="raw",
        topic_replication_factor=1,
        topic_partitions=settings.topic_partitions,
        processing_guarantee="at_least_once",
        table_standby_replicas=0,  # one machine: a standby would only double the memory
        web_enabled=True,
        web_bind=settings.metrics_host,
        web_port=web_port,
        web_host=settings.metrics_host,
        datadir=str(state_dir() / "processor-data"),  # faust's default is the current directory
        broker_commit_every=10_000,  # commit by time; a batch's offsets are acked together
        broker_commit_interval=1.0,
        consumer_auto_offset_reset="earliest",
        # a worker killed without a goodbye holds its partitions until the session times out: 10 s, not faust's 60
        broker_session_timeout=float(os.environ.get("BROKER_SESSION_TIMEOUT", 10.0)),
        broker_heartbeat_interval=float(os.environ.get("BROKER_HEARTBEAT_INTERVAL", 1.0)),
        producer_acks=-1,
        producer_linger_ms=5,
        stream_buffer_maxsize=4096,  # bounded in-flight messages per partition: backpressure on the fetcher
    )


def die(code: int, why: str) -> None:
    """Stop now, committing nothing more (everything after the last commit is redelivered to the next start)."""
    log.critical("processor stopping (exit %d): %s", code, why)
    print(f"sitrep processor stopped: {why}", file=sys.stderr, flush=True)
    logging.shutdown()
    os._exit(code)


class Shell:
    """What the agents share: the topics by logical name, the tables, the invalid-run counters."""

    def __init__(self, app: faust.App, settings: Settings) -> None:
        self.app, self.settings = app, settings
        prefix, parts = settings.topic_prefix, settings.topic_partitions
        self.topics: dict[str, faust.TopicT] = {}
        self.logical: dict[str, str] = {}
        for t in (*Topic, *InternalTopic):
            self.topics[t.value] = app.topic(
                f"{prefix}{t.value}",
                value_type=bytes,
                key_type=bytes,
                internal=isinstance(t, InternalTopic),
                partitions=parts,
                value_serializer="raw",
                key_serializer="raw",
            )
            self.logical[f"{prefix}{t.value}"] = t.value
        self.tables: dict[str, TableT] = {}
        self.invalid = InvalidRun(settings.dlq_limit)

    def table(self, name: str) -> TableT:
        if name not in self.tables:
            self.tables[name] = self.app.Table(name, default=None, partitions=self.settings.topic_partitions)
        return self.tables[name]

    async def send(self, emit: Emit) -> Awaitable[Any]:
        topic = self.topics[emit.topic.value]
        fut = await topic.send(key=emit.key.encode(), value=orjson.dumps(emit.value), partition=emit.partition)
        labelled(metrics.MESSAGES_OUT, SERVICE, topic.get_topic_name()).inc()
        if emit.topic is Topic.DUPLICATES:
            labelled(metrics.DUPLICATES, emit.value["verdict"]).inc()
        elif emit.topic is Topic.EVENTS:
            labelled(metrics.EVENTS, emit.value["sub_event_type"]).inc()
        elif emit.topic is Topic.DEAD_LETTERS:
            labelled(metrics.DEAD_LETTERS, SERVICE, emit.value["reason"]).inc()
        return fut  # type: ignore[no-any-return]

    def write(self, writes: Sequence[Write]) -> None:
        """The batch's table writes, each to the changelog partition of the message that made it."""
        for w in writes:
            table = self.tables[w.table]
            if w.value is DELETED:
                table.data.pop(w.key, None)
                table.send_changelog(w.partition, w.key, None, value_serializer="raw")
            else:
                table.data[w.key] = w.value
                table.send_changelog(w.partition, w.key, w.value)

    async def run_batch(self, stage: Stage, events: Sequence[faust.EventT]) -> None:
        started = time.perf_counter()
        state = BatchState({name: self.tables[name] for name in stage.tables})
        emits: list[Emit] = []
        for event in events:
            msg = event.message
            topic = self.logical[msg.topic]
            labelled(metrics.MESSAGES_IN, SERVICE, msg.topic).inc()
            inbound = Inbound(topic, msg.partition, msg.offset, msg.key, msg.value, msg.topic)
            out = handle(stage, inbound, state.at_partition(msg.partition))
            self.count_invalid(out, msg.topic, msg.partition)
            emits.extend(out)
        acks = [await self.send(e) for e in emits]
        await asyncio.gather(*acks)  # acknowledged by the broker (acks=all) before any state is written
        self.write(state.writes())
        labelled(metrics.PROCESSING_SECONDS, SERVICE, stage.name).observe(time.perf_counter() - started)

    def count_invalid(self, out: list[Emit], topic: str, partition: int) -> None:
        if any(e.topic is Topic.DEAD_LETTERS for e in out):
            self.invalid.invalid(out[0].value["reason"], (topic, partition))
        else:
            self.invalid.ok((topic, partition))


def build_app(settings: Settings, web_port: int = 9402) -> faust.App:
    app = faust.App(f"{settings.topic_prefix}sitrep-processor", **app_config(settings, web_port))
    setup_prometheus_sensors(app, name_prefix="sitrep_faust")
    install_flush_barrier(app)
    shell = Shell(app, settings)
    stages = wiring(settings.max_text_chars, settings.dedup_retention_days * 86400.0)
    for stage in stages:
        for name in stage.tables:
            shell.table(name).on_recover(_reset(stage))
        app.on_partitions_revoked.connect(_reset(stage))
        for source in stage.inputs:
            make_agent(app, shell, stage, source)

    @app.timer(interval=TICK_SECONDS)
    async def tick() -> None:
        """Retention runs inside the stages (a table is written only from its partition's stream): ask them."""
        for topic in TICKED:
            for partition in range(settings.topic_partitions):
                await shell.topics[topic.value].send(key=b"tick", value=b'{"type":"tick"}', partition=partition)

    @app.page("/healthz")
    async def healthz(web_view: faust.web.View, request: faust.web.Request) -> faust.web.Response:
        return web_view.json({"ok": True})

    return app


def _reset(stage: Stage) -> Any:
    async def reset(*_: Any, **__: Any) -> None:
        # a rebalance may move partitions away and back with entries another worker wrote meanwhile: start over
        stage.reset()

    return reset


def make_agent(app: faust.App, shell: Shell, stage: Stage, source: Topic | InternalTopic) -> None:
    @app.agent(shell.topics[source.value], concurrency=1, name=f"{stage.name}-{source.value}")
    async def agent(stream: faust.StreamT) -> None:
        async for events in stream.take_events(BATCH_MAX, within=BATCH_WITHIN_S):  # type: ignore[attr-defined]
            try:
                await shell.run_batch(stage, events)
            except asyncio.CancelledError:
                # stopped mid-batch: leaving normally would let faust ack (and commit) a batch whose state and
                # sends are incomplete; the next start gets it again
                die(0, f"stopped in the middle of a {stage.name} batch; it will be redelivered")
            except TooManyInvalid as exc:
                die(EXIT_TOO_MANY_INVALID, str(exc))
            except Exception as exc:  # a bug or an outage: stop and let the restart retry, never dead-letter it
                log.exception("unexpected error in %s", stage.name)
                die(EXIT_ERROR, f"{type(exc).__name__} in {stage.name}: {exc}")

"""The processor's faust app: the I/O shell around the pure stages (stages.py).

Path of a message (every arrow is a Kafka topic, so each stage scales by partitions):
  raw.articles, raw.tweets --ingest--> accept (schema, plausibility; else dead letter) -> clean (maybe split)
     -> processor.verdict (the document, keyed by id) and processor.lsh (one message per home partition)
  processor.lsh --lsh--> bucket-mates, quote links; remember the sketch -> processor.verdict (the answer)
     (sketches in a table; buckets and anchors are in-memory indexes over it, rebuilt after a rebalance)
  processor.verdict --verdict--> once every answer is in: the verdict on `duplicates`; unique/quoted documents on
     `documents` (for storage) and, extracted there and then, their candidate events on processor.merge (keyed by
     sub_event_type|country)
  processor.merge --merge--> new or changed event versions on `events`

Every agent runs with concurrency 1 (offsets must stay ordered, faust #606), catches every exception (an unhandled
one silently stops a faust agent, #175) and turns bad input into a dead letter. Guarantee: at-least-once, with
idempotent stages (a redelivered message finds its own traces in the tables) and idempotent consumers downstream;
faust's experimental exactly-once is not used.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import time
from collections.abc import Awaitable
from typing import Any

import faust
import orjson
from faust.sensors.prometheus import setup_prometheus_sensors
from faust.types import TableT

from sitrep import metrics
from sitrep.cleaning import clean_document
from sitrep.deadletter import InvalidMessage, InvalidRun, TooManyInvalid, dead_letter, now_iso
from sitrep.extraction import extract_events
from sitrep.paths import state_dir
from sitrep.processor import stages
from sitrep.processor.credentials import faust_credentials
from sitrep.processor.intake import accept_raw
from sitrep.settings import Settings
from sitrep.topics import InternalTopic, Topic

log = logging.getLogger(__name__)
SERVICE = "processor"
TICK_SECONDS = 60.0
STALE_PENDING_SECONDS = 3600.0  # a document still missing answers after this lost them (a partition's data was lost)
DONE_DOC_SECONDS = 30.0  # how long `done` keeps a forwarded document for redelivered answers (commits: every 1 s)


@functools.lru_cache(maxsize=1024)
def labelled(metric: Any, *labels: str) -> Any:
    """A metric's child for these labels, looked up once: labels() takes a lock and builds a key on every call, and
    the processor counts every message it reads and writes."""
    return metric.labels(*labels)


def build_app(settings: Settings, web_port: int = 9402) -> faust.App:
    prefix, parts = settings.topic_prefix, settings.topic_partitions
    app = faust.App(
        f"{prefix}sitrep-processor",
        broker=[f"kafka://{b}" for b in settings.bootstrap_servers.split(",")],
        broker_credentials=faust_credentials(settings.security),
        store="memory://",
        value_serializer="json",  # the tables' values; topics carry raw orjson bytes (see topic())
        key_serializer="raw",
        topic_replication_factor=1,
        topic_partitions=parts,
        processing_guarantee="at_least_once",
        table_standby_replicas=0,  # one machine: a standby would only double the memory
        web_enabled=True,
        web_bind=settings.metrics_host,
        web_port=web_port,
        datadir=str(state_dir() / "processor-data"),  # faust's default is the current directory
        web_host=settings.metrics_host,
        broker_commit_every=500,
        broker_commit_interval=1.0,
        consumer_auto_offset_reset="earliest",
        # a worker killed without a goodbye holds its partitions until the session times out: 10 s, not faust's 60
        broker_session_timeout=float(os.environ.get("BROKER_SESSION_TIMEOUT", 10.0)),
        broker_heartbeat_interval=float(os.environ.get("BROKER_HEARTBEAT_INTERVAL", 1.0)),
        producer_acks=-1,
        producer_linger_ms=2,
        stream_buffer_maxsize=4096,
    )
    setup_prometheus_sensors(app, name_prefix="sitrep_faust")

    def topic(name: str, internal: bool = False) -> faust.TopicT:
        return app.topic(f"{prefix}{name}", value_type=bytes, key_type=bytes, internal=internal, partitions=parts,
                         value_serializer="raw", key_serializer="raw")

    raw_articles, raw_tweets = topic(Topic.RAW_ARTICLES.value), topic(Topic.RAW_TWEETS.value)
    lsh_topic = topic(InternalTopic.LSH.value, internal=True)
    verdict_topic = topic(InternalTopic.VERDICT.value, internal=True)
    merge_topic = topic(InternalTopic.MERGE.value, internal=True)
    documents, duplicates = topic(Topic.DOCUMENTS.value), topic(Topic.DUPLICATES.value)
    events_topic, dead_letters = topic(Topic.EVENTS.value), topic(Topic.DEAD_LETTERS.value)

    def table(name: str) -> TableT:
        return app.Table(name, default=None, partitions=parts)

    # LSH stage state, per home partition: the sketches in a table (restored from its changelog on restart or
    # rebalance); the band buckets and quote anchors are in-memory indexes over it, rebuilt per partition after
    # every rebalance (stages.index_partition): one changelog message per document instead of ~85
    sketches = table("lsh-sketches")
    bands: dict[str, Any] = {}
    tweet_anchors: dict[int | str, Any] = {}
    article_anchors: dict[int | str, Any] = {}
    indexed: set[int] = set()

    async def drop_indexes(*_: Any, **__: Any) -> None:
        # a rebalance may move partitions away and back with entries another worker wrote meanwhile: start over
        indexed.clear()
        bands.clear()
        tweet_anchors.clear()
        article_anchors.clear()

    sketches.on_recover(drop_indexes)
    app.on_partitions_revoked.connect(drop_indexes)

    def ensure_index(partition: int) -> None:
        if partition not in indexed:
            n = stages.index_partition(sketches.items(), partition, parts, bands, tweet_anchors, article_anchors)
            indexed.add(partition)
            log.info("lsh partition %d: indexed %d stored sketches", partition, n)
    pending = table("verdict-pending")  # doc id -> the document and the answers so far
    done = table("verdict-done")  # doc id -> the verdict given to its latest raw message
    blocks = table("merge-blocks")  # sub_event_type|country|ISO week -> known events
    invalid_run = InvalidRun(settings.dlq_limit)
    retention_s = settings.dedup_retention_days * 86400.0

    async def to_dead_letter(event: faust.EventT, exc: InvalidMessage) -> None:
        msg = event.message
        record = dead_letter(msg.value, exc, service=SERVICE, topic=msg.topic, partition=msg.partition,
                             offset=msg.offset, key=msg.key)
        await dead_letters.send(key=msg.key, value=orjson.dumps(record))
        metrics.DEAD_LETTERS.labels(SERVICE, exc.reason).inc()
        log.warning("dead letter from %s[%s]@%s: %s", msg.topic, msg.partition, msg.offset, exc)

    async def guarded(event: faust.EventT, step: str, body: Awaitable[None]) -> None:
        """One message's work; invalid input -> dead letter; any other error -> dead letter with the error."""
        started = time.perf_counter()
        labelled(metrics.MESSAGES_IN, SERVICE, event.message.topic).inc()
        try:
            await body
            invalid_run.ok()
        except InvalidMessage as exc:
            await to_dead_letter(event, exc)
            invalid_run.invalid(exc.reason)
        except TooManyInvalid:
            raise
        except Exception as exc:  # an escaped exception would silently stop the agent (faust #175)
            log.exception("unexpected error in %s", step)
            await to_dead_letter(event, InvalidMessage("processing_error", f"{type(exc).__name__}: {exc}"[:500]))
        finally:
            labelled(metrics.PROCESSING_SECONDS, SERVICE, step).observe(time.perf_counter() - started)

    def stop_on_broken_deploy(exc: TooManyInvalid) -> None:
        log.critical("%s", exc)
        app._sitrep_fatal = str(exc)  # type: ignore[attr-defined]
        # the worker's own SIGTERM path stops every agent and commits; awaiting app.stop() here would deadlock,
        # because stopping waits for this very agent
        os.kill(os.getpid(), signal.SIGTERM)

    async def send(target: faust.TopicT, key: str, value: dict[str, Any], partition: int | None = None) -> None:
        await target.send(key=key.encode(), value=orjson.dumps(value), partition=partition)
        labelled(metrics.MESSAGES_OUT, SERVICE, target.get_topic_name()).inc()

    # --- ingest: raw -> clean -> fan out ---------------------------------------------------------------------------
    async def ingest_one(event: faust.EventT, kind: Topic) -> None:
        raw = accept_raw(kind, event.value, settings.max_text_chars)
        for doc in clean_document(raw):
            doc["received_at"] = now_iso()
            origin = f"{event.message.topic}:{event.message.partition}:{event.message.offset}"
            envelope, messages = stages.fan_out(doc, parts, time.time(), origin)
            await send(verdict_topic, doc["id"], {"type": "doc", **envelope})
            for partition, message in messages.items():
                await send(lsh_topic, doc["id"], message, partition=partition)

    def make_ingest(source: faust.TopicT, kind: Topic) -> None:
        @app.agent(source, concurrency=1, name=f"ingest-{kind.name.lower()}")
        async def ingest(stream: faust.StreamT) -> None:
            async for event in stream.events():
                try:
                    await guarded(event, "ingest", ingest_one(event, kind))
                except TooManyInvalid as exc:
                    stop_on_broken_deploy(exc)
                    return

    make_ingest(raw_articles, Topic.RAW_ARTICLES)
    make_ingest(raw_tweets, Topic.RAW_TWEETS)

    # --- lsh: what each home partition knows about a document -----------------------------------------------------
    async def lsh_one(event: faust.EventT) -> None:
        msg = orjson.loads(event.value)
        partition = event.message.partition
        ensure_index(partition)
        if msg.get("type") == "tick":
            cutoff = time.time() - retention_s
            metrics.DEDUP_STATE_ENTRIES.labels("lsh-sketches").set(len(sketches))  # the peak, before eviction
            for key in stages.expired(sketches, partition, cutoff):
                stages.forget_sketch(key, partition, parts, sketches, bands, tweet_anchors, article_anchors)
            metrics.DEDUP_STATE_ENTRIES.labels("lsh-sketches-retained").set(len(sketches))
            return
        reply = stages.visit_partition(msg, partition, sketches, bands, tweet_anchors, article_anchors)
        await send(verdict_topic, msg["doc_id"], {"type": "reply", **reply})

    @app.agent(lsh_topic, concurrency=1, name="lsh")
    async def lsh(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await guarded(event, "lsh", lsh_one(event))

    # --- verdict: every answer in -> duplicates, documents ---------------------------------------------------------
    async def verdict_one(event: faust.EventT) -> None:
        msg = orjson.loads(event.value)
        if msg.get("type") == "tick":
            cutoff = time.time() - retention_s
            for key in stages.expired(done, event.message.partition, cutoff):
                del done[key]
            now = time.time()
            for key, entry in list(done.items()):
                if entry and entry.get("p") == event.message.partition:
                    stripped = stages.strip_done(entry, now, DONE_DOC_SECONDS)
                    if stripped is not None:
                        done[key] = stripped
            for key in stages.expired(pending, event.message.partition, time.time() - STALE_PENDING_SECONDS):
                del pending[key]
            return
        doc_id = msg["doc_id"]
        keep, finished, verdict, forwarded = stages.verdict_step(msg, pending.get(doc_id), done.get(doc_id),
                                                                 time.time())
        if keep is not None:
            pending[doc_id] = keep | {"t": time.time(), "p": event.message.partition}
        elif doc_id in pending:
            del pending[doc_id]
        if finished is not None:
            done[doc_id] = finished | {"p": event.message.partition}
        if verdict is not None:
            metrics.DUPLICATES.labels(verdict["verdict"]).inc()
            await send(duplicates, doc_id, verdict)
        if forwarded is not None:
            await send(documents, doc_id, forwarded)
            # extraction runs here rather than behind its own hop on `documents`: one consume, decode and faust
            # event less per document (profiled: per-message overhead is most of the processor's cost)
            for key, group in stages.group_by_merge_key(extract_events(forwarded)).items():
                await send(merge_topic, key, {"type": "candidates", "candidates": group})

    @app.agent(verdict_topic, concurrency=1, name="verdict")
    async def verdict(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await guarded(event, "verdict", verdict_one(event))

    # --- merge: one real-world event, many reports -------------------------------------------------------------------
    async def merge_one(event: faust.EventT) -> None:
        msg = orjson.loads(event.value)
        partition = event.message.partition
        if msg.get("type") == "tick":
            cutoff = time.time() - retention_s
            for key in stages.expired(blocks, partition, cutoff):
                del blocks[key]
            metrics.DEDUP_STATE_ENTRIES.labels("merge-blocks").set(len(blocks))
            return
        for version in stages.merge_candidates(msg["candidates"], blocks, now_iso(), time.time(), partition):
            metrics.EVENTS.labels(version["sub_event_type"]).inc()
            await send(events_topic, version["event_id"], version)

    @app.agent(merge_topic, concurrency=1, name="merge")
    async def merge(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await guarded(event, "merge", merge_one(event))

    @app.timer(interval=TICK_SECONDS)
    async def tick() -> None:
        """Retention runs inside the agents (a table is written only from its partition's stream): ask them."""
        for partition in range(parts):
            await lsh_topic.send(key=b"tick", value=orjson.dumps({"type": "tick"}), partition=partition)
            await merge_topic.send(key=b"tick", value=orjson.dumps({"type": "tick"}), partition=partition)
            await verdict_topic.send(key=b"tick", value=orjson.dumps({"type": "tick"}), partition=partition)

    @app.page("/healthz")
    async def healthz(web_view: faust.web.View, request: faust.web.Request) -> faust.web.Response:
        fatal = getattr(app, "_sitrep_fatal", None)
        return web_view.json({"ok": fatal is None, "error": fatal}, status=200 if fatal is None else 503)

    return app

"""The processor's faust app: the I/O shell around the pure steps.

Path of a message:
  raw.articles, raw.tweets --ingest--> accept (schema, plausibility; else dead letter) -> clean (maybe split)
    -> processor.by-content (keyed by content hash) --dedup--> verdict on `duplicates`;
       unique documents on `documents` --extract--> event versions on `events`.

Every agent runs with concurrency 1 (offsets must stay ordered, faust #606), catches every exception (an unhandled
one silently stops a faust agent, #175) and turns bad input into a dead letter. Guarantee: at-least-once with
idempotent consumers downstream; faust's experimental exactly-once is not used.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from typing import Any

import faust
import orjson
from faust.sensors.prometheus import setup_prometheus_sensors

from sitrep import metrics
from sitrep.deadletter import InvalidMessage, InvalidRun, TooManyInvalid, dead_letter
from sitrep.processor import steps
from sitrep.processor.intake import accept_raw
from sitrep.settings import Settings
from sitrep.topics import InternalTopic, Topic

log = logging.getLogger(__name__)
SERVICE = "processor"


def build_app(settings: Settings, web_port: int = 9402) -> faust.App:
    prefix = settings.topic_prefix
    app = faust.App(
        f"{prefix}sitrep-processor",
        broker=[f"kafka://{b}" for b in settings.bootstrap_servers.split(",")],
        broker_credentials=None,
        store="memory://",
        value_serializer="raw",
        key_serializer="raw",
        topic_replication_factor=1,
        topic_partitions=settings.topic_partitions,
        processing_guarantee="at_least_once",
        web_enabled=True,
        web_bind=settings.metrics_host,
        web_port=web_port,
        web_host=settings.metrics_host,
        broker_commit_every=100,
        broker_commit_interval=1.0,
        table_cleanup_interval=60.0,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
    )
    setup_prometheus_sensors(app, name_prefix="sitrep_faust")

    def topic(name: str, internal: bool = False) -> faust.TopicT:
        return app.topic(f"{prefix}{name}", value_type=bytes, key_type=bytes, internal=internal,
                         partitions=settings.topic_partitions)

    raw_articles, raw_tweets = topic(Topic.RAW_ARTICLES.value), topic(Topic.RAW_TWEETS.value)
    by_content = topic(InternalTopic.BY_CONTENT.value, internal=True)
    documents, duplicates = topic(Topic.DOCUMENTS.value), topic(Topic.DUPLICATES.value)
    events_topic, dead_letters = topic(Topic.EVENTS.value), topic(Topic.DEAD_LETTERS.value)

    # content hash -> {"doc_id", "seen_at"}: the exact-duplicate seen-set, restored from its changelog on restart
    seen_content = app.Table("seen-content", default=None, partitions=settings.topic_partitions)
    invalid_run = InvalidRun(settings.dlq_limit)
    retention_s = settings.dedup_retention_days * 86400.0

    async def to_dead_letter(event: faust.EventT, exc: InvalidMessage) -> None:
        msg = event.message
        record = dead_letter(msg.value, exc, service=SERVICE, topic=msg.topic, partition=msg.partition,
                             offset=msg.offset, key=msg.key)
        await dead_letters.send(key=msg.key, value=orjson.dumps(record))
        metrics.DEAD_LETTERS.labels(SERVICE, exc.reason).inc()
        log.warning("dead letter from %s[%s]@%s: %s", msg.topic, msg.partition, msg.offset, exc)

    async def guarded(event: faust.EventT, step: str, body: Any) -> None:
        """Run one message's work; invalid input -> dead letter; anything else -> dead letter with the error."""
        started = time.perf_counter()
        try:
            await body
            invalid_run.ok()
        except InvalidMessage as exc:
            await to_dead_letter(event, exc)
            invalid_run.invalid(exc.reason)
        except TooManyInvalid:
            raise
        except Exception as exc:  # noqa: BLE001 - an escaped exception would silently stop the agent (faust #175)
            log.exception("unexpected error in %s", step)
            await to_dead_letter(event, InvalidMessage("processing_error", f"{type(exc).__name__}: {exc}"[:500]))
        finally:
            metrics.PROCESSING_SECONDS.labels(SERVICE, step).observe(time.perf_counter() - started)

    def stop_on_broken_deploy(exc: TooManyInvalid) -> None:
        log.critical("%s", exc)
        app._sitrep_fatal = str(exc)  # type: ignore[attr-defined]
        # the worker's own SIGTERM path stops every agent and commits; awaiting app.stop() here would deadlock,
        # because stopping waits for this very agent
        os.kill(os.getpid(), signal.SIGTERM)

    async def ingest_one(event: faust.EventT, kind: Topic) -> None:
        metrics.MESSAGES_IN.labels(SERVICE, event.message.topic).inc()
        raw = accept_raw(kind, event.value, settings.max_text_chars)
        for doc in steps.clean(raw):
            await by_content.send(key=doc["content_hash"].encode(), value=orjson.dumps(doc))

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

    async def dedup_one(event: faust.EventT) -> None:
        doc = orjson.loads(event.value)
        seen = seen_content.get(doc["content_hash"])
        verdict = steps.exact_verdict(doc, seen)
        if seen is None:
            seen_content[doc["content_hash"]] = {"doc_id": doc["id"], "seen_at": time.time()}
        metrics.DUPLICATES.labels(verdict["verdict"]).inc()
        await duplicates.send(key=doc["id"].encode(), value=orjson.dumps(verdict))
        if steps.forward(verdict):
            await documents.send(key=doc["id"].encode(), value=orjson.dumps(doc))
            metrics.MESSAGES_OUT.labels(SERVICE, documents.get_topic_name()).inc()

    @app.agent(by_content, concurrency=1, name="dedup")
    async def dedup(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await guarded(event, "dedup", dedup_one(event))

    @app.timer(interval=600.0)
    async def evict_expired() -> None:
        cutoff = time.time() - retention_s
        expired = [k for k, v in list(seen_content.items()) if v and v.get("seen_at", 0) < cutoff]
        for key in expired:
            del seen_content[key]  # a tombstone on the changelog: compaction keeps state bounded there too
        metrics.DEDUP_STATE_ENTRIES.labels("seen-content").set(len(seen_content))

    @app.page("/healthz")
    async def healthz(web_view: faust.web.View, request: faust.web.Request) -> faust.web.Response:
        fatal = getattr(app, "_sitrep_fatal", None)
        return web_view.json({"ok": fatal is None, "error": fatal}, status=200 if fatal is None else 503)

    app._sitrep_topics = {  # type: ignore[attr-defined]
        "events": events_topic, "documents": documents, "duplicates": duplicates, "deadletter": dead_letters,
    }
    return app

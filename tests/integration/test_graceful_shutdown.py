"""SIGTERM is a clean stop: each service finishes its batch, flushes its producer, commits what it processed and
exits 0 within a bounded time. Stopped mid-stream and restarted, the run ends as a clean run does; stopped after a
drained run, every committed offset is at the end of its topic and a restarted service has nothing to redo.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from functools import partial
from pathlib import Path

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from sitrep.alerter.subscriptions import load_subscriptions
from sitrep.replay import publish
from sitrep.settings import Settings
from tests.docgen import generate_corpus
from tests.integration.test_crash_recovery import (
    Stack,
    alerts_by_id,
    assert_same,
    clean_run,
    consumer_groups,
    expected_alert_ids,
    lagging,
    reached,
    stack_env,
    stored,
    stream_order,
    verdict_count,
    wait_drained,
)
from tests.support import Service, wait_for

pytestmark = pytest.mark.integration

N_DOCS = 1000
SEED = 777
EXIT_WITHIN_S = {"processor": 30.0, "storage": 10.0, "alerter": 10.0}


def terminate(service: Service) -> tuple[int | None, float]:
    started = time.monotonic()
    code = service.stop(signal.SIGTERM, timeout=60)
    return code, time.monotonic() - started


def committed(bootstrap: str, group: str, topic: str) -> int:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="shutdown-check")
    try:
        offsets = admin.list_group_offsets({group: None}).get(group, {})
        return sum(max(meta.offset, 0) for tp, meta in offsets.items() if tp.topic == topic)
    finally:
        admin.close()


def distinct_verdicts_before(bootstrap: str, topic: str, offset: int) -> int:
    """Distinct verdict rows among the first ``offset`` messages of ``topic`` (one partition): at-least-once may
    repeat a verdict message (an answer redelivered after a processor stop repeats its verdict); storage keeps one."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None, consumer_timeout_ms=3000
    )
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek(tp, 0)
        keys = set()
        for msg in consumer:
            if msg.offset >= offset:
                break
            v = orjson.loads(msg.value)
            keys.add((v["doc_id"], v["verdict"], v.get("duplicate_of") or ""))
        return len(keys)
    finally:
        consumer.close()


MARKER = {
    "id": "after-restart",
    "kind": "article",
    "source": "Test desk",
    "published_at": "2024-05-02",
    "title": None,
    "text": "Shelling struck the outskirts of Quneitra on Thursday, a local council said, and "
    "no casualties were reported after the barrage.",
}


def consumed_by_topic(metrics_text: str) -> dict[str, float]:
    """sitrep_messages_consumed_total by topic label."""
    out: dict[str, float] = {}
    for line in metrics_text.splitlines():
        if line.startswith("sitrep_messages_consumed_total{"):
            labels, _, value = line.rpartition(" ")
            topic = labels.split('topic="', 1)[1].split('"', 1)[0]
            out[topic] = out.get(topic, 0.0) + float(value)
    return out


def verdict_rows(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0])


def test_sigterm_commits_what_was_done_and_restarts_without_loss_or_redo(
    service_env, tmp_path, kafka_bootstrap, topic_prefix
):
    env = stack_env(service_env, tmp_path)
    phases = stream_order(generate_corpus(N_DOCS, SEED))
    want, made = clean_run(phases)
    subs = load_subscriptions(env["SITREP_SUBSCRIPTIONS"])
    db = Path(env["SITREP_DATABASE_URL"].removeprefix("sqlite:///"))
    tweets = len({v[0] for v in clean_run(phases[:1])[0].verdicts})
    total = len({v[0] for v in want.verdicts})
    duplicates = f"{topic_prefix}duplicates"
    storage_group = f"{topic_prefix}sitrep-storage"
    settings = Settings(bootstrap_servers=kafka_bootstrap, topic_prefix=topic_prefix)
    stack = Stack(env, tmp_path / "logs")
    try:
        stack.wait_healthy()
        publish(settings, phases[0])
        wait_for(lambda: verdict_count(db) >= tweets, 120, "the tweets through the pipeline")
        publish(settings, phases[1])

        # mid-stream: each service stopped in turn while work is in flight, then started again
        for name, share in (("processor", 0.2), ("storage", 0.5), ("alerter", 0.75)):
            wait_for(partial(reached, db, tweets + share * (total - tweets)), 150, f"{share:.0%} done")
            code, took = terminate(stack.services[name])
            assert code == 0, stack.services[name].log()[-3000:]
            assert took < EXIT_WITHIN_S[name], f"{name} took {took:.1f}s to stop"
            if name == "storage":
                # what it committed is exactly what it wrote: nothing written is redone, nothing committed is lost
                offset = committed(kafka_bootstrap, storage_group, duplicates)
                assert distinct_verdicts_before(kafka_bootstrap, duplicates, offset) == verdict_rows(db)
            stack.services[name] = Service([name], stack.env, stack.log_dir).start()
            stack.services[name].wait_healthy(120)

        wait_drained(kafka_bootstrap, topic_prefix, 150, stack.alive)
        assert_same(stored(db), want)
        assert alerts_by_id(kafka_bootstrap, topic_prefix, subs).keys() == expected_alert_ids(made, subs)

        # drained: a stop commits to the end, so a restart has nothing to redo
        for name, service in stack.services.items():
            code, took = terminate(service)
            assert code == 0 and took < EXIT_WITHIN_S[name], (name, code, took, service.log()[-2000:])
        assert lagging(kafka_bootstrap, consumer_groups(topic_prefix)) == []
        stack = Stack(env, tmp_path / "logs-2")
        stack.wait_healthy()
        # one new document through everything: once its verdict is stored, every service is consuming, and what it
        # consumed is that document's messages only (anything uncommitted would have come first)
        before = verdict_count(db)
        publish(settings, [MARKER])
        wait_for(lambda: verdict_count(db) > before, 120, "the new document through the restarted services")
        wait_drained(kafka_bootstrap, topic_prefix, 60, stack.alive)
        consumed = {name: consumed_by_topic(service.metrics()) for name, service in stack.services.items()}
        p = topic_prefix
        assert consumed["processor"][f"{p}raw.articles"] == 1 and f"{p}raw.tweets" not in consumed["processor"]
        assert consumed["storage"][f"{p}duplicates"] == 1 and consumed["storage"][f"{p}documents"] == 1, consumed
        assert consumed["alerter"].get(f"{p}events", 0) == consumed["storage"].get(f"{p}events", 0), consumed
    finally:
        stack.stop()

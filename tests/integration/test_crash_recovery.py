"""Nothing lost, nothing doubled: kill -9 the processor, then storage, then the alerter, each at a random moment
(seeded) while ~2,000 generated documents flow, restart each, and the database ends exactly as a clean run of the
same input leaves it; every alert reaches a subscriber that de-duplicates by (event, version).

The clean run is LocalPipeline (the processor's stage objects under the in-memory runner) over the input in the
order the stream sees it: the stream is deterministic when only one raw topic is fed at a time, so the test publishes
the tweets first and the articles once the tweets are through.
"""

from __future__ import annotations

import random
import signal
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from sitrep.alerter.decide import Prior, evaluate
from sitrep.alerter.subscriptions import Subscription, load_subscriptions
from sitrep.processor.pipeline import LocalPipeline
from sitrep.replay import publish
from sitrep.settings import Settings
from sitrep.topics import InternalTopic
from tests.docgen import generate_corpus
from tests.support import Service, wait_for

pytestmark = pytest.mark.integration

N_DOCS = 2000
SEED = 20240607
TIMESTAMPS = {"updated_at"}  # fields of an event version that depend on when it was made, not on the input
SUBSCRIPTIONS = """
subscriptions:
  - name: everything
    match_all: true
  - name: syria-air
    sub_event_types: ["Air/drone strike", "Shelling/artillery/missile attack"]
    countries: [Syria]
"""


# --- the clean run -----------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What must be equal between a clean run and a run through failures."""

    documents: set[str] = field(default_factory=set)
    verdicts: set[tuple[str, str, str]] = field(default_factory=set)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # latest version, without timestamps
    versions: dict[str, list[int]] = field(default_factory=dict)  # every stored version of each event


def stream_order(records: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The phases in which the test publishes: tweets, then articles (each raw topic in corpus order)."""
    return [[r for r in records if r["kind"] == "tweet"], [r for r in records if r["kind"] == "article"]]


def strip(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in TIMESTAMPS}


def clean_run(phases: Iterable[list[dict[str, Any]]]) -> tuple[Outcome, list[dict[str, Any]]]:
    """The outcome of a run without failures, and every event version in the order it was made."""
    pipeline, out, made = LocalPipeline(), Outcome(), []
    for phase in phases:
        sent = pipeline.process(phase)
        out.verdicts |= {(v["doc_id"], v["verdict"], v["duplicate_of"] or "") for v in sent.verdicts}
        out.documents |= {d["id"] for d in sent.documents}
        made.extend(sent.events)
    for version in made:
        out.versions.setdefault(version["event_id"], []).append(version["version"])
        out.events[version["event_id"]] = strip(version)
    return out, made


def expected_alert_ids(made: list[dict[str, Any]], subs: list[Subscription]) -> set[str]:
    """Alert ids a clean alerter publishes for these versions (its decision rule replayed over them in order)."""
    state: dict[tuple[str, str], Prior] = {}
    ids = set()
    for version in made:
        for d in evaluate(version, subs, lambda s, e: state.get((s, e)), "now"):
            state[(d.subscription, d.event_id)] = d.state
            if d.alert is not None:
                ids.add(d.alert["alert_id"])
    return ids


# --- the real run ------------------------------------------------------------------------------------------------
def stored(db: Path) -> Outcome:
    out = Outcome()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        out.documents = {row[0] for row in conn.execute("SELECT id FROM documents")}
        out.verdicts = {tuple(row) for row in conn.execute("SELECT doc_id, verdict, duplicate_of FROM verdicts")}
        rows = conn.execute("SELECT event_id, record FROM events")
        out.events = {event_id: strip(orjson.loads(record)) for event_id, record in rows}
        for event_id, version in conn.execute("SELECT event_id, version FROM event_versions ORDER BY version"):
            out.versions.setdefault(event_id, []).append(version)
    return out


def verdict_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return int(conn.execute("SELECT COUNT(DISTINCT doc_id) FROM verdicts").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


def reached(db: Path, verdicts: float) -> bool:
    return verdict_count(db) >= verdicts


def lagging(bootstrap: str, groups: dict[str, list[str]]) -> list[str]:
    """(group, topic) pairs whose committed offsets are behind the end of the topic: empty once all is consumed."""
    try:
        return _lagging(bootstrap, groups)
    except KafkaError as exc:  # e.g. the group coordinator is still moving after a broker restart
        return [f"cannot tell yet: {exc!r}"]


def _lagging(bootstrap: str, groups: dict[str, list[str]]) -> list[str]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="drain-check")
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    behind = []
    try:
        for group, topics in groups.items():
            offsets = admin.list_group_offsets({group: None}).get(group, {})
            committed = {tp: meta.offset for tp, meta in offsets.items()}
            for topic in topics:
                parts = consumer.partitions_for_topic(topic) or set()
                tps = [TopicPartition(topic, p) for p in parts]
                for tp, end in consumer.end_offsets(tps).items():
                    if committed.get(tp, 0) < end:
                        behind.append(f"{group}:{topic}[{tp.partition}] {committed.get(tp, 0)}/{end}")
    finally:
        consumer.close()
        admin.close()
    return behind


def consumer_groups(prefix: str) -> dict[str, list[str]]:
    t = lambda *names: [f"{prefix}{n}" for n in names]  # noqa: E731
    return {
        # in the order a document flows: see wait_drained
        f"{prefix}sitrep-processor": t("raw.articles", "raw.tweets", *InternalTopic),
        f"{prefix}sitrep-storage": t("documents", "duplicates", "events"),
        f"{prefix}sitrep-alerter": t("events"),
    }


def wait_drained(bootstrap: str, prefix: str, timeout: float, alive: Callable[[], None]) -> None:
    """Every consumer group has committed everything. One pass suffices: every service commits an offset only after
    the outputs of the messages before it are acknowledged, and the pass reads each group's commits before the
    topics' ends, in the order a document flows, so output still on its way shows as lag downstream.
    ``alive`` fails fast when a service died meanwhile."""
    groups = consumer_groups(prefix)

    def drained() -> bool:
        alive()
        return not lagging(bootstrap, groups)

    try:
        wait_for(drained, timeout, "every consumer group to commit to the end", interval=1.0)
    except AssertionError as exc:
        raise AssertionError(f"{exc}: {lagging(bootstrap, groups)}") from None


def alerts_by_id(bootstrap: str, prefix: str, subs: list[Subscription]) -> dict[str, int]:
    """A subscriber's view: every alert message, counted by alert_id (it records each (event, version) once)."""
    counts: dict[str, int] = {}
    consumer = KafkaConsumer(
        *(f"{prefix}alerts.{s.name}" for s in subs),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
        consumer_timeout_ms=3000,
    )
    try:
        for message in consumer:
            alert = orjson.loads(message.value)
            key = f"{alert['subscription']}:{alert['event_id']}:{alert['version']}"
            assert alert["alert_id"] == key
            counts[key] = counts.get(key, 0) + 1
    finally:
        consumer.close()
    return counts


def assert_same(got: Outcome, want: Outcome) -> None:
    assert got.documents == want.documents, (
        f"missing {sorted(want.documents - got.documents)[:10]}, extra {sorted(got.documents - want.documents)[:10]}"
    )
    assert got.verdicts == want.verdicts, (
        f"missing {sorted(want.verdicts - got.verdicts)[:5]}, extra {sorted(got.verdicts - want.verdicts)[:5]}"
    )
    assert got.events.keys() == want.events.keys(), (
        f"missing {sorted(want.events.keys() - got.events.keys())[:10]}, "
        f"extra {sorted(got.events.keys() - want.events.keys())[:10]}"
    )
    differ = [k for k in want.events if got.events[k] != want.events[k]]
    assert not differ, f"{len(differ)} events differ, e.g. {got.events[differ[0]]} != {want.events[differ[0]]}"
    # every version stored once, none skipped
    assert got.versions == want.versions


class Stack:
    """processor + storage + alerter as real processes, restartable one at a time."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir = env, log_dir
        self.services = {name: Service([name], env, log_dir).start() for name in ("processor", "storage", "alerter")}

    def wait_healthy(self) -> None:
        self.services["processor"].wait_healthy(120)
        self.services["storage"].wait_healthy(60)
        self.services["alerter"].wait_healthy(60)

    def kill_and_restart(self, name: str) -> None:
        old = self.services[name]
        assert old.proc is not None and old.proc.poll() is None, f"{name} died before it was killed:\n{old.log()}"
        old.stop(signal.SIGKILL)
        self.services[name] = Service([name], self.env, self.log_dir).start()
        self.services[name].wait_healthy(120)

    def alive(self) -> None:
        for name, service in self.services.items():
            assert service.proc is not None and service.proc.poll() is None, f"{name} exited:\n{service.log()[-3000:]}"

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()


def stack_env(service_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    subs = tmp_path / "subscriptions.yaml"
    subs.write_text(SUBSCRIPTIONS)
    return {
        **service_env,
        "SITREP_SUBSCRIPTIONS": str(subs),
        "SITREP_ALERTER_STATE": str(tmp_path / "alerts.db"),
        "SITREP_LOG_LEVEL": "WARNING",
        # faust reads these from the environment: a killed worker's stale group membership would otherwise hold
        # the restarted one back for its default 60 s session timeout
        "BROKER_SESSION_TIMEOUT": "10",
        "BROKER_HEARTBEAT_INTERVAL": "1",
    }


def test_kill_9_of_each_service_mid_stream_loses_and_doubles_nothing(
    service_env, tmp_path, kafka_bootstrap, topic_prefix
):
    records = generate_corpus(N_DOCS, SEED)
    phases = stream_order(records)
    want, made = clean_run(phases)
    env = stack_env(service_env, tmp_path)
    subs = load_subscriptions(env["SITREP_SUBSCRIPTIONS"])
    want_alerts = expected_alert_ids(made, subs)
    assert len(want.events) > 100 and want_alerts  # the input exercises extraction and alerting
    db = Path(env["SITREP_DATABASE_URL"].removeprefix("sqlite:///"))
    tweet_verdicts = len({v[0] for v in clean_run(phases[:1])[0].verdicts})
    total_verdicts = len({v[0] for v in want.verdicts})

    rng = random.Random(SEED)
    # each service dies at a random point of the article phase, in turn, while the others keep working
    kill_at = {
        "processor": rng.uniform(0.05, 0.35),
        "storage": rng.uniform(0.4, 0.6),
        "alerter": rng.uniform(0.65, 0.9),
    }
    stack = Stack(env, tmp_path / "logs")
    settings = Settings(bootstrap_servers=kafka_bootstrap, topic_prefix=topic_prefix)
    try:
        stack.wait_healthy()
        publish(settings, phases[0])
        wait_for(lambda: verdict_count(db) >= tweet_verdicts, 120, "the tweets through the pipeline")
        publish(settings, phases[1])
        for name, share in kill_at.items():
            target = tweet_verdicts + share * (total_verdicts - tweet_verdicts)
            wait_for(partial(reached, db, target), 150, f"{share:.0%} of the articles before killing {name}")
            stack.kill_and_restart(name)
        wait_drained(kafka_bootstrap, topic_prefix, 150, stack.alive)
        stack.alive()
        assert_same(stored(db), want)
        alerts = alerts_by_id(kafka_bootstrap, topic_prefix, subs)
        assert alerts.keys() == want_alerts, (
            f"missing {sorted(want_alerts - alerts.keys())[:5]}, extra {sorted(alerts.keys() - want_alerts)[:5]}"
        )
    finally:
        stack.stop()

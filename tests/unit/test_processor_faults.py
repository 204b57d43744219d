"""Nothing lost, nothing doubled, found deterministically: the processor's stage objects under the in-memory runner
(Kafka's delivery rules modelled: partitioned logs, committed offsets, tables restored from what was written) with a
kill -9 at every durable step of a run, and shuffled schedules with random batch sizes.

What storage would hold (documents by id, verdicts, every event version by (event_id, version)) must equal a run
without faults. The same harness with the order faust's tables impose (state written before the outputs are
acknowledged) loses event versions: the reproduction of the loss the integration tests met by chance.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pytest

from sitrep import schemas
from sitrep.processor.runner import Faults, MemoryRunner, publish_raw
from sitrep.topics import InternalTopic, Topic
from tests.docgen import generate_corpus

TIMESTAMPS = ("updated_at", "decided_at")


@dataclass(frozen=True)
class Stored:
    """Storage's view: idempotent by document id, by verdict, by (event_id, version)."""

    documents: frozenset[str]
    verdicts: frozenset[tuple[str, str, str]]
    versions: dict[tuple[str, int], dict[str, Any]]


def strip(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in TIMESTAMPS}


def stored(runner: MemoryRunner) -> Stored:
    versions: dict[tuple[str, int], dict[str, Any]] = {}
    for v in runner.records(Topic.EVENTS):
        key = (v["event_id"], v["version"])
        assert versions.setdefault(key, strip(v)) == strip(v), f"two different versions {key}"
    return Stored(
        frozenset(d["id"] for d in runner.records(Topic.DOCUMENTS)),
        frozenset((v["doc_id"], v["verdict"], v["duplicate_of"] or "") for v in runner.records(Topic.DUPLICATES)),
        versions,
    )


def run(
    phases: Iterable[list[dict[str, Any]]],
    *,
    partitions: int = 1,
    crash_at: Iterable[int] = (),
    seed: int | None = None,
    batch: int = 8,
    order: Literal["outputs-first", "state-first"] = "outputs-first",
) -> tuple[MemoryRunner, Faults]:
    faults = Faults(set(crash_at))
    runner = MemoryRunner(partitions, batch=batch, faults=faults, seed=seed, order=order, clock=lambda: 1.7e9)
    for phase in phases:  # each raw topic in turn, as the integration tests publish
        publish_raw(runner, phase)
        runner.run()
    return runner, faults


def phases_of(records: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [[r for r in records if r["kind"] == "tweet"], [r for r in records if r["kind"] == "article"]]


@pytest.fixture(scope="module")
def corpus() -> list[list[dict[str, Any]]]:
    return phases_of(generate_corpus(40, 4242))


@pytest.fixture(scope="module")
def clean(corpus: list[list[dict[str, Any]]]) -> tuple[Stored, int]:
    runner, faults = run(corpus)
    out = stored(runner)
    # the input exercises extraction and merge (event versions) and dedup (copies dropped); since copies are found by
    # containment, the generated reports of one event are copies, so no event gets a second version here
    assert len(out.versions) > 5 and len(out.documents) < 40
    return out, faults.actions


def assert_same(got: Stored, want: Stored) -> None:
    assert got.documents == want.documents, (
        sorted(want.documents - got.documents),
        sorted(got.documents - want.documents),
    )
    assert got.verdicts == want.verdicts, (
        sorted(want.verdicts - got.verdicts)[:5],
        sorted(got.verdicts - want.verdicts)[:5],
    )
    missing = sorted(want.versions.keys() - got.versions.keys())
    extra = sorted(got.versions.keys() - want.versions.keys())
    assert not missing and not extra, f"missing versions {missing[:5]}, extra {extra[:5]}"
    differ = [k for k in want.versions if got.versions[k] != want.versions[k]]
    assert not differ, f"{len(differ)} versions differ, e.g. {differ[0]}"


def test_a_crash_at_any_step_loses_and_doubles_nothing(corpus, clean):
    want, actions = clean
    # every durable action of the clean run is a crash point (the crashed run has more actions: its replays)
    for k in range(0, actions, 3):
        runner, faults = run(corpus, crash_at={k})
        assert faults.crashes == 1
        assert_same(stored(runner), want)


def test_several_crashes_shuffled_schedules_and_batch_sizes_change_nothing(corpus, clean):
    want, actions = clean
    for seed in range(12):
        rng = random.Random(seed)
        crash_at = set(rng.sample(range(actions), 4))
        runner, faults = run(corpus, crash_at=crash_at, seed=seed, batch=rng.randint(1, 32))
        assert faults.crashes >= 1
        assert_same(stored(runner), want)


def test_with_state_written_before_the_outputs_a_crash_loses_event_versions(corpus, clean):
    """The reproduction: faust's tables write their changelog as soon as a table is assigned, the agent's sends
    follow; a kill -9 between the two leaves state whose outputs are lost, and the redelivered message then finds
    its work done and sends nothing."""
    want, actions = clean
    losses = 0
    for k in range(0, actions, 3):
        runner, _ = run(corpus, crash_at={k}, order="state-first")
        got = stored(runner)
        losses += len(want.versions.keys() - got.versions.keys()) + len(want.documents - got.documents)
    assert losses > 0


def test_more_partitions_give_the_same_verdicts_and_documents(corpus, clean):
    """With one raw partition, every partition of processor.lsh sees documents in the order they were ingested, so
    the verdicts cannot depend on the partition count or on which partition runs first."""
    want, _ = clean
    for partitions, seed in ((4, 1), (12, 2)):
        runner, _ = run(corpus, partitions=partitions, seed=seed, crash_at={50, 400})
        got = stored(runner)
        assert got.verdicts == want.verdicts and got.documents == want.documents


def test_every_internal_message_keeps_to_its_topics_schema(corpus):
    runner, _ = run(corpus)
    runner.tick()
    runner.run()
    for topic in InternalTopic:
        records = [r for r in runner.records(topic) if r["type"] != "tick"]
        assert records, topic
        for record in records:
            schemas.check(topic.schema_name, record)

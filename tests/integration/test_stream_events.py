"""Replaying the seeds through the real broker puts coded events on `events`, with evidence that points at the
published text, and the stream's events are the ones `sitrep extract` finds offline."""

from __future__ import annotations

import re

import pytest

from sitrep.commands.extract_offline import extract_corpus
from sitrep.corpus import read_corpus
from sitrep.replay import publish
from sitrep.settings import Settings
from tests.conftest import SEEDS
from tests.support import Service, read_topic, wait_for

pytestmark = pytest.mark.integration


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _key(event: dict) -> tuple:
    return (event["sub_event_type"], event["event_date"], event["location"]["name"], event["actor1"],
            event["fatalities"], tuple(sorted(event["source_doc_ids"])))


def test_seed_events_through_the_broker(service_env, tmp_path, kafka_bootstrap, topic_prefix):
    settings = Settings.from_env(service_env)
    raws = {r["id"]: r for r in read_corpus(SEEDS)}
    offline = extract_corpus([SEEDS])
    assert len(offline) >= 10
    processor = Service(["processor"], service_env, tmp_path).start()
    try:
        processor.wait_healthy(90)
        publish(settings, list(raws.values()))

        def latest() -> dict[str, dict] | None:
            versions = read_topic(kafka_bootstrap, f"{topic_prefix}events", 1500)
            newest: dict[str, dict] = {}
            for v in versions:
                if v["event_id"] not in newest or v["version"] > newest[v["event_id"]]["version"]:
                    newest[v["event_id"]] = v
            return newest if len(newest) >= len(offline) else None

        stream = wait_for(latest, 120, "the seed events")
    finally:
        processor.stop()
    # the same stages offline and in the stream: the same events
    assert sorted(map(_key, stream.values())) == sorted(map(_key, offline))
    # evidence offsets index the raw published text of the document they name
    for event in stream.values():
        for ev in event["evidence"]:
            raw = raws[ev["doc_id"]]["text"]
            assert 0 <= ev["start"] < ev["end"] <= len(raw)
            assert _squash(raw[ev["start"]:ev["end"]]) == _squash(ev["text"]), (event["event_id"], ev)

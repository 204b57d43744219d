"""Walking skeleton through the real broker: replay the seeds twice, each document stored once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sitrep.corpus import read_corpus
from sitrep.replay import publish
from sitrep.settings import Settings
from tests.conftest import SEEDS
from tests.support import Service, metric_value, read_topic, wait_for

pytestmark = pytest.mark.integration


def _stored(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def test_replaying_seeds_twice_stores_each_document_once(service_env, tmp_path, kafka_bootstrap, topic_prefix):
    settings = Settings.from_env(service_env)
    records = list(read_corpus(SEEDS))
    processor = Service(["processor"], service_env, tmp_path).start()
    storage = Service(["storage"], service_env, tmp_path).start()
    try:
        processor.wait_healthy(90)
        storage.wait_healthy(30)
        assert publish(settings, records) == len(records)
        db = tmp_path / "sitrep.db"
        # a clean run: every verdict is in before the second replay starts
        # (documents reach storage one hop after their verdicts: from the processor's extract stage)
        wait_for(lambda: _stored(db, "documents") >= len(records) and metric_value(
            processor.metrics(), "sitrep_duplicates_total") >= _expected_docs(db, records), 90, "first pass")
        first_docs = _stored(db, "documents")
        assert first_docs >= len(records)  # a listing page may split into several documents

        assert publish(settings, records) == len(records)
        wait_for(lambda: metric_value(processor.metrics(), "sitrep_duplicates_total", {"verdict": "exact"})
                 >= first_docs, 90, "second pass verdicts")
        wait_for(lambda: metric_value(storage.metrics(), "sitrep_stored_total",
                                      {"kind": "document", "result": "unchanged"}) >= first_docs, 60, "re-stored")
        assert _stored(db, "documents") == first_docs
        text = processor.metrics()
        assert metric_value(text, "sitrep_duplicates_total", {"verdict": "exact"}) == first_docs
        first_pass = sum(metric_value(text, "sitrep_duplicates_total", {"verdict": v}) for v in ("unique", "quoted"))
        assert first_pass == first_docs
        verdicts = read_topic(kafka_bootstrap, f"{topic_prefix}duplicates")
        assert sorted(v["verdict"] for v in verdicts).count("exact") == first_docs
    finally:
        processor.stop()
        storage.stop()


def _expected_docs(db: Path, records: list[dict]) -> int:
    return max(len(records), _stored(db, "documents"))

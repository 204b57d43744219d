"""Schema migrations on SQLite: a fresh database gets every one in order, a database from the first release is
upgraded in place with its rows kept, and the list itself is well-formed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sitrep.storage.migrations import MIGRATIONS, Migration, check_order, pending
from sitrep.storage.sqlite_store import SqliteStore

# the schema exactly as the walking skeleton (first release) created it, with one stored document
FIRST_RELEASE = [
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    """CREATE TABLE documents (id TEXT PRIMARY KEY, raw_id TEXT NOT NULL, parent_id TEXT, kind TEXT NOT NULL,
       source TEXT NOT NULL, url TEXT, published_at TEXT NOT NULL, title TEXT, text TEXT NOT NULL,
       stored_at TEXT NOT NULL)""",
    """CREATE TABLE verdicts (doc_id TEXT NOT NULL, verdict TEXT NOT NULL, duplicate_of TEXT NOT NULL DEFAULT '',
       similarity REAL, decided_at TEXT, PRIMARY KEY (doc_id, verdict, duplicate_of))""",
    """CREATE TABLE event_versions (event_id TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL,
       stored_at TEXT NOT NULL, PRIMARY KEY (event_id, version))""",
    """CREATE TABLE events (event_id TEXT PRIMARY KEY, version INTEGER NOT NULL, event_type TEXT NOT NULL,
       sub_event_type TEXT NOT NULL, event_date TEXT NOT NULL, time_precision INTEGER NOT NULL, place TEXT NOT NULL,
       country TEXT NOT NULL, admin1 TEXT, lat REAL, lon REAL, geo_precision INTEGER NOT NULL, actor1 TEXT,
       actor2 TEXT, fatalities INTEGER, confidence REAL NOT NULL, published_at TEXT, record TEXT NOT NULL,
       updated_at TEXT NOT NULL)""",
    "CREATE INDEX events_date ON events (event_date)",
    "CREATE INDEX events_sub_type ON events (sub_event_type)",
    "CREATE INDEX events_country ON events (country)",
    "INSERT INTO schema_migrations VALUES (1, '2026-01-01T00:00:00Z')",
    "INSERT INTO documents VALUES ('d1', 'r1', NULL, 'article', 'src', NULL, '2026-01-01', NULL, 'text', 'now')",
]


def _indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL")}


def test_a_fresh_database_gets_every_migration(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "new.db")
    assert store.applied_migrations() == {1, 2, 3}
    store.close()
    assert {"events_date", "events_lat_lon", "events_fatalities", "events_independent_sources"} <= _indexes(
        tmp_path / "new.db")


def test_a_first_release_database_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        for stmt in FIRST_RELEASE:
            conn.execute(stmt)
    store = SqliteStore(path)
    assert store.applied_migrations() == {1, 2, 3}
    assert store.count("documents") == 1
    store.close()
    assert "events_lat_lon" in _indexes(path)
    again = SqliteStore(path)  # reopening applies nothing twice
    assert again.count("schema_migrations") == 3
    again.close()


def test_the_migration_list_is_ordered_and_pending_respects_it() -> None:
    check_order(MIGRATIONS)
    assert [m.version for m in pending(MIGRATIONS, {1})] == [2, 3]
    with pytest.raises(ValueError):
        check_order([Migration(2, "b"), Migration(1, "a")])
    with pytest.raises(ValueError):
        check_order([Migration(1, "a"), Migration(1, "again")])


def test_a_failing_migration_leaves_nothing_half_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = [*MIGRATIONS, Migration(99, "broken", common=("CREATE INDEX x99 ON events (event_date)",
                                                            "CREATE TABLE nonsense ("))]
    monkeypatch.setattr("sitrep.storage.sql_store.MIGRATIONS", broken)
    with pytest.raises(sqlite3.Error):
        SqliteStore(tmp_path / "b.db")
    assert "x99" not in _indexes(tmp_path / "b.db")  # the whole migration rolled back with the bad statement
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert {r[0] for r in conn.execute("SELECT version FROM schema_migrations")} == {1, 2, 3}


def _old_event(event_id: str, doc_ids: list[str]) -> str:
    record = {"event_id": event_id, "version": 1, "source_doc_ids": doc_ids}
    return (f"INSERT INTO events VALUES ('{event_id}', 1, 'Battles', 'Armed clash', '2017-05-18', 1, 'Homs', 'Syria',"
            f" 'Homs', 34.7, 36.7, 1, 'A', 'B', 2, 0.5, NULL, '{json.dumps(record)}', 'now')")


def test_events_stored_before_sources_existed_count_each_report_as_a_source(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        for stmt in [*FIRST_RELEASE, _old_event("one-report", ["a"]), _old_event("two-reports", ["a", "b"])]:
            conn.execute(stmt)
    SqliteStore(path).close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT event_id, n_sources, n_independent_sources FROM events ORDER BY event_id")
        assert rows.fetchall() == [("one-report", 1, 1), ("two-reports", 2, 2)]

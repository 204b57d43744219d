"""Versioned schema migrations. Append, never edit: a deployed database has applied the earlier ones."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY, raw_id TEXT NOT NULL, parent_id TEXT, kind TEXT NOT NULL, source TEXT NOT NULL,
            url TEXT, published_at TEXT NOT NULL, title TEXT, text TEXT NOT NULL, stored_at TEXT NOT NULL)""",
        """CREATE TABLE verdicts (
            doc_id TEXT NOT NULL, verdict TEXT NOT NULL, duplicate_of TEXT NOT NULL DEFAULT '',
            similarity REAL, decided_at TEXT, PRIMARY KEY (doc_id, verdict, duplicate_of))""",
        """CREATE TABLE event_versions (
            event_id TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL, stored_at TEXT NOT NULL,
            PRIMARY KEY (event_id, version))""",
        """CREATE TABLE events (
            event_id TEXT PRIMARY KEY, version INTEGER NOT NULL, event_type TEXT NOT NULL,
            sub_event_type TEXT NOT NULL, event_date TEXT NOT NULL, time_precision INTEGER NOT NULL,
            place TEXT NOT NULL, country TEXT NOT NULL, admin1 TEXT, lat REAL, lon REAL, geo_precision INTEGER NOT NULL,
            actor1 TEXT, actor2 TEXT, fatalities INTEGER, confidence REAL NOT NULL, published_at TEXT,
            record TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        "CREATE INDEX events_date ON events (event_date)",
        "CREATE INDEX events_sub_type ON events (sub_event_type)",
        "CREATE INDEX events_country ON events (country)",
    ]),
]

"""SQLite storage: documents, verdicts, and events with their version history. Idempotent by construction:
a replayed message writes nothing new, and an older event version never overwrites a newer one."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import orjson

from sitrep.deadletter import now_iso
from sitrep.storage.migrations import MIGRATIONS
from sitrep.topics import Topic


class SqliteStore:
    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")  # a commit is durable before offsets are committed
        self.migrate()
        self.pending: list[tuple[Topic, dict[str, Any]]] = []
        self.results: dict[str, int] = {}

    def migrate(self) -> int:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        for version, statements in MIGRATIONS:
            if version in done:
                continue
            self.conn.execute("BEGIN IMMEDIATE")
            for stmt in statements:
                self.conn.execute(stmt)
            self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, now_iso()))
            self.conn.execute("COMMIT")
        return max(v for v, _ in MIGRATIONS)

    def add(self, topic: Topic, record: dict[str, Any]) -> None:
        self.pending.append((topic, record))

    def flush(self) -> dict[str, int]:
        """Write everything added since the last flush in one transaction; return counts by outcome."""
        counts: dict[str, int] = {}
        if not self.pending:
            return counts
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for topic, record in self.pending:
                outcome = self._write(topic, record)
                counts[outcome] = counts.get(outcome, 0) + 1
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.pending.clear()
        return counts

    def _write(self, topic: Topic, r: dict[str, Any]) -> str:
        now = now_iso()
        if topic is Topic.DOCUMENTS:
            cur = self.conn.execute(
                "INSERT INTO documents (id, raw_id, parent_id, kind, source, url, published_at, title, text, stored_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING",
                (r["id"], r["raw_id"], r.get("parent_id"), r["kind"], r["source"], r.get("url"), r["published_at"],
                 r.get("title"), r["text"], now),
            )
            return "document_inserted" if cur.rowcount else "document_unchanged"
        if topic is Topic.DUPLICATES:
            cur = self.conn.execute(
                "INSERT INTO verdicts (doc_id, verdict, duplicate_of, similarity, decided_at) VALUES (?,?,?,?,?)"
                " ON CONFLICT(doc_id, verdict, duplicate_of) DO NOTHING",
                (r["doc_id"], r["verdict"], r.get("duplicate_of") or "", r.get("similarity"), r.get("decided_at")),
            )
            return "verdict_inserted" if cur.rowcount else "verdict_unchanged"
        if topic is Topic.EVENTS:
            return self._write_event(r, now)
        raise ValueError(f"storage does not consume {topic}")

    def _write_event(self, r: dict[str, Any], now: str) -> str:
        blob = orjson.dumps(r).decode()
        cur = self.conn.execute(
            "INSERT INTO event_versions (event_id, version, record, stored_at) VALUES (?,?,?,?)"
            " ON CONFLICT(event_id, version) DO NOTHING",
            (r["event_id"], r["version"], blob, now),
        )
        if not cur.rowcount:
            return "event_unchanged"
        loc = r["location"]
        cur = self.conn.execute(
            "INSERT INTO events (event_id, version, event_type, sub_event_type, event_date, time_precision, place,"
            " country, admin1, lat, lon, geo_precision, actor1, actor2, fatalities, confidence, published_at, record,"
            " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(event_id) DO UPDATE SET version=excluded.version, event_type=excluded.event_type,"
            " sub_event_type=excluded.sub_event_type, event_date=excluded.event_date,"
            " time_precision=excluded.time_precision, place=excluded.place, country=excluded.country,"
            " admin1=excluded.admin1, lat=excluded.lat, lon=excluded.lon, geo_precision=excluded.geo_precision,"
            " actor1=excluded.actor1, actor2=excluded.actor2, fatalities=excluded.fatalities,"
            " confidence=excluded.confidence, published_at=excluded.published_at, record=excluded.record,"
            " updated_at=excluded.updated_at WHERE excluded.version > events.version",
            (r["event_id"], r["version"], r["event_type"], r["sub_event_type"], r["event_date"], r["time_precision"],
             loc["name"], loc["country"], loc.get("admin1"), loc.get("lat"), loc.get("lon"), loc["geo_precision"],
             r.get("actor1"), r.get("actor2"), r.get("fatalities"), r["confidence"], r.get("published_at"), blob, now),
        )
        return "event_latest" if cur.rowcount else "event_history_only"

    def count(self, table: str) -> int:
        if table not in {"documents", "verdicts", "events", "event_versions"}:
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608 - allow-listed

    def close(self) -> None:
        self.conn.close()

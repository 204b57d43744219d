"""Storage over any SQL backend: documents, verdicts, and events with their version history. Idempotent by
construction: a replayed message writes nothing new, and an older event version never overwrites a newer one
(``ON CONFLICT ... DO UPDATE ... WHERE excluded.version > events.version``, atomic in SQLite and PostgreSQL alike).

A backend subclass supplies the connection, the transaction and the paramstyle; everything else is shared.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

import orjson

from sitrep.deadletter import now_iso
from sitrep.storage import query as q
from sitrep.storage.migrations import MIGRATIONS, Dialect, check_order, pending
from sitrep.topics import Topic

TABLES = frozenset({"documents", "verdicts", "events", "event_versions", "schema_migrations"})


class ReadOnlyStoreError(RuntimeError):
    pass


def source_counts(r: dict[str, Any]) -> tuple[int, int]:
    """(n_sources, n_independent_sources) of an event record; a record from before sources existed counts each
    extracted report once, as migration 3 and the merge do."""
    reports = len(r.get("source_doc_ids") or [])
    return int(r.get("n_sources", reports)), int(r.get("n_independent_sources", reports))


class SqlStore:
    dialect: Dialect

    def __init__(self, *, read_only: bool = False) -> None:
        self.read_only = read_only
        self.pending: list[tuple[Topic, dict[str, Any]]] = []
        # the outcome of each record of the last flush, in the order added (callers attach metrics to them)
        self.outcomes: list[tuple[dict[str, Any], str]] = []

    # --- what a backend provides ------------------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run ``sql`` (``?`` placeholders) and return a DB-API cursor."""
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:
        """One write transaction: commit (durably) on exit, roll back on an exception."""
        raise NotImplementedError

    def lock_migrations(self) -> None:
        """Inside the migration transaction: keep two starting services from migrating at once."""

    def close(self) -> None:
        raise NotImplementedError

    # --- migrations -------------------------------------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply the migrations this database lacks, each in its own transaction; return the schema version."""
        check_order(MIGRATIONS)
        with self.transaction():
            # this shape is fixed: databases created by the first release already have it
            self.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                         "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        for migration in pending(MIGRATIONS, self.applied_migrations()):
            with self.transaction():
                self.lock_migrations()
                if migration.version in self.applied_migrations():  # another process got there first
                    continue
                for stmt in migration.statements(self.dialect):
                    self.execute(stmt)
                self.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                             (migration.version, now_iso()))
        return self.schema_version()

    def applied_migrations(self) -> set[int]:
        return {int(r[0]) for r in self.execute("SELECT version FROM schema_migrations").fetchall()}

    def schema_version(self) -> int:
        return max(self.applied_migrations(), default=0)

    # --- writing ----------------------------------------------------------------------------------------------------
    def add(self, topic: Topic, record: dict[str, Any]) -> None:
        if self.read_only:
            raise ReadOnlyStoreError("this store was opened read-only")
        self.pending.append((topic, record))

    def flush(self) -> dict[str, int]:
        """Write everything added since the last flush in one transaction; return counts by outcome
        (``document_inserted``, ``event_latest``, ``event_history_only``, ``event_unchanged``, ...)."""
        counts: dict[str, int] = {}
        self.outcomes = []
        if not self.pending:
            return counts
        outcomes = []
        with self.transaction():
            for topic, record in self.pending:
                outcome = self._write(topic, record)
                outcomes.append((record, outcome))
                counts[outcome] = counts.get(outcome, 0) + 1
        self.pending.clear()
        self.outcomes = outcomes
        return counts

    def _write(self, topic: Topic, r: dict[str, Any]) -> str:
        now = now_iso()
        if topic is Topic.DOCUMENTS:
            cur = self.execute(
                "INSERT INTO documents (id, raw_id, parent_id, kind, source, url, published_at, title, text, stored_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING",
                (r["id"], r["raw_id"], r.get("parent_id"), r["kind"], r["source"], r.get("url"), r["published_at"],
                 r.get("title"), r["text"], now),
            )
            return "document_inserted" if cur.rowcount else "document_unchanged"
        if topic is Topic.DUPLICATES:
            cur = self.execute(
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
        # The history is keyed by (event_id, version): the first copy of a version wins, a replay is a no-op.
        cur = self.execute(
            "INSERT INTO event_versions (event_id, version, record, stored_at) VALUES (?,?,?,?)"
            " ON CONFLICT(event_id, version) DO NOTHING",
            (r["event_id"], r["version"], blob, now),
        )
        if not cur.rowcount:
            return "event_unchanged"
        loc = r["location"]
        cur = self.execute(
            "INSERT INTO events (event_id, version, event_type, sub_event_type, event_date, time_precision, place,"
            " country, admin1, lat, lon, geo_precision, actor1, actor2, fatalities, confidence, published_at, record,"
            " updated_at, n_sources, n_independent_sources) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(event_id) DO UPDATE SET version=excluded.version, event_type=excluded.event_type,"
            " sub_event_type=excluded.sub_event_type, event_date=excluded.event_date,"
            " time_precision=excluded.time_precision, place=excluded.place, country=excluded.country,"
            " admin1=excluded.admin1, lat=excluded.lat, lon=excluded.lon, geo_precision=excluded.geo_precision,"
            " actor1=excluded.actor1, actor2=excluded.actor2, fatalities=excluded.fatalities,"
            " confidence=excluded.confidence, published_at=excluded.published_at, record=excluded.record,"
            " updated_at=excluded.updated_at, n_sources=excluded.n_sources,"
            " n_independent_sources=excluded.n_independent_sources WHERE excluded.version > events.version",
            (r["event_id"], r["version"], r["event_type"], r["sub_event_type"], r["event_date"], r["time_precision"],
             loc["name"], loc["country"], loc.get("admin1"), loc.get("lat"), loc.get("lon"), loc["geo_precision"],
             r.get("actor1"), r.get("actor2"), r.get("fatalities"), r["confidence"], r.get("published_at"), blob, now,
             *source_counts(r)),
        )
        return "event_latest" if cur.rowcount else "event_history_only"

    # --- reading ----------------------------------------------------------------------------------------------------
    def query_events(self, query: q.EventQuery) -> list[dict[str, Any]]:
        """Latest version of each event matching ``query``, newest event_date first."""
        sql, params = q.build_sql(query)
        records = [orjson.loads(row[0]) for row in self.execute(sql, params).fetchall()]
        return q.finish(query, records)

    def event(self, event_id: str) -> dict[str, Any] | None:
        row = self.execute("SELECT record FROM events WHERE event_id = ?", (event_id,)).fetchone()
        return orjson.loads(row[0]) if row else None

    def event_versions(self, event_id: str) -> list[dict[str, Any]]:
        """Every stored version of one event, oldest first, each with when it was stored."""
        rows = self.execute("SELECT version, stored_at, record FROM event_versions WHERE event_id = ? ORDER BY version",
                            (event_id,)).fetchall()
        return [{"version": int(v), "stored_at": s, "record": orjson.loads(rec)} for v, s, rec in rows]

    def iter_table(self, table: str) -> Iterator[tuple[Any, ...]]:
        if table not in TABLES:
            raise ValueError(table)
        yield from self.execute(f"SELECT * FROM {table}").fetchall()

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ValueError(table)
        return int(self.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def ping(self) -> bool:
        try:
            self.execute("SELECT 1").fetchone()
            return True
        except Exception:
            return False

"""Durable fetcher state in one SQLite file: what was published (id + content hash), HTTP validators (ETag,
Last-Modified), cursors (X since_id) and processed drop files, so a restart resumes where it stopped.

Written only after Kafka acknowledged the documents concerned; a crash between the ack and the commit re-publishes
those few documents on restart (at-least-once), which the processor's exact dedup absorbs.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    doc_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, source TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS http_cache (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (
    source TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS drop_files (
    path TEXT NOT NULL, sha256 TEXT NOT NULL, records INTEGER NOT NULL, processed_at TEXT NOT NULL,
    PRIMARY KEY (path, sha256));
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FetcherState:
    """Thread-safe (one connection behind a lock): source polls run on worker threads."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")  # an acknowledged document stays remembered
            self._conn.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- documents ----------------------------------------------------------------------------------------------------
    def seen_hash(self, doc_id: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT content_hash FROM seen WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def is_new_or_changed(self, doc_id: str, content_hash: str) -> bool:
        return self.seen_hash(doc_id) != content_hash

    def mark_seen(self, items: Iterable[tuple[str, str, str]]) -> None:
        """(doc_id, content_hash, source) triples, in one transaction."""
        rows = [(d, h, s, _now()) for d, h, s in items]
        if not rows:
            return
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "INSERT INTO seen (doc_id, content_hash, source, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(doc_id) DO UPDATE SET content_hash = excluded.content_hash, "
                "updated_at = excluded.updated_at", rows)
            self._conn.execute("COMMIT")

    def seen_count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM seen").fetchone()[0])

    # -- HTTP validators ----------------------------------------------------------------------------------------------
    def validators(self, url: str) -> tuple[str | None, str | None]:
        with self._lock:
            row = self._conn.execute("SELECT etag, last_modified FROM http_cache WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            if not etag and not last_modified:
                self._conn.execute("DELETE FROM http_cache WHERE url = ?", (url,))
                return
            self._conn.execute(
                "INSERT INTO http_cache (url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
                "updated_at = excluded.updated_at", (url, etag, last_modified, _now()))

    # -- cursors ------------------------------------------------------------------------------------------------------
    def cursor(self, source: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM cursors WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def save_cursor(self, source: str, value: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO cursors (source, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (source, value, _now()))

    # -- drop folder --------------------------------------------------------------------------------------------------
    def file_processed(self, path: str, sha256: str) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT 1 FROM drop_files WHERE path = ? AND sha256 = ?",
                                     (path, sha256)).fetchone()
        return row is not None

    def mark_file_processed(self, path: str, sha256: str, records: int) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO drop_files (path, sha256, records, processed_at) VALUES (?, ?, ?, ?)",
                (path, sha256, records, _now()))

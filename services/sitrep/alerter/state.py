"""The alerter's memory: the last version seen and the fingerprint last alerted, per (subscription, event), in a
small SQLite file, so a restart (or a replay of the events topic) does not alert again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from sitrep.alerter.decide import Decision, Prior
from sitrep.deadletter import now_iso


class AlertState:
    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")  # durable before the offsets that depend on it are committed
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS alert_state (subscription TEXT NOT NULL, event_id TEXT NOT NULL,"
            " version INTEGER NOT NULL, fingerprint TEXT, updated_at TEXT NOT NULL,"
            " PRIMARY KEY (subscription, event_id))"
        )

    def get(self, subscription: str, event_id: str) -> Prior | None:
        row = self.conn.execute("SELECT version, fingerprint FROM alert_state WHERE subscription=? AND event_id=?",
                                (subscription, event_id)).fetchone()
        return Prior(int(row[0]), row[1]) if row else None

    def save(self, decisions: Iterable[Decision]) -> None:
        """Remember decisions in one transaction; a version never moves the state backwards."""
        now = now_iso()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for d in decisions:
                self.conn.execute(
                    "INSERT INTO alert_state (subscription, event_id, version, fingerprint, updated_at)"
                    " VALUES (?,?,?,?,?) ON CONFLICT(subscription, event_id) DO UPDATE SET"
                    " version=excluded.version, fingerprint=excluded.fingerprint, updated_at=excluded.updated_at"
                    " WHERE excluded.version > alert_state.version",
                    (d.subscription, d.event_id, d.version, d.fingerprint, now),
                )
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM alert_state").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

"""PostgreSQL backend (psycopg 3). Autocommit outside explicit transactions, so a read never holds a snapshot open
and a write transaction's COMMIT is the durability point (synchronous_commit as the server configures it)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from sitrep.storage.sql_store import SqlStore

# any constant works; it only has to be the same in every sitrep process migrating this database
_MIGRATION_LOCK = 0x5173_7265


class PostgresStore(SqlStore):
    dialect = "postgres"

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        super().__init__(read_only=read_only)
        self.conn = psycopg.connect(url, autocommit=True)
        if read_only:
            # the server refuses writes in every later transaction of this session
            self.conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        else:
            self.migrate()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        # the shared SQL uses ``?``; psycopg wants ``%s`` (and no literal ``%`` appears in the shared SQL)
        return self.conn.execute(sql.replace("?", "%s"), tuple(params))  # type: ignore[arg-type]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    def lock_migrations(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))

    def close(self) -> None:
        self.conn.close()

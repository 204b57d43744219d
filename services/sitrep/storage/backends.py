"""Pick the storage backend from the database URL: sqlite:///PATH (embedded) or postgresql://... (psycopg 3)."""

from __future__ import annotations

import os

from sitrep.storage.sql_store import SqlStore

SCHEMES = ("sqlite:///", "postgresql://", "postgres://")


def open_store(url: str, *, read_only: bool = False) -> SqlStore:
    """Open (and, unless read-only, migrate) the database at ``url``."""
    if url.startswith("sqlite:///"):
        from sitrep.storage.sqlite_store import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///") or ":memory:", read_only=read_only)
    if url.startswith(("postgresql://", "postgres://")):
        from sitrep.storage.postgres_store import PostgresStore

        return PostgresStore(url, read_only=read_only)
    raise SystemExit(f"unsupported database URL {redact(url)!r} (sqlite:///PATH or postgresql://USER@HOST/DB)")


def redact(url: str) -> str:
    """The URL without its password, for logs and errors."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url


def default_database_url() -> str:
    """$SITREP_DATABASE_URL, else the embedded SQLite file; the same default as Settings, without needing a broker
    (the query CLI and the API read the database only)."""
    from sitrep.paths import state_dir

    return os.environ.get("SITREP_DATABASE_URL") or f"sqlite:///{state_dir() / 'sitrep.db'}"

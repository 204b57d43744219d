"""Pick the storage backend from the database URL: sqlite:///PATH (embedded) or postgresql://... (psycopg 3)."""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode

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


SECRET_PARAMS = {"password", "sslpassword", "sslkey"}


def redact(url: str) -> str:
    """The URL without its password (in the user info or, as libpq allows, in the query string), for logs."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    if "@" in rest.split("?", 1)[0]:
        creds, _, host = rest.partition("?")[0].rpartition("@")
        query = rest.partition("?")[2]
        user = creds.split(":", 1)[0]
        rest = (f"{user}:***@{host}" if ":" in creds else f"{creds}@{host}") + (f"?{query}" if query else "")
    base, qsep, query = rest.partition("?")
    if qsep:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="*")
    return f"{scheme}://{base}{qsep}{query}"


def default_database_url() -> str:
    """$SITREP_DATABASE_URL, else the embedded SQLite file; the same default as Settings, without needing a broker
    (the query CLI and the API read the database only)."""
    from sitrep.paths import state_dir

    return os.environ.get("SITREP_DATABASE_URL") or f"sqlite:///{state_dir() / 'sitrep.db'}"

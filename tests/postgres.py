"""A throwaway PostgreSQL for the tests: ``postgres_url`` (session scope).

SITREP_TEST_POSTGRES_URL wins when set. Otherwise initdb + pg_ctl start a cluster in a temp dir on a free port bound
to 127.0.0.1 with trust auth, stopped at session end. initdb refuses to run as root, so as root the cluster runs as
the ``postgres`` OS user (runuser). No binaries: skip locally, but fail in CI (CI=true), where a silent skip would
hide that the PostgreSQL backend went untested.

Use it from a test module with ``from tests.postgres import fresh_postgres_url, postgres_url  # noqa: F401``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import free_port, wait_for

BIN_DIRS = [Path(p) for p in os.environ.get("SITREP_TEST_POSTGRES_BIN", "").split(os.pathsep) if p] + sorted(
    Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _bin_dir() -> Path | None:
    for d in BIN_DIRS:
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}")
    pytest.skip(reason)


def _connects(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL for the session: SITREP_TEST_POSTGRES_URL, or the throwaway cluster's ``postgres`` database
    (``fresh_postgres_url`` creates a database per test from it)."""
    explicit = os.environ.get("SITREP_TEST_POSTGRES_URL")
    if explicit:
        yield explicit
        return
    bindir = _bin_dir()
    if bindir is None:
        _missing("PostgreSQL binaries (initdb, pg_ctl) not found; set SITREP_TEST_POSTGRES_URL or install postgresql")
    assert bindir is not None
    # not under pytest's tmp dir: that is 0700 root-only, and the server runs as the postgres user
    root = Path(tempfile.mkdtemp(prefix="sitrep-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = free_port()
    subprocess.run(_as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                              "--encoding=UTF8", "--locale=C", "--no-sync"]),
                   check=True, capture_output=True)
    # fsync off: a throwaway cluster need not survive a power cut, and it makes the tests quicker
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off -c full_page_writes=off"
    subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"),
                              "-o", options, "-w", "-t", "60", "start"]), check=True, capture_output=True)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        wait_for(lambda: _connects(url), 30, "postgres accepting connections")
        yield url
    finally:
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """A brand-new database per test, dropped afterwards: tests never see each other's rows or migrations."""
    import psycopg

    name = f"sitrep_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url, _, query = postgres_url.partition("?")
    base = url.rpartition("/")[0]
    try:
        yield f"{base}/{name}" + (f"?{query}" if query else "")
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

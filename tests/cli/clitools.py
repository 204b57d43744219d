"""Helpers for the CLI tests: run `sitrep ...` as a real subprocess, the way a user's shell would."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def user_env(**extra: str) -> dict[str, str]:
    """The environment of a user who set nothing: no log level (the default terminal), no project variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SITREP_", "KAFKA_"))}
    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", str(ROOT / "services"))
    env.update(extra)
    return env


def sitrep(*args: str, env: dict[str, str], timeout: float = 60.0, cwd: Path | None = None) -> Result:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=cwd
    )
    return Result(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port_base(count: int = 4) -> int:
    """The first of ``count`` consecutive free ports (`sitrep run --port-base`)."""
    for _ in range(200):
        base = random.randrange(20_000, 60_000)
        if all(port_is_free(base + i) for i in range(count)):
            return base
    raise AssertionError("no run of free ports found")


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

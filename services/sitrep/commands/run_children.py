"""The processes `sitrep run` starts, and how it stops them: every service is its own process (and process group),
and whatever ends `sitrep run` (Ctrl-C, a supervisor's SIGTERM, an error) stops all of them and frees their ports."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import httpx

from sitrep.errors import PortInUse, UserError

STOP_SECONDS = 8.0  # SIGTERM, then SIGKILL: a stop that hangs must not keep the ports (the test allows 10 s)


# Ctrl-C, a supervisor's or container runtime's stop, a closed terminal
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(Exception):
    """A stop signal arrived; raised in the main thread so that every `finally` runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def raise_on_stop_signals() -> None:
    """Turn the stop signals into Interrupted (by default SIGTERM and SIGHUP end the process before its cleanup
    runs, and the services it started would be left holding their ports)."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise Interrupted(signum)

    for sig in STOP_SIGNALS:
        signal.signal(sig, handler)


def ignore_stop_signals() -> None:
    """While stopping the children, a second Ctrl-C must not cut the cleanup short."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


@dataclass(frozen=True)
class Child:
    name: str
    port: int  # its /healthz and /metrics (the API's own port for `api`)
    args: tuple[str, ...] = ()


def check_ports_free(children: list[Child], host: str = "127.0.0.1") -> None:
    """Fail before starting anything when a port is taken (say by another `sitrep run`): otherwise the new services
    die in their logs and the summary would read the other instance's counters."""
    for child in children:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # as the services' HTTP servers do: a port whose last connections linger in TIME_WAIT is free to them
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, child.port))
            except OSError:
                raise PortInUse(
                    f"port {child.port} ({child.name}) is already in use: is another `sitrep run` "
                    f"running? (`ss -ltnp 'sport = :{child.port}'` shows which process has it)"
                ) from None


class Children:
    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir = env, log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.ports: dict[str, int] = {}
        log_dir.mkdir(parents=True, exist_ok=True)

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(self, child: Child) -> None:
        env = {**self.env, "SITREP_METRICS_PORT": str(child.port)}
        with self.log_path(child.name).open("ab") as log:
            # own session: a Ctrl-C in the terminal reaches `sitrep run` only, which stops the services in order
            self.procs[child.name] = subprocess.Popen(
                [sys.executable, "-m", "sitrep.cli", child.name, *child.args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.ports[child.name] = child.port

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise UserError(
                    f"{name} exited with code {proc.returncode}: {self.last_line(name)} (log: {self.log_path(name)})"
                )

    def last_line(self, name: str) -> str:
        try:
            lines = self.log_path(name).read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return lines[-1][:300] if lines else "(empty log)"

    def healthy(self, name: str) -> bool:
        self.check_alive()
        try:
            return httpx.get(f"http://127.0.0.1:{self.ports[name]}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, seconds: float = STOP_SECONDS) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + seconds
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait()


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(pid, sig)


def wait_until(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.3) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() >= deadline:
            raise UserError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)

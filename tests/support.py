"""Helpers for integration tests: run sitrep services as real processes, read topics, scrape metrics."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import orjson
from kafka import KafkaConsumer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    """A `sitrep <command>` subprocess with its own metrics port and log file."""

    def __init__(self, command: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.port = free_port()
        self.env = {**env, "SITREP_METRICS_PORT": str(self.port)}
        self.log_path = log_dir / f"{command[0]}-{self.port}.log"
        self.command = command
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "sitrep.cli", *self.command], env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, timeout: float = 60.0) -> None:
        wait_for(lambda: self._healthy(), timeout, f"{self.command[0]} healthy ({self.log_path})")

    def _healthy(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.command[0]} exited {self.proc.returncode}:\n{self.log()[-3000:]}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def metrics(self) -> str:
        return httpx.get(f"{self.url}/metrics", timeout=5).text

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        os.killpg(self.proc.pid, sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            return self.proc.wait(timeout=10)


def wait_for(check: Callable[[], Any], timeout: float, what: str, interval: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def at_least(records: list[Any], n: int) -> list[Any] | None:
    """For wait_for: the records once there are at least ``n`` of them."""
    return records if len(records) >= n else None


def read_topic(bootstrap: str, topic: str, idle_ms: int = 3000) -> list[dict[str, Any]]:
    """Every record on ``topic`` from the beginning (JSON-decoded), stopping after ``idle_ms`` without messages."""
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=None, consumer_timeout_ms=idle_ms)
    try:
        return [orjson.loads(m.value) for m in consumer]
    finally:
        consumer.close()


def metric_value(text: str, name: str, labels: dict[str, str] | None = None) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        metric, _, label_part = head.partition("{")
        if metric != name:
            continue
        if labels and not all(f'{k}="{v}"' in label_part for k, v in labels.items()):
            continue
        total += float(value)
    return total


@dataclass
class HookReceiver:
    """A webhook receiver on 127.0.0.1: answers ``statuses`` in turn (then ``default_status``) and records each body,
    header set and whether its HMAC signature checks out against ``secret``."""

    secret: bytes | None = None
    statuses: list[int] = field(default_factory=list)
    default_status: int = 200
    bodies: list[bytes] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    signed_ok: list[bool] = field(default_factory=list)
    port: int = 0
    server: ThreadingHTTPServer | None = None

    def start(self) -> HookReceiver:
        from sitrep.alerter.webhook import SIGNATURE_HEADER, verify

        rec = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                rec.bodies.append(body)
                rec.headers.append(dict(self.headers))
                if rec.secret is not None:
                    rec.signed_ok.append(verify(rec.secret, body, self.headers.get(SIGNATURE_HEADER, "")))
                self.send_response(rec.statuses.pop(0) if rec.statuses else rec.default_status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence access logs
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

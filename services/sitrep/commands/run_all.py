"""`sitrep run` — the main job: a broker (local unless KAFKA_BOOTSTRAP_SERVERS is set), every service as its own
process, the seeds replayed through the stream, and a summary of what came out."""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from sitrep.broker.local_kafka import LocalKafka
from sitrep.corpus import read_corpus
from sitrep.endpoints import DEFAULT_PORTS
from sitrep.paths import project_root, state_dir
from sitrep.replay import publish
from sitrep.settings import Settings

SERVICES = ("processor", "storage", "alerter")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", nargs="*", type=Path, default=[project_root() / "seeds"], help="default: seeds/")
    p.add_argument("--exit", action="store_true", help="stop the services after the summary (default: keep running)")
    p.add_argument("--subscriptions", type=Path, default=project_root() / "deploy" / "subscriptions.example.yaml")
    p.add_argument("--settle-seconds", type=float, default=4.0, help="quiet time that means the stream has drained")


def _metrics(port: int) -> str:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=3).text
    except httpx.HTTPError:
        return ""


def _sum(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            head, _, value = line.rpartition(" ")
            if all(f'{k}="{v}"' in head for k, v in labels.items()):
                total += float(value)
    return total


def _label_values(text: str, name: str, label: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith(name + "{"):
            head, _, value = line.rpartition(" ")
            for part in head[len(name) + 1:-1].split(","):
                k, _, v = part.partition("=")
                if k == label:
                    out[v.strip('"')] = out.get(v.strip('"'), 0.0) + float(value)
    return out


class Children:
    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir, self.procs = env, log_dir, {}  # type: ignore[var-annotated]
        log_dir.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, *extra: str) -> None:
        env = {**self.env, "SITREP_METRICS_PORT": str(DEFAULT_PORTS[name])}
        log = (self.log_dir / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen([sys.executable, "-m", "sitrep.cli", name, *extra], env=env,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def healthy(self, name: str) -> bool:
        proc = self.procs[name]
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited with {proc.returncode}; see {self.log_dir / (name + '.log')}")
        try:
            return httpx.get(f"http://127.0.0.1:{DEFAULT_PORTS[name]}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _wait(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}")


def _events_in_db(url: str) -> tuple[int, int]:
    if not url.startswith("sqlite:///"):
        return (-1, -1)
    path = url.removeprefix("sqlite:///")
    try:
        with sqlite3.connect(path) as conn:
            return (conn.execute("SELECT COUNT(*) FROM events").fetchone()[0],
                    conn.execute("SELECT COUNT(*) FROM event_versions").fetchone()[0])
    except sqlite3.Error:
        return (0, 0)


def run(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if not env.get("KAFKA_BOOTSTRAP_SERVERS"):
        print("starting the local Apache Kafka broker (KRaft) ...", flush=True)
        env["KAFKA_BOOTSTRAP_SERVERS"] = LocalKafka(state_dir() / "broker").start()
    settings = Settings.from_env(env)
    print(f"broker: {settings.bootstrap_servers}", flush=True)
    records = list(read_corpus(*args.corpus))
    children = Children(env, state_dir() / "logs")
    try:
        for name in SERVICES:
            extra = ("--subscriptions", str(args.subscriptions)) if name == "alerter" else ()
            children.start(name, *extra)
        for name in SERVICES:
            _wait(lambda n=name: children.healthy(n), 120, f"{name} to be healthy")
        print(f"services up: {', '.join(SERVICES)}; replaying {len(records)} documents from "
              f"{', '.join(map(str, args.corpus))}", flush=True)
        before = _sum(_metrics(DEFAULT_PORTS["processor"]), "sitrep_messages_consumed_total")
        publish(settings, records)
        _wait(lambda: _sum(_metrics(DEFAULT_PORTS["processor"]), "sitrep_messages_consumed_total")
              >= before + len(records), 180, "the processor to read the replay")
        _settle(args.settle_seconds)
        _summary(settings, len(records))
        if args.exit:
            return 0
        print("\nservices keep running; Ctrl-C stops them.", flush=True)
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
        return 0
    finally:
        children.stop()


def _settle(quiet: float) -> None:
    """Wait until no service's counters move for ``quiet`` seconds: the stream has drained."""
    last, since = "", time.monotonic()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        watched = (("processor", "sitrep_duplicates_total"), ("processor", "sitrep_events_total"),
                   ("storage", "sitrep_stored_total"), ("alerter", "sitrep_alerts_total"))
        snap = "|".join(str(_sum(_metrics(DEFAULT_PORTS[s]), n)) for s, n in watched)
        if snap != last:
            last, since = snap, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.5)


def _summary(settings: Settings, replayed: int) -> None:
    proc, alerter = _metrics(DEFAULT_PORTS["processor"]), _metrics(DEFAULT_PORTS["alerter"])
    storage = _metrics(DEFAULT_PORTS["storage"])
    verdicts = _label_values(proc, "sitrep_duplicates_total", "verdict")
    events, versions = _events_in_db(settings.database_url)
    alerts = _label_values(alerter, "sitrep_alerts_total", "subscription")
    dead = _sum(proc, "sitrep_dead_letters_total") + _sum(storage, "sitrep_dead_letters_total")
    print("\n== sitrep summary ==")
    print(f"documents replayed      {replayed}")
    print(f"documents after cleaning {int(sum(verdicts.values()))}  (listing pages split into articles)")
    print("dedup verdicts          " + ", ".join(f"{k} {int(v)}" for k, v in sorted(verdicts.items())))
    print(f"events stored           {events} events, {versions} versions  ({settings.database_url})")
    print("alerts                  " + (", ".join(f"{k} {int(v)}" for k, v in sorted(alerts.items())) or "none"))
    print(f"dead letters            {int(dead)}")
    print("metrics                 " + "  ".join(f"{n}: http://127.0.0.1:{DEFAULT_PORTS[n]}/metrics" for n in SERVICES))
    print("query                   sitrep events --format table   (or --format geojson for a map)")
    print("follow alerts           sitrep alerts tail <subscription>")

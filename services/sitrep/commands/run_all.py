"""`sitrep run` — the main job: a broker (local unless KAFKA_BOOTSTRAP_SERVERS is set), every service as its own
process, the seeds replayed through the stream, and a summary of what came out.

It says so, and exits 1, when a replayed document got no verdict in time; a port already taken or a service that
dies is an error before anything is replayed; SIGINT or SIGTERM at any point stops every service it started.
"""

from __future__ import annotations

import argparse
import functools
import os
import sqlite3
import sys
import time
from pathlib import Path

import httpx

from sitrep.broker.local_kafka import LocalKafka
from sitrep.cleaning import clean_document
from sitrep.commands.run_checks import Cluster, Verdicts, collect_verdicts, duplicates_topic
from sitrep.commands.run_children import (
    Child,
    Children,
    Interrupted,
    check_ports_free,
    ignore_stop_signals,
    raise_on_stop_signals,
    wait_until,
)
from sitrep.corpus import read_corpus
from sitrep.endpoints import DEFAULT_PORTS
from sitrep.kafka_io import wait_for_kafka
from sitrep.paths import project_root, state_dir
from sitrep.replay import publish
from sitrep.settings import Settings
from sitrep.topics import Topic

SERVICES = ("processor", "storage", "alerter")
# each service's consumer group (without the topic prefix) and the topics it must hold before the replay
GROUPS = {
    "processor": ("sitrep-processor", (Topic.RAW_ARTICLES, Topic.RAW_TWEETS)),
    "storage": ("sitrep-storage", (Topic.DOCUMENTS, Topic.DUPLICATES, Topic.EVENTS)),
    "alerter": ("sitrep-alerter", (Topic.EVENTS,)),
}
START_SECONDS = 120.0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", nargs="*", type=Path, default=[project_root() / "seeds"], help="default: seeds/")
    p.add_argument("--exit", action="store_true", help="stop the services after the summary (default: keep running)")
    p.add_argument("--subscriptions", type=Path, default=project_root() / "deploy" / "subscriptions.example.yaml")
    p.add_argument("--settle-seconds", type=float, default=4.0, help="quiet time that means the stream has drained")
    p.add_argument(
        "--port-base",
        type=int,
        default=DEFAULT_PORTS["processor"],
        help="processor's port; storage, alerter and the API take the next three (default 9402)",
    )
    p.add_argument(
        "--verdict-seconds",
        type=float,
        default=180.0,
        help="how long every replayed document may take to get its dedup verdict (default 180)",
    )


def _metrics(port: int) -> str:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=3).text
    except httpx.HTTPError:
        return ""


def _sum(text: str, name: str) -> float:
    return sum(
        float(line.rpartition(" ")[2])
        for line in text.splitlines()
        if line.startswith(name + "{") or line.startswith(name + " ")
    )


def _label_values(text: str, name: str, label: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith(name + "{"):
            head, _, value = line.rpartition(" ")
            for part in head[len(name) + 1 : -1].split(","):
                k, _, v = part.partition("=")
                if k == label:
                    out[v.strip('"')] = out.get(v.strip('"'), 0.0) + float(value)
    return out


def _children(args: argparse.Namespace) -> tuple[list[Child], Child]:
    subs = ("--subscriptions", str(args.subscriptions))
    services = [Child(name, args.port_base + i, subs if name == "alerter" else ()) for i, name in enumerate(SERVICES)]
    api_port = args.port_base + len(SERVICES)
    return services, Child("api", api_port, ("--port", str(api_port)))


def run(args: argparse.Namespace) -> int:
    raise_on_stop_signals()  # from here on, a SIGTERM unwinds through every `finally` below
    children = Children(dict(os.environ), state_dir() / "logs")
    stage = ["starting"]
    try:
        return _run(args, children, stage)
    except Interrupted as sig:
        print(f"\n{sig}: stopping the services ...", file=sys.stderr, flush=True)
        return 0 if stage[0] == "serving" else 128 + sig.signum
    finally:
        ignore_stop_signals()
        children.stop()


def _run(args: argparse.Namespace, children: Children, stage: list[str]) -> int:
    services, api = _children(args)
    check_ports_free([*services, api])
    records = list(read_corpus(*args.corpus))  # a bad corpus is an error before anything starts
    if not children.env.get("KAFKA_BOOTSTRAP_SERVERS"):
        print("starting the local Apache Kafka broker (KRaft) ...", flush=True)
        children.env["KAFKA_BOOTSTRAP_SERVERS"] = LocalKafka(state_dir() / "broker").start()
    settings = Settings.from_env(children.env)
    wait_for_kafka(settings)  # one clear line after 15 s, rather than every service failing on its own
    print(f"broker: {settings.bootstrap_servers}", flush=True)
    _start_all(children, settings, services, api)
    if not _replay_and_report(settings, records, args, children.ports):
        return 1
    if args.exit:
        return 0
    stage[0] = "serving"
    print("\nservices keep running; Ctrl-C stops them.", flush=True)
    while True:  # until a signal; a service that dies meanwhile is an error, not a silent half-pipeline
        children.check_alive()
        time.sleep(1.0)


def _start_all(children: Children, settings: Settings, services: list[Child], api: Child) -> None:
    print(f"starting {', '.join(c.name for c in services)} (logs in {children.log_dir}) ...", flush=True)
    for child in services:
        children.start(child)
    for child in services:
        wait_until(functools.partial(children.healthy, child.name), START_SECONDS, f"{child.name} to be healthy")
    cluster = Cluster(settings)
    try:
        for name, (group, topics) in GROUPS.items():
            names = [settings.topic(t) for t in topics]
            holds = functools.partial(_holds, cluster, children, settings.topic_prefix + group, names)
            wait_until(holds, START_SECONDS, f"{name} to hold its partitions of {', '.join(names)}")
    finally:
        cluster.close()
    children.start(api)  # after storage: the API opens the database storage creates
    wait_until(lambda: children.healthy("api"), START_SECONDS, "the API to be healthy")


def _holds(cluster: Cluster, children: Children, group: str, topics: list[str]) -> bool:
    children.check_alive()
    return not cluster.group_missing(group, topics)


def _replay_and_report(
    settings: Settings, records: list[dict[str, object]], args: argparse.Namespace, ports: dict[str, int]
) -> bool:
    expected = {doc["id"] for raw in records for doc in clean_document(raw)}
    cluster = Cluster(settings)
    try:
        start = cluster.end_offsets(duplicates_topic(settings))
    finally:
        cluster.close()
    print(f"services up; replaying {len(records)} documents from {', '.join(map(str, args.corpus))}", flush=True)
    publish(settings, records)  # type: ignore[arg-type]
    verdicts = collect_verdicts(settings, start, expected, args.verdict_seconds)
    _settle(args.settle_seconds, ports)
    _summary(settings, len(records), verdicts, ports)
    if verdicts.missing:
        print(
            f"\nERROR: {len(verdicts.missing)} of {len(expected)} replayed documents got no dedup verdict within "
            f"{args.verdict_seconds:g} s: {', '.join(verdicts.missing[:10])}"
            f"{' ...' if len(verdicts.missing) > 10 else ''}\n"
            f"       the stream lost or is stuck on them; see {state_dir() / 'logs' / 'processor.log'}",
            file=sys.stderr,
            flush=True,
        )
        return False
    return True


def _settle(quiet: float, ports: dict[str, int]) -> None:
    """Wait until no service's counters move for ``quiet`` seconds: events and alerts have drained."""
    last, since = "", time.monotonic()
    deadline = time.monotonic() + 180
    watched = (
        ("processor", "sitrep_events_total"),
        ("storage", "sitrep_stored_total"),
        ("alerter", "sitrep_alerts_total"),
    )
    while time.monotonic() < deadline:
        snap = "|".join(str(_sum(_metrics(ports[s]), n)) for s, n in watched)
        if snap != last:
            last, since = snap, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.5)


def _events_in_db(url: str) -> tuple[int, int]:
    if not url.startswith("sqlite:///"):
        return (-1, -1)
    try:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return (
                conn.execute("SELECT COUNT(*) FROM events").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM event_versions").fetchone()[0],
            )
    except sqlite3.Error:
        return (0, 0)


def _summary(settings: Settings, replayed: int, verdicts: Verdicts, ports: dict[str, int]) -> None:
    proc, storage, alerter = (_metrics(ports[name]) for name in SERVICES)
    events, versions = _events_in_db(settings.database_url)
    alerts = _label_values(alerter, "sitrep_alerts_total", "subscription")
    dead = _sum(proc, "sitrep_dead_letters_total") + _sum(storage, "sitrep_dead_letters_total")
    got, wanted = len(verdicts.got), len(verdicts.expected)
    print("\n== sitrep summary ==")
    print(f"documents replayed      {replayed}")
    print(f"documents after cleaning {wanted}  (listing pages split into articles)")
    print(f"verdicts                {got} of {wanted} documents{'' if got == wanted else '  <-- MISSING'}")
    print("dedup verdicts          " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.by_verdict().items())))
    print(f"events stored           {events} events, {versions} versions  ({settings.database_url})")
    print("alerts                  " + (", ".join(f"{k} {int(v)}" for k, v in sorted(alerts.items())) or "none"))
    print(f"dead letters            {int(dead)}")
    print("metrics                 " + "  ".join(f"{n}: http://127.0.0.1:{ports[n]}/metrics" for n in SERVICES))
    print(f"web page and API        http://127.0.0.1:{ports['api']}/   (events: /events, map: /events.geojson)")
    print("query                   sitrep events --format table   (or --format geojson for a map)")
    print("follow alerts           sitrep alerts tail <subscription>", flush=True)

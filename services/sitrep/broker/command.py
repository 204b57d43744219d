"""`sitrep broker start|stop|status` — the local broker for machines without Docker."""

from __future__ import annotations

import argparse
import os

from sitrep.broker.local_kafka import BrokerError, LocalKafka, fetch_jars, metadata_ok
from sitrep.paths import state_dir


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["start", "stop", "status", "fetch"])
    p.add_argument("--home", default=None, help="state folder (default: $SITREP_HOME/broker)")
    p.add_argument("--heap", default="512m", help="JVM heap (default 512m)")


def run(args: argparse.Namespace) -> int:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and args.action != "fetch":
        print(f"KAFKA_BOOTSTRAP_SERVERS is set ({os.environ['KAFKA_BOOTSTRAP_SERVERS']}): using that cluster, "
              "no local broker needed")
        return 0
    broker = LocalKafka(home=_home(args), heap=args.heap)
    try:
        if args.action == "fetch":
            print(f"Kafka jars in {fetch_jars()}")
        elif args.action == "start":
            print(broker.start())
        elif args.action == "stop":
            print("stopped" if broker.stop() else "not running")
        else:
            bootstrap = broker.bootstrap()
            if bootstrap and metadata_ok(bootstrap):
                print(f"running at {bootstrap} (pid {broker.pid()})")
            else:
                print("not running")
                return 1
    except BrokerError as exc:
        print(f"error: {exc}")
        return 1
    return 0


def _home(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from pathlib import Path

    return Path(args.home) if args.home else state_dir() / "broker"

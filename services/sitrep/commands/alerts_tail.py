"""`sitrep alerts tail <name>` — follow one subscription's alert topic in the terminal, one readable line per alert
(or the raw JSON with --format json). New alerts only, unless --from-beginning."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import orjson

from sitrep.alerter.subscriptions import NAME
from sitrep.errors import UserError
from sitrep.kafka_io import make_consumer
from sitrep.settings import Settings
from sitrep.topics import alert_topic


def summary(alert: dict[str, Any]) -> str:
    """One line an analyst can scan: when, what, where, who, how many dead, and why it alerted."""
    e = alert.get("event") or {}
    loc = e.get("location") or {}
    where = ", ".join(p for p in (loc.get("name"), loc.get("country")) if p)
    if loc.get("lat") is not None and loc.get("lon") is not None:
        where += f" ({loc['lat']:.2f},{loc['lon']:.2f})"
    actors = " vs ".join(a for a in (e.get("actor1"), e.get("actor2")) if a) or "unknown actors"
    fatalities = e.get("fatalities")
    dead = "fatalities unknown" if fatalities is None else f"{fatalities} killed"
    matched = alert.get("matched") or {}
    why = ", ".join(f"{k}={_short(v)}" for k, v in matched.items() if k != "fatalities")
    reason = alert.get("reason", "new")
    return (
        f"{e.get('event_date', '?')}  {e.get('sub_event_type', '?')}  {where}  {actors}  {dead}  "
        f"[{alert.get('event_id')} v{alert.get('version')} {reason}{'; ' + why if why else ''}]"
    )


def _short(value: Any) -> str:
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    return str(value)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["tail"], help="tail: follow a subscription's alerts")
    p.add_argument("name", help="subscription name (topic alerts.<name>)")
    p.add_argument("--from-beginning", action="store_true", help="print the alerts already on the topic first")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--max", type=int, default=0, help="stop after this many alerts (0: follow until Ctrl-C)")
    p.add_argument("--idle-timeout", type=float, default=0.0, help="stop after this many seconds without an alert")


def known_subscriptions(topics: set[str], prefix: str) -> list[str]:
    """Subscription names that have an alert topic on the cluster (the alerter creates one per subscription)."""
    head = alert_topic("", prefix)
    return sorted(t.removeprefix(head) for t in topics if t.startswith(head) and not t.endswith(".deadletter"))


def _check_exists(topics: set[str], topic: str, name: str, prefix: str) -> None:
    if topic in topics:
        return
    known = known_subscriptions(topics, prefix)
    listed = ", ".join(known) if known else "none yet (has `sitrep alerter` run?)"
    raise UserError(f"no subscription {name!r} on this cluster (no topic {topic}); subscriptions: {listed}")


def run(args: argparse.Namespace) -> int:
    if not NAME.match(args.name):
        raise UserError(f"{args.name!r} is not a subscription name")
    settings = Settings.from_env()
    topic = alert_topic(args.name, settings.topic_prefix)
    # no group: a terminal follower must not take partitions from, or commit offsets for, anyone else
    consumer = make_consumer(
        settings,
        [],
        group_id=None,
        client_id="sitrep-alerts-tail",
        auto_offset_reset="earliest" if args.from_beginning else "latest",
    )
    try:
        _check_exists(consumer.topics(), topic, args.name, settings.topic_prefix)
    except UserError:
        consumer.close()
        raise
    consumer.subscribe([topic])
    return _follow(consumer, args)


def _follow(consumer: Any, args: argparse.Namespace) -> int:
    seen, last = 0, time.monotonic()
    try:
        while True:
            batch = consumer.poll(timeout_ms=500)
            for messages in batch.values():
                for msg in messages:
                    try:
                        alert = orjson.loads(msg.value)
                    except orjson.JSONDecodeError:
                        print(f"(undecodable message at offset {msg.offset})", file=sys.stderr)
                        continue
                    line = orjson.dumps(alert).decode() if args.format == "json" else summary(alert)
                    print(line, flush=True)
                    seen += 1
                    last = time.monotonic()
                    if args.max and seen >= args.max:
                        return 0
            if args.idle_timeout and time.monotonic() - last > args.idle_timeout:
                return 0
    except KeyboardInterrupt:
        return 0
    finally:
        consumer.close()

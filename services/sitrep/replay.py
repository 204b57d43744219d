"""`sitrep replay PATH...` — publish a corpus to the raw topics, keyed by document id (acks=all, idempotent)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sitrep import metrics
from sitrep.corpus import read_corpus
from sitrep.errors import UserError
from sitrep.kafka_io import ensure_topics, make_producer
from sitrep.schemas import encode
from sitrep.settings import Settings
from sitrep.topics import RAW_TOPIC_BY_KIND


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, help="corpus folders (with manifest.jsonl) or JSONL files")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


# the producer's limit for one message (kafka_io.make_producer); the local broker accepts as much
MAX_MESSAGE_BYTES = 8 * 1024 * 1024


def encode_all(records: list[dict[str, Any]]) -> list[bytes]:
    """Every record's message, checked before the first is sent: an oversized one would otherwise fail half-way
    through a replay with a traceback from deep inside the producer."""
    values = [encode(record) for record in records]
    for record, value in zip(records, values, strict=True):
        if len(value) > MAX_MESSAGE_BYTES:
            raise UserError(
                f"document {record['id']!r} is {len(value) / 1e6:.1f} MB as a message; the limit is "
                f"{MAX_MESSAGE_BYTES / 1e6:.1f} MB (nothing was published)"
            )
    return values


def publish(settings: Settings, records: list[dict[str, Any]], progress: bool = False) -> int:
    """Publish raw records; return how many were acknowledged. Raises on a delivery that finally failed."""
    values = encode_all(records)
    ensure_topics(settings, [settings.topic(t) for t in RAW_TOPIC_BY_KIND.values()])
    producer = make_producer(settings)
    futures = []
    try:
        for n, (record, value) in enumerate(zip(records, values, strict=True), 1):
            topic = settings.topic(RAW_TOPIC_BY_KIND[record["kind"]])
            futures.append((topic, producer.send(topic, key=record["id"].encode(), value=value)))
            if progress and (n % 200 == 0 or n == len(records)):
                _bar(n, len(records))
        producer.flush()
        for topic, fut in futures:
            fut.get(timeout=60)
            metrics.MESSAGES_OUT.labels("replay", topic).inc()
    finally:
        producer.close(timeout=10)
    if progress:
        sys.stderr.write("\n")
    return len(futures)


def _bar(done: int, total: int, width: int = 40) -> None:
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    records = list(read_corpus(*args.paths))  # a CorpusError is the user's to fix: one line, exit 2 (cli.py)
    settings = Settings.from_env()
    show = not args.no_progress and len(records) >= 1000 and sys.stderr.isatty()
    sent = publish(settings, records, progress=show)
    print(f"published {sent} documents to {settings.topic('raw.*')} via {settings.bootstrap_servers}")
    return 0

"""`sitrep replay PATH...` — publish a corpus to the raw topics, keyed by document id (acks=all, idempotent)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sitrep import metrics
from sitrep.corpus import CorpusError, read_corpus
from sitrep.kafka_io import ensure_topics, make_producer
from sitrep.schemas import encode
from sitrep.settings import Settings
from sitrep.topics import RAW_TOPIC_BY_KIND


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, help="corpus folders (with manifest.jsonl) or JSONL files")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def publish(settings: Settings, records: list[dict[str, Any]], progress: bool = False) -> int:
    """Publish raw records; return how many were acknowledged. Raises on a delivery that finally failed."""
    ensure_topics(settings, [settings.topic(t) for t in RAW_TOPIC_BY_KIND.values()])
    producer = make_producer(settings)
    futures = []
    try:
        for n, record in enumerate(records, 1):
            topic = settings.topic(RAW_TOPIC_BY_KIND[record["kind"]])
            futures.append((topic, producer.send(topic, key=record["id"].encode(), value=encode(record))))
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
    try:
        records = list(read_corpus(*args.paths))
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    show = not args.no_progress and len(records) >= 1000 and sys.stderr.isatty()
    sent = publish(settings, records, progress=show)
    print(f"published {sent} documents to {settings.topic('raw.*')} via {settings.bootstrap_servers}")
    return 0

"""`sitrep extract PATH...`: clean, deduplicate, extract and merge a corpus offline; one event JSON per line.

Runs the processor's own stage objects in one process (sitrep.processor.pipeline: the in-memory runner), without
Kafka, so the events are the ones the stream would store (latest version of each).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from sitrep.corpus import CorpusError, read_corpus
from sitrep.processor.pipeline import LocalPipeline


def extract_corpus(paths: Iterable[Path | str]) -> list[dict[str, Any]]:
    """Latest version of every event in the corpus, ordered by date."""
    pipeline = LocalPipeline()
    pipeline.process(read_corpus(*paths))
    return sorted(pipeline.events.values(), key=lambda e: (e["event_date"], e["event_id"]))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="corpus folder (with manifest.jsonl) or JSONL file")


def run(args: argparse.Namespace) -> int:
    try:
        events = extract_corpus(args.paths)
    except CorpusError as exc:
        print(f"sitrep extract: {exc}", file=sys.stderr)
        return 1
    out = sys.stdout.buffer
    for event in events:
        out.write(orjson.dumps(event) + b"\n")
    out.flush()
    return 0

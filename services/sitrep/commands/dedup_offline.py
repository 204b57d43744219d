"""`sitrep dedup PATH...`: clean and deduplicate a corpus offline, one JSON verdict per clean document on stdout.

Runs the processor's own stages in one process (sitrep.processor.pipeline), without Kafka.
"""

from __future__ import annotations

import argparse
import sys

import orjson

from sitrep.corpus import CorpusError, read_corpus
from sitrep.processor.pipeline import LocalPipeline


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="corpus folder (with manifest.jsonl) or JSONL file")


def run(args: argparse.Namespace) -> int:
    pipeline = LocalPipeline()
    out = sys.stdout.buffer
    try:
        for raw in read_corpus(*args.paths):
            for _doc, verdict in pipeline.dedup(raw):
                out.write(orjson.dumps(verdict) + b"\n")
    except CorpusError as exc:
        print(f"sitrep dedup: {exc}", file=sys.stderr)
        return 2
    out.flush()
    return 0

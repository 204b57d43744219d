"""`sitrep dedup PATH...`: clean and deduplicate a corpus offline, one JSON verdict per clean document on stdout.

Runs the processor's own stage objects in one process (sitrep.processor.pipeline: the in-memory runner), without
Kafka: the verdicts are the ones the stream gives. Input the stream would dead-letter is reported on stderr.
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
        outcome = pipeline.process(read_corpus(*args.paths))
    except CorpusError as exc:
        print(f"sitrep dedup: {exc}", file=sys.stderr)
        return 1
    for verdict in outcome.verdicts:
        out.write(orjson.dumps(verdict) + b"\n")
    for letter in outcome.dead_letters:
        print(f"sitrep dedup: refused {letter['key']}: {letter['reason']}: {letter['error']}", file=sys.stderr)
    out.flush()
    return 0

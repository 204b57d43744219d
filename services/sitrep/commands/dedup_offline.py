"""`sitrep dedup PATH...`: clean and deduplicate a corpus offline, one JSON verdict per clean document on stdout."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

import orjson

from sitrep.cleaning import clean_document
from sitrep.corpus import CorpusError, read_corpus
from sitrep.dedup import Deduplicator, DedupParams


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="corpus folder (with manifest.jsonl) or JSONL file")
    p.add_argument("--retention-days", type=int, default=30, help="forget documents older than this (default 30)")
    p.add_argument("--threshold", type=float, default=None, help="near-duplicate Jaccard threshold")


def run(args: argparse.Namespace) -> int:
    params = DedupParams() if args.threshold is None else DedupParams(threshold=args.threshold)
    dedup = Deduplicator(params, retention=timedelta(days=args.retention_days))
    out = sys.stdout.buffer
    try:
        for raw in read_corpus(*args.paths):
            for doc in clean_document(raw):
                out.write(orjson.dumps(dedup.check(doc)) + b"\n")
    except CorpusError as exc:
        print(f"sitrep dedup: {exc}", file=sys.stderr)
        return 1
    out.flush()
    return 0

"""Kafka writes and bytes per document the processor makes, at 1, 4 and 12 partitions.

    python bench/e2e_writes.py [--docs 600] [--seed 7]

The processor's stage objects under the in-memory runner, which makes exactly the sends and table writes the faust
runtime makes (the same objects, the same batch protocol; ticks left out): every message on an internal or output
topic and every changelog write, per raw document. Written to bench/results/e2e_writes.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus_gen import generate_corpus

from sitrep.processor.runner import MemoryRunner, publish_raw
from sitrep.topics import RAW_TOPIC_BY_KIND

RESULTS = Path(__file__).resolve().parent / "results" / "e2e_writes.json"


def measure(records: list[dict[str, Any]], partitions: int) -> dict[str, Any]:
    runner = MemoryRunner(partitions)
    publish_raw(runner, records)
    runner.run()
    raw = {t.value for t in RAW_TOPIC_BY_KIND.values()}
    per_topic = {
        topic: [sum(map(len, parts)), sum(len(r.key) + len(r.value) for p in parts for r in p)]
        for topic, parts in runner.log.items()
        if topic not in raw
    }
    per_topic |= {f"{stage} changelog": counts for stage, counts in runner.changelog.items()}
    n = len(records)
    raw_bytes = sum(len(orjson.dumps(r)) for r in records)
    return {
        "partitions": partitions,
        "documents": n,
        "raw_bytes_per_document": round(raw_bytes / n),
        "writes_per_document": round(sum(c[0] for c in per_topic.values()) / n, 2),
        "bytes_per_document": round(sum(c[1] for c in per_topic.values()) / n),
        "by_topic": {
            t: {"writes_per_document": round(c[0] / n, 3), "bytes_per_document": round(c[1] / n)}
            for t, c in sorted(per_topic.items())
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    records = generate_corpus(args.docs, args.seed)
    rows = [measure(records, p) for p in (1, 4, 12)]
    for r in rows:
        print(
            f"{r['partitions']:>2} partitions: {r['writes_per_document']} writes, {r['bytes_per_document']} bytes "
            f"per document ({r['raw_bytes_per_document']} raw bytes)"
        )
    out = {"command": "python bench/e2e_writes.py " + " ".join(argv or sys.argv[1:]), "runs": rows}
    RESULTS.write_bytes(orjson.dumps(out, option=orjson.OPT_INDENT_2) + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

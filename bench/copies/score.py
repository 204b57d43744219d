"""Pair precision/recall of sitrep's dedup on the labelled copies set, run through the processor's own stages.

    python bench/copies/score.py       # after python bench/copies/build.py

A predicted pair is a document judged exact/near with its duplicate_of; a true pair is a copy with its original or
with another copy of the same original (copies of one story are copies of each other). A template release or an
independent write-up judged a copy is a false pair.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from sitrep.corpus import read_corpus
from sitrep.processor.pipeline import LocalPipeline
from sitrep.processor.stages import forward

HERE = Path(__file__).resolve().parent


def main() -> None:
    story = {doc_id: doc_id for doc_id in ("w01", "w02", "w03", "w04", "w05", "w06", "w07", "w08")}
    for line in (HERE / "labels.jsonl").read_bytes().splitlines():
        label = orjson.loads(line)
        story[label["doc_id"]] = label["copy_of"]
    pipeline = LocalPipeline()
    found, false_pairs = set(), []
    for raw in read_corpus(HERE / "corpus"):
        for doc, verdict, _ in pipeline.run(raw):
            if forward(verdict) or not verdict.get("duplicate_of"):
                continue
            a, b = doc["id"].split("~")[0], str(verdict["duplicate_of"]).split("~")[0]
            if a in story and story.get(a) == story.get(b):
                found.add(a)
            else:
                false_pairs.append((a, b, verdict["verdict"]))
    copies = [d for d, s in story.items() if d != s]
    missed = sorted(set(copies) - found)
    print(
        f"copies {len(copies)}  found {len(found)}  recall {len(found) / len(copies):.3f}  "
        f"false pairs {len(false_pairs)} {false_pairs}"
    )
    print(f"missed: {missed}")


if __name__ == "__main__":
    main()

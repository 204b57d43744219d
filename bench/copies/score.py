"""Pair precision/recall of sitrep's dedup on the labelled copies set, run through the processor's own stages.

    python bench/copies/score.py       # after python bench/copies/build.py

A predicted pair is a document judged exact/near with its duplicate_of; a true pair is a copy with its original or
with another copy of the same original (copies of one story are copies of each other). A template release or an
independent write-up judged a copy is a false pair. The corpus goes through the in-memory runner of the stream's
stage objects (sitrep.processor.pipeline), in manifest order and then in reverse: the pairs must not depend on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from sitrep.corpus import read_corpus
from sitrep.processor.pipeline import LocalPipeline
from sitrep.processor.stages import forward

HERE = Path(__file__).resolve().parent


def stories() -> dict[str, str]:
    """doc id -> the original it is a copy of (an original or a negative: itself)."""
    manifest = [orjson.loads(line) for line in (HERE / "corpus" / "manifest.jsonl").read_bytes().splitlines()]
    story = {m["id"]: m["id"] for m in manifest}
    for line in (HERE / "labels.jsonl").read_bytes().splitlines():
        label = orjson.loads(line)
        story[label["doc_id"]] = label["copy_of"]
    return story


def score(raws: list[dict[str, Any]], story: dict[str, str]) -> dict[str, Any]:
    found, false_pairs = set(), []
    for verdict in LocalPipeline().process(raws).verdicts:
        if forward(verdict) or not verdict.get("duplicate_of"):
            continue
        a, b = verdict["doc_id"].split("~")[0], str(verdict["duplicate_of"]).split("~")[0]
        if a in story and story.get(a) == story.get(b):
            found.update((a, b))  # either of the two may arrive second: the pair is found
        else:
            false_pairs.append((a, b, verdict["verdict"]))
    copies = {d for d, s in story.items() if d != s}
    originals = {story[c] for c in copies}
    # a copy counts as found when it was paired with its original or another copy of it, whichever came second
    found_copies = {c for c in copies if c in found}
    missed = sorted(copies - found_copies)
    return {
        "copies": len(copies),
        "found": len(found_copies),
        "recall": round(len(found_copies) / len(copies), 3),
        "false_pairs": false_pairs,
        "missed": missed,
        "originals_paired": len(originals & found),
    }


def main() -> None:
    story = stories()
    raws = list(read_corpus(HERE / "corpus"))
    for name, order in (("manifest order", raws), ("reverse order", raws[::-1])):
        r = score(order, story)
        print(
            f"{name}: copies {r['copies']}  found {r['found']}  recall {r['recall']:.3f}  "
            f"false pairs {len(r['false_pairs'])} {r['false_pairs']}  missed: {r['missed']}"
        )


if __name__ == "__main__":
    main()

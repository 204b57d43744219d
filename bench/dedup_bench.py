"""Dedup benchmark: pair precision/recall on the labelled set (with a parameter sweep), throughput on ~5 KB
articles against datasketch MinHash + MinHashLSH at the same num_perm and threshold, state bytes per document.

    python bench/dedup_bench.py            # prints tables, writes bench/results/dedup.json
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dedup_labelled import build

from sitrep.dedup import Deduplicator, DedupParams

RESULTS = Path(__file__).resolve().parent / "results" / "dedup.json"


def score(docs: list[dict[str, Any]], params: DedupParams) -> dict[str, Any]:
    """Pair precision: predicted (doc, duplicate_of) pairs in the same family. Recall: documents with an earlier
    family member in the stream that were flagged near/exact."""
    d = Deduplicator(params)
    family = {doc["id"]: doc["family"] for doc in docs}
    seen_families: set[str] = set()
    tp = fp = positives = flagged_ok = 0
    for doc in docs:
        v = d.check(doc, now="bench")
        has_earlier = doc["family"] in seen_families
        seen_families.add(doc["family"])
        positives += has_earlier
        if v["verdict"] in ("near", "exact"):
            if family[v["duplicate_of"]] == doc["family"]:
                tp += 1
                flagged_ok += has_earlier
            else:
                fp += 1
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(flagged_ok / positives, 4) if positives else 1.0,
        "true_pairs": tp,
        "false_pairs": fp,
        "positives": positives,
        "documents": len(docs),
    }


def sweep(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for shingle in (3, 4, 5, 7):
        for bands, rows_ in ((32, 4), (42, 3), (16, 8)):
            for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
                p = DedupParams(shingle=shingle, bands=bands, rows=rows_, threshold=threshold)
                rows.append(
                    {"shingle": shingle, "bands": bands, "rows": rows_, "threshold": threshold, **score(docs, p)}
                )
    return rows


# --- throughput -----------------------------------------------------------------------------------------------
def articles(n: int, size: int, seed: int = 7) -> list[dict[str, Any]]:
    """~size-byte articles: sentences drawn from the labelled set with random word edits; 20% are near copies."""
    rng = random.Random(seed)
    sentences = [s for doc in build() for s in doc["text"].replace("\n", " ").split(". ") if len(s) > 40]
    vocab = sorted({w for s in sentences for w in s.split()})
    out: list[dict[str, Any]] = []
    for i in range(n):
        if out and rng.random() < 0.2:
            words = rng.choice(out)["text"].split(" ")
            for _ in range(10):
                words[rng.randrange(len(words))] = rng.choice(vocab)
            text = " ".join(words)
        else:
            parts: list[str] = []
            while sum(map(len, parts)) < size:
                s = rng.choice(sentences).split(" ")
                s[rng.randrange(len(s))] = rng.choice(vocab)
                parts.append(" ".join(s))
            text = ". ".join(parts)
        out.append({"id": f"a{i}", "kind": "article", "source": "bench", "published_at": "2024-01-01", "text": text})
    return out


def run_sitrep(docs: list[dict[str, Any]], params: DedupParams) -> tuple[float, int, int]:
    d = Deduplicator(params)
    t0 = time.perf_counter()
    dups = sum(d.check(doc, now="bench")["verdict"] in ("near", "exact") for doc in docs)
    return time.perf_counter() - t0, dups, d.state_bytes()


def run_datasketch(docs: list[dict[str, Any]], params: DedupParams) -> tuple[float, int]:
    """The usual datasketch recipe: word shingles in Python, MinHash.update_batch, MinHashLSH query then insert."""
    import re

    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    word = re.compile(r"\w+")
    k = params.shingle
    t0 = time.perf_counter()
    dups = 0
    for doc in docs:
        w = word.findall(doc["text"].lower())
        m = MinHash(num_perm=params.num_perm)
        m.update_batch([" ".join(w[i : i + k]).encode() for i in range(max(1, len(w) - k + 1))])
        if lsh.query(m):
            dups += 1
        lsh.insert(doc["id"], m)
    return time.perf_counter() - t0, dups


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=3000, help="articles for the throughput run")
    ap.add_argument("--size", type=int, default=5000, help="bytes per article")
    ap.add_argument("--no-sweep", action="store_true")
    args = ap.parse_args()

    params = DedupParams()
    docs = build()
    chosen = score(docs, params)
    print(f"labelled set: {chosen['documents']} documents, {chosen['positives']} with an earlier copy")
    sweep_rows: list[dict[str, Any]] = []
    if not args.no_sweep:
        sweep_rows = sweep(docs)
        print(f"{'k':>2} {'b x r':>6} {'thr':>4} {'prec':>6} {'recall':>6}")
        for r in sweep_rows:
            print(
                f"{r['shingle']:>2} {r['bands']:>3}x{r['rows']:<2} {r['threshold']:>4} "
                f"{r['precision']:>6.3f} {r['recall']:>6.3f}"
            )
    print(f"chosen {asdict(params)}: precision {chosen['precision']} recall {chosen['recall']}")

    corpus = articles(args.n, args.size)
    mean_bytes = sum(len(d["text"].encode()) for d in corpus) / len(corpus)
    run_sitrep(corpus[:200], params)  # warm-up (imports, power tables)
    t_s, dups_s, state = run_sitrep(corpus, params)
    t_d, dups_d = run_datasketch(corpus, params)
    rate_s, rate_d = len(corpus) / t_s, len(corpus) / t_d
    print(f"throughput on {len(corpus)} articles of ~{mean_bytes:.0f} bytes (one core):")
    print(f"  sitrep Deduplicator     {rate_s:8.0f} docs/s  ({dups_s} flagged near/exact)")
    print(f"  datasketch MinHash+LSH  {rate_d:8.0f} docs/s  ({dups_d} with LSH candidates)")
    print(f"  ratio {rate_s / rate_d:.1f}x; state {state / len(corpus):.0f} bytes per retained document")

    result = {
        "params": asdict(params),
        "labelled_set": chosen,
        "sweep": sweep_rows,
        "throughput": {
            "articles": len(corpus),
            "mean_bytes": round(mean_bytes),
            "sitrep_docs_per_s": round(rate_s),
            "datasketch_docs_per_s": round(rate_d),
            "ratio": round(rate_s / rate_d, 2),
            "state_bytes_per_doc": round(state / len(corpus)),
            "datasketch_num_perm": params.num_perm,
            "datasketch_threshold": params.threshold,
        },
        "command": "python bench/dedup_bench.py",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Extraction throughput on ~5 KB articles built from seed paragraphs, one core, against the baseline a user would
build instead: spaCy's blank English pipeline with a PhraseMatcher over the same gazetteer spellings and actor aliases.

    taskset -c 0 python bench/extract_bench.py [--docs 300] [--repeats 3]   -> table on stdout,
    bench/results/extract.json

The baseline only finds mentions (no dates, casualties, triggers or merging), so it is an upper bound on the speed of
a spaCy-based extractor, not a like-for-like one.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
import time
from typing import Any

from sitrep.corpus import read_corpus
from sitrep.extraction import extract_events
from sitrep.extraction.actor_groups import GENERIC, GROUPS
from sitrep.extraction.gazetteer import gazetteer
from sitrep.extraction.lexicon import lexicon
from sitrep.paths import project_root

OUT = project_root() / "bench" / "results" / "extract.json"


def build_docs(n: int, size: int = 5000) -> list[dict[str, Any]]:
    paragraphs = [
        p.strip()
        for raw in read_corpus(project_root() / "seeds")
        if raw["kind"] == "article"
        for p in raw["text"].split("\n")
        if len(p.strip()) > 80
    ]
    rng = random.Random(7)
    docs = []
    for i in range(n):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(rng.choice(paragraphs))
        text = "\n".join(parts)
        docs.append(
            {
                "id": f"bench-{i}",
                "raw_id": f"bench-{i}",
                "kind": "article",
                "source": "bench",
                "published_at": "2020-05-15",
                "text": text,
                "segments": [[0, 0, len(text)]],
            }
        )
    return docs


def _rates(run: Any, n_docs: int, repeats: int) -> dict[str, float]:
    """docs/s over `repeats` timed passes after one warm-up pass: median and best, by wall and by CPU time of this
    process (the machine is shared: CPU time is what one core spent, wall time also counts waiting for it)."""
    run()
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {
        "docs_per_s": round(n_docs / statistics.median(wall), 1),
        "docs_per_s_best": round(n_docs / min(wall), 1),
        "docs_per_cpu_s": round(n_docs / statistics.median(cpu), 1),
    }


def bench_sitrep(docs: list[dict[str, Any]], repeats: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    lexicon()
    setup = time.perf_counter() - t0
    events = sum(len(extract_events(d)) for d in docs)
    rates = _rates(lambda: [extract_events(d) for d in docs], len(docs), repeats)
    return {"setup_s": round(setup, 3), **rates, "events": events}


def bench_spacy(docs: list[dict[str, Any]], repeats: int) -> dict[str, Any]:
    import spacy
    from spacy.matcher import PhraseMatcher

    t0 = time.perf_counter()
    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    place_names = gazetteer().names()
    tokenizer: Any = nlp.tokenizer  # typed as a plain callable by spaCy; it is a Tokenizer with .pipe
    matcher.add("PLACE", list(tokenizer.pipe(place_names)))
    aliases = [a for _, _, names in GROUPS.values() for a in names] + [
        a for names, _ in GENERIC.values() for a in names
    ]
    matcher.add("ACTOR", list(tokenizer.pipe(aliases)))
    setup = time.perf_counter() - t0
    texts = [d["text"] for d in docs]
    mentions = sum(len(matcher(doc)) for doc in nlp.pipe(texts))
    rates = _rates(lambda: [matcher(doc) for doc in nlp.pipe(texts)], len(docs), repeats)
    return {"setup_s": round(setup, 3), **rates, "mentions": mentions, "version": spacy.__version__}


def measure_load() -> dict[str, float]:
    """Gazetteer + actor table load time and the process's peak and resting RSS, in a fresh interpreter."""
    code = (
        "import time, resource\n"
        "t = time.perf_counter()\n"
        "from sitrep.extraction.lexicon import lexicon\n"
        "lexicon()\n"
        "from sitrep.extraction.actor_names import actor_index\n"
        "actor_index()\n"
        "s = time.perf_counter() - t\n"
        "rss = int(open('/proc/self/status').read().split('VmRSS:')[1].split()[0]) / 1024\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(s, rss, peak)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return {"load_s": round(float(out[0]), 2), "rss_mb": round(float(out[1])), "peak_rss_mb": round(float(out[2]))}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per pipeline (after one warm-up)")
    args = parser.parse_args()
    load = measure_load()
    print(f"gazetteer + actors load: {load['load_s']} s, RSS {load['rss_mb']} MB (peak {load['peak_rss_mb']} MB)")
    docs = build_docs(args.docs)
    mean_kb = sum(len(d["text"]) for d in docs) / len(docs) / 1000
    ours = bench_sitrep(docs, args.repeats)
    base = bench_spacy(docs, args.repeats)
    ratio = round(ours["docs_per_s"] / base["docs_per_s"], 2)
    print(f"{args.docs} docs, mean {mean_kb:.1f} KB, one process, median of {args.repeats} passes after a warm-up")
    print(f"{'pipeline':58}{'docs/s':>9}{'best':>9}{'per CPU s':>11}{'setup s':>9}")
    label = f"spaCy {base['version']} blank('en') + PhraseMatcher (mentions only)"
    for name, r in (("sitrep extract_events (full extraction)", ours), (label, base)):
        print(f"{name:58}{r['docs_per_s']:>9}{r['docs_per_s_best']:>9}{r['docs_per_cpu_s']:>11}{r['setup_s']:>9}")
    print(f"sitrep / spaCy (median docs/s): {ratio}x")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "docs": args.docs,
                "mean_kb": round(mean_kb, 2),
                "repeats": args.repeats,
                "python": platform.python_version(),
                "load": load,
                "sitrep": ours,
                "spacy_baseline": base,
                "ratio_sitrep_over_spacy": ratio,
            },
            indent=2,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

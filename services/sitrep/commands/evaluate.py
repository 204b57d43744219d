"""`sitrep eval`: score extraction against gold events (ANNOTATION.md), overall, per event type, region and field.

A PATH is a corpus folder (manifest.jsonl, texts, and gold_events.jsonl unless --gold says otherwise) or a folder
of such folders (a split: `sitrep eval bench/realnews/test`). The corpus runs through the processor's own stages
offline (clean, dedup, extract, merge); the scorer is sitrep.evaluation.scoring.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from sitrep.corpus import MANIFEST, CorpusError
from sitrep.evaluation.scoring import score
from sitrep.paths import project_root

GOLD = "gold_events.jsonl"


class EvalError(Exception):
    """A path or gold file that cannot be scored; the message says which and why."""


def corpus_folders(paths: Iterable[Path]) -> list[Path]:
    """Each path itself when it is a corpus (has a manifest), else the corpora directly inside it."""
    out: list[Path] = []
    for path in paths:
        if not path.exists():
            raise EvalError(f"{path}: no such file or folder")
        if path.is_file() or (path / MANIFEST).exists():
            out.append(path)
            continue
        inner = sorted(p for p in path.iterdir() if (p / MANIFEST).exists())
        if not inner:
            raise EvalError(f"{path}: neither a corpus folder (no {MANIFEST}) nor a folder of corpora")
        out.extend(inner)
    return out


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror})") from None
    except orjson.JSONDecodeError as exc:
        raise EvalError(f"{path}: not JSON lines ({exc})") from None


def load_gold(folders: list[Path], gold: Path | None) -> list[dict[str, Any]]:
    if gold is not None:
        return load_jsonl(gold)
    files = [f / GOLD for f in folders if f.is_dir()]
    missing = [str(f) for f in files if not f.exists()]
    if missing or not files:
        raise EvalError(f"no gold events: give --gold, or put {GOLD} in {', '.join(missing) or 'the corpus folder'}")
    return [event for f in files for event in load_jsonl(f)]


def regions(folders: list[Path]) -> dict[str, str]:
    """Document id -> region, from the manifests' `region` field."""
    out: dict[str, str] = {}
    for folder in folders:
        manifest = folder / MANIFEST
        if manifest.exists():
            for entry in load_jsonl(manifest):
                if entry.get("region"):
                    out[str(entry["id"])] = str(entry["region"])
    return out


def predict(folders: list[Path]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The events the stream would store for the corpus (the processor's in-memory runner), and each copy's
    original (a copy's gold events are credited with its original's predictions)."""
    from sitrep.corpus import read_corpus
    from sitrep.processor.pipeline import LocalPipeline

    pipeline = LocalPipeline()
    outcome = pipeline.process(read_corpus(*folders))
    copy_of = {
        str(v["doc_id"]): str(v["duplicate_of"])
        for v in outcome.verdicts
        if v["verdict"] in ("exact", "near") and v.get("duplicate_of") and v["duplicate_of"] != v["doc_id"]
    }
    return list(pipeline.events.values()), copy_of


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="corpus folder(s) or split folder (default: seeds/)"
    )
    p.add_argument("--gold", type=Path, default=None, help=f"gold events JSONL (default: each corpus folder's {GOLD})")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--save", metavar="NAME", help="also write the report to bench/results/eval_NAME.json")
    p.add_argument("--verbose", "-v", action="store_true", help="list missed and spurious events")


def _print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"{title:34}{'P':>7}{'R':>7}{'F1':>7}{'pred':>6}{'gold':>6}")
    for name, s in rows.items():
        print(f"{name:34}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['predicted']:>6}{s['gold']:>6}")


def print_report(report: dict[str, Any], verbose: bool) -> None:
    print(
        f"predicted {report['overall']['predicted']}  gold {report['overall']['gold']}  "
        f"matched {report['overall']['matched']}"
    )
    _print_table("overall", {"events": report["overall"]})
    _print_table("per event type", report["by_event_type"])
    _print_table("per region", report["by_region"])
    print(f"{'per field (of all events)':34}{'P':>7}{'R':>7}{'F1':>7}  accuracy on matched")
    for name, s in report["fields"].items():
        print(f"{name:34}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}  {s['accuracy_on_matched']:.3f}")
    merge = report["merge"]
    print(
        f"merge (pairwise, across documents): P {merge['precision']:.3f}  R {merge['recall']:.3f}  "
        f"({merge['merged_pairs']} merged pairs, {merge['gold_pairs']} gold pairs)"
    )
    if verbose:
        for label in ("missed", "spurious"):
            for item in report[label]:
                print(
                    f"{label}: [{item['doc_id']}] {item['sub_event_type']} {item['event_date']} "
                    f"@{item['place']}: {item['evidence']}"
                )


def run(args: argparse.Namespace) -> int:
    try:
        folders = corpus_folders(args.paths or [project_root() / "seeds"])
        gold = load_gold(folders, args.gold)
        predicted, copy_of = predict(folders)
    except (EvalError, CorpusError) as exc:
        print(f"sitrep eval: {exc}", file=sys.stderr)
        return 2
    report = score(predicted, gold, copy_of, regions(folders))
    report["paths"] = [str(f) for f in folders]
    if args.save:
        out = project_root() / "bench" / "results" / f"eval_{args.save}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
    if args.json:
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        print_report(report, args.verbose)
    return 0

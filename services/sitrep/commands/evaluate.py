"""`sitrep eval`: score extraction against seeds/gold_events.jsonl (precision, recall, F1 overall and per field).

A predicted event matches a gold event with the same sub_event_type, a date within the tolerance of the coarser
time_precision (1 day, 7 days, 31 days) and a place within 50 km; pairs are matched greedily, closest first.
A field is right on a matched pair when: date equal; place within 10 km; actors and fatalities equal (null = null).
"""

from __future__ import annotations

import argparse
import math
import sys
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from sitrep.paths import project_root

FIELDS = ("date", "place", "actor1", "actor2", "fatalities")
# The scorer's own constants, so that the yardstick does not move when the extractor's merge tolerances change
DATE_TOLERANCE = {1: 1, 2: 7, 3: 31}  # days, by the coarser time_precision of the pair
MATCH_KM = 50.0  # a predicted and a gold event can match only this close
PLACE_RIGHT_KM = 10.0  # the place field is right this close


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def load_gold(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _gap(pred: dict[str, Any], gold: dict[str, Any]) -> tuple[int, float] | None:
    if pred["sub_event_type"] != gold["sub_event_type"]:
        return None
    days = abs(date.fromisoformat(pred["event_date"]).toordinal() - date.fromisoformat(gold["event_date"]).toordinal())
    if days > DATE_TOLERANCE[max(pred["time_precision"], gold["time_precision"])]:
        return None
    loc = pred["location"]
    if loc.get("lat") is None or loc.get("lon") is None:
        return None
    km = distance_km(loc["lat"], loc["lon"], gold["lat"], gold["lon"])
    return (days, km) if km <= MATCH_KM else None


def field_right(name: str, pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    if name == "date":
        return bool(pred["event_date"] == gold["event_date"])
    if name == "place":
        return distance_km(pred["location"]["lat"], pred["location"]["lon"], gold["lat"], gold["lon"]) <= PLACE_RIGHT_KM
    return bool(pred[name] == gold[name])


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def score(predicted: list[dict[str, Any]], gold: list[dict[str, Any]]) -> dict[str, Any]:
    pairs = sorted(((g, i, j) for i, pr in enumerate(predicted) for j, gd in enumerate(gold)
                    if (g := _gap(pr, gd)) is not None), key=lambda t: t[0])
    used_p: set[int] = set()
    used_g: set[int] = set()
    matched: list[tuple[int, int]] = []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            matched.append((i, j))
    report: dict[str, Any] = {"predicted": len(predicted), "gold": len(gold), "matched": len(matched),
                              "overall": _prf(len(matched), len(predicted), len(gold)), "fields": {}}
    for name in FIELDS:
        tp = sum(field_right(name, predicted[i], gold[j]) for i, j in matched)
        report["fields"][name] = _prf(tp, len(predicted), len(gold))
    report["missed"] = [gold[j]["evidence"][:100] for j in range(len(gold)) if j not in used_g]
    report["spurious"] = [predicted[i]["evidence"][0]["text"][:100] for i in range(len(predicted)) if i not in used_p]
    return report


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="corpus (default: seeds/)")
    p.add_argument("--gold", type=Path, default=None, help="gold events JSONL (default: seeds/gold_events.jsonl)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--verbose", "-v", action="store_true", help="list missed and spurious events")


def run(args: argparse.Namespace) -> int:
    from sitrep.commands.extract_offline import extract_corpus

    paths = args.paths or [project_root() / "seeds"]
    gold = load_gold(args.gold or project_root() / "seeds" / "gold_events.jsonl")
    report = score(extract_corpus(paths), gold)
    if args.json:
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    print(f"predicted {report['predicted']}  gold {report['gold']}  matched {report['matched']}")
    print(f"{'':12}{'precision':>10}{'recall':>10}{'f1':>8}")
    for name, s in [("overall", report["overall"]), *report["fields"].items()]:
        print(f"{name:12}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>8.3f}")
    if args.verbose:
        for label in ("missed", "spurious"):
            for text in report[label]:
                print(f"{label}: {text}")
    return 0

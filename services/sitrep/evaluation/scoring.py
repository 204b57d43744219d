"""The scorer of `sitrep eval`: predicted events against gold events, matched per document (ANNOTATION.md).

Per document, predicted events are matched one-to-one to gold events by a maximum matching (most pairs first, then
the closest in days and kilometres): same sub-event type (or one of the gold's accepted alternatives), event date
within max(1, tolerance) days, and a place within 50 km — or, when the gold has no coordinates, the same place name
or the same country. Scores are over (event, document) pairs. Fields are judged on the matched pairs only.

The scorer keeps its own constants, so that the yardstick does not move when the extractor's tolerances change.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

FIELDS = ("date", "place", "actor1", "actor2", "fatalities")
MATCH_KM = 50.0  # a predicted and a gold event can match only this close
PLACE_RIGHT_KM = 25.0  # the place field is right this close
# gold sets written before date_tolerance_days existed give only time_precision: 1 day, 2 week, 3 month
TOLERANCE_BY_PRECISION = {1: 1, 2: 7, 3: 31}
_UNMATCHED = 0.0  # cost of a pair that cannot match: no gain over leaving both unmatched
_MATCH_GAIN = 1000.0  # larger than any closeness cost, so the matching maximises the number of pairs first
# ACLED's event types by sub-event type: the scorer's own copy, so that the yardstick does not follow the extractor
_FAMILIES = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": (
        "Air/drone strike",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Suicide bomb",
        "Grenade",
        "Chemical weapon",
    ),
    "Violence against civilians": ("Attack", "Abduction/forced disappearance", "Sexual violence"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
EVENT_TYPE_OF = {sub: family for family, subs in _FAMILIES.items() for sub in subs}


@dataclass(frozen=True)
class Prediction:
    """One predicted event as seen from one document that reported it."""

    doc_id: str
    event: Mapping[str, Any]


@dataclass(frozen=True)
class GoldEvent:
    """One gold event in one of its documents."""

    doc_id: str
    event: Mapping[str, Any]


@dataclass
class Tally:
    """Counts behind precision, recall and F1."""

    predicted: int = 0
    gold: int = 0
    matched: int = 0  # pairs, counted under the gold event's type (recall)
    matched_predicted: int | None = None  # pairs counted under the predicted event's type (precision); None: matched

    def prf(self) -> dict[str, float]:
        tp_p = self.matched if self.matched_predicted is None else self.matched_predicted
        p = tp_p / self.predicted if self.predicted else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f1, 3),
            "predicted": self.predicted,
            "gold": self.gold,
            "matched": self.matched,
        }


@dataclass
class Report:
    overall: Tally = field(default_factory=Tally)
    by_event_type: dict[str, Tally] = field(default_factory=dict)
    by_region: dict[str, Tally] = field(default_factory=dict)
    field_right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    missed: list[dict[str, Any]] = field(default_factory=list)
    spurious: list[dict[str, Any]] = field(default_factory=list)
    # matched (document, gold event) mentions with the event id the prediction carries: the merge is judged on them
    mentions: list[tuple[str, int, str]] = field(default_factory=list)

    def merge_scores(self) -> dict[str, float | int]:
        """Pairwise merge precision and recall over matched mentions in different documents: a pair is merged when
        both predictions are one event, and belongs together when both are one gold event."""
        merged: set[tuple[str, str]] = set()
        together: set[tuple[str, str]] = set()
        for n, (doc_a, gold_a, event_a) in enumerate(self.mentions):
            for doc_b, gold_b, event_b in self.mentions[n + 1 :]:
                if doc_a == doc_b:
                    continue
                pair = (min(doc_a, doc_b) + f"#{gold_a}", max(doc_a, doc_b) + f"#{gold_b}")
                if event_a == event_b:
                    merged.add(pair)
                if gold_a == gold_b:
                    together.add(pair)
        both = len(merged & together)
        return {
            "precision": round(both / len(merged), 3) if merged else 1.0,
            "recall": round(both / len(together), 3) if together else 1.0,
            "merged_pairs": len(merged),
            "gold_pairs": len(together),
        }

    def as_dict(self) -> dict[str, Any]:
        matched = self.overall.matched
        fields = {
            name: {
                "accuracy_on_matched": round(right / matched, 3) if matched else 0.0,
                **Tally(self.overall.predicted, self.overall.gold, right).prf(),
            }
            for name, right in self.field_right.items()
        }
        return {
            "overall": self.overall.prf(),
            "by_event_type": {k: v.prf() for k, v in sorted(self.by_event_type.items())},
            "by_region": {k: v.prf() for k, v in sorted(self.by_region.items())},
            "fields": fields,
            "merge": self.merge_scores(),
            "missed": self.missed,
            "spurious": self.spurious,
        }


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def tolerance_days(gold: Mapping[str, Any]) -> int:
    if gold.get("date_tolerance_days") is not None:
        return max(1, int(gold["date_tolerance_days"]))
    return TOLERANCE_BY_PRECISION.get(int(gold.get("time_precision") or 1), 1)


def _name_key(name: str | None) -> str:
    return " ".join((name or "").casefold().replace("-", " ").split())


def _place_gap(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> float | None:
    """Kilometres between the two places (0 for a name or country match), or None when they cannot match."""
    loc = pred.get("location") or {}
    if gold.get("lat") is None or gold.get("lon") is None:
        same_name = _name_key(loc.get("name")) == _name_key(gold.get("place")) and bool(gold.get("place"))
        same_country = bool(gold.get("country")) and loc.get("country") == gold.get("country")
        return 0.0 if same_name or same_country else None
    if loc.get("lat") is None or loc.get("lon") is None:
        return None
    km = distance_km(loc["lat"], loc["lon"], gold["lat"], gold["lon"])
    return km if km <= MATCH_KM else None


def type_matches(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> bool:
    accepted = {gold["sub_event_type"], *(gold.get("alt_sub_event_types") or ())}
    return pred.get("sub_event_type") in accepted


def pair_cost(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> float | None:
    """Closeness of a possible pair (days + km/50, lower is closer), or None when the two cannot match."""
    if not type_matches(pred, gold):
        return None
    days = abs(date.fromisoformat(pred["event_date"]).toordinal() - date.fromisoformat(gold["event_date"]).toordinal())
    if days > tolerance_days(gold):
        return None
    km = _place_gap(pred, gold)
    return None if km is None else days + km / MATCH_KM


def match(preds: Sequence[Mapping[str, Any]], golds: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """Maximum one-to-one matching of one document's predictions to its gold events (closest among the maxima)."""
    if not preds or not golds:
        return []
    cost = np.full((len(preds), len(golds)), _UNMATCHED)
    for i, pred in enumerate(preds):
        for j, gold in enumerate(golds):
            c = pair_cost(pred, gold)
            if c is not None:
                cost[i, j] = c - _MATCH_GAIN
    rows, cols = linear_sum_assignment(cost)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if cost[i, j] < _UNMATCHED]


def field_right(name: str, pred: Mapping[str, Any], gold: Mapping[str, Any]) -> bool:
    if name == "date":
        return bool(pred["event_date"] == gold["event_date"])
    if name == "place":
        km = _place_gap(pred, gold)
        return km is not None and km <= PLACE_RIGHT_KM
    return bool(pred.get(name) == gold.get(name))


def event_family(event: Mapping[str, Any]) -> str:
    """The ACLED event type of a sub-event type (the gold's own event_type is not trusted over its sub-type)."""
    return EVENT_TYPE_OF.get(str(event.get("sub_event_type")), "unknown")


def _evidence_of(pred: Mapping[str, Any], doc_id: str) -> str:
    spans = [e for e in pred.get("evidence") or () if e.get("doc_id") == doc_id] or list(pred.get("evidence") or ())
    return str(spans[0]["text"])[:160] if spans else ""


def _count(report: Report, family: str, region: str, *, predicted: int = 0, gold: int = 0, matched: int = 0) -> None:
    for tally in (
        report.overall,
        report.by_event_type.setdefault(family, Tally(matched_predicted=0)),
        report.by_region.setdefault(region, Tally()),
    ):
        tally.predicted += predicted
        tally.gold += gold
        tally.matched += matched


def _score_document(
    report: Report,
    doc_id: str,
    region: str,
    preds: list[Mapping[str, Any]],
    indexed: list[tuple[int, Mapping[str, Any]]],
) -> None:
    golds = [event for _, event in indexed]
    pairs = match(preds, golds)
    for pred in preds:
        _count(report, event_family(pred), region, predicted=1)
    for gold in golds:
        _count(report, event_family(gold), region, gold=1)
    for i, j in pairs:
        report.overall.matched += 1
        report.by_region.setdefault(region, Tally()).matched += 1
        # an accepted alternative sub-type may lie in another event type: precision counts the pair under the
        # predicted type, recall under the gold's
        gold_type = report.by_event_type.setdefault(event_family(golds[j]), Tally(matched_predicted=0))
        gold_type.matched += 1
        pred_type = report.by_event_type.setdefault(event_family(preds[i]), Tally(matched_predicted=0))
        pred_type.matched_predicted = (pred_type.matched_predicted or 0) + 1
        for name in FIELDS:
            report.field_right[name] += field_right(name, preds[i], golds[j])
        report.mentions.append((doc_id, indexed[j][0], str(preds[i].get("event_id"))))
    matched_p, matched_g = {i for i, _ in pairs}, {j for _, j in pairs}
    report.missed += [
        {
            "doc_id": doc_id,
            "sub_event_type": g["sub_event_type"],
            "event_date": g["event_date"],
            "place": g.get("place"),
            "evidence": str(g.get("evidence", ""))[:160],
        }
        for j, g in enumerate(golds)
        if j not in matched_g
    ]
    report.spurious += [
        {
            "doc_id": doc_id,
            "sub_event_type": p["sub_event_type"],
            "event_date": p["event_date"],
            "place": (p.get("location") or {}).get("name"),
            "evidence": _evidence_of(p, doc_id),
        }
        for i, p in enumerate(preds)
        if i not in matched_p
    ]


def base_doc_id(doc_id: str) -> str:
    """A listing page's articles (`<raw id>~<n>`) are scored as parts of the raw document they came from."""
    return doc_id.split("~", 1)[0]


def per_document(
    predicted: Iterable[Mapping[str, Any]], gold: Iterable[Mapping[str, Any]], copy_of: Mapping[str, str]
) -> tuple[dict[str, list[Mapping[str, Any]]], dict[str, list[tuple[int, Mapping[str, Any]]]]]:
    """Predictions and gold events grouped by document; a copy is credited with its original's predictions."""
    preds: dict[str, list[Mapping[str, Any]]] = {}
    for event in predicted:
        for doc_id in dict.fromkeys(base_doc_id(d) for d in event.get("source_doc_ids") or ()):
            preds.setdefault(doc_id, []).append(event)
    for copy, original in copy_of.items():
        preds.setdefault(base_doc_id(copy), []).extend(preds.get(base_doc_id(original), []))
    golds: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
    for n, event in enumerate(gold):
        for doc_id in dict.fromkeys(base_doc_id(d) for d in event["doc_ids"]):
            golds.setdefault(doc_id, []).append((n, event))
    return preds, golds


def score(
    predicted: Iterable[Mapping[str, Any]],
    gold: Iterable[Mapping[str, Any]],
    copy_of: Mapping[str, str] | None = None,
    region_of: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The full report: overall, per event type, per region and per field P/R/F1, with the misses and extras."""
    preds, golds = per_document(predicted, gold, copy_of or {})
    report = Report()
    for doc_id in sorted(set(preds) | set(golds)):
        region = (region_of or {}).get(doc_id, "unspecified")
        _score_document(report, doc_id, region, preds.get(doc_id, []), golds.get(doc_id, []))
    return report.as_dict()

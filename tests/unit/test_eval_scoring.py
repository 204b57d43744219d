"""The scorer of `sitrep eval` (ANNOTATION.md, "How a prediction is matched"), on hand-made events."""

from __future__ import annotations

from typing import Any

from sitrep.evaluation.scoring import match, score

HOMS = (34.73, 36.71)
RASTAN = (34.93, 36.73)  # ~22 km north of Homs
DAMASCUS = (33.51, 36.29)  # ~150 km from Homs


def pred(sub: str, day: str, where: tuple[float, float] | None, doc: str = "d1", **kw: Any) -> dict[str, Any]:
    lat, lon = where if where else (None, None)
    return {
        "sub_event_type": sub,
        "event_date": day,
        "source_doc_ids": [doc],
        "location": {"name": kw.pop("name", "X"), "country": kw.pop("country", "Syria"), "lat": lat, "lon": lon},
        "actor1": kw.pop("actor1", None),
        "actor2": None,
        "fatalities": kw.pop("fatalities", None),
        "evidence": [{"doc_id": doc, "text": "t"}],
        **kw,
    }


def gold(
    sub: str, day: str, where: tuple[float, float] | None, docs: tuple[str, ...] = ("d1",), **kw: Any
) -> dict[str, Any]:
    lat, lon = where if where else (None, None)
    return {
        "doc_ids": list(docs),
        "sub_event_type": sub,
        "event_date": day,
        "date_tolerance_days": 0,
        "place": kw.pop("place", "X"),
        "country": kw.pop("country", "Syria"),
        "lat": lat,
        "lon": lon,
        "actor1": kw.pop("actor1", None),
        "actor2": None,
        "fatalities": kw.pop("fatalities", None),
        "evidence": "e",
        **kw,
    }


def test_maximum_matching_beats_greedy_closest_first() -> None:
    # greedy closest-first pairs p0 with g0 (0 km) and leaves g1 unmatched; the maximum matching pairs both
    preds = [pred("Air/drone strike", "2020-01-01", HOMS), pred("Air/drone strike", "2020-01-01", DAMASCUS)]
    golds = [gold("Air/drone strike", "2020-01-01", HOMS)]
    assert match(preds, golds) == [(0, 0)]
    preds = [pred("Air/drone strike", "2020-01-01", RASTAN), pred("Air/drone strike", "2020-01-02", HOMS)]
    golds = [
        gold("Air/drone strike", "2020-01-01", HOMS),
        gold("Air/drone strike", "2020-01-02", RASTAN, date_tolerance_days=0),
    ]
    # p1 is closest to g0 (0 km, 1 day) but then p0 (1 day off g1) could not match g1: maximum keeps both pairs
    assert sorted(match(preds, golds)) == [(0, 0), (1, 1)]


def test_date_tolerance_and_alternative_types() -> None:
    g = gold(
        "Shelling/artillery/missile attack",
        "2020-03-10",
        HOMS,
        date_tolerance_days=3,
        alt_sub_event_types=["Air/drone strike"],
    )
    assert match([pred("Air/drone strike", "2020-03-13", HOMS)], [g]) == [(0, 0)]
    assert match([pred("Air/drone strike", "2020-03-14", HOMS)], [g]) == []
    assert match([pred("Armed clash", "2020-03-10", HOMS)], [g]) == []
    # tolerance 0 still allows one day
    assert match([pred("Armed clash", "2020-03-11", HOMS)], [gold("Armed clash", "2020-03-10", HOMS)]) == [(0, 0)]


def test_gold_without_coordinates_matches_on_name_or_country() -> None:
    region = gold("Armed clash", "2020-01-01", None, place="southern Lebanon", country="Lebanon")
    assert match([pred("Armed clash", "2020-01-01", None, name="Southern  Lebanon", country="Israel")], [region])
    assert match([pred("Armed clash", "2020-01-01", (33.3, 35.4), name="Tyre", country="Lebanon")], [region])
    assert not match([pred("Armed clash", "2020-01-01", None, name="Galilee", country="Israel")], [region])
    # a predicted event without coordinates does not match a gold event that has them
    assert not match([pred("Armed clash", "2020-01-01", None)], [gold("Armed clash", "2020-01-01", HOMS)])


def test_scores_per_document_type_region_and_field() -> None:
    predicted = [
        pred("Air/drone strike", "2020-01-01", HOMS, doc="a", actor1="Military Forces of Russia", fatalities=3),
        pred("Peaceful protest", "2020-01-05", DAMASCUS, doc="b"),
    ]
    golden = [
        gold(
            "Air/drone strike", "2020-01-01", RASTAN, docs=("a", "c"), actor1="Military Forces of Russia", fatalities=4
        ),
        gold("Armed clash", "2020-01-02", HOMS, docs=("b",)),
    ]
    report = score(
        predicted, golden, copy_of={"c": "a"}, region_of={"a": "Middle East", "c": "Middle East", "b": "Asia"}
    )
    # pairs: (strike, a) and (strike, c via copy credit) match; the protest is spurious; the clash is missed
    assert report["overall"] == {
        "precision": 0.667,
        "recall": 0.667,
        "f1": 0.667,
        "predicted": 3,
        "gold": 3,
        "matched": 2,
    }
    assert report["by_event_type"]["Explosions/Remote violence"]["f1"] == 1.0
    assert report["by_event_type"]["Battles"]["recall"] == 0.0
    assert report["by_region"]["Asia"]["predicted"] == 1
    assert report["by_region"]["Middle East"]["matched"] == 2
    assert report["fields"]["actor1"]["accuracy_on_matched"] == 1.0
    assert report["fields"]["fatalities"]["accuracy_on_matched"] == 0.0
    assert report["fields"]["place"]["accuracy_on_matched"] == 1.0  # 22 km is within 25 km
    assert [m["doc_id"] for m in report["missed"]] == ["b"]
    assert [s["sub_event_type"] for s in report["spurious"]] == ["Peaceful protest"]


def test_merge_is_scored_pairwise_across_documents() -> None:
    strike = gold("Air/drone strike", "2020-01-01", HOMS, docs=("a", "b", "c"))
    other = gold("Air/drone strike", "2020-01-01", RASTAN, docs=("d",))
    one = {**pred("Air/drone strike", "2020-01-01", HOMS), "event_id": "e1", "source_doc_ids": ["a", "b"]}
    split = {**pred("Air/drone strike", "2020-01-01", HOMS, doc="c"), "event_id": "e2"}
    wrong = {**pred("Air/drone strike", "2020-01-01", RASTAN), "event_id": "e1", "source_doc_ids": ["d"]}
    merge = score([one, split, wrong], [strike, other])["merge"]
    # gold pairs: a-b, a-c, b-c; merged pairs: a-b (right), a-d and b-d (wrong: e1 swallowed d's other event)
    assert (merge["gold_pairs"], merge["merged_pairs"]) == (3, 3)
    assert (merge["precision"], merge["recall"]) == (0.333, 0.333)


def test_an_alternative_in_another_event_type_counts_for_each_side_in_its_own_type() -> None:
    g = gold("Protest with intervention", "2020-01-01", HOMS, alt_sub_event_types=["Violent demonstration"])
    report = score([pred("Violent demonstration", "2020-01-01", HOMS)], [g])
    riots, protests = report["by_event_type"]["Riots"], report["by_event_type"]["Protests"]
    assert (riots["precision"], riots["recall"], riots["gold"]) == (1.0, 0.0, 0)
    assert (protests["precision"], protests["recall"], protests["predicted"]) == (0.0, 1.0, 0)
    assert report["overall"]["f1"] == 1.0

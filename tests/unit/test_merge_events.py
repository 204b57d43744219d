import copy
from typing import Any

from sitrep import schemas
from sitrep.extraction import blocking_keys, merge


def cand(doc: str, day: str = "2022-06-07", fatalities: int | None = None, lat: float = 36.32,
         actor1: str | None = "Turkey") -> dict[str, Any]:
    return {"event_id": "provisional", "version": 1, "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike", "event_date": day, "time_precision": 1,
            "location": {"name": "Sinjar", "country": "Iraq", "admin1": "Ninawa", "lat": lat, "lon": 41.86,
                         "geo_precision": 1},
            "actor1": actor1, "actor2": "PKK", "fatalities": fatalities, "source_doc_ids": [doc],
            "evidence": [{"doc_id": doc, "start": 0, "end": 10, "text": "x"}], "confidence": 0.7,
            "published_at": day}


def test_second_report_merges_and_bumps_version() -> None:
    state: dict[str, Any] = {}
    (first,) = merge(state, [cand("a", fatalities=3)])
    (second,) = merge(state, [cand("b", day="2022-06-08", fatalities=7)])
    assert first["version"] == 1 and second["version"] == 2
    assert second["event_id"] == first["event_id"]
    assert second["source_doc_ids"] == ["a", "b"]
    assert second["fatalities"] == 7 and second["event_date"] == "2022-06-07"
    schemas.check("events", second)


def test_reapplying_a_document_changes_nothing() -> None:
    state: dict[str, Any] = {}
    merge(state, [cand("a", fatalities=3)])
    before = copy.deepcopy(state)
    assert merge(state, [cand("a", fatalities=3)]) == []
    assert state == before


def test_distant_place_other_actor_or_other_week_is_a_new_event() -> None:
    state: dict[str, Any] = {}
    merge(state, [cand("a")])
    assert merge(state, [cand("b", lat=37.5)])[0]["version"] == 1  # ~130 km away
    assert merge(state, [cand("c", actor1="Iran")])[0]["version"] == 1
    assert merge(state, [cand("d", day="2022-06-20")])[0]["version"] == 1
    assert len(state["events"]) == 4


def test_event_id_is_deterministic_and_state_is_json_safe() -> None:
    import orjson

    s1: dict[str, Any] = {}
    s2: dict[str, Any] = {}
    assert merge(s1, [cand("a")])[0]["event_id"] == merge(s2, [cand("z")])[0]["event_id"]
    assert orjson.loads(orjson.dumps(s1)) == s1


def test_blocking_keys_cover_the_tolerance() -> None:
    keys = blocking_keys(cand("a", day="2022-06-06"))  # a Monday: the day before is in the previous ISO week
    assert keys[0] == "Air/drone strike|Iraq|2022-W23"
    assert "Air/drone strike|Iraq|2022-W22" in keys


def test_one_report_of_two_days_at_one_place_stays_two_events() -> None:
    state: dict[str, Any] = {}
    merge(state, [cand("a", day="2022-06-07"), cand("a", day="2022-06-08")])
    assert sorted(e["event_date"] for e in state["events"].values()) == ["2022-06-07", "2022-06-08"]


def with_place(c: dict[str, Any], **loc: Any) -> dict[str, Any]:
    c["location"] = {**c["location"], **loc}
    return c


def test_each_source_keeps_its_toll_and_the_event_takes_the_latest_lowest() -> None:
    state: dict[str, Any] = {}
    merge(state, [cand("a", fatalities=12)])  # published 2022-06-07
    later = cand("b", fatalities=20)
    later["published_at"] = "2022-06-09"
    (rising,) = merge(state, [later])
    assert rising["fatalities"] == 20 and rising["version"] == 2
    same_day = cand("c", fatalities=18)
    same_day["published_at"] = "2022-06-09"
    (lower,) = merge(state, [same_day])
    assert lower["fatalities"] == 18  # two reports of the latest day disagree: the lower figure
    assert [(t["doc_id"], t["fatalities"]) for t in lower["fatalities_by_source"]] == [("a", 12), ("b", 20), ("c", 18)]
    schemas.check("events", lower)


def test_toll_does_not_depend_on_arrival_order() -> None:
    reports = [cand("a", fatalities=12), cand("b", fatalities=20), cand("c", fatalities=18)]
    reports[1]["published_at"] = reports[2]["published_at"] = "2022-06-09"
    finals = []
    for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2]):
        state: dict[str, Any] = {}
        for i in order:
            merge(state, [copy.deepcopy(reports[i])])
        (event,) = state["events"].values()
        finals.append((event["fatalities"], event["fatalities_by_source"]))
    assert finals[0] == finals[1] == finals[2] and finals[0][0] == 18


def test_a_country_level_mention_does_not_swallow_a_precise_event() -> None:
    state: dict[str, Any] = {}
    merge(state, [cand("a")])
    vague = with_place(cand("b"), name="Iraq", admin1=None, lat=None, lon=None, geo_precision=3)
    assert merge(state, [vague])[0]["version"] == 1
    province = with_place(cand("c"), name="Ninawa", admin1="Ninawa", lat=36.3, lon=42.5, geo_precision=3)
    assert merge(state, [province])[0]["version"] == 2  # same admin1 as the precise event: one event
    assert len(state["events"]) == 2


def test_actor_names_are_compared_normalised_and_a_named_actor_replaces_an_unidentified_one() -> None:
    state: dict[str, Any] = {}
    merge(state, [cand("a", actor1="Unidentified Armed Group (Iraq)")])
    (named,) = merge(state, [cand("b", actor1="Military Forces of Turkey")])
    assert named["version"] == 2 and named["actor1"] == "Military Forces of Turkey"
    (same,) = merge(state, [cand("c", actor1="the military forces of turkey")])
    assert same["version"] == 3 and same["actor1"] == "Military Forces of Turkey"
    assert merge(state, [cand("d", actor1="Military Forces of Iran")])[0]["version"] == 1

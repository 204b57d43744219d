"""Matching events to subscriptions, and deciding when an event version deserves (another) alert."""

from __future__ import annotations

from typing import Any

import pytest

from sitrep import schemas
from sitrep.alerter.decide import Decision, Prior, evaluate
from sitrep.alerter.matcher import match
from sitrep.alerter.state import AlertState
from sitrep.alerter.subscriptions import Subscription, parse_subscriptions

SUBS = parse_subscriptions({"subscriptions": [
    {"name": "near-tanf", "near": {"lat": 33.50, "lon": 38.62, "radius_km": 50}},
    {"name": "syria-air", "sub_event_types": ["Air/drone strike"], "countries": ["syria"]},
    {"name": "chemical", "keywords": ["chlorine", "nerve agent"]},
    {"name": "big-ones", "min_fatalities": 10},
    {"name": "coalition-box", "actors": ["coalition"], "bbox": [38, 33, 39, 34]},
]})
BY_NAME = {s.name: s for s in SUBS}


def event(event_id: str = "e1", version: int = 1, **over: Any) -> dict[str, Any]:
    loc = {"name": "At Tanf", "country": "Syria", "admin1": "Homs", "lat": 33.50, "lon": 38.62, "geo_precision": 2}
    loc.update(over.pop("location", {}))
    e: dict[str, Any] = {
        "event_id": event_id, "version": version, "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike", "event_date": "2017-05-18", "time_precision": 1, "location": loc,
        "actor1": "US-led coalition", "actor2": "Syrian government forces", "fatalities": 6,
        "source_doc_ids": ["d1"], "evidence": [{"doc_id": "d1", "start": 0, "end": 40,
                                                "text": "coalition aircraft struck a convoy near the garrison"}],
        "confidence": 0.9, "published_at": "2017-05-18T18:00:00Z",
    }
    e.update(over)
    return e


HOMS = {"name": "Homs", "admin1": "Homs", "lat": 34.73, "lon": 36.71}


def test_a_strike_at_tanf_fires_the_tanf_subscription_and_one_in_homs_does_not() -> None:
    near = BY_NAME["near-tanf"]
    hit = match(near, event(location={"lat": 33.52, "lon": 38.70}))
    assert hit is not None and 0 < hit["within_km"] < 10
    assert match(near, event(location=HOMS)) is None  # ~213 km away
    assert match(near, event(location={"lat": None, "lon": None})) is None


def test_type_and_country_filters_both_have_to_hold() -> None:
    air = BY_NAME["syria-air"]
    assert match(air, event(location=HOMS)) == {"sub_event_type": "Air/drone strike", "country": "Syria",
                                                 "fatalities": 6}
    assert match(air, event(sub_event_type="Armed clash", event_type="Battles")) is None
    assert match(air, event(location={"country": "Iraq"})) is None


def test_keywords_match_whole_words_in_evidence_place_or_actors_in_any_case() -> None:
    chem = BY_NAME["chemical"]
    ev = event(evidence=[{"doc_id": "d", "start": 0, "end": 9, "text": "Residents smelled CHLORINE; a nerve\nagent "
                                                                          "was suspected"}])
    hit = match(chem, ev)
    assert hit is not None and hit["keywords"] == ["chlorine", "nerve agent"]
    assert match(chem, event(evidence=[{"doc_id": "d", "start": 0, "end": 9, "text": "chlorinated water"}])) is None
    assert match(chem, event(actor2="Chlorine Brigade", evidence=[])) is not None


def test_minimum_fatalities_treats_an_unknown_count_as_not_enough() -> None:
    big = BY_NAME["big-ones"]
    assert match(big, event(fatalities=10)) is not None
    assert match(big, event(fatalities=9)) is None
    assert match(big, event(fatalities=None)) is None


def test_actor_and_box_filters() -> None:
    box = BY_NAME["coalition-box"]
    assert match(box, event()) == {"actors": ["US-led coalition"], "in_bbox": [38.0, 33.0, 39.0, 34.0],
                                   "fatalities": 6}
    assert match(box, event(actor1="Syrian government forces", actor2=None)) is None
    assert match(box, event(location=HOMS)) is None


# --- deciding ------------------------------------------------------------------------------------------------------
def _run(events: list[dict[str, Any]], subs: list[Subscription], state: dict[tuple[str, str], Prior]
         ) -> list[Decision]:
    """Feed versions one by one the way the alerter does, remembering each decision."""
    out = []
    for e in events:
        for d in evaluate(e, subs, lambda s, i: state.get((s, i)), "2026-01-01T00:00:00Z"):
            state[(d.subscription, d.event_id)] = d.state
            out.append(d)
    return out


def _alerts(decisions: list[Decision]) -> list[tuple[str, int, str]]:
    return [(d.subscription, d.version, d.alert["reason"]) for d in decisions if d.alert]


def test_a_new_casualty_figure_realerts_and_a_replay_does_not() -> None:
    subs = [BY_NAME["near-tanf"]]
    state: dict[tuple[str, str], Prior] = {}
    assert _alerts(_run([event(version=1, fatalities=6)], subs, state)) == [("near-tanf", 1, "new")]
    assert _alerts(_run([event(version=1, fatalities=6)], subs, state)) == []  # replay
    assert _alerts(_run([event(version=2, fatalities=9)], subs, state)) == [("near-tanf", 2, "changed")]
    assert _alerts(_run([event(version=1, fatalities=6), event(version=2, fatalities=9)], subs, state)) == []


def test_a_version_that_changes_nothing_that_matched_advances_quietly() -> None:
    subs = [BY_NAME["near-tanf"]]
    state: dict[tuple[str, str], Prior] = {}
    _run([event(version=1)], subs, state)
    decisions = _run([event(version=2, source_doc_ids=["d1", "d2"])], subs, state)
    assert [(d.version, d.alert) for d in decisions] == [(2, None)]
    assert state[("near-tanf", "e1")].version == 2
    # a geocoder nudge of a few hundred metres is not news either
    assert _alerts(_run([event(version=3, location={"lat": 33.502, "lon": 38.621})], subs, state)) == []


def test_an_older_version_arriving_late_never_alerts_or_rolls_back() -> None:
    subs = [BY_NAME["near-tanf"]]
    state: dict[tuple[str, str], Prior] = {}
    _run([event(version=3, fatalities=9)], subs, state)
    assert _alerts(_run([event(version=2, fatalities=4)], subs, state)) == []
    assert state[("near-tanf", "e1")].version == 3


def test_stopping_and_starting_to_match_again_alerts_again() -> None:
    subs = [BY_NAME["big-ones"]]
    state: dict[tuple[str, str], Prior] = {}
    got = _run([event(version=1, fatalities=12), event(version=2, fatalities=8), event(version=3, fatalities=12)],
               subs, state)
    assert _alerts(got) == [("big-ones", 1, "new"), ("big-ones", 3, "matches_again")]


def test_events_that_never_matched_leave_no_state() -> None:
    state: dict[tuple[str, str], Prior] = {}
    assert _run([event(location=HOMS)], [BY_NAME["near-tanf"]], state) == []
    assert state == {}


def test_each_subscription_decides_for_itself() -> None:
    state: dict[tuple[str, str], Prior] = {}
    got = _alerts(_run([event(location=HOMS)], SUBS, state))
    assert sorted(s for s, _, _ in got) == ["syria-air"]


def test_an_alert_satisfies_the_alerts_schema_and_names_what_matched() -> None:
    (d,) = _run([event()], [BY_NAME["near-tanf"]], {})
    assert d.alert is not None
    schemas.check("alerts", d.alert)
    assert d.alert["alert_id"] == "near-tanf:e1:1"
    assert d.alert["matched"]["within_km"] == pytest.approx(0.0)


def test_the_alert_state_survives_a_restart(tmp_path: Any) -> None:
    path = tmp_path / "state.db"
    first = AlertState(path)
    subs = [BY_NAME["near-tanf"]]
    decisions = evaluate(event(version=1), subs, first.get, "t")
    assert [d.alert is not None for d in decisions] == [True]
    first.save(decisions)
    first.close()
    again = AlertState(path)
    assert evaluate(event(version=1), subs, again.get, "t") == []  # no re-alert after restart
    again.save([Decision("near-tanf", "e1", 0, "stale", None)])  # an older write never wins
    assert again.get("near-tanf", "e1") == Prior(1, decisions[0].fingerprint)
    again.close()


CORROBORATED = parse_subscriptions({"subscriptions": [
    {"name": "two-sources", "near": {"lat": 33.50, "lon": 38.62, "radius_km": 50}, "min_independent_sources": 2},
    {"name": "each-source", "near": {"lat": 33.50, "lon": 38.62, "radius_km": 50},
     "realert_on_corroboration": True},
]})


def test_no_alert_until_enough_independent_sources_then_one_alert() -> None:
    subs = [CORROBORATED[0]]
    state: dict[tuple[str, str], Prior] = {}
    assert _alerts(_run([event(version=1, n_independent_sources=1)], subs, state)) == []
    assert _alerts(_run([event(version=2, n_independent_sources=2)], subs, state)) == [("two-sources", 2, "new")]
    # a third independent source is not news for a subscription that did not ask for corroboration alerts
    assert _alerts(_run([event(version=3, n_independent_sources=3)], subs, state)) == []


def test_corroboration_realerts_only_when_the_count_rises_above_any_seen() -> None:
    subs = [CORROBORATED[1]]
    state: dict[tuple[str, str], Prior] = {}
    assert _alerts(_run([event(version=1, n_independent_sources=1)], subs, state)) == [("each-source", 1, "new")]
    assert _alerts(_run([event(version=2, n_independent_sources=2)], subs, state)) == [
        ("each-source", 2, "corroborated")]
    assert _alerts(_run([event(version=3, n_independent_sources=1)], subs, state)) == []  # a dip is not news
    assert _alerts(_run([event(version=4, n_independent_sources=2)], subs, state)) == []  # nor coming back
    assert _alerts(_run([event(version=5, n_independent_sources=2, fatalities=9)], subs, state)) == [
        ("each-source", 5, "changed")]


@pytest.mark.parametrize("bad", [{"min_independent_sources": 0}, {"min_independent_sources": "2"},
                                 {"realert_on_corroboration": "yes"}])
def test_bad_corroboration_settings_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(Exception, match="expected"):
        parse_subscriptions({"subscriptions": [{"name": "x", **bad}]})

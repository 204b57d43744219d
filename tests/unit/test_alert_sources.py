"""Subscriptions that weigh an event by its sources: no alert before N independent sources, and (if asked) another
alert each time the count of independent sources rises."""

from __future__ import annotations

from typing import Any

import pytest

from sitrep import schemas
from sitrep.alerter.decide import Decision, Prior, evaluate
from sitrep.alerter.matcher import fingerprint, match
from sitrep.alerter.subscriptions import Subscription, SubscriptionError, parse_subscriptions
from tests.unit.test_alert_matcher import event


def sub(**keys: Any) -> Subscription:
    (one,) = parse_subscriptions({"subscriptions": [{"name": "s", "countries": ["Syria"], **keys}]})
    return one


def sourced(version: int, independent: int, total: int | None = None, **over: Any) -> dict[str, Any]:
    return event(version=version, n_sources=total or independent, n_independent_sources=independent, **over)


def run(
    versions: list[dict[str, Any]], subscription: Subscription, state: dict[tuple[str, str], Prior] | None = None
) -> list[Decision]:
    state = {} if state is None else state
    out = []
    for v in versions:
        for d in evaluate(v, [subscription], lambda s, i: state.get((s, i)), "2026-01-01T00:00:00Z"):
            state[(d.subscription, d.event_id)] = d.state
            out.append(d)
    return out


def alerts(decisions: list[Decision]) -> list[tuple[int, str]]:
    return [(d.version, d.alert["reason"]) for d in decisions if d.alert]


def test_the_keys_parse_and_mistakes_are_refused() -> None:
    s = sub(min_independent_sources=2, realert_on_corroboration=True)
    assert (s.min_independent_sources, s.realert_on_corroboration) == (2, True)
    assert (sub().min_independent_sources, sub().realert_on_corroboration) == (None, False)
    for bad in (
        {"min_independent_sources": 0},
        {"min_independent_sources": "2"},
        {"min_independent_sources": True},
        {"realert_on_corroboration": "yes"},
    ):
        with pytest.raises(SubscriptionError, match=r"min_independent_sources|realert_on_corroboration"):
            sub(**bad)
    # a minimum of sources is a filter of its own: "every well-corroborated event"
    (alone,) = parse_subscriptions({"subscriptions": [{"name": "a", "min_independent_sources": 3}]})
    assert alone.min_independent_sources == 3


def test_no_match_until_enough_independent_sources() -> None:
    s = sub(min_independent_sources=2)
    assert match(s, sourced(1, independent=1, total=4)) is None  # four outlets, one story
    hit = match(s, sourced(2, independent=2, total=4))
    assert hit is not None and hit["independent_sources"] == 2
    # an event from before sources were counted: each extracted report is a source
    assert match(s, event(source_doc_ids=["a"])) is None
    assert match(s, event(source_doc_ids=["a", "b"])) is not None


def test_the_first_alert_waits_for_corroboration_and_more_copies_add_nothing() -> None:
    s = sub(min_independent_sources=2)
    got = run([sourced(1, 1), sourced(2, 1, total=3), sourced(3, 2, total=3), sourced(4, 3, total=5)], s)
    assert alerts(got) == [(3, "new")]  # version 4 has more sources, but this subscription did not ask to hear it


def test_realert_on_corroboration_alerts_each_rise_and_nothing_else() -> None:
    s = sub(realert_on_corroboration=True)
    state: dict[tuple[str, str], Prior] = {}
    got = run([sourced(1, 1), sourced(2, 1, total=2), sourced(3, 2, total=3), sourced(4, 3)], s, state)
    assert alerts(got) == [(1, "new"), (3, "corroborated"), (4, "corroborated")]
    # a count that dips and comes back is not corroboration; a rise above the highest seen is
    got = run([sourced(5, 2), sourced(6, 3), sourced(7, 4)], s, state)
    assert alerts(got) == [(7, "corroborated")]
    # another change of what matched is still "changed"
    assert alerts(run([sourced(8, 4, fatalities=11)], s, state)) == [(8, "changed")]


def test_min_and_realert_together() -> None:
    s = sub(min_independent_sources=2, realert_on_corroboration=True)
    got = run([sourced(1, 1), sourced(2, 2), sourced(3, 2, total=5), sourced(4, 3)], s)
    assert alerts(got) == [(2, "new"), (4, "corroborated")]


def test_subscriptions_that_ignore_sources_keep_their_fingerprints() -> None:
    # an alert state written before sources existed must not see every event as changed
    plain = sub()
    matched = match(plain, sourced(1, 3))
    assert matched is not None and "independent_sources" not in matched
    assert fingerprint(matched) == fingerprint({"country": "Syria", "fatalities": 6})
    assert "+" not in fingerprint(matched)
    assert alerts(run([sourced(1, 1), sourced(2, 5)], plain)) == [(1, "new")]


def test_turning_realert_on_later_does_not_alert_on_old_news() -> None:
    state: dict[tuple[str, str], Prior] = {}
    run([sourced(1, 2)], sub(), state)  # remembered without a source count
    assert alerts(run([sourced(2, 2)], sub(realert_on_corroboration=True), state)) == []
    assert alerts(run([sourced(3, 3)], sub(realert_on_corroboration=True), state)) == [(3, "corroborated")]


def test_a_corroboration_alert_satisfies_the_alerts_schema() -> None:
    got = run([sourced(1, 1), sourced(2, 2)], sub(realert_on_corroboration=True))
    last = got[-1].alert
    assert last is not None and last["reason"] == "corroborated" and last["previous_version"] == 1
    assert last["matched"]["independent_sources"] == 2
    schemas.check("alerts", last)

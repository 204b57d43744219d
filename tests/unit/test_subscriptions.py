"""Loading subscriptions: the example file is valid, and mistakes are refused at start-up, not discovered later."""

from __future__ import annotations

from typing import Any

import pytest

from sitrep.alerter.subscriptions import SubscriptionError, load_subscriptions, parse_subscriptions, webhook_secrets
from tests.conftest import ROOT


def test_the_example_file_loads_with_its_documented_subscriptions() -> None:
    subs = {s.name: s for s in load_subscriptions(ROOT / "deploy" / "subscriptions.example.yaml")}
    assert {"near-tanf", "syria-airstrikes", "chemical-weapons"} <= set(subs)
    tanf = subs["near-tanf"].near
    assert tanf is not None and (tanf.lat, tanf.lon, tanf.radius_km) == (33.5, 38.62, 50)
    assert subs["syria-airstrikes"].sub_event_types == ("Air/drone strike",)
    assert subs["syria-airstrikes"].countries == ("Syria",)
    assert "sarin" in subs["chemical-weapons"].keywords
    levant = subs["mass-casualty-levant"]
    assert (levant.min_independent_sources, levant.realert_on_corroboration) == (1, True)
    assert subs["near-tanf"].min_independent_sources is None and not subs["near-tanf"].realert_on_corroboration
    # the example must start as shipped (docker-compose runs it): no webhook that needs a secret
    assert all(s.webhook is None for s in subs.values())


def test_a_webhook_block_parses_with_defaults_and_overrides() -> None:
    (sub,) = parse_subscriptions({"subscriptions": [{"name": "a", "keywords": ["sarin"], "webhook": {
        "url": "https://hooks.example.org/x", "secret_env": "HOOK_A", "max_attempts": 7}}]})
    assert sub.webhook is not None
    assert (sub.webhook.secret_env, sub.webhook.max_attempts, sub.webhook.backoff_seconds) == ("HOOK_A", 7, 0.5)


@pytest.mark.parametrize(("doc", "complaint"), [
    ({"subscriptions": [{"name": "a", "countrys": ["Syria"]}]}, "unknown key"),
    ({"subscriptions": [{"name": "has space", "countries": ["Syria"]}]}, "name must match"),
    ({"subscriptions": [{"name": "a", "countries": ["Syria"]}, {"name": "a", "countries": ["Iraq"]}]}, "duplicate"),
    ({"subscriptions": [{"name": "a"}]}, "no filters"),
    ({"subscriptions": [{"name": "a", "sub_event_types": ["Airstrike"]}]}, "unknown sub_event_type"),
    ({"subscriptions": [{"name": "a", "near": {"lat": 33.5, "lon": 38.6}}]}, "radius_km"),
    ({"subscriptions": [{"name": "a", "near": {"lat": 133.5, "lon": 38.6, "radius_km": 5}}]}, "out of range"),
    ({"subscriptions": [{"name": "a", "min_fatalities": -2}]}, "min_fatalities"),
    ({"subscriptions": [{"name": "a", "bbox": [1, 2, 3]}]}, "bbox"),
    ({"subscriptions": [{"name": "a", "keywords": [""]}]}, "non-empty"),
    ({"subscriptions": [{"name": "a", "keywords": ["x"], "webhook": {"url": "ftp://x"}}]}, "http"),
    ({"subscriptions": [{"name": "a", "keywords": ["x"], "webhook": {"url": "https://x", "secret": "s3"}}]},
     "unknown key"),
    ({"subs": []}, "subscriptions"),
])
def test_mistakes_are_refused_with_a_reason(doc: Any, complaint: str) -> None:
    with pytest.raises(SubscriptionError, match=complaint):
        parse_subscriptions(doc)


def test_match_all_is_an_explicit_choice() -> None:
    (sub,) = parse_subscriptions({"subscriptions": [{"name": "firehose", "match_all": True}]})
    assert sub.match_all


def test_a_webhook_secret_comes_from_the_named_env_var_and_must_exist() -> None:
    subs = parse_subscriptions({"subscriptions": [
        {"name": "a", "keywords": ["x"], "webhook": {"url": "https://h.example/a", "secret_env": "HOOK_A"}},
        {"name": "b", "keywords": ["x"], "webhook": {"url": "https://h.example/b"}},  # unsigned by choice
    ]})
    assert webhook_secrets(subs, {"HOOK_A": "s3cret"}) == {"a": b"s3cret"}
    with pytest.raises(SubscriptionError, match="HOOK_A") as info:
        webhook_secrets(subs, {})
    assert "s3cret" not in str(info.value)

"""The page's pure parts on the Python side: what changed per version, where evidence sits in a document, the
token and header rules, and alerts replayed from stored versions."""

from __future__ import annotations

from typing import Any

import pytest

from sitrep.alerter.subscriptions import parse_subscription
from sitrep.web import security
from sitrep.web.alerts import recent, replay_alerts, subscription_views
from sitrep.web.evidence import place_evidence
from sitrep.web.history import version_changes
from sitrep.web.reads import Document


def record(version: int, fatalities: int | None, sources: list[str], lat: float = 33.5) -> dict[str, Any]:
    return {
        "event_id": "e1",
        "version": version,
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "event_date": "2017-05-18",
        "time_precision": 1,
        "location": {
            "name": "At Tanf",
            "country": "Syria",
            "admin1": "Homs",
            "lat": lat,
            "lon": 38.62,
            "geo_precision": 2,
        },
        "actor1": "Coalition",
        "actor2": None,
        "fatalities": fatalities,
        "source_doc_ids": sources,
        "evidence": [],
        "confidence": 0.9,
        "updated_at": f"2026-01-0{version}T00:00:00Z",
    }


def test_each_version_says_what_changed_and_which_report_caused_it() -> None:
    versions = [
        {"version": 1, "stored_at": "t1", "record": record(1, 6, ["a"])},
        {"version": 2, "stored_at": "t2", "record": record(2, 8, ["a", "b"], lat=33.6)},
        {"version": 3, "stored_at": "t3", "record": record(3, 8, ["a", "b"])},
    ]
    first, second, third = version_changes(versions)
    assert first["changes"] == [] and first["new_sources"] == ["a"]
    assert second["changes"] == [
        {"field": "fatalities", "before": 6, "after": 8},
        {"field": "location.lat", "before": 33.5, "after": 33.6},
        {"field": "source_doc_ids", "before": ["a"], "after": ["a", "b"]},
    ]
    assert second["new_sources"] == ["b"]
    # updated_at and version change every time and are not news; the point moving back is
    assert third["changes"] == [{"field": "location.lat", "before": 33.6, "after": 33.5}]
    assert third["new_sources"] == []


def doc(doc_id: str, text: str, raw_id: str | None = None) -> Document:
    return Document(
        id=doc_id,
        kind="article",
        source="s",
        url=None,
        published_at="2020-01-01",
        title=None,
        text=text,
        parent_id=None,
        raw_id=raw_id or doc_id,
    )


def test_evidence_is_found_at_its_offsets_by_its_sentence_or_across_whitespace() -> None:
    text = "Intro.\n\nJets struck the base.  Five   were\nkilled there. Unrelated."
    evidence = [
        {"doc_id": "d1", "start": 8, "end": 29, "text": "Jets struck the base."},  # offsets fit
        {"doc_id": "raw", "start": 500, "end": 520, "text": "Unrelated."},  # raw offsets: found by sentence
        {"doc_id": "d1", "start": 0, "end": 1, "text": "Five were killed there."},  # whitespace differs
        {"doc_id": "d1", "start": 0, "end": 1, "text": "Never written."},
    ]
    placed = place_evidence(evidence, [doc("d1", text, raw_id="raw"), doc("other", "x")], ["d1"])
    (view,) = placed["documents"]  # "other" is neither a source nor holds evidence: left out
    spans = {h["evidence"]: text[h["start"] : h["end"]] for h in view["highlights"]}
    assert spans == {0: "Jets struck the base.", 1: "Unrelated.", 2: "Five   were\nkilled there."}
    assert [h["start"] for h in view["highlights"]] == sorted(h["start"] for h in view["highlights"])
    assert placed["unplaced"] == [3]


def test_a_split_listing_page_puts_each_sentence_in_the_article_that_holds_it() -> None:
    docs = [doc("page~1", "First article text.", raw_id="page"), doc("page~2", "Second article text.", "page")]
    placed = place_evidence(
        [{"doc_id": "page", "start": 900, "end": 920, "text": "Second article text."}], docs, ["page~2"]
    )
    assert [(v["document"]["id"], len(v["highlights"])) for v in placed["documents"]] == [("page~2", 1)]


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_needs_no_token(host: str) -> None:
    assert security.required_token(host, {}) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "::", "sitrep.example.org"])
def test_any_other_address_refuses_to_start_without_a_long_token(host: str) -> None:
    with pytest.raises(security.TokenRequiredError):
        security.required_token(host, {})
    with pytest.raises(security.TokenRequiredError):
        security.required_token(host, {security.TOKEN_ENV: "short"})
    assert security.required_token(host, {security.TOKEN_ENV: "k" * 32}) == "k" * 32


def test_the_token_is_read_from_header_cookie_or_query_and_compared_whole() -> None:
    assert security.presented({"authorization": "Bearer abc"}, "/events") == "abc"
    assert security.presented({"cookie": "x=1; sitrep_token=def"}, "/") == "def"
    assert security.presented({}, "/?a=1&token=ghi") == "ghi"
    assert security.presented({}, "/events") is None
    assert security.allowed("abc", "abc") and not security.allowed("abc", "abcd") and not security.allowed("a", None)
    assert security.allowed(None, None)


def test_the_token_never_survives_into_a_url_or_a_log_line() -> None:
    assert security.without_token("/?token=s3cret&country=Syria") == "/?country=Syria"
    assert security.without_token("/?token=s3cret") == "/"
    assert security.without_token("/events?country=Syria") == "/events?country=Syria"
    line = security.redact_line('"GET /?country=Syria&token=s3cret HTTP/1.1" 303 -')
    assert "s3cret" not in line and "token=***" in line


def test_the_csp_allows_only_this_origin_and_an_optional_tile_server() -> None:
    csp = security.security_headers(None)["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    origin = security.tile_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    assert origin == "https://*.tiles.example.org"
    assert origin in security.security_headers(origin)["Content-Security-Policy"]
    with pytest.raises(SystemExit):
        security.tile_origin("javascript:alert(1)")


def test_alerts_replayed_from_stored_versions_follow_the_alerter_rules() -> None:
    sub = parse_subscription({"name": "near-tanf", "near": {"lat": 33.5, "lon": 38.62, "radius_km": 50}})
    far = parse_subscription({"name": "iraq", "countries": ["Iraq"]})
    versions = [("t1", record(1, 6, ["a"])), ("t2", record(2, 6, ["a", "b"])), ("t3", record(3, 8, ["a", "b"]))]
    alerts = replay_alerts(versions, [sub, far])
    # v2 changes nothing that matched (same place, same count): no second alert; v3's new count alerts again
    assert [(a["alert_id"], a["reason"]) for a in alerts] == [("near-tanf:e1:1", "new"), ("near-tanf:e1:3", "changed")]
    views = subscription_views([sub, far], alerts)
    assert [(v["name"], v["alerts"]) for v in views] == [("near-tanf", 2), ("iraq", 0)]
    assert views[0]["filters"] == {"near": {"lat": 33.5, "lon": 38.62, "radius_km": 50.0}}
    assert [a["version"] for a in recent(alerts, "near-tanf", 1)] == [3]
    assert recent(alerts, "iraq", 10) == []

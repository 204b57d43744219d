"""The page's routes over a real SQLite store filled by the pipeline from seeds/: headers (CSP), static files,
documents, evidence placement, the timeline, live changes, alerts, CSV, and the token when one is set."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from sitrep.alerter.subscriptions import load_subscriptions
from sitrep.paths import project_root
from sitrep.storage.api import ApiServer
from sitrep.storage.backends import open_store
from sitrep.storage.formats import to_geojson
from sitrep.storage.query import parse_query
from sitrep.storage.sql_store import SqlStore
from sitrep.web.security import TOKEN_ENV, TokenRequiredError
from tests.browser.filling import fill_from_corpus, fill_from_raw

pytestmark = pytest.mark.integration
SUBSCRIPTIONS = load_subscriptions(project_root() / "deploy" / "subscriptions.example.yaml")


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    store = open_store(url)
    fill_from_corpus(store, project_root() / "seeds")
    store.close()
    return url


@pytest.fixture(scope="module")
def writer(db_url: str) -> Iterator[SqlStore]:
    store = open_store(db_url)
    yield store
    store.close()


@pytest.fixture(scope="module")
def api(db_url: str) -> Iterator[str]:
    store = open_store(db_url, read_only=True)
    server = ApiServer(store, "127.0.0.1", 0, subscriptions=SUBSCRIPTIONS, env={}).start()
    yield server.url
    server.stop()
    store.close()


def records(writer: SqlStore) -> list[dict[str, Any]]:
    return [orjson.loads(r[0]) for r in writer.execute("SELECT record FROM events").fetchall()]


def test_every_response_carries_the_csp_and_the_page_has_no_inline_script(api: str) -> None:
    for path in ("/", "/events", "/static/app.js", "/no-such-thing"):
        headers = httpx.get(f"{api}{path}").headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"
    page = httpx.get(f"{api}/")
    assert page.headers["content-type"].startswith("text/html")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", page.text), "inline event handler"
    assert httpx.get(f"{api}/static/app.js").headers["content-type"].startswith("text/javascript")
    basemap = httpx.get(f"{api}/static/countries.geojson").json()
    assert basemap["type"] == "FeatureCollection" and len(basemap["features"]) > 200


@pytest.mark.parametrize("path", ["/static/../api.py", "/static/%2e%2e%2fapi.py", "/static/.hidden", "/static/"])
def test_static_files_stay_inside_the_package(api: str, path: str) -> None:
    assert httpx.get(f"{api}{path}").status_code == 404


def test_one_event_comes_with_what_changed_and_its_evidence_in_the_documents(api: str, writer: SqlStore) -> None:
    merged = max(records(writer), key=lambda e: e["version"])
    body = httpx.get(f"{api}/events/{merged['event_id']}").json()
    assert [c["version"] for c in body["changes"]] == list(range(1, merged["version"] + 1))
    assert body["changes"][-1]["new_sources"]
    placed = body["evidence"]
    assert placed["unplaced"] == []
    found = {
        h["evidence"]: v["document"]["text"][h["start"] : h["end"]]
        for v in placed["documents"]
        for h in v["highlights"]
    }
    for index, ev in enumerate(merged["evidence"]):
        assert found[index].split() == ev["text"].split()
    doc_id = placed["documents"][0]["document"]["id"]
    doc = httpx.get(f"{api}/documents/{doc_id}").json()
    stored_text = writer.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    assert doc["text"] == stored_text
    assert httpx.get(f"{api}/documents/no-such-doc").status_code == 404


def test_the_map_geojson_read_from_columns_is_the_one_made_from_the_records(api: str, writer: SqlStore) -> None:
    expected = to_geojson(writer.query_events(parse_query({"limit": ["10000"]})))
    assert httpx.get(f"{api}/events.geojson", params={"limit": "10000"}).json() == orjson.loads(orjson.dumps(expected))
    near = httpx.get(f"{api}/events.geojson", params={"near": "33.5,38.62", "radius_km": "50"}).json()
    assert 0 < len(near["features"]) < len(expected["features"])


def test_the_timeline_counts_every_matching_event_per_day_and_type(api: str, writer: SqlStore) -> None:
    days = httpx.get(f"{api}/timeline").json()["days"]
    assert sum(sum(d["counts"].values()) for d in days) == writer.count("events")
    assert [d["date"] for d in days] == sorted(d["date"] for d in days)
    battles = httpx.get(f"{api}/timeline", params={"event_type": "Battles"}).json()["days"]
    expected = sum(1 for e in records(writer) if e["event_type"] == "Battles")
    assert sum(d["counts"].get("Battles", 0) for d in battles) == expected > 0
    assert all(set(d["counts"]) == {"Battles"} for d in battles)
    near = httpx.get(f"{api}/timeline", params={"near": "33.5,38.62", "radius_km": "50"}).json()["days"]
    assert 0 < sum(sum(d["counts"].values()) for d in near) < writer.count("events")


def test_changes_bring_what_was_stored_after_the_cursor_under_the_filters(api: str, writer: SqlStore) -> None:
    start = httpx.get(f"{api}/changes").json()
    assert start["events"] == [] and start["cursor"]
    report = {
        "id": "web-live-1",
        "kind": "article",
        "url": "https://news.example.org/1",
        "source": "Example",
        "published_at": "2020-06-02T09:00:00Z",
        "title": "Rally",
        "text": "Rally\n\nProtesters rallied in Daraa on 1 June against rising prices, witnesses said.",
    }
    (new,) = fill_from_raw(writer, [report])
    body = httpx.get(f"{api}/changes", params={"updated_after": start["cursor"]}).json()
    assert new["event_id"] in {e["event_id"] for e in body["events"]}
    assert body["cursor"] > start["cursor"]
    (mine,) = [e for e in body["events"] if e["event_id"] == new["event_id"]]
    assert mine["stored_at"] > start["cursor"]
    other = httpx.get(f"{api}/changes", params={"updated_after": start["cursor"], "country": "Iraq"}).json()
    assert new["event_id"] not in {e["event_id"] for e in other["events"]}
    assert httpx.get(f"{api}/changes", params={"updated_after": "soon"}).status_code == 400


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    cos = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0088 * math.acos(min(1.0, cos))


def test_alerts_are_the_subscriptions_matches_on_stored_versions(api: str, writer: SqlStore) -> None:
    body = httpx.get(f"{api}/alerts", params={"subscription": "near-tanf", "limit": "1000"}).json()
    assert [s["name"] for s in body["subscriptions"]] == [s.name for s in SUBSCRIPTIONS]
    near = {
        e["event_id"]
        for e in records(writer)
        if e["location"]["lat"] is not None and _km(33.5, 38.62, e["location"]["lat"], e["location"]["lon"]) <= 50
    }
    assert near and {a["event_id"] for a in body["alerts"]} == near
    assert all(a["subscription"] == "near-tanf" for a in body["alerts"])
    stamps = [a["stored_at"] for a in body["alerts"]]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    assert httpx.get(f"{api}/alerts", params={"subscription": "nope"}).status_code == 404
    assert httpx.get(f"{api}/alerts", params={"limit": "0"}).status_code == 400


def test_csv_export_and_the_new_filters(api: str, writer: SqlStore) -> None:
    r = httpx.get(f"{api}/events.csv", params={"event_type": "Strategic developments", "limit": "10000"})
    assert r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    rows = r.text.strip().splitlines()
    expected = {e["event_id"] for e in records(writer) if e["event_type"] == "Strategic developments"}
    assert {line.split(",")[0] for line in rows[1:]} == expected
    assert httpx.post(f"{api}/events.csv").status_code == 405


def test_with_a_token_set_every_request_needs_it_and_no_log_line_shows_it(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "tok-" + "x7" * 12
    caplog.set_level(logging.DEBUG)
    store = open_store(db_url, read_only=True)
    server = ApiServer(store, "127.0.0.1", 0, env={TOKEN_ENV: secret}).start()
    try:
        assert httpx.get(f"{server.url}/events").status_code == 401
        assert httpx.get(f"{server.url}/").status_code == 401
        assert httpx.get(f"{server.url}/healthz").status_code == 200  # probes carry no token
        assert httpx.get(f"{server.url}/events", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(f"{server.url}/events", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        first = httpx.get(f"{server.url}/?token={secret}&country=Syria")
        assert first.status_code == 303 and first.headers["location"] == "/?country=Syria"
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        with httpx.Client(base_url=server.url, cookies=first.cookies) as browser_like:
            assert browser_like.get("/?country=Syria").status_code == 200
            assert browser_like.get("/static/app.js").status_code == 200
    finally:
        server.stop()
        store.close()
    # the server's own log lines (the test's HTTP client logs its requests too, token included: not the server's)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("sitrep"))
    assert "country=Syria" in logged  # the request lines were logged...
    assert secret not in logged  # ...without the token


def test_a_public_address_without_a_token_does_not_start(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with pytest.raises(TokenRequiredError):
            ApiServer(store, "0.0.0.0", 0, env={})
    finally:
        store.close()

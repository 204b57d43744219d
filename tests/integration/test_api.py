"""The read-only HTTP API over a real database (SQLite and PostgreSQL): the same filters as the CLI, one event with
its history, GeoJSON, the OpenAPI document, and refusal of anything but GET."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sitrep.storage.api import ApiServer
from sitrep.storage.backends import open_store
from sitrep.topics import Topic
from tests.integration.test_storage_backends import CORPUS, event
from tests.postgres import fresh_postgres_url, postgres_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    url = (f"sqlite:///{tmp_path / 'api.db'}" if request.param == "sqlite"
           else str(request.getfixturevalue("fresh_postgres_url")))
    writer = open_store(url)
    for r in [*CORPUS, event("tanf", 2, fatalities=8)]:
        writer.add(Topic.EVENTS, r)
    writer.flush()
    writer.close()
    store = open_store(url, read_only=True)
    server = ApiServer(store, "127.0.0.1", 0).start()
    yield server.url
    server.stop()
    store.close()


def test_events_filters_match_the_cli_filters(api: str) -> None:
    body = httpx.get(f"{api}/events", params={"near": "33.5,38.62", "radius_km": "10"}).json()
    assert body["count"] == 2 and [e["event_id"] for e in body["events"]] == ["tanf", "tanf-base"]
    assert body["events"][0]["version"] == 2  # the latest version
    many = httpx.get(f"{api}/events?country=Iraq&country=Fiji&min_fatalities=1").json()
    assert [e["event_id"] for e in many["events"]] == ["fiji"]


def test_bad_parameters_get_a_400_with_a_reason(api: str) -> None:
    r = httpx.get(f"{api}/events", params={"near": "33.5,38.62"})
    assert r.status_code == 400 and "radius_km" in r.json()["error"]


def test_geojson(api: str) -> None:
    r = httpx.get(f"{api}/events.geojson", params={"place": "mosul"})
    assert r.headers["content-type"] == "application/geo+json"
    (feature,) = r.json()["features"]
    assert feature["geometry"]["coordinates"] == [43.13, 36.34]


def test_one_event_with_its_versions_and_404_for_an_unknown_one(api: str) -> None:
    body = httpx.get(f"{api}/events/tanf").json()
    assert body["event"]["version"] == 2
    assert [(v["version"], v["record"]["fatalities"]) for v in body["versions"]] == [(1, 6), (2, 8)]
    assert httpx.get(f"{api}/events/no-such-event").status_code == 404


def test_health_openapi_and_read_only(api: str) -> None:
    assert httpx.get(f"{api}/healthz").status_code == 200
    doc = httpx.get(f"{api}/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert {"/events", "/events.geojson", "/events/{event_id}", "/healthz"} <= set(doc["paths"])
    names = {p["name"] for p in doc["paths"]["/events"]["get"]["parameters"]}
    assert {"since", "until", "event_type", "sub_event_type", "actor", "country", "place", "bbox", "near",
            "radius_km", "min_fatalities", "min_independent_sources", "updated_after", "limit"} == names
    r = httpx.post(f"{api}/events", json={})
    assert r.status_code == 405 and r.headers["allow"] == "GET"
    assert httpx.delete(f"{api}/events/tanf").status_code == 405
    assert httpx.get(f"{api}/events/tanf").status_code == 200


def test_the_openapi_document_is_valid_openapi_3_1() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    from sitrep.storage.openapi import document

    validator.validate(document())


AP = {"doc_id": "ap-1", "outlet": "apnews.com", "url": "https://apnews.com/x", "published_at": "2017-05-18T10:00Z",
      "copy_of": None}
COPY = {"doc_id": "repost-1", "outlet": "local.example", "url": None, "published_at": "2017-05-18T12:00Z",
        "copy_of": "ap-1"}
RT = {"doc_id": "rt-1", "outlet": "reuters.com", "url": None, "published_at": "2017-05-18T13:00Z", "copy_of": None}


@pytest.fixture(params=["sqlite", "postgres"])
def sourced_api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    url = (f"sqlite:///{tmp_path / 'api.db'}" if request.param == "sqlite"
           else str(request.getfixturevalue("fresh_postgres_url")))
    writer = open_store(url)
    for r in (event("one-story", sources=[AP, COPY], n_sources=2, n_independent_sources=1),
              event("corroborated", event_date="2017-05-17", sources=[AP, COPY, RT], n_sources=3,
                    n_independent_sources=2)):
        writer.add(Topic.EVENTS, r)
    writer.flush()
    writer.close()
    store = open_store(url, read_only=True)
    server = ApiServer(store, "127.0.0.1", 0).start()
    yield server.url
    server.stop()
    store.close()


def test_events_filter_on_independent_sources_and_carry_the_sources(sourced_api: str) -> None:
    everything = httpx.get(f"{sourced_api}/events").json()
    assert [e["event_id"] for e in everything["events"]] == ["one-story", "corroborated"]
    body = httpx.get(f"{sourced_api}/events", params={"min_independent_sources": "2"}).json()
    assert [e["event_id"] for e in body["events"]] == ["corroborated"]
    assert body["events"][0]["sources"] == [AP, COPY, RT]
    assert (body["events"][0]["n_sources"], body["events"][0]["n_independent_sources"]) == (3, 2)
    bad = httpx.get(f"{sourced_api}/events", params={"min_independent_sources": "0"})
    assert bad.status_code == 400 and "min_independent_sources" in bad.json()["error"]


def test_geojson_properties_carry_the_source_counts(sourced_api: str) -> None:
    # the map's GeoJSON is read from the table's columns (10,000 events in well under a second): it carries the
    # counts; the source objects themselves are in /events/{id}
    r = httpx.get(f"{sourced_api}/events.geojson", params={"min_independent_sources": "1"})
    props = {f["id"]: f["properties"] for f in r.json()["features"]}
    assert (props["one-story"]["n_sources"], props["one-story"]["n_independent_sources"]) == (2, 1)
    assert httpx.get(f"{sourced_api}/events/one-story").json()["event"]["sources"] == [AP, COPY]
    assert [f["id"] for f in httpx.get(f"{sourced_api}/events.geojson?min_independent_sources=2").json()[
        "features"]] == ["corroborated"]

"""The store against real databases, SQLite and PostgreSQL alike: idempotent replay, latest-version-wins with
history, migrations, and every query filter (hand-written events with known answers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitrep.storage.backends import open_store
from sitrep.storage.migrations import LATEST
from sitrep.storage.query import parse_query
from sitrep.storage.sql_store import SqlStore
from sitrep.topics import Topic
from tests.postgres import fresh_postgres_url, postgres_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration


def event(event_id: str, version: int = 1, **over: Any) -> dict[str, Any]:
    loc = {"name": "At Tanf", "country": "Syria", "admin1": "Homs", "lat": 33.5, "lon": 38.62, "geo_precision": 2}
    loc.update(over.pop("location", {}))
    base: dict[str, Any] = {
        "event_id": event_id, "version": version, "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike", "event_date": "2017-05-18", "time_precision": 1, "location": loc,
        "actor1": "US-led coalition", "actor2": "Syrian government forces", "fatalities": 6,
        "source_doc_ids": ["doc-1"], "evidence": [{"doc_id": "doc-1", "start": 0, "end": 10, "text": "strike"}],
        "confidence": 0.9, "published_at": "2017-05-18T18:00:00Z",
    }
    base.update(over)
    return base


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'events.db'}"
    return str(request.getfixturevalue("fresh_postgres_url"))


@pytest.fixture
def store(db_url: str) -> Iterator[SqlStore]:
    s = open_store(db_url)
    yield s
    s.close()


def _write(store: SqlStore, records: list[dict[str, Any]]) -> dict[str, int]:
    for r in records:
        store.add(Topic.EVENTS, r)
    return store.flush()


def _snapshot(store: SqlStore) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    return sorted(store.iter_table("events")), sorted(store.iter_table("event_versions"))


def test_migrations_are_recorded_and_reopening_applies_nothing(store: SqlStore, db_url: str) -> None:
    assert store.applied_migrations() == set(range(1, LATEST + 1))
    again = open_store(db_url)
    try:
        assert again.count("schema_migrations") == LATEST
    finally:
        again.close()


def test_replaying_the_same_versions_twice_stores_the_same_rows(store: SqlStore) -> None:
    versions = [event("e1", 1), event("e1", 2, fatalities=9), event("e2", 1, event_date="2017-06-01")]
    assert _write(store, versions) == {"event_latest": 3}
    before = _snapshot(store)
    assert _write(store, versions) == {"event_unchanged": 3}
    assert _snapshot(store) == before
    assert store.count("events") == 2
    assert store.count("event_versions") == 3


def test_a_later_version_replaces_the_earlier_and_an_older_one_does_not(store: SqlStore) -> None:
    _write(store, [event("e1", 2, fatalities=9)])
    assert _write(store, [event("e1", 1, fatalities=4)]) == {"event_history_only": 1}  # late arrival
    latest = store.event("e1")
    assert latest is not None and (latest["version"], latest["fatalities"]) == (2, 9)
    assert _write(store, [event("e1", 3, fatalities=11)]) == {"event_latest": 1}
    latest = store.event("e1")
    assert latest is not None and (latest["version"], latest["fatalities"]) == (3, 11)
    assert [v["version"] for v in store.event_versions("e1")] == [1, 2, 3]
    assert [v["record"]["fatalities"] for v in store.event_versions("e1")] == [4, 9, 11]


CORPUS = [
    event("tanf", event_date="2017-05-18"),
    event("homs", sub_event_type="Shelling/artillery/missile attack", event_date="2017-05-20", fatalities=2,
          actor1="Syrian government forces", actor2="Civilians (Syria)",
          location={"name": "Homs", "admin1": "Homs", "lat": 34.73, "lon": 36.71}),
    event("mosul", sub_event_type="Armed clash", event_type="Battles", event_date="2017-06-02", fatalities=None,
          actor1="Iraqi security forces", actor2="Islamic State",
          location={"name": "Mosul", "country": "Iraq", "admin1": "Nineveh", "lat": 36.34, "lon": 43.13}),
    event("tanf-base", sub_event_type="Headquarters or base established", event_type="Strategic developments",
          event_date="2017-04-01", fatalities=0, actor2=None,
          location={"name": "al-Tanf garrison", "lat": 33.48, "lon": 38.66}),
    event("fiji", event_date="2017-07-01", actor1="Unknown", actor2=None, fatalities=30,  # crosses the antimeridian
          location={"name": "Suva_East 100%", "country": "Fiji", "admin1": None, "lat": -18.1, "lon": 179.9}),
    event("nowhere", event_date="2017-05-19", location={"name": "somewhere in Syria", "lat": None, "lon": None,
                                                         "geo_precision": 3}),
]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["fiji", "mosul", "homs", "nowhere", "tanf", "tanf-base"]),  # newest event_date first
    ({"since": ["2017-05-19"], "until": ["2017-06-02"]}, ["mosul", "homs", "nowhere"]),
    ({"since": ["2017-05-20T10:00:00Z"]}, ["fiji", "mosul", "homs"]),  # a timestamp compares by its day
    ({"sub_event_type": ["Armed clash", "Shelling/artillery/missile attack"]}, ["mosul", "homs"]),
    ({"actor": ["islamic state"]}, ["mosul"]),
    ({"actor": ["Syrian government"]}, ["homs", "nowhere", "tanf"]),  # actor1 (homs) or actor2 (tanf, nowhere)
    ({"country": ["iraq,FIJI"]}, ["fiji", "mosul"]),
    ({"place": ["tanf"]}, ["tanf", "tanf-base"]),
    ({"place": ["_east 100%"]}, ["fiji"]),  # LIKE wildcards in the input are literal
    ({"place": ["h%s"]}, []),
    ({"min_fatalities": ["6"]}, ["fiji", "nowhere", "tanf"]),
    ({"min_fatalities": ["0"]}, ["fiji", "homs", "nowhere", "tanf", "tanf-base"]),  # unknown fatalities never pass
    ({"bbox": ["38,33,39,34"]}, ["tanf", "tanf-base"]),
    ({"bbox": ["179,-19,-179,-17"]}, ["fiji"]),
    ({"near": ["33.50,38.62"], "radius_km": ["10"]}, ["tanf", "tanf-base"]),
    ({"near": ["33.50,38.62"], "radius_km": ["250"]}, ["homs", "tanf", "tanf-base"]),  # Homs is ~213 km away
    ({"near": ["-18.1,-179.95"], "radius_km": ["20"]}, ["fiji"]),
    ({"near": ["33.50,38.62"], "radius_km": ["250"], "limit": ["2"]}, ["homs", "tanf"]),
    ({"limit": ["2"]}, ["fiji", "mosul"]),
    ({"country": ["Syria"], "sub_event_type": ["Air/drone strike"], "since": ["2017-05-01"]}, ["nowhere", "tanf"]),
])
def test_each_filter_returns_the_right_events(store: SqlStore, params: dict[str, list[str]],
                                              expected: list[str]) -> None:
    _write(store, CORPUS)
    assert [r["event_id"] for r in store.query_events(parse_query(params))] == expected


def test_queries_see_only_the_latest_version(store: SqlStore) -> None:
    _write(store, [event("e1", 1, fatalities=1), event("e1", 2, fatalities=12)])
    assert [r["version"] for r in store.query_events(parse_query({"min_fatalities": ["10"]}))] == [2]
    assert store.query_events(parse_query({"min_fatalities": ["13"]})) == []


def test_a_read_only_store_cannot_write(store: SqlStore, db_url: str) -> None:
    _write(store, [event("e1")])
    ro = open_store(db_url, read_only=True)
    try:
        assert ro.event("e1") is not None
        with pytest.raises(Exception):  # noqa: B017 - each driver raises its own error class
            ro.execute("DELETE FROM events")
        assert ro.count("events") == 1
    finally:
        ro.close()


def _sources(*pairs: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"doc_id": d, "outlet": None, "url": None, "published_at": None, "copy_of": c} for d, c in pairs]


def test_the_independent_sources_filter_follows_the_latest_version(store: SqlStore) -> None:
    one_story = _sources(("ap", None), ("copy", "ap"))
    corroborated = _sources(("ap", None), ("copy", "ap"), ("rt", None))
    _write(store, [event("e1", 1, sources=one_story, n_sources=2, n_independent_sources=1),
                   event("e2", 1, sources=corroborated, n_sources=3, n_independent_sources=2),
                   event("e3", 1)])  # a record from before sources existed: its one report

    def by(n: str) -> list[str]:
        return [r["event_id"] for r in store.query_events(parse_query({"min_independent_sources": [n]}))]

    assert by("1") == ["e1", "e2", "e3"]
    assert by("2") == ["e2"]
    _write(store, [event("e1", 2, sources=corroborated, n_sources=3, n_independent_sources=2)])
    assert by("2") == ["e1", "e2"]
    _write(store, [event("e1", 1, sources=one_story, n_sources=2, n_independent_sources=1)])  # late, older
    assert by("2") == ["e1", "e2"]
    latest = store.event("e1")
    assert latest is not None and latest["sources"] == corroborated


def test_migration_3_counts_the_sources_of_events_already_stored(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitrep.storage import migrations

    monkeypatch.setattr("sitrep.storage.sql_store.MIGRATIONS", [m for m in migrations.MIGRATIONS if m.version < 3])
    old = open_store(db_url)
    assert old.schema_version() == 2
    insert = ("INSERT INTO events (event_id, version, event_type, sub_event_type, event_date, time_precision, place,"
              " country, geo_precision, confidence, record, updated_at) VALUES"
              " (?, 1, 'Battles', 'Armed clash', '2017-05-18', 1, 'Homs', 'Syria', 1, 0.5, ?, 'now')")
    # written by the previous release: no count columns yet, the JSON alone says what the event has
    with old.transaction():
        old.execute(insert, ("two", '{"event_id": "two", "source_doc_ids": ["a", "b"]}'))
        old.execute(insert, ("copied", '{"event_id": "copied", "source_doc_ids": ["a"], "n_sources": 3,'
                                       ' "n_independent_sources": 1}'))
    old.close()
    monkeypatch.undo()
    new = open_store(db_url)
    try:
        assert new.schema_version() == LATEST
        rows = new.execute("SELECT event_id, n_sources, n_independent_sources FROM events ORDER BY event_id")
        assert sorted(tuple(r) for r in rows.fetchall()) == [("copied", 3, 1), ("two", 2, 2)]
    finally:
        new.close()

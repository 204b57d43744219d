"""Sources where events leave sitrep: the query filter (parsed and run on a real SQLite store), the `sitrep events`
option, and the table, CSV and GeoJSON outputs."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path
from typing import Any

import pytest

from sitrep.commands.query_events import add_arguments, params_from_args
from sitrep.storage.formats import to_csv, to_geojson, to_table
from sitrep.storage.query import parse_query
from sitrep.storage.sqlite_store import SqliteStore
from sitrep.topics import Topic

AP = {
    "doc_id": "ap-1",
    "outlet": "apnews.com",
    "url": "https://apnews.com/a",
    "published_at": "2022-06-07T10:00Z",
    "copy_of": None,
}
COPY = {
    "doc_id": "local-1",
    "outlet": "local.example",
    "url": None,
    "published_at": "2022-06-07T12:00Z",
    "copy_of": "ap-1",
}
RT = {"doc_id": "rt-1", "outlet": "reuters.com", "url": None, "published_at": "2022-06-07T13:00Z", "copy_of": None}


def event(
    event_id: str, sources: list[dict[str, Any]] | None, independent: int | None = None, event_date: str = "2022-06-07"
) -> dict[str, Any]:
    r: dict[str, Any] = {
        "event_id": event_id,
        "version": 1,
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "event_date": event_date,
        "time_precision": 1,
        "location": {
            "name": "Sinjar",
            "country": "Iraq",
            "admin1": "Ninawa",
            "lat": 36.3,
            "lon": 41.9,
            "geo_precision": 1,
        },
        "actor1": "A",
        "actor2": None,
        "fatalities": 2,
        "source_doc_ids": ["ap-1"],
        "evidence": [],
        "confidence": 0.5,
    }
    if sources is not None:
        r.update(sources=sources, n_sources=len(sources), n_independent_sources=independent)
    return r


def test_min_independent_sources_is_parsed_and_checked() -> None:
    assert parse_query({"min_independent_sources": ["2"]}).min_independent_sources == 2
    assert parse_query({}).min_independent_sources is None
    for bad in ("0", "-1", "two"):
        with pytest.raises(ValueError, match="min_independent_sources"):
            parse_query({"min_independent_sources": [bad]})


def test_the_cli_option_becomes_the_query_parameter() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    params = params_from_args(parser.parse_args(["--min-independent-sources", "3"]))
    assert params["min_independent_sources"] == ["3"]
    assert "min_independent_sources" not in params_from_args(parser.parse_args([]))


def test_the_filter_counts_copies_once_on_a_real_store(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "e.db")
    try:
        for r in (
            event("ap-and-copy", [AP, COPY], 1, "2022-06-09"),
            event("ap-and-reuters", [AP, RT], 2, "2022-06-08"),
            event("all-three", [AP, COPY, RT], 2),
            event("old-record", None),
        ):
            store.add(Topic.EVENTS, r)
        store.flush()

        def ids(n: str) -> list[str]:
            return [r["event_id"] for r in store.query_events(parse_query({"min_independent_sources": [n]}))]

        assert ids("1") == ["ap-and-copy", "ap-and-reuters", "all-three", "old-record"]
        assert ids("2") == ["ap-and-reuters", "all-three"]
        assert ids("3") == []
        # the event keeps its JSON: the sources come back as stored
        assert store.event("all-three")["sources"] == [AP, COPY, RT]  # type: ignore[index]
    finally:
        store.close()


def test_csv_has_the_counts_and_a_sources_cell() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv([event("e", [AP, COPY], 1), event("old", None)]))))
    assert (rows[0]["n_sources"], rows[0]["n_independent_sources"]) == ("2", "1")
    assert rows[0]["sources"] == "ap-1 [apnews.com]; local-1 [local.example] copy of ap-1"
    # a record from before sources existed: its extracted reports
    assert (rows[1]["n_sources"], rows[1]["n_independent_sources"], rows[1]["sources"]) == ("1", "1", "ap-1")
    assert list(rows[0])[:16][-1] == "published_at"  # the older columns keep their positions


def test_table_shows_independent_over_all_and_the_outlets() -> None:
    lines = to_table([event("e", [AP, COPY, RT], 2)]).splitlines()
    assert "SOURCES (INDEP/ALL)" in lines[0]
    assert "2/3 apnews.com, local.examp…" in lines[1]  # cut to the column width


def test_geojson_properties_carry_the_source_counts() -> None:
    (feature,) = to_geojson([event("e", [AP, COPY], 1)])["features"]
    props = feature["properties"]
    assert "sources" not in props  # the objects are in the event record; the map reads columns
    assert (props["n_sources"], props["n_independent_sources"]) == (2, 1)

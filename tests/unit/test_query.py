"""The shared event query (parsing, SQL shape, the radius finish), the geometry under it, and the output formats."""

from __future__ import annotations

import csv
import io
import sqlite3

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep.storage.formats import render, to_csv, to_geojson, to_table
from sitrep.storage.geo import box_around, haversine_km, in_bbox, parse_bbox
from sitrep.storage.query import EventQuery, build_sql, finish, parse_query


def rec(event_id: str, lat: float | None, lon: float | None, **over: object) -> dict[str, object]:
    loc = {"name": 'X, "Y"', "country": "Syria", "admin1": None, "lat": lat, "lon": lon, "geo_precision": 1}
    r: dict[str, object] = {"event_id": event_id, "version": 1, "event_type": "Battles",
                            "sub_event_type": "Armed clash", "event_date": "2020-01-02", "location": loc,
                            "actor1": "A", "actor2": None, "fatalities": 3, "confidence": 0.5}
    r.update(over)
    return r


# --- geometry (reference distances from published great-circle figures, not from this code) ----------------------
def test_haversine_matches_known_distances() -> None:
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.0)  # London - Paris
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.19, abs=0.05)  # one degree of latitude
    assert haversine_km(0, 179.5, 0, -179.5) == pytest.approx(111.19, abs=0.05)  # across the antimeridian
    assert haversine_km(10, 20, 10, 20) == 0


@given(lat=st.floats(-85, 85), lon=st.floats(-180, 180), radius=st.floats(0.1, 3000),
       bearing_lat=st.floats(-1, 1), bearing_lon=st.floats(-1, 1))
def test_every_point_inside_the_radius_is_inside_the_prefilter_box(lat: float, lon: float, radius: float,
                                                                   bearing_lat: float, bearing_lon: float) -> None:
    # a point somewhere around the centre; whenever it is within the radius the box must hold it
    plat = max(-90.0, min(90.0, lat + bearing_lat * radius / 111.0))
    plon = ((lon + bearing_lon * radius / 50.0) + 180.0) % 360.0 - 180.0
    if haversine_km(lat, lon, plat, plon) <= radius:
        assert in_bbox(plat, plon, box_around(lat, lon, radius))


def test_bbox_parsing_rejects_nonsense() -> None:
    assert parse_bbox("38, 33, 39, 34") == (38.0, 33.0, 39.0, 34.0)
    for bad in ("1,2,3", "a,b,c,d", "0,50,1,40", "0,0,200,1"):
        with pytest.raises(ValueError):
            parse_bbox(bad)


def test_a_box_crossing_the_antimeridian_wraps() -> None:
    box = (179.0, -19.0, -179.0, -17.0)
    assert in_bbox(-18.0, 179.5, box) and in_bbox(-18.0, -179.5, box)
    assert not in_bbox(-18.0, 0.0, box)


# --- parsing -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("params", [
    {"near": ["33,38"]},  # no radius
    {"radius_km": ["5"]},  # no point
    {"near": ["33,38"], "radius_km": ["-1"]},
    {"since": ["yesterday"]},
    {"min_fatalities": ["many"]},
    {"min_fatalities": ["-1"]},
    {"limit": ["0"]},
    {"limit": ["100000"]},
    {"colour": ["red"]},
    {"since": ["2020-01-01", "2020-02-01"]},
])
def test_bad_parameters_are_refused_with_a_reason(params: dict[str, list[str]]) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        parse_query(params)


def test_lists_may_be_repeated_or_comma_separated_but_actors_keep_their_commas() -> None:
    q = parse_query({"country": ["Syria,Iraq", "Yemen"], "sub_event_type": ["Armed clash"],
                     "actor": ["Hayat Tahrir al-Sham, HTS"]})
    assert q.countries == ("Syria", "Iraq", "Yemen")
    assert q.actors == ("Hayat Tahrir al-Sham, HTS",)


# --- SQL (run on an in-memory table, so the test checks behaviour, not the SQL text) --------------------------------
def _db(records: list[dict[str, object]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE events (event_id TEXT, event_date TEXT, sub_event_type TEXT, country TEXT, actor1 TEXT,"
                 " actor2 TEXT, place TEXT, fatalities INTEGER, lat REAL, lon REAL, record TEXT)")
    for r in records:
        loc = r["location"]
        assert isinstance(loc, dict)
        conn.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                     (r["event_id"], r["event_date"], r["sub_event_type"], loc["country"], r["actor1"], r["actor2"],
                      loc["name"], r["fatalities"], loc["lat"], loc["lon"], orjson.dumps(r).decode()))
    return conn


def _ids(conn: sqlite3.Connection, q: EventQuery) -> list[str]:
    sql, params = build_sql(q)
    return [r["event_id"] for r in finish(q, [orjson.loads(row[0]) for row in conn.execute(sql, params)])]


def test_the_radius_keeps_the_circle_not_the_box_and_limits_after_it() -> None:
    # centre (0,0), radius 100 km: (0.8, 0.8) is inside the box (±0.9°) but ~126 km away, (0.5, 0) ~56 km
    conn = _db([rec("corner", 0.8, 0.8, event_date="2020-01-05"), rec("inside", 0.5, 0.0, event_date="2020-01-04"),
                rec("centre", 0.0, 0.0, event_date="2020-01-03"), rec("nowhere", None, None)])
    q = parse_query({"near": ["0,0"], "radius_km": ["100"]})
    assert _ids(conn, q) == ["inside", "centre"]
    assert _ids(conn, parse_query({"near": ["0,0"], "radius_km": ["100"], "limit": ["1"]})) == ["inside"]


def test_user_text_never_becomes_sql() -> None:
    conn = _db([rec("a", 1, 1, actor1="x' OR '1'='1")])
    assert _ids(conn, parse_query({"actor": ["' OR '1'='1"]})) == ["a"]  # matched literally as text
    assert _ids(conn, parse_query({"place": ["'; DROP TABLE events; --"]})) == []
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1


# --- formats -------------------------------------------------------------------------------------------------------
def test_geojson_puts_longitude_first_and_keeps_events_without_coordinates() -> None:
    fc = to_geojson([rec("a", 33.5, 38.62), rec("b", None, None)])
    assert fc["type"] == "FeatureCollection"
    assert fc["features"][0]["geometry"] == {"type": "Point", "coordinates": [38.62, 33.5]}
    assert fc["features"][1]["geometry"] is None
    assert fc["features"][1]["properties"]["event_id"] == "b"


def test_csv_round_trips_awkward_text() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv([rec("a", 1.5, 2.5)]))))
    assert rows[0]["place"] == 'X, "Y"'
    assert (rows[0]["lat"], rows[0]["lon"], rows[0]["actor2"]) == ("1.5", "2.5", "")


def test_table_has_a_header_a_row_per_event_and_a_count() -> None:
    lines = to_table([rec("a", 1, 1), rec("b", 2, 2)]).splitlines()
    assert lines[0].startswith("DATE")
    assert len(lines) == 4 and lines[-1] == "(2 events)"
    assert "Armed clash" in lines[1]


def test_jsonl_is_one_record_per_line() -> None:
    out = render([rec("a", 1, 1), rec("b", 2, 2)], "jsonl")
    assert [orjson.loads(line)["event_id"] for line in out.splitlines()] == ["a", "b"]

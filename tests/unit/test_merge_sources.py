"""Sources on every event: each report's document as a source, dropped copies recorded on their original's events,
and copies of one story counted once. Pure merge logic, no processor."""

import copy
import itertools
from typing import Any

from sitrep import schemas
from sitrep.extraction.merge import (
    Source,
    add_copy_source,
    independent_count,
    merge,
    source_of,
    sources_of,
    union_sources,
    with_sources,
)
from tests.unit.test_merge_events import cand


def doc(doc_id: str, outlet: str, published_at: str = "2022-06-07T10:00:00Z") -> dict[str, Any]:
    return {
        "id": doc_id,
        "raw_id": doc_id,
        "kind": "article",
        "source": outlet,
        "url": f"https://{outlet}/{doc_id}",
        "published_at": published_at,
        "text": "...",
        "segments": [],
    }


def report(doc_id: str, outlet: str, published_at: str = "2022-06-07T10:00:00Z") -> dict[str, Any]:
    (one,) = with_sources([cand(doc_id)], doc(doc_id, outlet, published_at))
    return one


def src(doc_id: str, copy_of: str | None = None, published_at: str | None = None) -> Source:
    return {"doc_id": doc_id, "outlet": None, "url": None, "published_at": published_at, "copy_of": copy_of}


def test_source_of_a_document() -> None:
    assert source_of(doc("ap-1", "apnews.com")) == {
        "doc_id": "ap-1",
        "outlet": "apnews.com",
        "url": "https://apnews.com/ap-1",
        "published_at": "2022-06-07T10:00:00Z",
        "copy_of": None,
    }
    assert source_of(doc("c", "x.org"), copy_of="ap-1")["copy_of"] == "ap-1"
    assert source_of(doc("ap-1", "apnews.com"), copy_of="ap-1")["copy_of"] is None  # a replay is not a copy


def test_a_new_event_lists_its_report_and_counts_it() -> None:
    state: dict[str, Any] = {}
    (event,) = merge(state, [report("ap-1", "apnews.com")])
    assert [(s["doc_id"], s["outlet"]) for s in event["sources"]] == [("ap-1", "apnews.com")]
    assert (event["n_sources"], event["n_independent_sources"]) == (1, 1)
    schemas.check("events", event)


def test_a_candidate_without_sources_gets_one_from_its_documents() -> None:
    state: dict[str, Any] = {}
    (event,) = merge(state, [cand("a")])  # an old caller: no doc metadata
    assert event["sources"] == [src("a", published_at="2022-06-07")]
    assert (event["n_sources"], event["n_independent_sources"]) == (1, 1)


def test_two_reports_of_one_event_are_two_independent_sources() -> None:
    state: dict[str, Any] = {}
    merge(state, [report("ap-1", "apnews.com", "2022-06-07T12:00:00Z")])
    (event,) = merge(state, [report("rt-1", "reuters.com", "2022-06-07T09:00:00Z")])
    assert [s["doc_id"] for s in event["sources"]] == ["rt-1", "ap-1"]  # oldest publication first
    assert (event["n_sources"], event["n_independent_sources"], event["version"]) == (2, 2, 2)
    schemas.check("events", event)


def test_sources_do_not_depend_on_arrival_order() -> None:
    reports = [
        report("ap-1", "apnews.com", "2022-06-07T12:00:00Z"),
        report("rt-1", "reuters.com"),
        report("afp-1", "afp.com", "2022-06-08T01:00:00Z"),
    ]
    finals = []
    for order in itertools.permutations(range(3)):
        state: dict[str, Any] = {}
        for i in order:
            merge(state, [copy.deepcopy(reports[i])])
        (event,) = state["events"].values()
        finals.append(event["sources"])
    assert all(f == finals[0] for f in finals)
    assert [s["doc_id"] for s in finals[0]] == ["rt-1", "ap-1", "afp-1"]


def test_a_dropped_copy_is_recorded_on_every_event_of_its_original() -> None:
    state: dict[str, Any] = {}
    # the original reports two events (a strike at Sinjar, another far away); a third event is someone else's
    merge(state, [report("ap-1", "apnews.com")])
    far = with_sources([cand("ap-1", lat=37.5)], doc("ap-1", "apnews.com"))
    merge(state, far)
    merge(state, [report("rt-1", "reuters.com", "2022-06-07T08:00:00Z") | {"actor1": "Iran"}])
    copy_entry = source_of(doc("local-1", "localnews.example", "2022-06-07T15:00:00Z"), copy_of="ap-1")
    changed = add_copy_source(state, "ap-1", copy_entry, now="2022-06-07T16:00:00Z")
    assert len(changed) == 2
    for event in changed:
        assert [s["doc_id"] for s in event["sources"]] == ["ap-1", "local-1"]
        assert event["sources"][1]["copy_of"] == "ap-1" and event["sources"][1]["outlet"] == "localnews.example"
        assert (event["n_sources"], event["n_independent_sources"], event["version"]) == (2, 1, 2)
        assert event["source_doc_ids"] == ["ap-1"]  # only extracted reports carry evidence
        assert event["updated_at"] == "2022-06-07T16:00:00Z"
        schemas.check("events", event)
    assert state["events"][changed[0]["event_id"]] == changed[0]
    other = [e for e in state["events"].values() if e["actor1"] == "Iran"]
    assert other[0]["version"] == 1 and other[0]["n_sources"] == 1


def test_recording_a_copy_twice_changes_nothing() -> None:
    state: dict[str, Any] = {}
    merge(state, [report("ap-1", "apnews.com")])
    entry = src("local-1", copy_of="ap-1")
    assert len(add_copy_source(state, "ap-1", entry)) == 1
    before = copy.deepcopy(state)
    assert add_copy_source(state, "ap-1", entry) == []
    assert state == before
    assert add_copy_source(state, "ap-1", src("ap-1")) == []  # the original replayed under its own id
    assert add_copy_source(state, "nobody", src("x", copy_of="nobody")) == []
    assert state == before


def test_a_copy_notice_without_copy_of_is_marked_a_copy_of_the_original() -> None:
    state: dict[str, Any] = {}
    merge(state, [report("ap-1", "apnews.com")])
    (event,) = add_copy_source(state, "ap-1", src("local-1"))
    copy_of = {s["doc_id"]: s["copy_of"] for s in event["sources"]}
    assert copy_of == {"ap-1": None, "local-1": "ap-1"} and event["n_independent_sources"] == 1


def test_copies_count_once_and_independent_reports_each_count() -> None:
    state: dict[str, Any] = {}
    merge(state, [report("ap-1", "apnews.com")])
    merge(state, [report("rt-1", "reuters.com")])
    for copy_id, original in (("c1", "ap-1"), ("c2", "ap-1"), ("c3", "rt-1")):
        add_copy_source(state, original, src(copy_id, copy_of=original))
    (event,) = add_copy_source(state, "c3", src("c4"))  # a copy of a copy: still Reuters' story
    assert (event["n_sources"], event["n_independent_sources"]) == (6, 2)


def test_a_copy_of_a_later_report_also_counts_after_a_merge() -> None:
    # the copy's verdict came before the original was merged: the stage passes it with the original's candidates
    state: dict[str, Any] = {}
    merge(state, [report("rt-1", "reuters.com")])
    early_copy = src("c1", copy_of="ap-1", published_at="2022-06-07T11:00:00Z")
    (event,) = merge(state, with_sources([cand("ap-1")], doc("ap-1", "apnews.com"), copies=[early_copy]))
    assert [s["doc_id"] for s in event["sources"]] == ["ap-1", "rt-1", "c1"]
    assert (event["n_sources"], event["n_independent_sources"]) == (3, 2)


def test_independent_count_by_hand() -> None:
    assert independent_count([]) == 0
    assert independent_count([src("a"), src("b")]) == 2
    assert independent_count([src("a"), src("b", copy_of="a")]) == 1  # b copies a source of the event
    assert independent_count([src("b", copy_of="x"), src("c", copy_of="x")]) == 1  # two copies of one story
    assert independent_count([src("b", copy_of="x"), src("c", copy_of="y")]) == 2  # copies of two stories
    assert independent_count([src("a"), src("b", copy_of="a"), src("c", copy_of="b"), src("d")]) == 2


def test_union_merges_entries_of_one_document_whatever_the_order() -> None:
    bare = src("a")
    full: Source = {
        "doc_id": "a",
        "outlet": "apnews.com",
        "url": "https://apnews.com/a",
        "published_at": "2022-06-07T10:00:00Z",
        "copy_of": None,
    }
    marked = src("a", copy_of="z")
    unions = [union_sources(list(p)) for p in itertools.permutations([bare, full, marked])]
    assert all(u == unions[0] for u in unions)
    assert unions[0] == [{**full, "copy_of": "z"}]
    assert union_sources(unions[0], unions[0]) == unions[0]


def test_an_event_stored_before_sources_existed_gets_them_on_its_next_report() -> None:
    old = cand("a", fatalities=3)
    old.update(
        event_id="evt-old",
        version=4,
        source_doc_ids=["a", "b"],
        fatalities_by_source=[{"doc_id": "b", "fatalities": 3, "published_at": "2022-06-08"}],
    )
    assert sources_of(old) == [src("a", published_at="2022-06-07"), src("b", published_at="2022-06-08")]
    state: dict[str, Any] = {"events": {"evt-old": old}}
    (event,) = merge(state, [report("c", "afp.com")])
    assert event["version"] == 5 and [s["doc_id"] for s in event["sources"]] == ["a", "c", "b"]
    assert event["n_independent_sources"] == 3

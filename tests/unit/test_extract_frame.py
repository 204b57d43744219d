"""The frame pass (datelines, page dates, clutter, list sections) and what sentences inherit from it."""

from datetime import date
from typing import Any

from sitrep.extraction import extract_events
from sitrep.extraction.frame import document_frame
from sitrep.extraction.mentions import list_roles
from sitrep.extraction.sentences import split_sentences
from sitrep.extraction.textnorm import norm_key


def name(event: dict[str, Any]) -> str:
    """The place name folded to ASCII ("Al Quşayr" -> "al qusayr"): gazetteer names carry diacritics."""
    return norm_key(event["location"]["name"])


def doc(text: str, published: str = "2022-06-10") -> dict[str, Any]:
    return {"id": "d1", "raw_id": "r1", "kind": "article", "source": "test", "published_at": published,
            "text": text, "segments": [[0, 0, len(text)]]}  # fmt: skip


def test_wire_dateline_is_found_with_its_date() -> None:
    text = "Headline here\n\nHOMS, June 8 (Reuters) - Turkish jets struck a depot in Qusayr on Tuesday."
    frame = document_frame(text, date(2022, 6, 10))
    assert frame.dateline is not None
    assert text[frame.dateline[0] : frame.dateline[1]].startswith("HOMS, June 8 (Reuters)")
    assert frame.date == date(2022, 6, 8)


def test_short_title_case_dateline_without_agency() -> None:
    text = "Headline here\n\nQusayr — Gunmen clashed with police on Sunday."
    frame = document_frame(text, date(2022, 6, 10))
    assert frame.dateline is not None and text[frame.dateline[0] : frame.dateline[1]].strip() == "Qusayr —"


def test_ordinary_first_sentence_is_no_dateline() -> None:
    text = "Headline here\n\nThe army said on Monday that it had shelled positions near Qusayr."
    assert document_frame(text, date(2022, 6, 10)).dateline is None


def test_dateline_city_is_not_the_event_place() -> None:
    text = "Strike report\n\nHOMS, June 8 (Reuters) - Israeli jets struck a depot on Tuesday, a monitor said."
    assert extract_events(doc(text)) == []  # the only place named is where the reporter is


def test_page_date_line_dates_an_undated_report() -> None:
    text = "Army statement\n\nJune 7, 2022 - Press office\n\nIsraeli jets struck a weapons depot in Qusayr, Syria."
    events = extract_events(doc(text))
    assert [(e["sub_event_type"], e["event_date"]) for e in events] == [("Air/drone strike", "2022-06-07")]


def test_caption_and_related_links_are_not_events() -> None:
    text = ("Report\n\nOn Tuesday, Turkish jets struck PKK positions in Sinjar.\n\n"
            "[Photo] A man walks past a house hit by an Israeli strike in Qusayr on Monday.\n\n"
            "Read more: Israeli jets struck Homs on Sunday")  # fmt: skip
    events = extract_events(doc(text))
    assert [name(e) for e in events] == ["sinjar"]


def test_list_roles_mark_header_and_items() -> None:
    text = "Jets struck targets in three places:\n\n• A depot in Qusayr.\n• A bridge near Homs.\n\nEnd of list."
    roles = list_roles(text, split_sentences(text))
    assert [r.kind for _, r in sorted(roles.items())] == ["header", "item", "item"]


def test_list_items_inherit_the_header_type_actor_and_date() -> None:
    text = (
        "Strike summary\n\nOn 7 June, Israeli jets struck Hezbollah sites in several areas:\n\n"
        "• A depot in the village of Qusayr.\n• A bridge near Homs (Monday).\n\nThe army gave no other details."
    )
    events = sorted(extract_events(doc(text)), key=name)
    got = [(e["sub_event_type"], e["event_date"], name(e), e["actor1"], e["actor2"]) for e in events]
    assert got == [("Air/drone strike", "2022-06-07", "al qusayr", "Military Forces of Israel", "Hezbollah"),
                   ("Air/drone strike", "2022-06-06", "homs", "Military Forces of Israel", "Hezbollah")]  # fmt: skip


def test_follow_on_sentence_takes_the_page_date() -> None:
    text = ("Army statement\n\nJune 7, 2022 - Press office\n\nIsraeli jets struck a depot in Qusayr.\n\n"
            "In addition, Israeli artillery shelled a post near Homs.")  # fmt: skip
    events = extract_events(doc(text))
    assert sorted((e["sub_event_type"], e["event_date"]) for e in events) == [
        ("Air/drone strike", "2022-06-07"), ("Shelling/artillery/missile attack", "2022-06-07")]  # fmt: skip


def test_region_without_a_point_of_its_own_has_null_coordinates() -> None:
    text = "Report\n\nOn Monday, Israeli jets struck targets in southern Lebanon, the army said."
    (event,) = extract_events(doc(text))
    loc = event["location"]
    assert (loc["country"], loc["lat"], loc["lon"], loc["geo_precision"]) == ("Lebanon", None, None, 3)

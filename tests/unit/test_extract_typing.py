"""Candidates pass: typing by instrument and platform, the whole taxonomy, and what is not an event (salience)."""

from typing import Any

import pytest

from sitrep.extraction import extract_events


def doc(text: str, published: str = "2022-06-10") -> dict[str, Any]:
    return {"id": "d1", "raw_id": "r1", "kind": "article", "source": "test", "published_at": published,
            "text": text, "segments": [[0, 0, len(text)]]}  # fmt: skip


def types(text: str) -> list[str]:
    return sorted(e["sub_event_type"] for e in extract_events(doc(text)))


def test_missiles_fired_by_a_drone_are_an_air_strike() -> None:
    assert types("On Monday, a drone fired two missiles at a car in Qusayr.") == ["Air/drone strike"]


def test_rockets_fired_by_fighters_stay_shelling() -> None:
    assert types("On Monday, fighters fired two rockets at a post in Qusayr.") == ["Shelling/artillery/missile attack"]


def test_bombs_dropped_by_helicopters_are_an_air_strike() -> None:
    assert types("On Monday, army helicopters dropped barrel bombs on Qusayr.") == ["Air/drone strike"]


def test_a_defused_bomb_is_disrupted_weapons_use_not_an_explosion() -> None:
    assert types("On Monday, engineers defused a roadside bomb near Qusayr.") == ["Disrupted weapons use"]


def test_an_intercepted_drone_is_not_an_air_strike() -> None:
    assert types("On Monday, air defences intercepted and destroyed a drone over Homs.") == ["Disrupted weapons use"]


def test_a_definite_bombing_refers_back_and_is_no_new_event() -> None:
    assert types("On Monday, officials in Homs blamed the PKK for the bombing.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On Monday, police fired tear gas to disperse protesters in Homs.", "Protest with intervention"),
        ("On Monday, a mob lynched a man accused of theft in Homs.", "Mob violence"),
        ("On Monday, a man hurled a hand grenade at a police station in Homs.", "Grenade"),
        ("On Monday, a chemical attack hit the town of Qusayr.", "Chemical weapon"),
        ("On Monday, gunmen abducted two teachers in Qusayr.", "Abduction/forced disappearance"),
        ("On Monday, soldiers raped a woman in Qusayr.", "Sexual violence"),
        ("On Monday, the army handed over the base in Qusayr to the police.", "Non-violent transfer of territory"),
        ("On Monday, gunmen attacked a village near Qusayr, killing five people.", "Attack"),
        ("On Monday, soldiers repelled an attack on their positions near Qusayr.", "Armed clash"),
        ("On Monday, gunmen seized three farmers near Qusayr.", "Abduction/forced disappearance"),
        ("On Monday, fighters stopped a bus near Qusayr and took away six men.", "Abduction/forced disappearance"),
        ("On Monday, an angry crowd in Homs beat a suspected thief to death.", "Mob violence"),
        ("The rebels said on Monday they had taken full control of Qusayr.", "Non-state actor overtakes territory"),
    ],
)
def test_the_whole_taxonomy(text: str, expected: str) -> None:
    assert expected in types(text)


def test_aggregates_and_back_references_are_not_events() -> None:
    assert types("More than 300 strikes have hit Qusayr since 2019.") == []
    assert types("It was the third attack on the base near Qusayr on Monday.") == []
    assert types("Since October, gunmen have attacked villages near Qusayr almost daily.") == []


def test_month_only_and_long_ago_events_are_not_events() -> None:
    assert types("In May, Israeli jets struck a depot in Qusayr.") == []
    assert types("On 3 March 2019, Israeli jets struck a depot in Qusayr.") == []
    assert types("On 3 June, Israeli jets struck a depot in Qusayr, Syria.") == ["Air/drone strike"]


def test_a_chronology_dates_its_entries_by_their_month_headings() -> None:
    # one month-headed sentence is a vague recollection; entries of a timeline, each headed by its month, are events
    timeline = ("In March, Israeli jets struck a depot in Qusayr, Syria. "
                "In late May, Israeli jets struck a convoy near Abu Kamal, Syria.")  # fmt: skip
    events = extract_events(doc(timeline))
    assert sorted(e["event_date"][:7] for e in events) == ["2022-03", "2022-05"]
    assert types("Protests broke out in Qusayr, Syria in May and spread to other towns.") == []


def test_seizing_a_town_is_territory_but_seizing_people_is_an_abduction() -> None:
    assert types("On Monday, rebels seized the town of Qusayr, Syria.") == ["Non-state actor overtakes territory"]
    assert types("On Monday, rebels seized two chiefs in Qusayr, Syria.") == ["Abduction/forced disappearance"]

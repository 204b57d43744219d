"""Actor mentions by ACLED-style name (sentences written for these tests)."""

import pytest

from sitrep.extraction.actor_names import find_actor_mentions, flies, generic_actor, is_state_actor


def actors(text: str) -> list[tuple[str, str, str, str | None]]:
    return [(m.surface, m.actor, m.kind, m.country) for m in find_actor_mentions(text)]


@pytest.mark.parametrize(
    ("phrase", "actor"),
    [
        ("Sudanese army", "Military Forces of Sudan"),
        ("Russian forces", "Military Forces of Russia"),
        ("Malian soldiers", "Military Forces of Mali"),
        ("Ukrainian drones", "Military Forces of Ukraine"),
        ("Kenyan police", "Police Forces of Kenya"),
        ("Congolese troops", "Military Forces of the Democratic Republic of Congo"),
        ("Burkinabe soldiers", "Military Forces of Burkina Faso"),
        ("American warplanes", "Military Forces of the United States"),
    ],
)
def test_state_forces_from_demonyms(phrase: str, actor: str) -> None:
    assert actors(f"On Monday {phrase} moved in.")[0][:2] == (phrase, actor)


@pytest.mark.parametrize(
    ("alias", "actor"),
    [
        ("RSF", "Rapid Support Forces"),
        ("JNIM", "Jama'at Nusrat al-Islam wal-Muslimin (JNIM)"),
        ("ISWAP", "Islamic State West Africa Province (ISWAP)"),
        ("al-Shabab", "al-Shabaab"),
        ("Ansar Allah", "Houthis"),
        ("Qassam Brigades", "Hamas"),
        ("Tehreek-e-Taliban Pakistan", "Tehreek-i-Taliban Pakistan"),
        ("Arakan Army", "Arakan Army"),
        ("M23 rebels", "M23: March 23 Movement"),
        ("Africa Corps", "Africa Corps"),
        ("Viv Ansanm", "Viv Ansanm"),
        ("CJNG", "Jalisco New Generation Cartel"),
    ],
)
def test_armed_groups_by_alias(alias: str, actor: str) -> None:
    assert actors(f"Fighters of the {alias} attacked the town.")[0][1] == actor


def test_generic_actors_are_named_once_the_country_is_known() -> None:
    found = actors("Gunmen shot at protesters and killed three civilians.")
    assert [(a, k) for _, a, k, _ in found] == [
        ("Unidentified Armed Group", "unidentified"),
        ("Protesters", "protesters"),
        ("Civilians", "civilians"),
    ]
    assert generic_actor("unidentified", "Nigeria") == "Unidentified Armed Group (Nigeria)"
    assert generic_actor("civilians", None) == "Civilians"
    assert generic_actor("state", "United Kingdom") == "Military Forces of the United Kingdom"


def test_short_acronyms_match_only_in_capitals() -> None:
    assert actors("It is what it is.") == []
    assert actors("IS fighters attacked.")[0][1] == "Islamic State"


def test_platform_and_kinds() -> None:
    m = find_actor_mentions("Israeli warplanes struck.")[0]
    assert m.platform == "air" and m.country == "Israel"
    assert is_state_actor("Military Forces of Sudan") and is_state_actor("Police Forces of Kenya")
    assert not is_state_actor("Rapid Support Forces")
    assert flies("Military Forces of Israel") and not flies("Hezbollah")

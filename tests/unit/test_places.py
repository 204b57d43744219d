"""Document-level place resolution over the worldwide gazetteer (sentences written for these tests)."""

from sitrep.extraction.gazetteer import gazetteer
from sitrep.extraction.places import document_countries, find_place_mentions


def resolved(text: str) -> list[tuple[str, str, str | None]]:
    return [(m.surface, m.place.name, m.place.country) for m in find_place_mentions(text)]


def test_towns_in_every_conflict_resolve_with_their_province() -> None:
    text = (
        "Fighting spread from El Fasher in North Darfur to Nyala. In Nigeria, gunmen raided a village near "
        "Maiduguri, Borno State. Russian drones hit Kharkiv in Ukraine."
    )
    got = {m.surface: m.place for m in find_place_mentions(text)}
    assert got["El Fasher"].country == "Sudan" and got["El Fasher"].admin1 == "North Darfur"
    assert got["Maiduguri"].country == "Nigeria" and got["Maiduguri"].admin1 == "Borno"
    assert got["Kharkiv"].country == "Ukraine" and got["Kharkiv"].admin1 is not None
    assert got["Nyala"].admin1 == "South Darfur"


def test_common_words_and_personal_names_are_no_places() -> None:
    text = (
        "Of the dead, most were women, said Ali Hassan, a local official. Police said Mercy was among them. "
        "The strikes hit Idlib in Syria on Monday."
    )
    assert [s for s, _, _ in resolved(text)] == ["Idlib", "Syria"]


def test_document_country_chooses_between_homonyms() -> None:
    # Pokrovsk is also an old name of a Russian city: the document about Ukraine decides
    text = "Ukrainian forces held positions near Pokrovsk in the Donetsk region of Ukraine."
    pokrovsk = next(m for m in find_place_mentions(text) if m.surface == "Pokrovsk")
    assert pokrovsk.place.country == "Ukraine"
    assert any(a.country == "Russia" for a in pokrovsk.alternatives)


def test_small_place_abroad_is_not_taken_without_its_country() -> None:
    text = "Protesters gathered in Nairobi, Kenya, and later marched past Zike."
    assert [s for s, _, _ in resolved(text)] == ["Nairobi", "Kenya"]


def test_country_name_beats_a_town_alternate_name() -> None:
    assert resolved("Militias in Iraq fired rockets.") == [("Iraq", "Iraq", "Iraq")]
    assert find_place_mentions("Militias in Iraq fired rockets.")[0].place.lat is None  # only the country


def test_directional_part_of_a_country_is_a_region_without_coordinates() -> None:
    m = find_place_mentions("Clashes were reported in northern Mali and in north-west Syria.")
    assert [(x.surface, x.place.name, x.place.kind, x.place.lat) for x in m] == [
        ("northern Mali", "northern Mali", "region", None),
        ("north-west Syria", "northwestern Syria", "region", None),
    ]
    assert m[0].direction == "northern" and m[0].place.country == "Mali" and m[0].place.geo_precision == 3


def test_directional_part_of_a_province_keeps_the_province() -> None:
    m = find_place_mentions("Shelling hit villages in southern Idlib, Syria.")[0]
    assert (m.surface, m.place.kind, m.place.admin1, m.place.geo_precision) == ("southern Idlib", "region", "Idlib", 3)
    assert m.place.lat is not None


def test_named_non_admin_region_has_no_coordinates() -> None:
    m = find_place_mentions("Aid convoys entered Darfur from Chad.")
    darfur = next(x for x in m if x.surface == "Darfur")
    assert (darfur.place.kind, darfur.place.country, darfur.place.lat) == ("region", "Sudan", None)


def test_provenance_offsets_give_the_raw_string() -> None:
    text = "Troops entered al-Bukamal, Syria, on Sunday."
    for m in find_place_mentions(text):
        assert text[m.start : m.end] == m.surface
    assert resolved(text)[0][0] == "al-Bukamal"


def test_a_place_inside_an_armed_group_name_is_no_place() -> None:
    text = "Fighters of Asa'ib Ahl al-Haq and Hamas met in Baghdad, Iraq."
    assert [s for s, _, _ in resolved(text)] == ["Baghdad", "Iraq"]


def test_admin1_is_always_filled_for_a_resolved_town() -> None:
    text = "In Somalia, al-Shabaab attacked Beledweyne; in Burkina Faso, JNIM struck Djibo."
    towns = [m.place for m in find_place_mentions(text) if m.place.kind == "town"]
    assert towns and all(p.admin1 for p in towns)


def test_document_countries_ranks_by_mentions() -> None:
    text = "Sudan's army said it retook Omdurman, Sudan, after Egypt and Sudan met in Cairo."
    assert document_countries(find_place_mentions(text))[0][0] == "Sudan"


def test_gazetteer_lookup_knows_alternate_spellings() -> None:
    names = {p.name for p in gazetteer().lookup("Dayr az Zawr")}
    assert "Deir ez-Zor" in names

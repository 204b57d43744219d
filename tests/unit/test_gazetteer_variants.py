import pytest

from sitrep.extraction.lexicon import lexicon
from sitrep.extraction.textnorm import fold, name_variants


def places(text: str) -> list[str]:
    return [m.places[0].name for m in lexicon().find(text) if m.places]


def test_fold_keeps_length_and_strips_marks() -> None:
    s = "Ḩaḑar ‘Arsāl Deir ez-Zor"
    assert len(fold(s)) == len(s)
    assert fold(s) == "hadar  arsal deir ez zor"


def test_article_and_particle_variants() -> None:
    assert {"al tanf", "at tanf", "tanf"} <= name_variants("At Tanf")
    assert {"deir al zor", "deir ezzor", "deir el zor"} <= name_variants("Deir ez-Zor")
    assert {"albu kamal", "abul kamal"} <= name_variants("Abu Kamal")


@pytest.mark.parametrize("spelling", ["Abu Kamal", "Albu Kamal", "Al-Bukamal", "al-Bukamal", "Abul Kamal"])
def test_abu_kamal_spellings(spelling: str) -> None:
    assert places(f"Fighting was reported in {spelling} on Monday.") == ["Ālbū Kamāl"]


@pytest.mark.parametrize("spelling", ["Deir ez-Zor", "Deir Ezzor", "Dayr az-Zawr", "Deir al-Zor", "deir al-zor"])
def test_deir_ez_zor_spellings(spelling: str) -> None:
    assert places(f"Troops reached {spelling} after a long siege.") == ["Deir ez-Zor"]


@pytest.mark.parametrize("spelling", ["al-Tanf", "At Tanf", "Tanf", "al-tanf"])
def test_tanf_spellings(spelling: str) -> None:
    assert places(f"A convoy moved towards {spelling} yesterday.") == ["At Tanf"]


def test_palmyra_is_tadmur_and_longest_match_wins() -> None:
    assert places("Jets struck north of Palmyra.") == ["Tadmur"]
    assert places("Missiles hit Damascus International Airport.") == ["Damascus International Airport"]


def test_acronyms_are_case_sensitive() -> None:
    found = [a for m in lexicon().find("It is true that IS fighters attacked.") for a in m.actors]
    assert found == ["Islamic State"]

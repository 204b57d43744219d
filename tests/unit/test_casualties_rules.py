import pytest

from sitrep.extraction.casualties import find_fatalities


@pytest.mark.parametrize(("text", "expected"), [
    ("The raid killed at least 17 people near the market.", 17),
    ("Officials said 12 soldiers were killed.", 12),
    ("The shelling left 4 dead.", 4),
    ("Rebels claimed 9 government troops KIA in the ambush.", 9),
    ("The strike killed more than 30 fighters.", 30),
    ("Two vehicles were destroyed, four militants killed and five wounded.", 4),
    ("Twenty-one civilians were killed in the bombing.", 21),
    ("The death toll rose to 63 on Sunday.", 63),
    ("Dozens of people were killed.", 12),
    ("Gunmen assassinated a local council official.", 1),
    ("Seven people were wounded in the blast.", None),
    ("The convoy of 40 vehicles was hit.", None),
    ("Fighting in 2014 killed civilians.", None),
])
def test_counts(text: str, expected: int | None) -> None:
    assert find_fatalities(text) == expected

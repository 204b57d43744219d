from datetime import date

import pytest

from sitrep.extraction.dates import find_dates

PUB = date(2021, 3, 12)  # a Friday


def first(text: str) -> tuple[date | None, int]:
    d = find_dates(text, PUB)[0]
    return d.date, d.precision


@pytest.mark.parametrize(("text", "expected"), [
    ("Gunmen attacked the post on Thursday.", (date(2021, 3, 11), 1)),
    ("Shelling resumed on Friday evening.", (date(2021, 3, 12), 1)),  # same weekday as publication = that day
    ("The convoy left on Saturday.", (date(2021, 3, 6), 1)),  # never after publication: the previous Saturday
    ("Clashes erupted on 9 March.", (date(2021, 3, 9), 1)),
    ("Clashes erupted March 9.", (date(2021, 3, 9), 1)),
    ("It happened on the 2nd of March.", (date(2021, 3, 2), 1)),
    ("Militants withdrew on 20 December.", (date(2020, 12, 20), 1)),  # day-month after pub -> previous year
    ("A raid was reported yesterday.", (date(2021, 3, 11), 1)),
    ("A raid was reported today.", (date(2021, 3, 12), 1)),
    ("Strikes hit the town in late January.", (date(2021, 1, 25), 3)),
    ("The base was shelled last month.", (date(2021, 2, 15), 3)),
    ("Strikes were reported on 14/02/2021.", (date(2021, 2, 14), 1)),
    ("Between March 1 and March 6, forces conducted ten strikes.", (date(2021, 3, 6), 2)),
])
def test_phrases(text: str, expected: tuple[date, int]) -> None:
    assert first(text) == expected


def test_earlier_this_year_is_month_precision_and_not_after_publication() -> None:
    d, p = first("He was killed earlier this year.")
    assert d is not None and p == 3 and date(2021, 1, 1) <= d <= PUB


def test_future_and_vague_dates_do_not_date_events() -> None:
    assert first("Elections are due on 30 April 2021.") == (None, 0)
    assert first("The group carried out attacks last year.") == (None, 0)


def test_reference_date_anchors_relative_phrases_but_publication_still_caps() -> None:
    published, ref = date(2020, 5, 15), date(2015, 3, 4)  # a post written in 2015, found on a 2020 page
    assert [(d.date, d.precision) for d in find_dates("They struck on Monday.", published, ref)] == [
        (date(2015, 3, 2), 1)]
    assert find_dates("Strikes went on on 28 February.", published, ref)[0].date == date(2015, 2, 28)
    # a month named without a day takes the reference's year, capped at publication, not at the reference
    assert find_dates("Later in May, jets raided positions.", published, date(2020, 5, 4))[0].date == published

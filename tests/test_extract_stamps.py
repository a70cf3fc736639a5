"""A publication stamp after a long navigation ("Posted:", "Date:", "Updated:" past the first
5,000 characters) still dates the notice, and is not a record itself.

Real dates used: the UK local elections of 2024-05-02 (registration deadline 2024-04-16, postal
vote applications by 5pm 2024-04-17); the Australian federal election of 2022-05-21 (rolls closed
2022-04-18).
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from deadlines.extract import extract
from deadlines.extract.resolve import find_stamps

# Site navigation as a page flattened to text shows it: long, with colons but no dates.
NAV = "\n".join(f"Menu {i}: Council tax, bins, parking and other services" for i in range(140))
# And the site's footer links after the article, longer than the footer a stamp is looked for in.
FOOT = "\n\n" + "\n".join(f"Link {i}: Jobs, contact us, accessibility and cookies" for i in range(80))
BODY = (
    "\n\nLocal elections 2024\n\n{stamp}\n\n"
    "The deadline to register to vote is 16 April. Postal vote applications must reach us by 5pm on 17 April.\n"
)


@pytest.mark.parametrize(
    ("stamp", "source"),
    [
        ("Posted: 2 March 2024", "a publication line"),
        ("Date: 2 March 2024", "the page date"),
        ("Updated: 2 March 2024", "an update line"),
        ("게시일: 2024.03.02", "a publication line"),
    ],
)
def test_a_stamp_after_a_long_navigation_dates_the_notice(stamp: str, source: str) -> None:
    text = NAV + BODY.format(stamp=stamp) + FOOT
    assert 5000 < text.index(stamp) < len(text) - 3000
    [notice] = extract(text)
    assert notice.published == date(2024, 3, 2)
    ends = [r.ends for r in notice.records]
    assert ends == [date(2024, 4, 16), date(2024, 4, 17)]  # the years come from the stamp
    assert date(2024, 3, 2) not in ends and all(r.kind == "deadline" for r in notice.records)
    assert any(source in w for r in notice.records for w in r.warnings)


def test_without_the_deep_stamp_the_years_are_not_guessed() -> None:
    [notice] = extract(NAV + BODY.format(stamp="") + FOOT)
    assert notice.published is None and not notice.records


def test_a_stamp_in_the_header_wins_and_the_body_is_not_searched() -> None:
    text = (
        "Posted: 11 April 2022\n"
        + NAV
        + "\n\nDate: 2 March 2024\n\nThe roll closes at 8pm on 18 April.\n"
        + NAV
    )
    stamps = find_stamps(text)
    assert {s.day for s in stamps} == {date(2022, 4, 11)}
    [notice] = extract(text)
    assert notice.published == date(2022, 4, 11)
    assert date(2022, 4, 18) in [r.ends for r in notice.records]


def test_the_first_labelled_stamp_after_the_header_is_taken() -> None:
    text = (
        NAV + "\n\nPosted: 2 March 2024\n\nSee also\n\nPosted: 9 June 2023\n\nRegister by 16 April.\n" + FOOT
    )
    [notice] = extract(text)
    assert notice.published == date(2024, 3, 2)


def test_colons_after_numbers_and_words_without_dates_are_passed_over_in_linear_time() -> None:
    """A 2 MB page of times and labels without a stamp: every colon is looked at once."""
    unit = "Opening hours: 9:00 to 17:00, Monday: closed. Contact: the office. "
    text = unit * (1_900_000 // len(unit))
    start = time.process_time()
    assert find_stamps(text) == []
    assert time.process_time() - start < 3.0

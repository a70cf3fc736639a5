"""Holiday policies, with a non-Korean rule set checked against a real published date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from deadlines.rules import evaluate_election, load_rules
from deadlines.rules.businessdays import apply_policy, is_business_day

TEXAS = """\
# Texas: the registration deadline is the 30th day before election day (Election Code 13.143);
# a period whose last day is a weekend or "legal state or national holiday" extends to the next
# business day (1.006). National holidays are what moved 2022's deadline, so no subdivision here.
[ruleset]
id = "us-tx-general"
name = { en = "Texas general election", ko = "미국 텍사스 총선" }
country = "US"
timezone = "America/Chicago"
holiday_policy = "next-business-day"
source = "Texas Election Code"

[[rule]]
id = "voter-registration"
title = { en = "Voter registration deadline", ko = "유권자 등록 마감" }
audiences = ["domestic"]
kind = "deadline"
closes = "E-30"
citation = "Art. 13.143"

[[election]]
id = "us-tx-2024-general"
name = { en = "2024 general election", ko = "2024 총선" }
ruleset = "us-tx-general"
day = 2024-11-05

[[election]]
id = "us-tx-2022-general"
name = { en = "2022 general election", ko = "2022 총선" }
ruleset = "us-tx-general"
day = 2022-11-08
"""


def test_next_business_day_matches_texas_published_deadline(tmp_path: Path) -> None:
    (tmp_path / "tx.toml").write_text(TEXAS, encoding="utf-8")
    book = load_rules(tmp_path)
    # E-30 of 5 Nov 2024 is Sun 6 Oct; the Texas Secretary of State published Mon 7 Oct 2024.
    [r2024] = evaluate_election(book, "us-tx-2024-general")
    assert r2024.closes == date(2024, 10, 7)
    # E-30 of 8 Nov 2022 is Sun 9 Oct; Mon 10 Oct was Columbus Day, so the published deadline
    # was Tue 11 Oct 2022.
    [r2022] = evaluate_election(book, "us-tx-2022-general")
    assert r2022.closes == date(2022, 10, 11)


def test_previous_business_day_steps_back_over_holiday_and_weekend() -> None:
    # Mon 25 Dec 2023 is Christmas; the business day before is Fri 22 Dec.
    assert apply_policy(date(2023, 12, 25), "previous-business-day", "GB") == date(2023, 12, 22)
    assert apply_policy(date(2023, 12, 27), "previous-business-day", "GB") == date(2023, 12, 27)


def test_none_keeps_weekend_and_holiday() -> None:
    assert apply_policy(date(2024, 2, 10), "none", "KR") == date(2024, 2, 10)


def test_business_day_uses_country_holidays() -> None:
    assert not is_business_day(date(2024, 2, 12), "KR")  # Lunar New Year substitute holiday
    assert is_business_day(date(2024, 2, 13), "KR")
    assert not is_business_day(date(2024, 7, 4), "US")


def test_unknown_policy_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="unknown holiday policy"):
        apply_policy(date(2024, 1, 6), "sometimes", "KR")

"""The kr-local rule set against the published schedules of nationwide local elections."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from deadlines.cli import cli
from deadlines.rules import RuleBook, evaluate
from deadlines.rules.model import ELECTION_DAY
from tests.conftest import RULES_DIR

# The 9th local elections, 3 Jun 2026, as kr-election-law.md lists them (NEC through the press;
# also Segye Ilbo, 3 Feb 2026, https://m.segye.com/ampView/20260203516469: governors and
# superintendents from 3 Feb, councils and district heads from 20 Feb, counties from 22 Mar,
# candidate registration 14-15 May).
LOCAL9 = [
    ("preliminary-registration-governors", "opens", "2026-02-03"),
    ("preliminary-registration-councils-districts", "opens", "2026-02-20"),
    ("preliminary-registration-counties", "opens", "2026-03-22"),  # a Sunday: not moved
    ("resignation-public-officials", "closes", "2026-03-05"),
    ("resignation-local-head-candidates", "closes", "2026-05-04"),
    ("candidate-registration", "opens", "2026-05-14"),
    ("candidate-registration", "closes", "2026-05-15"),
    ("campaign-period", "opens", "2026-05-21"),
    ("campaign-period", "closes", "2026-06-02"),
    ("early-voting", "opens", "2026-05-29"),
    ("early-voting", "closes", "2026-05-30"),
    ("election-day", "opens", "2026-06-03"),
]


def test_rules_show_reproduces_the_9th_local_elections() -> None:
    result = CliRunner().invoke(
        cli,
        ["rules", "show", "--ruleset", "kr-local", "--day", "2026-06-03", "--json"],
        env={"DEADLINES_RULES_DIR": str(RULES_DIR)},
    )
    assert result.exit_code == 0, result.output
    by_id = {d["id"]: d for d in json.loads(result.output)["deadlines"]}
    for rule, part, published in LOCAL9:
        assert by_id[rule][part] == published, (rule, part)
    assert (by_id["election-day"]["opens_time"], by_id["election-day"]["closes_time"]) == ("06:00", "18:00")


def _dates(book: RuleBook, day: str) -> dict[str, tuple[date | None, date | None]]:
    rs = book.rulesets["kr-local"]
    return {r.id: (r.opens, r.closes) for r in evaluate(rs, "x", {ELECTION_DAY: date.fromisoformat(day)})}


@pytest.mark.parametrize(
    ("day", "rule", "opens"),
    [
        # 8th, 1 Jun 2022: Jeju Ilbo, https://www.jejunews.com/news/articleView.html?idxno=2189420
        # (E-120 = 1 Feb, councils from 18 Feb, election period from 19 May, registration 12-13 May);
        # Asia Gyeongje, 17 Feb 2022, https://www.asiae.co.kr/article/2022021709490519009 (counties 20 Mar).
        ("2022-06-01", "preliminary-registration-governors", "2022-02-01"),
        ("2022-06-01", "preliminary-registration-councils-districts", "2022-02-18"),
        ("2022-06-01", "preliminary-registration-counties", "2022-03-20"),
        ("2022-06-01", "campaign-period", "2022-05-19"),
        ("2022-06-01", "candidate-registration", "2022-05-12"),
        # 6th, 4 Jun 2014: Aju Business Daily, 4 Feb 2014, https://m.ajunews.com/view/20140204081808885
        # (governors from 4 Feb, councils and district heads from 21 Feb, counties from 23 Mar).
        ("2014-06-04", "preliminary-registration-governors", "2014-02-04"),
        ("2014-06-04", "preliminary-registration-councils-districts", "2014-02-21"),
        ("2014-06-04", "preliminary-registration-counties", "2014-03-23"),
    ],
)
def test_published_openings_of_other_local_elections(book: RuleBook, day: str, rule: str, opens: str) -> None:
    assert _dates(book, day)[rule][0] == date.fromisoformat(opens)


def test_the_7th_local_elections_after_the_holiday_shift(book: RuleBook) -> None:
    # Held 13 Jun 2018 (kr-election-law.md): the schedule counts from the shifted day.
    dates = _dates(book, "2018-06-13")
    assert dates["preliminary-registration-governors"][0] == date(2018, 2, 13)
    assert dates["preliminary-registration-councils-districts"][0] == date(2018, 3, 2)
    assert dates["preliminary-registration-counties"][0] == date(2018, 4, 1)
    assert dates["early-voting"] == (date(2018, 6, 8), date(2018, 6, 9))


def test_no_overseas_deadlines_at_local_elections(book: RuleBook) -> None:
    assert all("overseas" not in r.audiences for r in book.rulesets["kr-local"].rules)

"""When reminders fall: day-of at 09:00 local, P1D 24 hours before the close, quiet hours, DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from deadlines.quiet_hours import parse_quiet_hours
from deadlines.records import DeadlineRecord
from deadlines.reminders.planning import DeadlineView, SubscriptionView, plan_subscription
from deadlines.reminders.triggers import due_at
from deadlines.rules import RuleBook, evaluate_election

LA, SEOUL = "America/Los_Angeles", "Asia/Seoul"
QUIET = parse_quiet_hours("22:00-08:00")


def record(book: RuleBook, rule: str) -> DeadlineRecord:
    return next(r for r in evaluate_election(book, "kr-2024-national-assembly") if r.id == rule)


def local(instant: datetime | None, zone: str) -> datetime:
    assert instant is not None
    return instant.astimezone(ZoneInfo(zone))


def test_day_of_is_nine_local_on_the_last_day_before_the_close(book: RuleBook) -> None:
    r = record(book, "overseas-absentee-report")  # closes 24:00 KST, Sat 10 Feb 2024
    seoul = local(due_at(r, "day-of", SEOUL), SEOUL)
    assert (seoul.date().isoformat(), seoul.time()) == ("2024-02-10", time(9))
    la = local(due_at(r, "day-of", LA), LA)
    # The close is 07:00 on 10 Feb in Los Angeles, so the last-day reminder is 09:00 on the 9th.
    assert (la.date().isoformat(), la.time()) == ("2024-02-09", time(9))


def test_p1d_and_p7d_count_back_from_the_official_close(book: RuleBook) -> None:
    r = record(book, "overseas-absentee-report")
    close = datetime(2024, 2, 10, 15, tzinfo=UTC)
    for zone in (LA, SEOUL):
        assert due_at(r, "P1D", zone) == close - timedelta(days=1)
        assert due_at(r, "P7D", zone) == close - timedelta(days=7)


def test_across_a_daylight_saving_change(book: RuleBook) -> None:
    # The overseas voter list is confirmed on Mon 11 Mar 2024 (KST); US clocks moved on Sun 10 Mar.
    r = record(book, "overseas-voter-list-confirmed")
    close = datetime(2024, 3, 11, 15, tzinfo=UTC)  # 08:00 PDT on the 11th
    la = local(due_at(r, "day-of", LA), LA)
    assert (la.date().isoformat(), la.time(), la.utcoffset()) == ("2024-03-10", time(9), timedelta(hours=-7))
    p1d = due_at(r, "P1D", LA)
    assert p1d == close - timedelta(hours=24)
    assert local(p1d, LA).time() == time(8)  # 24 hours before, so 08:00 PDT, not 07:00


def test_quiet_hours_move_a_night_send_to_the_morning(book: RuleBook) -> None:
    r = record(book, "overseas-absentee-report")
    # P1D is 00:00 KST in Seoul: quiet hours move it to 08:00, still before the close.
    moved = local(due_at(r, "P1D", SEOUL, QUIET), SEOUL)
    assert (moved.date().isoformat(), moved.time()) == ("2024-02-10", time(8))


def test_quiet_hours_never_push_past_the_close(book: RuleBook) -> None:
    r = record(book, "poll-publication-ban")  # closes 18:00 KST on 10 Apr 2024 = 02:00 PDT
    due = due_at(r, "P1D", LA, QUIET)
    close = datetime(2024, 4, 10, 9, tzinfo=UTC)
    # 02:00 PDT on the 9th is in quiet hours; 08:00 is still before the close, so it moves.
    assert local(due, LA).time() == time(8) and due is not None and due < close
    day_of = due_at(r, "day-of", LA, QUIET)
    assert day_of is not None and day_of < close


def test_no_trigger_on_or_after_the_close(book: RuleBook) -> None:
    for rule in ("overseas-absentee-report", "election-day", "early-voting", "resignation-local-heads"):
        r = record(book, rule)
        for zone in (LA, SEOUL, "Pacific/Kiritimati", "Pacific/Pago_Pago"):
            close = r.closing_instant()
            for trigger in ("opens", "P7D", "P1D", "day-of"):
                due = due_at(r, trigger, zone, QUIET)
                assert due is None or close is None or due < close, (rule, zone, trigger)


def test_opens_only_for_periods_and_local_times(book: RuleBook) -> None:
    assert due_at(record(book, "resignation-local-heads"), "opens", SEOUL) is None
    voting = record(book, "overseas-voting")  # 08:00-17:00 local at each mission
    berlin = local(due_at(voting, "day-of", "Europe/Berlin"), "Europe/Berlin")
    assert (berlin.date().isoformat(), berlin.time()) == ("2024-04-01", time(9))
    with pytest.raises(ValueError, match="unknown trigger"):
        due_at(voting, "P3D", SEOUL)


def test_bad_quiet_hours() -> None:
    assert parse_quiet_hours("") is None
    with pytest.raises(ValueError, match="22:00-08:00"):
        parse_quiet_hours("late")


def test_planning_is_bounded_by_the_horizon_and_the_close(book: RuleBook) -> None:
    deadlines = [
        DeadlineView(i, r) for i, r in enumerate(evaluate_election(book, "kr-2024-national-assembly"))
    ]
    sub = SubscriptionView(1, 1, LA, "kr-2024-national-assembly", ("overseas",))
    now = datetime(2024, 2, 5, tzinfo=UTC)
    planned = list(plan_subscription(sub, deadlines, now, timedelta(days=14), None))
    assert planned and all(p.due_at <= now + timedelta(days=14) and p.close_at > now for p in planned)
    slugs = {deadlines[p.deadline_id].record.id for p in planned}
    assert "overseas-absentee-report" in slugs and "candidate-registration" not in slugs
    keys = {(p.deadline_id, p.trigger) for p in planned}
    assert len(keys) == len(planned)

"""What changed, alone: audit entries in, the changes a voter is told out (pure), and the feed
event and how-to-act lines built from them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from icalendar import Calendar

from deadlines.changes import (
    DateChange,
    HistoryEntry,
    by_deadline,
    change_line,
    changed_text,
    changes_from_history,
    reason_text,
    was_text,
)
from deadlines.corrections import Dates
from deadlines.feeds.builder import FeedItem, FeedOptions, build_feed
from deadlines.howto import how, how_line
from deadlines.records import DeadlineRecord

T1 = datetime(2027, 11, 30, 16, 0, tzinfo=UTC)  # 2027-12-01 01:00 in Seoul
T2 = datetime(2027, 12, 20, 3, 0, tzinfo=UTC)


def snapshot(opens: str | None, closes: str, status: str = "published", **extra: Any) -> dict[str, Any]:
    return {
        "title_en": "Residents abroad report absence",
        "title_ko": "국외부재자 신고",
        "opens": opens,
        "closes": closes,
        "opens_time": None,
        "closes_time": None,
        "status": status,
        "source": {"type": "rule", **extra},
        "revision": 1,
    }


OVERRIDE = {"override": {"reason": "Extended by NEC notice 2027-41", "file": "rules/elections.toml"}}


def entry(at: datetime, action: str, before: dict[str, Any], after: dict[str, Any]) -> HistoryEntry:
    return HistoryEntry(at, action, "kr-2028-national-assembly/overseas-absentee-report", before, after)


def test_a_moved_close_is_one_change_with_the_override_reason() -> None:
    [change] = changes_from_history(
        [
            entry(
                T1,
                "deadline.update",
                snapshot("2027-11-14", "2028-02-12"),
                snapshot("2027-11-14", "2028-02-15", **OVERRIDE),
            )
        ]
    )
    assert (change.election_id, change.slug, change.kind) == (
        "kr-2028-national-assembly",
        "overseas-absentee-report",
        "moved",
    )
    assert change.was.closes == date(2028, 2, 12) and change.now.closes == date(2028, 2, 15)
    assert change.reason == "Extended by NEC notice 2027-41"
    # Only the end that moved is said; the day of the change is Seoul's.
    assert changed_text(change, "en", "Asia/Seoul") == "Changed 2027-12-01: was 2028-02-12"
    assert changed_text(change, "ko", "Asia/Seoul") == "2027-12-01 변경: 변경 전 2028-02-12"
    assert changed_text(change, "en", "America/Los_Angeles") == "Changed 2027-11-30: was 2028-02-12"
    assert reason_text(change, "ko") == "사유: Extended by NEC notice 2027-41"
    assert change_line(change, "en", "Asia/Seoul") == (
        "Changed 2027-12-01: was 2028-02-12. Why: Extended by NEC notice 2027-41"
    )


def test_text_only_revisions_and_restatements_are_not_changes() -> None:
    same = snapshot("2027-11-14", "2028-02-12")
    worded = {**same, "how_en": "Report online"}
    assert (
        changes_from_history(
            [
                entry(T1, "deadline.update", same, worded),
                entry(T2, "deadline.restate", same, same),
                entry(T2, "deadline.create", same, same),
            ]
        )
        == []
    )


def test_newest_first_withdrawn_and_restored() -> None:
    first = snapshot("2027-11-14", "2028-02-12")
    cancelled = snapshot("2027-11-14", "2028-02-12", status="cancelled")
    changes = changes_from_history(
        [entry(T1, "deadline.cancel", first, cancelled), entry(T2, "deadline.restore", cancelled, first)]
    )
    assert [c.kind for c in changes] == ["restored", "withdrawn"]
    assert (
        changed_text(changes[1], "en", "Asia/Seoul") == "Withdrawn 2027-12-01: was 2027-11-14 .. 2028-02-12"
    )
    assert changed_text(changes[0], "ko", "Asia/Seoul").startswith("2027-12-20 복원")
    assert list(by_deadline(changes)) == [("kr-2028-national-assembly", "overseas-absentee-report")]


def test_a_confirmed_election_day_is_the_reason_of_the_moves_it_made() -> None:
    moved = entry(T1, "deadline.update", snapshot(None, "2028-02-12"), snapshot(None, "2028-02-05"))
    confirmed = HistoryEntry(
        T1, "election.confirm-day", "kr-2028-national-assembly", {}, {"day": "2028-04-05"}
    )
    [change] = changes_from_history([moved, confirmed])
    assert was_text(change) == "2028-02-12"
    assert reason_text(change, "en") == "Why: the election day was confirmed (2028-04-05)"
    assert reason_text(change, "ko") == "사유: 선거일 확정(2028-04-05)"


RECORD = DeadlineRecord(
    election_id="kr-2028-national-assembly",
    id="overseas-absentee-report",
    title={"en": "Residents abroad report absence to vote overseas", "ko": "국외부재자 신고"},
    kind="deadline",
    audiences=("overseas",),
    opens=None,
    closes=date(2028, 2, 15),
    timezone="Asia/Seoul",
    action_url="https://ok.nec.go.kr",
    how={
        "en": "Report online at {link}, or at your embassy or consulate.",
        "ko": "{link}에서 신고하거나 재외공관에서 신고하십시오.",
    },
)


def test_how_splits_around_the_link_and_reads_as_text() -> None:
    found = how(RECORD, "en")
    assert found is not None and found.before == "Report online at " and found.label == "ok.nec.go.kr"
    assert how_line(RECORD, "en") == (
        "How to act: Report online at https://ok.nec.go.kr, or at your embassy or consulate."
    )
    assert how_line(RECORD, "ko") == "방법: https://ok.nec.go.kr에서 신고하거나 재외공관에서 신고하십시오."
    assert how_line(replace(RECORD, how={}, action_url=None), "en") is None
    bare = how(replace(RECORD, how={"en": "Ask your mission.", "ko": "공관에 문의."}), "en")
    assert bare is not None and bare.text() == "Ask your mission. https://ok.nec.go.kr"


def test_feed_event_says_how_to_act_and_what_changed_in_both_languages() -> None:
    change = DateChange(
        T1,
        RECORD.election_id,
        RECORD.id,
        Dates(None, date(2028, 2, 12), None, None),
        Dates(None, date(2028, 2, 15), None, None),
        reason="Extended by NEC notice 2027-41",
    )
    item = FeedItem(replace(RECORD, revision=2), T1, {"en": "23rd", "ko": "제23대"}, changes=(change,))
    for lang, acting, changed in (
        ("en", "How to act: Report online at https://ok.nec.go.kr", "Changed 2027-12-01: was 2028-02-12."),
        ("ko", "방법: https://ok.nec.go.kr에서 신고하거나", "2027-12-01 변경: 변경 전 2028-02-12."),
    ):
        options = FeedOptions(lang, "n", "d", "Asia/Seoul", "example.org", "https://deadlines.example.org")
        [event] = Calendar.from_ical(build_feed([item], options)).walk("VEVENT")
        description = str(event["description"])
        assert acting in description and changed in description
        assert "Extended by NEC notice 2027-41" in description
        assert str(event["url"]) == "https://ok.nec.go.kr"

"""Corrections follow what each person was last told: move, move back, revert, move again.

Replays issue 10's finding 4 (a second change never reached subscribers; the preview promised
corrections that publishing did not send; a revert silently dropped an override approved from a
notice) on both engines, and checks the pure decisions beneath it.
"""

from __future__ import annotations

import asyncio
import random
import re
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlmodel import Session, col, select

from deadlines.corrections import UNKNOWN, Dates, Told, differs, owed, span
from deadlines.db.models import DeadlineRow, DraftRow, NoticeRow, OutboxRow, Subscriber, Subscription
from deadlines.mail.failures import Delivery
from deadlines.reminders import policy
from deadlines.reminders.policy import Kind, RowFacts, State, Verdict
from deadlines.reminders.worker import Worker
from tests.smtp_server import SmtpServer
from tests.web_helpers import ELECTION_2028, Site, hidden, make_settings, running_site

# The 23rd National Assembly election, 12 April 2028: overseas absentee reports close at E-60,
# Sat 12 Feb 2028 24:00 KST (15:00 UTC), as the NEC counted E-60 for 10 April 2024
# (10 Feb 2024; ../shared/notices/nec-2023-11.txt).
CLOSE = datetime(2028, 2, 12, 15, tzinfo=UTC)
TITLE = "Residents abroad report absence to vote overseas"
D = Dates(date(2027, 11, 14), date(2028, 2, 12), None, None)


# -- pure decisions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("told", "published", "expected"),
    [
        (D, D, False),
        (D, Dates(date(2027, 11, 21), date(2028, 2, 19), None, None), True),
        (D, Dates(date(2027, 11, 14), date(2028, 2, 12), None, "18:00"), True),  # a time added
        (D, Dates(None, None, None, None, "cancelled"), True),
        (Dates(None, None, None, None, "cancelled"), Dates(None, None, None, None, "cancelled"), False),
        (Dates(None, None, None, None, UNKNOWN), D, True),  # told while it was being revised
        (Dates(date(2027, 11, 14), date(2028, 2, 12), None, None, "cancelled"), D, True),  # restored
    ],
)
def test_differs(told: Dates, published: Dates, expected: bool) -> None:
    assert differs(told, published) is expected


def test_owed_groups_by_subscriber_and_treats_a_deleted_deadline_as_withdrawn() -> None:
    moved = Dates(date(2027, 11, 21), date(2028, 2, 19), None, None)
    facts = [Told(1, 10, 100, D), Told(1, 11, 101, D), Told(2, 10, 102, moved), Told(3, 12, 103, D)]
    result = owed(facts, {10: moved, 11: D})
    assert sorted(result) == [1, 3]
    assert [o.deadline_id for o in result[1]] == [10] and result[1][0].reply_to == 100
    assert result[3][0].now.cancelled


def test_span_reads_like_the_console() -> None:
    assert span(D) == "2027-11-14 .. 2028-02-12"
    assert span(Dates(None, date(2028, 4, 1), None, "18:00")) == "2028-04-01 18:00"


NOW = datetime(2028, 2, 6, tzinfo=UTC)
LATER = NOW + timedelta(days=3)


def facts(**kw: object) -> RowFacts:
    base: dict[str, object] = {
        "kind": Kind.REMINDER,
        "subscriber_status": "active",
        "close_at": CLOSE,
        "row_revision": 1,
        "deadline_revision": 1,
    }
    base.update(kw)
    return RowFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("row", "verdict", "reason"),
    [
        (facts(), Verdict.SEND, ""),
        (facts(subscriber_status=None), Verdict.CANCEL, "subscriber removed"),
        (facts(subscriber_status="suppressed"), Verdict.CANCEL, "subscriber is suppressed"),
        (facts(deadline_revision=None), Verdict.CANCEL, "deadline removed"),
        (facts(close_at=NOW - timedelta(seconds=1)), Verdict.SKIP, "too late"),
        (facts(superseded_by="P1D"), Verdict.SKIP, "superseded by the later P1D"),
        (facts(deadline_revision=2), Verdict.CANCEL, "deadline changed (revision 2)"),
        (facts(deadline_revision=2, moved=(LATER, LATER + timedelta(days=7))), Verdict.REPLAN, "re-planned"),
        (facts(deadline_revision=2, moved=(NOW - timedelta(hours=1), CLOSE)), Verdict.SEND, ""),
        (facts(kind=Kind.CONFIRMATION, subscriber_status="pending"), Verdict.SEND, ""),
        (facts(kind=Kind.CONFIRMATION, subscriber_status="active"), Verdict.CANCEL, "subscriber is active"),
        (facts(kind=Kind.CORRECTION, owed=2), Verdict.SEND, ""),
        (facts(kind=Kind.CORRECTION, owed=0), Verdict.SKIP, "nothing to correct"),
        (
            facts(kind=Kind.CORRECTION, owed=1, subscriber_status="unsubscribed"),
            Verdict.CANCEL,
            "unsubscribed",
        ),
    ],
)
def test_policy_decides_each_row(row: RowFacts, verdict: Verdict, reason: str) -> None:
    decision = policy.decide(row, NOW)
    assert decision.verdict == verdict and reason in decision.reason


@pytest.mark.parametrize(
    ("outcome", "attempts", "state", "bounce", "refund"),
    [
        (Delivery.SENT, 1, State.SENT, False, False),
        (Delivery.TRANSIENT, 1, State.RETRY, False, False),
        (Delivery.TRANSIENT, 8, State.FAILED, False, False),
        (Delivery.BOUNCE, 1, State.FAILED, True, False),
        (Delivery.UNDELIVERABLE, 1, State.FAILED, False, False),  # no SMTPUTF8: not a bounce
        (Delivery.FAULT, 1, State.FAILED, False, False),  # our own failure: not a bounce
        (Delivery.RELAY, 8, State.RETRY, False, True),  # the relay's problem, never the address's
    ],
)
def test_policy_after_send(
    outcome: Delivery, attempts: int, state: State, bounce: bool, refund: bool
) -> None:
    after = policy.after_send(
        outcome, attempts=attempts, max_attempts=8, now=NOW, retry_base=60, rng=random.Random(1)
    )
    assert (after.state, after.bounce, after.refund) == (state, bounce, refund)
    assert (after.due_at is not None) == (state == State.RETRY)
    if after.due_at is not None:
        assert NOW < after.due_at <= NOW + policy.MAX_BACKOFF


# -- end to end through the console, the worker and a real SMTP server -------------------------


def _subscribe(site: Site, email: str, zone: str, audiences: list[str]) -> None:
    with Session(site.engine) as session:
        sub = Subscriber(email=email, language="en", timezone=zone, status="active", secret="s" * 32)
        session.add(sub)
        session.flush()
        assert sub.id is not None
        session.add(
            Subscription(
                subscriber_id=sub.id, election_id=ELECTION_2028, audiences=audiences, triggers=["P7D"]
            )
        )
        session.commit()


def _pass(site: Site, now: datetime) -> None:
    worker = Worker(site.settings, engine=site.engine)
    asyncio.run(worker.once(now))


def _publish(site: Site, page: str, action: str = "edit", draft: str = "") -> None:
    data = {
        "kind": "election",
        "key": ELECTION_2028,
        "document": hidden(page, "document"),
        "base_revision": hidden(page, "base_revision"),
        "action": action,
    }
    if draft:
        data["draft"] = draft
    done = site.post("/admin/publish", data)
    assert done.status_code == 303, done.text[:500]


def _preview(site: Site, day: str, override: tuple[str, str, str] = ("", "", "")) -> str:
    rule, closes, reason = override
    page = site.post(
        f"/admin/elections/{ELECTION_2028}/preview",
        {
            "day": day,
            "override_rule": rule,
            "override_opens": "",
            "override_closes": closes,
            "override_reason": reason,
        },
    )
    assert page.status_code == 200, page.text[:500]
    return str(page.text)


def _revert_preview(site: Site, revision: int) -> str:
    page = site.post(f"/admin/history/election/{ELECTION_2028}/{revision}/preview")
    assert page.status_code == 200, page.text[:500]
    return str(page.text)


def _promised(page: str) -> int:
    m = re.search(r'<strong id="correction-count">(\d+)</strong>', page)
    assert m, "the preview shows no correction count"
    return int(m.group(1))


def _corrections(messages: list[EmailMessage]) -> list[EmailMessage]:
    return [m for m in messages if str(m["Subject"]).startswith("Correction")]


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def _absentee_close(site: Site) -> date:
    with Session(site.engine) as session:
        row = session.exec(
            select(DeadlineRow).where(
                DeadlineRow.election_id == ELECTION_2028, DeadlineRow.slug == "overseas-absentee-report"
            )
        ).one()
        assert row.closes is not None
        return row.closes


def _last_about_absentee(server: SmtpServer, to: str) -> str:
    about = [_text(m) for m in server.to(to) if TITLE in str(m["Subject"]) or TITLE in _text(m)]
    assert about, f"{to} was never told about the absentee report"
    return about[-1]


def _official(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y} 24:00 (Asia/Seoul)"


VOTERS = {"la@example.org": "America/Los_Angeles", "seoul@example.org": "Asia/Seoul"}


@pytest.fixture
def told_site(db_url: str, tmp_path, smtp_server: SmtpServer):  # type: ignore[no-untyped-def]
    with running_site(make_settings(db_url, tmp_path, smtp_server.port)) as site:
        for email, zone in VOTERS.items():
            _subscribe(site, email, zone, ["overseas"])
        # Told nothing: a subscriber who follows only the candidates' deadlines.
        _subscribe(site, "candidate@example.org", "Asia/Seoul", ["candidates"])
        site.login("editor")
        # The 7-day reminders go out: each voter is told 12 Feb 2028.
        _pass(site, CLOSE - timedelta(days=7) + timedelta(hours=1))
        for email in VOTERS:
            assert _official(date(2028, 2, 12)) in _last_about_absentee(smtp_server, email)
        yield site


def test_every_change_reaches_whoever_was_told_the_old_date(told_site: Site, smtp_server: SmtpServer) -> None:
    site, clock = told_site, CLOSE - timedelta(days=6)
    steps = [
        ("move +7", lambda: (_preview(site, "2028-04-19"), "edit")),
        ("move back", lambda: (_preview(site, "2028-04-12"), "edit")),
        ("revert to the moved revision", lambda: (_revert_preview(site, 2), "revert")),
        ("move again", lambda: (_preview(site, "2028-04-26"), "edit")),
    ]
    for name, make in steps:
        before = len(_corrections(smtp_server.messages))
        page, action = make()
        promised = _promised(page)
        _publish(site, page, action)
        clock += timedelta(hours=1)
        _pass(site, clock)
        _pass(site, clock + timedelta(minutes=5))  # a second pass sends nothing more
        sent = _corrections(smtp_server.messages)[before:]
        assert len(sent) == promised == len(VOTERS), name
        current = _absentee_close(site)
        for email in VOTERS:
            text = _last_about_absentee(smtp_server, email)
            assert _official(current) in text, (name, email, text[:400])
    assert not smtp_server.to("candidate@example.org")
    # Each correction is threaded to the message that stated the dates it corrects.
    last = _corrections(smtp_server.to("la@example.org"))[-1]
    earlier = _corrections(smtp_server.to("la@example.org"))[-2]
    assert last["In-Reply-To"] == earlier["Message-ID"]
    # Told 19 Feb by the revert's correction, not 12 Feb by the first reminder.
    assert "We told you: 2027-11-21 .. 2028-02-19\nIt is now: 2027-11-28 .. 2028-02-26" in _text(last)


def test_a_staff_reason_travels_with_the_correction_and_a_revert_says_it_drops_a_notice_override(
    told_site: Site, smtp_server: SmtpServer
) -> None:
    site = told_site
    # A notice moved the close by three days; staff approved it as an override of the rule.
    with Session(site.engine) as session:
        notice = NoticeRow(source="nec-test", sha256="0" * 64, content="...", election_id=ELECTION_2028)
        session.add(notice)
        session.flush()
        assert notice.id is not None
        draft = DraftRow(
            notice_id=notice.id,
            election_id=ELECTION_2028,
            kind="period",
            ends=date(2028, 2, 15),
            quote="reports close on 15 Feb 2028",
            span_start=0,
            span_end=10,
            confidence=0.9,
            outcome="conflict",
            rule="overseas-absentee-report",
        )
        session.add(draft)
        session.commit()
        draft_id = draft.id
    reason = "NEC notice: the reporting period was extended by three days"
    page = _preview(site, "2028-04-12", ("overseas-absentee-report", "2028-02-15", reason))
    assert _promised(page) == len(VOTERS)
    _publish(site, page, draft=str(draft_id))
    _pass(site, CLOSE - timedelta(days=6))
    for email in VOTERS:
        text = _last_about_absentee(smtp_server, email)
        assert reason in text and _official(date(2028, 2, 15)) in text
    with Session(site.engine) as session:
        assert session.get(DraftRow, draft_id).status == "approved"  # type: ignore[union-attr]
    # Reverting to the first revision drops that override: the preview says so, publishing
    # puts the draft back and everyone told 15 Feb hears about 12 Feb.
    page = _revert_preview(site, 1)
    assert 'id="dropped-overrides"' in page and f"draft {draft_id}" in page
    assert _promised(page) == len(VOTERS)
    _publish(site, page, "revert")
    _pass(site, CLOSE - timedelta(days=5))
    for email in VOTERS:
        assert _official(date(2028, 2, 12)) in _last_about_absentee(smtp_server, email)
    with Session(site.engine) as session:
        assert session.get(DraftRow, draft_id).status == "reverted"  # type: ignore[union-attr]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_preview_count_equals_corrections_sent_over_random_edits(
    sqlite_url: str, tmp_path, smtp_server: SmtpServer, seed: int
) -> None:  # type: ignore[no-untyped-def]
    """A property over random sequences of day moves, overrides with reasons and reverts: after
    each publish, exactly the promised corrections go out and every voter's latest message
    about the deadline states its current date."""
    rng = random.Random(seed)
    with running_site(make_settings(sqlite_url, tmp_path, smtp_server.port)) as site:
        for email, zone in VOTERS.items():
            _subscribe(site, email, zone, ["overseas"])
        site.login("editor")
        clock = CLOSE - timedelta(days=7) + timedelta(hours=1)
        _pass(site, clock)
        revision = 1
        for step in range(6):
            before = len(_corrections(smtp_server.messages))
            choice = rng.choice(["move", "override", "revert"] if revision > 1 else ["move", "override"])
            if choice == "move":
                day = date(2028, 4, 12) + timedelta(days=7 * rng.randint(-1, 2))
                page, action = _preview(site, day.isoformat()), "edit"
            elif choice == "override":
                closes = date(2028, 2, 12) + timedelta(days=rng.randint(-2, 3))
                page = _preview(
                    site, "2028-04-12", ("overseas-absentee-report", closes.isoformat(), f"step {step}")
                )
                action = "edit"
            else:
                page, action = _revert_preview(site, rng.randint(1, revision - 1)), "revert"
            if "No dates change" in page or 'name="document"' not in page:
                continue
            promised = _promised(page)
            _publish(site, page, action)
            revision += 1
            clock += timedelta(hours=1)
            _pass(site, clock)
            sent = _corrections(smtp_server.messages)[before:]
            assert len(sent) == promised, (seed, step, choice)
            current = _absentee_close(site)
            for email in VOTERS:
                assert _official(current) in _last_about_absentee(smtp_server, email), (seed, step, choice)
        with Session(site.engine) as session:
            waiting = session.exec(
                select(OutboxRow).where(
                    col(OutboxRow.kind) == "correction", col(OutboxRow.state).in_(("pending", "retry"))
                )
            ).all()
            assert not waiting

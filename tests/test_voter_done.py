""" "I've done it": the signed link in each reminder stops that deadline's reminders for that
subscription only, can be undone, refuses forged links with a page, and is counted in the console.

Dates: for the 22nd National Assembly election (10 Apr 2024) the NEC took overseas absentee
reports and overseas voter registrations from 12 Nov 2023 to 10 Feb 2024 (24:00 KST), so a
voter abroad gets a reminder for each on the same days."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from deadlines.db.engine import make_engine
from deadlines.db.models import DeadlineRow, Subscriber, Subscription
from deadlines.db.voter import mark_done
from deadlines.db.voter_tables import DoneMark
from deadlines.outbox_state import Kind
from deadlines.reminders.policy import RowFacts, Verdict, decide
from deadlines.reminders.subscribers import link_token
from deadlines.voter_links import DONE_REASON, DoneTarget, done_token
from tests.reminder_helpers import ELECTION, add_subscriber, once, rows
from tests.smtp_server import SmtpServer
from tests.web_helpers import hidden, make_settings, running_site

CLOSE = datetime(2024, 2, 10, 15, tzinfo=UTC)  # 10 Feb 2024 24:00 KST
P1D = CLOSE - timedelta(days=1)
LA_DAY_OF = datetime(2024, 2, 9, 9, tzinfo=ZoneInfo("America/Los_Angeles"))
REPORT, REGISTER = "report absence to vote overseas", "register as overseas voters"


def _subjects(server: SmtpServer, to: str, start: int = 0) -> list[str]:
    return [str(m["Subject"]) for m in server.to(to)[start:]]


def _done_path(server: SmtpServer, to: str, words: str) -> str:
    mail = next(m for m in server.to(to) if words in str(m["Subject"]))
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https://deadlines\.example\.org(/done/\S+)", text)
    assert found, text
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert found.group(1) in html
    return found.group(1)


def test_done_stops_that_deadline_only_and_undo_brings_it_back(
    db_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    settings = make_settings(db_url, tmp_path, smtp_server.port)
    start = datetime(2024, 2, 1, tzinfo=UTC)
    for who in ("done@example.org", "undo@example.org", "other@example.org"):
        add_subscriber(settings, who, "America/Los_Angeles", triggers=("P1D", "day-of"), now=start)
    once(settings, P1D)
    for who in ("done@example.org", "undo@example.org", "other@example.org"):
        subjects = _subjects(smtp_server, who)
        assert any(REPORT in s for s in subjects) and any(REGISTER in s for s in subjects), subjects
    # Every reminder offers the personal feed, and its address works.
    text = smtp_server.to("other@example.org")[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    feed = re.search(r"webcal://deadlines\.example\.org(/feeds/personal/\S+\.ics)", text)
    assert feed and f"https://deadlines.example.org{feed.group(1)}" in text
    counts = {
        who: len(smtp_server.to(who)) for who in ("done@example.org", "undo@example.org", "other@example.org")
    }
    with running_site(settings, clock=lambda: P1D + timedelta(hours=1)) as site:
        for who in ("done@example.org", "undo@example.org"):
            path = _done_path(smtp_server, who, REPORT)
            ask = site.client.get(path)
            assert ask.status_code == 200 and "Yes, I&#39;ve done it" in ask.text
            assert "Overseas absentee" in ask.text or REPORT in ask.text
            done = site.post(path, {"csrf_token": hidden(ask.text, "csrf_token")})
            assert done.status_code == 200 and "Marked done" in done.text, done.text
            # Marking twice changes nothing and says the same.
            assert site.post(path).status_code == 200
        undo_path = _done_path(smtp_server, "undo@example.org", REPORT)
        undone = site.post(undo_path + "/undo")
        assert undone.status_code == 200 and "Reminders are back on" in undone.text
        assert "BEGIN:VEVENT" in site.client.get(feed.group(1)).text
        # The console counts the marks per deadline.
        site.login("viewer")
        outbox = site.client.get("/admin/outbox")
        assert outbox.status_code == 200
        marks = re.findall(r"<tr><td>([^<]+)</td><td>[^<]+</td><td>(\d+)</td></tr>", outbox.text)
        assert marks == [("Residents abroad report absence to vote overseas", "1")], marks
    once(settings, LA_DAY_OF)
    done_new = _subjects(smtp_server, "done@example.org", counts["done@example.org"])
    undo_new = _subjects(smtp_server, "undo@example.org", counts["undo@example.org"])
    other_new = _subjects(smtp_server, "other@example.org", counts["other@example.org"])
    assert any(REGISTER in s for s in done_new) and not any(REPORT in s for s in done_new), done_new
    assert any(REPORT in s for s in undo_new) and any(REGISTER in s for s in undo_new), undo_new
    assert any(REPORT in s for s in other_new), other_new
    cancelled = [r for r in rows(settings, state="cancelled") if r.last_error == DONE_REASON]
    assert len(cancelled) == 1 and cancelled[0].trigger == "day-of"


def test_done_links_that_are_forged_or_stale_get_a_page_not_an_error(sqlite_url: str, tmp_path: Path) -> None:
    settings = make_settings(sqlite_url, tmp_path)
    now = datetime(2024, 2, 1, tzinfo=UTC)
    sid = add_subscriber(settings, "v@example.org", "Asia/Seoul", now=now)
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        sub = session.exec(select(Subscription).where(Subscription.subscriber_id == sid)).one()
        subscriber = session.get(Subscriber, sid)
        assert subscriber is not None
        deadline = session.exec(select(DeadlineRow).where(DeadlineRow.election_id == ELECTION)).first()
        other = session.exec(select(DeadlineRow).where(col(DeadlineRow.election_id) != ELECTION)).first()
        assert deadline is not None and deadline.id is not None and other is not None and other.id is not None
        good = done_token(
            settings.secret_key, sid, binding=subscriber.secret, target=DoneTarget(sub.id or 0, deadline.id)
        )
        wrong_election = done_token(
            settings.secret_key, sid, binding=subscriber.secret, target=DoneTarget(sub.id or 0, other.id)
        )
        forged_secret = done_token(
            "another-key", sid, binding=subscriber.secret, target=DoneTarget(sub.id or 0, deadline.id)
        )
    engine.dispose()
    payload, _, mac = good.partition(".")
    with running_site(settings, clock=lambda: now) as site:
        assert site.client.get(f"/done/{good}").status_code == 200
        for bad in (
            f"{payload}.{mac[:-2]}xx",  # the signature altered
            forged_secret,
            wrong_election,  # signed, but names a deadline of an election they do not follow
            "not-a-token",
            f"{payload}",
            "%ff%fe",
        ):
            page = site.client.get(f"/done/{bad}")
            assert page.status_code == 400, (bad, page.status_code)
            assert "<h1>Link not valid</h1>" in page.text
            assert site.post(f"/done/{bad}").status_code == 400
            assert site.post(f"/done/{bad}/undo").status_code == 400
        # A POST without the form's CSRF token is refused and marks nothing.
        assert site.client.post(f"/done/{good}").status_code == 403
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        assert session.exec(select(DoneMark)).all() == []
    engine.dispose()


def test_preferences_page_marks_and_unmarks(sqlite_url: str, tmp_path: Path) -> None:
    settings = make_settings(sqlite_url, tmp_path)
    now = datetime(2024, 2, 1, tzinfo=UTC)
    sid = add_subscriber(settings, "p@example.org", "Asia/Seoul", now=now)
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        subscriber = session.get(Subscriber, sid)
        assert subscriber is not None
        token = link_token(settings.secret_key, "preferences", subscriber)
    with running_site(settings, clock=lambda: now) as site:
        page = site.client.get(f"/preferences/{token}")
        assert page.status_code == 200 and 'id="my-deadlines"' in page.text
        subscription = hidden(page.text, "subscription")
        deadline = hidden(page.text, "deadline")
        marked = site.post(
            f"/preferences/{token}/done",
            {"subscription": subscription, "deadline": deadline, "action": "done"},
        )
        assert marked.status_code == 303
        page = site.client.get(marked.headers["location"])
        assert "<strong>done</strong>" in page.text and "Undo: keep reminding me" in page.text
        with Session(engine) as session:
            assert len(session.exec(select(DoneMark)).all()) == 1
        undone = site.post(
            f"/preferences/{token}/done",
            {"subscription": subscription, "deadline": deadline, "action": "undo"},
        )
        assert undone.status_code == 303
        with Session(engine) as session:
            assert session.exec(select(DoneMark)).all() == []
        # Someone else's subscription, or nonsense, is refused without an error page of the server.
        assert (
            site.post(
                f"/preferences/{token}/done", {"subscription": "999", "deadline": deadline, "action": "done"}
            ).status_code
            == 400
        )
        assert site.post(
            f"/preferences/{token}/done", {"subscription": "x", "deadline": deadline, "action": "done"}
        ).status_code in (400, 422)
    engine.dispose()


@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        # A reminder for a deadline marked done is cancelled, even one already claimed.
        (RowFacts(Kind.REMINDER, "active", CLOSE, 1, 1, done=True), Verdict.CANCEL),
        (RowFacts(Kind.REMINDER, "active", CLOSE, 1, 1), Verdict.SEND),
        # A correction still goes: the date changed, and they may need to act again.
        (RowFacts(Kind.CORRECTION, "active", None, 0, owed=1, done=True), Verdict.SEND),
        # Removed deadlines and people keep their own reasons.
        (RowFacts(Kind.REMINDER, "active", CLOSE, 1, None, done=True), Verdict.CANCEL),
        (RowFacts(Kind.REMINDER, "unsubscribed", CLOSE, 1, 1, done=True), Verdict.CANCEL),
    ],
)
def test_policy_for_done_deadlines(facts: RowFacts, verdict: Verdict) -> None:
    decision = decide(facts, P1D)
    assert decision.verdict == verdict
    assert (decision.reason == DONE_REASON) == (
        facts.done
        and facts.kind == Kind.REMINDER
        and facts.deadline_revision is not None
        and facts.subscriber_status == "active"
    )


def test_a_done_deadline_still_gets_its_correction(
    sqlite_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    """Marked done, then the date moved: the voter is told (they may need to act again), and the
    correction offers their personal feed. 23rd National Assembly election, 12 Apr 2028: the
    overseas absentee reports close at E-60, 12 Feb 2028 (as the NEC counted 10 Feb 2024 for
    10 Apr 2024); moving the election day a week moves that close a week."""
    from tests.test_trust_corrections import (
        CLOSE as CLOSE_2028,
    )
    from tests.test_trust_corrections import (
        TITLE,
        _corrections,
        _pass,
        _preview,
        _promised,
        _publish,
        _subscribe,
        _text,
    )

    with running_site(make_settings(sqlite_url, tmp_path, smtp_server.port)) as site:
        _subscribe(site, "told@example.org", "America/Los_Angeles", ["overseas"])
        site.login("editor")
        _pass(site, CLOSE_2028 - timedelta(days=7) + timedelta(hours=1))
        assert any(TITLE in str(m["Subject"]) for m in smtp_server.to("told@example.org"))
        with Session(site.engine) as session:
            sub = session.exec(select(Subscription)).one()
            report = session.exec(
                select(DeadlineRow).where(
                    DeadlineRow.slug == "overseas-absentee-report", DeadlineRow.election_id == sub.election_id
                )
            ).one()
            assert sub.id is not None and report.id is not None
            assert mark_done(
                session=session,
                subscriber_id=sub.subscriber_id,
                target=DoneTarget(sub.id, report.id),
                now=CLOSE_2028 - timedelta(days=6),
            )
            session.commit()
        page = _preview(site, "2028-04-19")
        assert _promised(page) == 1
        _publish(site, page)
        _pass(site, CLOSE_2028 - timedelta(days=6))
        [correction] = _corrections(smtp_server.to("told@example.org"))
        text = _text(correction)
        assert TITLE in text and "2028-02-19" in text
        assert "webcal://deadlines.example.org/feeds/personal/" in text

"""Reminder delivery through a real SMTP server (aiosmtpd on a free port)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from deadlines.db.engine import make_engine
from deadlines.reminders.subscribers import SignUp, confirm, sign_up, unsubscribe
from tests.reminder_helpers import ELECTION, add_subscriber, once, prepare, rows
from tests.smtp_server import SmtpServer

CLOSE = datetime(2024, 2, 10, 15, tzinfo=UTC)  # overseas absentee reporting closes, 24:00 KST
LA, SEOUL = "America/Los_Angeles", "Asia/Seoul"


def subjects(server: SmtpServer, to: str) -> list[str]:
    return [str(m["Subject"]) for m in server.to(to)]


def test_confirmation_arrives_and_its_token_works_once(
    db_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    settings = prepare(db_url, tmp_path, smtp_server.port)
    now = datetime(2024, 2, 1, tzinfo=UTC)
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        sign_up(
            session=session,
            request=SignUp("Voter@Example.org", "ko", LA, (ELECTION,), ("overseas",)),
            known_elections=[ELECTION],
            now=now,
        )
        session.commit()
    once(settings, now)
    [mail] = smtp_server.to("voter@example.org")
    assert str(mail["Subject"]) == "선거일정 알림 신청 확인"
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    token = re.search(r"/confirm/(\S+)", body).group(1)  # type: ignore[union-attr]
    # Not confirmed yet: no reminders even when one is due.
    once(settings, CLOSE - timedelta(days=1))
    assert len(smtp_server.to("voter@example.org")) == 1
    with Session(engine) as session:
        confirm(session=session, secret=settings.secret_key, token=token, now=now)
        session.commit()
    with Session(engine) as session:
        import pytest

        from deadlines.tokens import TokenError

        with pytest.raises(TokenError, match="already been used"):
            confirm(session=session, secret=settings.secret_key, token=token, now=now)
    engine.dispose()
    once(settings, CLOSE - timedelta(days=1))
    reminders = smtp_server.to("voter@example.org")[1:]
    assert reminders and all("남음" in str(m["Subject"]) for m in reminders)
    assert any("국외부재자 신고" in str(m["Subject"]) for m in reminders)


def test_day_of_and_p1d_in_each_zone(db_url: str, tmp_path: Path, smtp_server: SmtpServer) -> None:
    settings = prepare(db_url, tmp_path, smtp_server.port)
    start = datetime(2024, 2, 1, tzinfo=UTC)
    add_subscriber(settings, "la@example.org", LA, triggers=("P1D", "day-of"), now=start)
    add_subscriber(settings, "seoul@example.org", SEOUL, language="ko", triggers=("P1D", "day-of"), now=start)
    p1d = CLOSE - timedelta(hours=24)
    once(settings, p1d - timedelta(seconds=1))
    assert smtp_server.messages == []
    once(settings, p1d)
    assert len(smtp_server.to("la@example.org")) == len(smtp_server.to("seoul@example.org"))
    la_p1d = [m for m in smtp_server.to("la@example.org") if "Residents abroad" in str(m["Subject"])]
    assert len(la_p1d) == 1 and str(la_p1d[0]["Subject"]).startswith("1 day left")
    la_day_of = datetime(2024, 2, 9, 9, tzinfo=ZoneInfo(LA))
    seoul_day_of = datetime(2024, 2, 10, 9, tzinfo=ZoneInfo(SEOUL))
    once(settings, la_day_of - timedelta(seconds=1))
    before = len(smtp_server.to("la@example.org"))
    once(settings, la_day_of)
    new = smtp_server.to("la@example.org")[before:]
    [la_mail] = [m for m in new if "Residents abroad" in str(m["Subject"])]
    assert str(la_mail["Subject"]).startswith("22 hours left")
    text = la_mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Closes for you: Sat 10 Feb 2024 07:00 (America/Los_Angeles)" in text
    assert "Official deadline: Sat 10 Feb 2024 24:00 (Asia/Seoul)" in text
    before = len(smtp_server.to("seoul@example.org"))
    once(settings, seoul_day_of)
    [seoul_mail] = [
        m for m in smtp_server.to("seoul@example.org")[before:] if "국외부재자 신고" in str(m["Subject"])
    ]
    assert str(seoul_mail["Subject"]).startswith("15시간 남음")
    assert "2024. 2. 10.(토) 24:00 (Asia/Seoul)" in seoul_mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # A second pass at the same instant sends nothing.
    count = len(smtp_server.messages)
    once(settings, seoul_day_of)
    assert len(smtp_server.messages) == count


def test_headers_of_a_reminder(db_url: str, tmp_path: Path, smtp_server: SmtpServer) -> None:
    settings = prepare(db_url, tmp_path, smtp_server.port, attach_ics=True)
    add_subscriber(settings, "h@example.org", SEOUL, triggers=("P1D",), now=datetime(2024, 2, 1, tzinfo=UTC))
    once(settings, CLOSE - timedelta(days=1))
    mail = next(m for m in smtp_server.to("h@example.org") if "Residents abroad" in str(m["Subject"]))
    [row] = [
        r
        for r in rows(settings, state="sent")
        if r.subscriber_id and r.trigger == "P1D" and r.deadline_id and "Residents" in str(mail["Subject"])
    ][:1]
    assert re.fullmatch(r"<reminder-\d+@deadlines\.example\.org>", str(mail["Message-ID"]))
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsub = str(mail["List-Unsubscribe"])
    assert unsub.startswith("<https://deadlines.example.org/unsubscribe/") and "mailto:" in unsub
    assert mail["Date"] is not None and mail.is_multipart()
    assert mail.get_body(("html",)) is not None
    attachments = [p for p in mail.iter_attachments()]
    assert attachments and attachments[0].get_content_type() == "text/calendar"
    assert row.sent_at is not None


def test_deadline_passed_while_down_gives_no_late_reminder(
    db_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    settings = prepare(db_url, tmp_path, smtp_server.port)
    add_subscriber(
        settings,
        "late@example.org",
        LA,
        triggers=("P7D", "P1D", "day-of"),
        now=datetime(2024, 1, 1, tzinfo=UTC),
    )
    once(settings, datetime(2024, 1, 28, tzinfo=UTC))  # plans all three; none is due yet
    assert len([r for r in rows(settings) if r.close_at == CLOSE]) >= 3
    once(settings, CLOSE + timedelta(hours=1))  # the worker was down through the close
    assert not [m for m in smtp_server.to("late@example.org") if "Residents abroad" in str(m["Subject"])]
    states = {r.state for r in rows(settings) if r.close_at == CLOSE}
    assert states and states <= {"skipped"}


def test_after_downtime_only_the_latest_trigger_is_sent(
    db_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    settings = prepare(db_url, tmp_path, smtp_server.port)
    add_subscriber(
        settings, "down@example.org", SEOUL, triggers=("P7D", "P1D"), now=datetime(2024, 1, 1, tzinfo=UTC)
    )
    once(settings, datetime(2024, 1, 20, tzinfo=UTC))
    once(settings, CLOSE - timedelta(hours=2))  # both P7D and P1D are overdue now
    mails = [m for m in smtp_server.to("down@example.org") if "Residents abroad" in str(m["Subject"])]
    assert len(mails) == 1 and str(mails[0]["Subject"]).startswith("2 hours left")


def test_smtp_down_then_back_every_reminder_once(db_url: str, tmp_path: Path) -> None:
    server = SmtpServer()  # not started yet: connections are refused
    settings = prepare(db_url, tmp_path, server.port)
    for n in range(5):
        add_subscriber(
            settings, f"v{n}@example.org", SEOUL, triggers=("P1D",), now=datetime(2024, 1, 1, tzinfo=UTC)
        )
    now = CLOSE - timedelta(days=1)
    _plan, report = once(settings, now)
    assert report.sent == 0 and report.retried > 0
    assert {r.state for r in rows(settings, trigger="P1D")} == {"retry"}
    server.start()
    try:
        for minutes in range(1, 30):
            once(settings, now + timedelta(minutes=minutes))
        due = {r.subscriber_id for r in rows(settings, trigger="P1D")}
        per_address: dict[str, int] = {}
        for m in server.messages:
            key = (str(m["To"]), str(m["Subject"]))
            per_address[str(key)] = per_address.get(str(key), 0) + 1
        assert all(v == 1 for v in per_address.values())
        assert {r.state for r in rows(settings, trigger="P1D")} == {"sent"}
        assert len(due) == 5
    finally:
        server.stop()


def test_temporary_failures_are_retried_and_all_arrive(db_url: str, tmp_path: Path) -> None:
    from tests.smtp_server import Behaviour

    server = SmtpServer(Behaviour(temporary_failure_rate=0.1, seed=3))
    server.start()
    try:
        settings = prepare(db_url, tmp_path, server.port)
        emails = [f"r{n}@example.org" for n in range(40)]
        for email in emails:
            add_subscriber(settings, email, SEOUL, triggers=("P1D",), now=datetime(2024, 1, 1, tzinfo=UTC))
        now = CLOSE - timedelta(days=1)
        for minutes in range(0, 40):
            once(settings, now + timedelta(minutes=minutes))
            p1d = rows(settings, trigger="P1D")
            if {r.state for r in p1d} == {"sent"}:
                break  # every retry has gone out: later passes would find nothing due
        assert {r.state for r in p1d} == {"sent"}
        assert server.handler.temporary_failures > 0
        assert any(r.attempts > 1 for r in p1d)  # retries recorded
        keys = [(str(m["To"]), str(m["Message-ID"])) for m in server.messages]
        assert len(keys) == len(set(keys))  # none twice
        assert {str(m["To"]) for m in server.messages} == set(emails)
    finally:
        server.stop()


def test_permanent_failure_suppresses_only_that_address(db_url: str, tmp_path: Path) -> None:
    from deadlines.db.models import Subscriber
    from tests.smtp_server import Behaviour

    server = SmtpServer(Behaviour(refuse={"gone@example.org"}))
    server.start()
    try:
        settings = prepare(db_url, tmp_path, server.port)
        for email in ("gone@example.org", "ok@example.org"):
            add_subscriber(
                settings, email, SEOUL, triggers=("P7D", "P1D"), now=datetime(2024, 1, 1, tzinfo=UTC)
            )
        once(settings, CLOSE - timedelta(days=7))
        once(settings, CLOSE - timedelta(days=1))
        assert not server.to("gone@example.org")
        assert len([m for m in server.to("ok@example.org") if "Residents abroad" in str(m["Subject"])]) == 2
        engine = make_engine(settings.database_url)
        with Session(engine) as session:
            from sqlmodel import select

            gone = session.exec(select(Subscriber).where(Subscriber.email == "gone@example.org")).one()
            assert gone.status == "suppressed" and gone.hard_bounces >= 1
        engine.dispose()
        failed = [r for r in rows(settings, state="failed")]
        assert failed and all("550" in (r.last_error or "") for r in failed)
    finally:
        server.stop()


def test_moved_date_sends_one_correction_and_replans(
    db_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    import shutil

    from tests.conftest import RULES_DIR, Cli, cli_env

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    settings = prepare(db_url, tmp_path, smtp_server.port, rules_dir=rules)
    add_subscriber(
        settings, "moved@example.org", SEOUL, triggers=("P7D", "P1D"), now=datetime(2024, 1, 1, tzinfo=UTC)
    )
    once(settings, CLOSE - timedelta(days=7))
    assert (
        len([m for m in smtp_server.to("moved@example.org") if "Residents abroad" in str(m["Subject"])]) == 1
    )
    # The close moves a day later (E-59).
    path = rules / "kr-national-assembly.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'closes = "E-60"\ncitation = "Art. 218-4(1)"', 'closes = "E-59"\ncitation = "Art. 218-4(1)"'
        ),
        encoding="utf-8",
    )
    run = Cli({**cli_env(db_url, tmp_path), "DEADLINES_RULES_DIR": str(rules)})
    assert run("rules", "apply").exit_code == 0
    once(settings, CLOSE - timedelta(days=6))
    once(settings, CLOSE - timedelta(days=5))  # a second pass: still one correction
    corrections = [
        m for m in smtp_server.to("moved@example.org") if str(m["Subject"]).startswith("Correction")
    ]
    assert len(corrections) == 1
    text = corrections[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Sun 11 Feb 2024 24:00 (Asia/Seoul)" in text
    [p1d] = [r for r in rows(settings, trigger="P1D") if r.state == "pending" and r.revision == 2]
    assert p1d.due_at == CLOSE  # re-planned: 24 hours before the new close
    once(settings, CLOSE)
    assert (
        len([m for m in smtp_server.to("moved@example.org") if "Residents abroad" in str(m["Subject"])]) == 3
    )


def test_unsubscribe_stops_every_further_reminder(
    db_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    from deadlines.db.models import Subscriber
    from deadlines.tokens import make_token

    settings = prepare(db_url, tmp_path, smtp_server.port)
    sid = add_subscriber(
        settings, "bye@example.org", SEOUL, triggers=("P7D", "P1D"), now=datetime(2024, 1, 1, tzinfo=UTC)
    )
    once(settings, CLOSE - timedelta(days=7))
    sent = len(smtp_server.to("bye@example.org"))
    assert sent >= 1
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        secret = session.get_one(Subscriber, sid).secret
        token = make_token(settings.secret_key, "unsubscribe", sid, binding=secret)
        unsubscribe(session=session, secret=settings.secret_key, token=token, now=CLOSE - timedelta(days=6))
        session.commit()
    engine.dispose()
    assert {r.state for r in rows(settings, subscriber_id=sid) if r.state not in ("sent", "skipped")} <= {
        "cancelled"
    }
    once(settings, CLOSE - timedelta(days=1))
    assert len(smtp_server.to("bye@example.org")) == sent

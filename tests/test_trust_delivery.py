"""Delivery trust (issue 10, items 1-3): a failure is charged to an address only when the relay
refused that address; relay problems stop the pass and charge no one; the bounce brake; ways
back from suppression. Real SMTP (aiosmtpd) on both database engines."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from deadlines.db import service_state
from deadlines.db.engine import make_engine
from deadlines.db.models import AuditEntry, Subscriber
from deadlines.mail.failures import Delivery
from deadlines.mail.smtp import Connection, SmtpSettings
from deadlines.reminders.worker import Worker
from deadlines.settings import Settings
from tests.conftest import Cli, cli_env
from tests.reminder_helpers import add_subscriber, once, prepare, rows
from tests.smtp_server import Behaviour, SmtpServer

CLOSE = datetime(2024, 2, 10, 15, tzinfo=UTC)  # overseas absentee reporting closes, 24:00 KST
P1D = CLOSE - timedelta(days=1)
SEOUL = "Asia/Seoul"
START = datetime(2024, 1, 1, tzinfo=UTC)
IDN, LOCAL = "user@пример.рф", "usér@example.com"


@contextmanager
def smtp(behaviour: Behaviour) -> Iterator[SmtpServer]:
    server = SmtpServer(behaviour)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def subscribe(settings: Settings, emails: list[str]) -> None:
    for email in emails:
        add_subscriber(settings, email, SEOUL, triggers=("P1D",), now=START)


def subscribers(settings: Settings) -> dict[str, Subscriber]:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return {s.email: s for s in session.exec(select(Subscriber))}
    finally:
        engine.dispose()


def problems(settings: Settings) -> list[dict[str, Any]]:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return service_state.problems(session=session)
    finally:
        engine.dispose()


def audit_actions(settings: Settings) -> list[str]:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return [a.action for a in session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))]
    finally:
        engine.dispose()


def reminders_to(server: SmtpServer, address: str) -> int:
    return len([m for m in server.to(address) if "Residents abroad" in str(m["Subject"])])


def nobody_charged(settings: Settings) -> None:
    people = subscribers(settings).values()
    assert {s.status for s in people} == {"active"}
    assert {s.hard_bounces for s in people} == {0}


def confirm_directly(settings: Settings, email: str) -> None:
    """`add_subscriber` activates without a confirmation date; real sign-ups and imports set one."""
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            sub = session.exec(select(Subscriber).where(Subscriber.email == email)).one()
            sub.confirmed_at = START
            session.add(sub)
            session.commit()
    finally:
        engine.dispose()


def cli(db_url: str, tmp_path: Path) -> Cli:
    return Cli(cli_env(db_url, tmp_path))


@pytest.mark.parametrize("smtputf8", [False, True], ids=["without-smtputf8", "with-smtputf8"])
def test_international_addresses_fail_alone_or_go_with_smtputf8(
    db_url: str, tmp_path: Path, smtputf8: bool
) -> None:
    with smtp(Behaviour(smtputf8=smtputf8)) as server:
        settings = prepare(db_url, tmp_path, server.port)
        ordinary = [f"voter{n}@example.org" for n in range(40)]
        subscribe(settings, [*ordinary, IDN, LOCAL])
        once(settings, P1D)
        for address in ordinary:
            assert reminders_to(server, address) == 1, address
        # The domain goes in IDNA form, in the envelope and in To.
        assert reminders_to(server, "user@xn--e1afmkfd.xn--p1ai") == 1
        assert ["user@xn--e1afmkfd.xn--p1ai"] in [rcpts for rcpts, _ in server.handler.envelopes]
        ids = Counter(str(m["Message-ID"]) for m in server.messages)
        assert max(ids.values()) == 1  # nobody got anything twice
        nobody_charged(settings)
        local_id = subscribers(settings)[LOCAL].id
        local_rows = [r for r in rows(settings) if r.subscriber_id == local_id]
        if smtputf8:
            assert reminders_to(server, LOCAL) == 1, [(r.state, r.last_error) for r in local_rows]
            assert ([LOCAL], True) in server.handler.envelopes
            assert {r.state for r in local_rows} == {"sent"}
        else:
            assert reminders_to(server, LOCAL) == 0
            assert local_rows and {r.state for r in local_rows} == {"failed"}
            assert all("SMTPUTF8" in (r.last_error or "") for r in local_rows)
        assert not [r for r in rows(settings) if r.state == "sending"]
        assert {r.state for r in rows(settings) if r.subscriber_id != local_id} == {"sent"}
        # A second pass sends nothing again.
        count = len(server.messages)
        once(settings, P1D + timedelta(minutes=1))
        assert len(server.messages) == count


def _healthz(settings: Settings) -> dict[str, Any]:
    """What a load balancer's probe sees, through the real app."""
    from fastapi.testclient import TestClient

    from deadlines.web.app import create_app

    with TestClient(create_app(settings)) as client:
        body: dict[str, Any] = client.get("/healthz").json()
    return body


def test_wrong_smtp_password_charges_no_one_and_says_so(db_url: str, tmp_path: Path) -> None:
    with smtp(Behaviour(password="the-right-one")) as server:
        wrong = prepare(db_url, tmp_path, server.port, smtp_username="deadlines", smtp_password="wrong")
        emails = [f"p{n}@example.org" for n in range(12)]
        subscribe(wrong, emails)
        _plan, report = once(wrong, P1D)
        assert report.sent == 0 and "535" in report.relay
        assert not server.messages
        nobody_charged(wrong)
        p1d = rows(wrong, trigger="P1D")
        assert p1d and {r.state for r in p1d} == {"retry"}  # back, not failed, not left sending
        assert {r.attempts for r in p1d} == {0}  # no attempt spent
        [problem] = problems(wrong)
        assert problem["problem"] == "relay" and problem["code"] == 535 and problem["stage"] == "auth"
        shown = cli(db_url, tmp_path)("outbox")
        assert shown.exit_code == 0 and "PROBLEM: SMTP relay error" in shown.output
        assert "535" in shown.output and "auth" in shown.output
        as_json = json.loads(cli(db_url, tmp_path)("outbox", "--json").output)
        assert [(p["problem"], p["code"]) for p in as_json["problems"]] == [("relay", 535)]
        health = _healthz(wrong)
        assert health["status"] != "ok" and "535" in json.dumps(health)
        # Still wrong a minute later: the worker probes once and claims nothing.
        _plan, report = once(wrong, P1D + timedelta(minutes=1))
        assert report.sent == 0 and "535" in report.relay
        assert {r.attempts for r in rows(wrong, trigger="P1D")} == {0}

        fixed = prepare(
            db_url, tmp_path, server.port, smtp_username="deadlines", smtp_password="the-right-one"
        )
        once(fixed, P1D + timedelta(minutes=2))
        once(fixed, P1D + timedelta(minutes=3))
        for address in emails:
            assert reminders_to(server, address) == 1, address
        assert {r.state for r in rows(fixed, trigger="P1D")} == {"sent"}
        assert problems(fixed) == []  # a successful send clears it
        assert "PROBLEM" not in cli(db_url, tmp_path)("outbox").output
        assert _healthz(fixed)["status"] == "ok"
        nobody_charged(fixed)


@pytest.mark.parametrize(
    "behaviour",
    [
        Behaviour(greeting="554 5.3.2 no SMTP service here"),
        Behaviour(mail_reply="550 5.7.1 sender address rejected"),
        Behaviour(mail_reply="503 5.5.1 Error: nested MAIL command"),
        Behaviour(rcpt_reply="503 5.5.1 Error: need MAIL command"),
    ],
    ids=["554-greeting", "mail-from-refused", "503-at-mail", "503-at-rcpt"],
)
def test_relay_problems_suppress_no_one(db_url: str, tmp_path: Path, behaviour: Behaviour) -> None:
    with smtp(behaviour) as server:
        settings = prepare(db_url, tmp_path, server.port)
        subscribe(settings, [f"r{n}@example.org" for n in range(5)])
        _plan, report = once(settings, P1D)
        assert report.sent == 0 and report.failed == 0 and report.relay
        nobody_charged(settings)
        p1d = rows(settings, trigger="P1D")
        assert {r.state for r in p1d} == {"retry"} and {r.attempts for r in p1d} == {0}
        [problem] = problems(settings)
        assert problem["problem"] == "relay" and str(problem["code"]) in report.relay


def test_relay_refusing_everything_trips_the_brake(db_url: str, tmp_path: Path) -> None:
    with smtp(Behaviour(refuse_all=True)) as server:
        settings = prepare(db_url, tmp_path, server.port)
        emails = [f"b{n}@example.org" for n in range(60)]
        subscribe(settings, emails)
        _plan, report = once(settings, P1D)
        assert "bounced in one pass" in report.paused
        nobody_charged(settings)
        p1d = rows(settings, trigger="P1D")
        assert not [r for r in p1d if r.state in ("failed", "sending", "cancelled")]
        assert {r.attempts for r in p1d} == {0}
        [problem] = problems(settings)
        assert problem["problem"] == "dispatch_paused" and problem["bounced"] >= 20
        shown = cli(db_url, tmp_path)("outbox")
        assert "PROBLEM: dispatch paused" in shown.output and "nobody was suppressed" in shown.output
        # Paused: the next pass sends nothing at all.
        tried = len(server.handler.envelopes)
        _plan, report = once(settings, P1D + timedelta(minutes=1))
        assert report.sent == 0 and report.paused and len(server.handler.envelopes) == tried

        server.handler.behaviour.refuse_all = False  # the relay is fixed
        resumed = cli(db_url, tmp_path)("outbox", "resume")
        assert resumed.exit_code == 0 and "dispatch resumed" in resumed.output
        once(settings, P1D + timedelta(minutes=2))
        for address in emails:
            assert reminders_to(server, address) == 1, address
        assert problems(settings) == []
        assert "dispatch.resume" in audit_actions(settings)
        assert "dispatch was not paused" in cli(db_url, tmp_path)("outbox", "resume").output


def test_one_bounce_suppresses_only_that_address_and_unsuppress_brings_it_back(
    db_url: str, tmp_path: Path
) -> None:
    with smtp(Behaviour(refuse={"gone@example.org", "never@example.org"})) as server:
        settings = prepare(db_url, tmp_path, server.port)
        subscribe(
            settings, ["gone@example.org", "never@example.org", *(f"k{n}@example.org" for n in range(30))]
        )
        confirm_directly(settings, "gone@example.org")
        once(settings, P1D)
        people = subscribers(settings)
        assert people["gone@example.org"].status == "suppressed"
        assert people["gone@example.org"].hard_bounces >= 1
        assert {p.status for e, p in people.items() if e.startswith("k")} == {"active"}
        assert problems(settings) == []  # one bounce in 31 is the address, not the relay

        run = cli(db_url, tmp_path)
        back = run("subscribers", "unsuppress", "Gone@Example.org")
        assert back.exit_code == 0 and "gone@example.org is active again" in back.output
        gone = subscribers(settings)["gone@example.org"]
        assert (gone.status, gone.hard_bounces) == ("active", 0)
        assert "subscriber.unsuppress" in audit_actions(settings)
        again = run("subscribers", "unsuppress", "gone@example.org")
        assert again.exit_code == 1 and "not suppressed" in again.output
        # An address that never confirmed comes back pending: double opt-in still holds.
        never = run("subscribers", "unsuppress", "never@example.org")
        assert never.exit_code == 0 and "never@example.org is pending again" in never.output
        missing = run("subscribers", "unsuppress", "nobody@example.org")
        assert missing.exit_code == 1 and "no subscriber" in missing.output


def test_a_message_that_cannot_be_rendered_fails_alone(db_url: str, tmp_path: Path) -> None:
    with smtp(Behaviour()) as server:
        settings = prepare(db_url, tmp_path, server.port, smtp_concurrency=1)
        emails = [f"f{n}@example.org" for n in range(6)]
        subscribe(settings, emails)
        worker = Worker(settings)
        render = worker.renderer.render

        def broken(job: Any, now: datetime) -> bytes:
            if job.email == "f2@example.org":
                raise UnicodeEncodeError("ascii", "é", 0, 1, "ordinal not in range(128)")
            return render(job, now)

        worker.renderer.render = broken  # type: ignore[method-assign]
        try:
            asyncio.run(worker.once(P1D))
        finally:
            worker.engine.dispose()
        assert reminders_to(server, "f2@example.org") == 0
        for address in (e for e in emails if e != "f2@example.org"):
            assert reminders_to(server, address) == 1
        f2 = subscribers(settings)["f2@example.org"]
        failed = [r for r in rows(settings) if r.subscriber_id == f2.id]
        assert failed and {r.state for r in failed} == {"failed"}
        assert all((r.last_error or "").startswith("render: UnicodeEncodeError") for r in failed)
        assert not [r for r in rows(settings) if r.state == "sending"]
        nobody_charged(settings)


def test_a_failed_message_resets_the_connection_for_the_next() -> None:
    """The reported cascade: a message failing after MAIL FROM left the transaction open, so the
    next one met "503 nested MAIL command" and was taken for a bounce."""
    message = b"From: n@example.org\r\nTo: x@example.org\r\nSubject: t\r\n\r\nbody\r\n"

    async def send_three(port: int) -> list[Delivery]:
        connection = Connection(SmtpSettings("127.0.0.1", port, timeout=5))
        try:
            return [
                (await connection.send("n@example.org", to, message)).status
                for to in ("a@example.org", "bad address@example.org", "b@example.org")
            ]
        finally:
            await connection.close()

    with smtp(Behaviour(smtputf8=False)) as server:
        outcomes = asyncio.run(send_three(server.port))
        assert outcomes == [Delivery.SENT, Delivery.FAULT, Delivery.SENT]
        assert [rcpts for rcpts, _ in server.handler.envelopes] == [["a@example.org"], ["b@example.org"]]


def test_console_shows_the_pause_resumes_and_brings_an_address_back(sqlite_url: str, tmp_path: Path) -> None:
    from tests.web_helpers import make_settings, running_site

    settings = make_settings(sqlite_url, tmp_path)
    subscribe(settings, ["gone@example.org"])
    engine = make_engine(sqlite_url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        gone = session.exec(select(Subscriber)).one()
        gone.status, gone.hard_bounces, gone.confirmed_at = "suppressed", 1, START
        session.add(gone)
        service_state.set_state(
            session=session, key=service_state.DISPATCH_PAUSED, value={"reason": "60 of 60 bounced"}, now=now
        )
        service_state.set_state(
            session=session,
            key=service_state.RELAY,
            value={"state": "error", "stage": "auth", "code": 535, "detail": "auth: 535 bad credentials"},
            now=now,
        )
        session.commit()
    engine.dispose()
    with running_site(settings) as site:
        site.login("viewer")
        page = site.client.get("/admin/outbox").text
        assert "Dispatch paused" in page and "60 of 60 bounced" in page and "535 bad credentials" in page
        assert "Resume dispatch" not in page and "Bring back" not in page  # viewers only look
        assert site.post("/admin/outbox/resume").status_code == 403
        site.client.cookies.clear()
        site.login("editor")
        page = site.client.get("/admin/outbox").text
        assert "Resume dispatch" in page and "Bring back" in page
        no_csrf = site.client.post("/admin/outbox/unsuppress", data={"email": "gone@example.org"})
        assert no_csrf.status_code == 403
        resumed = site.post("/admin/outbox/resume")
        assert resumed.status_code == 200 and "dispatch resumed" in resumed.text
        assert "Dispatch paused" not in resumed.text and "SMTP relay problem" in resumed.text
        back = site.post("/admin/outbox/unsuppress", {"email": "gone@example.org"})
        assert back.status_code == 200 and "gone@example.org is active again" in back.text
        again = site.post("/admin/outbox/unsuppress", {"email": "gone@example.org"})
        assert again.status_code == 400 and "not suppressed" in again.text
    gone = subscribers(settings)["gone@example.org"]
    assert (gone.status, gone.hard_bounces) == ("active", 0)
    actions = audit_actions(settings)
    assert "dispatch.resume" in actions and "subscriber.unsuppress" in actions


@pytest.mark.parametrize("first", [LOCAL, "plain@example.org"], ids=["utf8-first", "ascii-first"])
def test_the_first_message_on_a_new_connection_sees_the_relays_extensions(first: str) -> None:
    """aiosmtplib says EHLO lazily, on the first MAIL; asked before that, a fresh plain connection
    offered nothing, so a UTF-8 address that happened to come first on a connection failed as if
    the relay had no SMTPUTF8 (a CI run met this in the 42-address test above)."""
    message = b"From: n@example.org\r\nTo: x@example.org\r\nSubject: t\r\n\r\nbody\r\n"

    async def send_first(port: int) -> list[Delivery]:
        connection = Connection(SmtpSettings("127.0.0.1", port, timeout=5))
        try:
            return [(await connection.send("n@example.org", to, message)).status for to in (first, LOCAL)]
        finally:
            await connection.close()

    with smtp(Behaviour(smtputf8=True)) as server:
        assert asyncio.run(send_first(server.port)) == [Delivery.SENT, Delivery.SENT]
        assert server.handler.envelopes[0] == ([first], not first.isascii())

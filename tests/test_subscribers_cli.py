"""Operators' commands: subscribers import/export/forget, outbox, worker --once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deadlines.mail.mime import HeaderInjection, build_message
from deadlines.reminders.subscribers import SubscriberError, normalise_email
from deadlines.tokens import TokenError, make_token, read_token, token_subscriber
from tests.conftest import Cli, cli_env
from tests.reminder_helpers import init_database
from tests.smtp_server import SmtpServer

CSV = """email,language,timezone,election,audiences
Ann@Example.org,en,America/Los_Angeles,kr-2024-national-assembly,overseas
bad-address,en,Asia/Seoul,kr-2024-national-assembly,overseas
kim@example.kr,ko,Asia/Seoul,kr-2024-national-assembly,overseas;media
lee@example.kr,ko,Mars/Olympus,kr-2024-national-assembly,overseas
park@example.kr,jp,Asia/Seoul,kr-2024-national-assembly,overseas
choi@example.kr,ko,Asia/Seoul,kr-1999-nothing,overseas
yoon@example.kr,ko,Asia/Seoul,kr-2024-national-assembly,aliens
"""


@pytest.fixture
def site(db_url: str, tmp_path: Path, smtp_server: SmtpServer) -> Cli:
    env = {
        **cli_env(db_url, tmp_path),
        "DEADLINES_SMTP_HOST": "127.0.0.1",
        "DEADLINES_SMTP_PORT": str(smtp_server.port),
        "DEADLINES_QUIET_HOURS": "",
    }
    init_database(db_url, tmp_path)
    return Cli(env)


def test_import_reports_bad_rows_and_keeps_good_ones(
    site: Cli, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    result = site("subscribers", "import", str(path), "--confirmed")
    assert result.exit_code == 0, result.output
    assert "imported 2 new, updated 0, skipped 5 row(s)" in result.output
    for line, word in ((3, "email"), (5, "timezone"), (6, "language"), (7, "election"), (8, "audiences")):
        assert f"skipped line {line}: {word}:" in result.output
    exported = json.loads(site("subscribers", "export", "ann@example.org").output)
    assert exported["status"] == "active" and exported["timezone"] == "America/Los_Angeles"
    assert exported["subscriptions"][0]["audiences"] == ["overseas"]
    kim = json.loads(site("subscribers", "export", "kim@example.kr").output)
    assert kim["subscriptions"][0]["audiences"] == ["media", "overseas"]


def test_worker_once_delivers_and_a_second_pass_sends_nothing(
    site: Cli, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    site("subscribers", "import", str(path), "--confirmed")
    first = site("worker", "--once", "--now", "2024-02-09T15:00:00Z")
    assert first.exit_code == 0, first.output
    assert "sent 4" in first.output  # 2 subscribers x (absentee report, registration)
    assert {str(m["To"]) for m in smtp_server.messages} == {"ann@example.org", "kim@example.kr"}
    second = site("worker", "--once", "--now", "2024-02-09T15:00:00Z")
    assert second.exit_code == 0 and "sent 0" in second.output
    assert len(smtp_server.messages) == 4
    outbox = json.loads(site("outbox", "--json").output)
    assert outbox["counts"]["sent"] == 4 and outbox["next_due"] is not None
    assert "sent=4" in site("outbox").output


def test_import_without_confirmed_sends_confirmations(
    site: Cli, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    site("subscribers", "import", str(path))
    site("worker", "--once")  # confirmations are due at once, at the real time
    subjects = sorted(str(m["Subject"]) for m in smtp_server.messages)
    assert subjects == ["Confirm your election deadline reminders", "선거일정 알림 신청 확인"]


def test_forget_erases_the_address(site: Cli, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    site("subscribers", "import", str(path), "--confirmed")
    site("worker", "--once", "--now", "2024-02-09T15:00:00Z")
    assert site("subscribers", "forget", "ANN@example.org").exit_code == 0
    gone = site("subscribers", "export", "ann@example.org")
    assert gone.exit_code == 1 and "no subscriber" in gone.output


def test_worker_usage_errors(site: Cli) -> None:
    assert site("worker", "--once", "--now", "2024-02-09 15:00").exit_code == 2  # naive
    assert site("worker", "--now", "2024-02-09T15:00:00Z").exit_code == 2  # --now without --once
    bad_csv = site("subscribers", "import", "/nonexistent.csv")
    assert bad_csv.exit_code == 2


def test_csv_without_columns(site: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("mail,lang\nx@example.org,en\n", encoding="utf-8")
    result = site("subscribers", "import", str(path))
    assert (
        result.exit_code == 1
        and "lacks column(s) email, language, timezone, election, audiences" in result.output
    )


def test_tokens_are_unforgeable_purpose_bound_and_subscriber_bound() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2024, 1, 1, tzinfo=UTC)
    token = make_token("s3cret", "confirm", 42, binding="k1", nonce="abc", expires=now + timedelta(hours=1))
    assert read_token("s3cret", "confirm", token, now, binding="k1")["s"] == 42
    assert token_subscriber(token) == 42
    with pytest.raises(TokenError):
        read_token("other", "confirm", token, now, binding="k1")
    with pytest.raises(TokenError):
        read_token("s3cret", "unsubscribe", token, now, binding="k1")
    with pytest.raises(TokenError):  # the subscriber's secret changed (forgotten, id given again)
        read_token("s3cret", "confirm", token, now, binding="k2")
    with pytest.raises(TokenError, match="expired"):
        read_token("s3cret", "confirm", token, now + timedelta(hours=2), binding="k1")
    _payload, mac = token.split(".")
    forged = make_token("s3cret", "confirm", 43, binding="k1").split(".")[0] + "." + mac
    with pytest.raises(TokenError):
        read_token("s3cret", "confirm", forged, now, binding="k1")
    for garbage in ("garbage", "x.y", "é.é", "eyJzIjo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OX0.x", "eyJzIjp0cnVlfQ.x"):
        with pytest.raises(TokenError):
            token_subscriber(garbage)  # no id, non-ASCII, an id past 64 bits, true
        with pytest.raises(TokenError):
            read_token("s3cret", "confirm", garbage, now, binding="k1")


def test_addresses_cannot_inject_headers() -> None:
    with pytest.raises(SubscriberError, match="line breaks"):
        normalise_email("a@example.org\r\nBcc: victim@example.org")
    from datetime import UTC, datetime

    with pytest.raises(HeaderInjection):
        build_message(
            sender="x@example.org",
            recipient="a@example.org\nBcc: v@example.org",
            subject="s",
            text="t",
            html="h",
            message_id="<1@x>",
            date=datetime(2024, 1, 1, tzinfo=UTC),
        )
    msg = build_message(
        sender="x@example.org",
        recipient="a@example.org",
        subject="국외부재자 신고\u2028x",
        text="t",
        html="h",
        message_id="<1@x>",
        date=datetime(2024, 1, 1, tzinfo=UTC),
    )
    head = msg.split(b"\r\n\r\n")[0]
    assert b"\nBcc" not in head and head.isascii()

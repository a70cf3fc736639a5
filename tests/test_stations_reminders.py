"""A voter abroad who chose a station hears "voting at your station opens tomorrow at 08:00"
at 09:00 station-local the day before its first voting day, in their language, through a real
SMTP server; never once the station has opened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from deadlines.db.engine import make_engine
from deadlines.db.models import OutboxRow, Subscriber
from deadlines.reminders.subscribers import SignUp, sign_up
from deadlines.settings import Settings
from deadlines.stations.reminder import STATION_TRIGGER
from tests.conftest import ROOT, Cli, cli_env
from tests.reminder_helpers import once, prepare
from tests.smtp_server import SmtpServer

SAMPLE = ROOT / "deadlines" / "samples" / "stations-kr-2028-national-assembly.csv"
E2028 = "kr-2028-national-assembly"
LA = "America/Los_Angeles"
# The Los Angeles station opens Wed 29 Mar 2028 08:00 PDT (15:00 UTC); the reminder is due
# Tue 28 Mar 09:00 PDT (16:00 UTC).
DUE = datetime(2028, 3, 28, 16, tzinfo=UTC)
OPENS = datetime(2028, 3, 29, 15, tzinfo=UTC)


def _voter(
    settings: Settings, email: str, language: str, zone: str, station: str | None, now: datetime
) -> None:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            sign_up(
                session=session,
                # P7D only: the other reminders of the election stay out of the way.
                request=SignUp(email, language, zone, (E2028,), ("overseas",), ("P7D",), station=station),
                known_elections=[E2028],
                known_stations=[f"{E2028}/los-angeles", f"{E2028}/tokyo"],
                now=now,
            )
            session.commit()
            sub = session.exec(select(Subscriber).where(Subscriber.email == email)).one()
            sub.status = "active"
            for row in session.exec(select(OutboxRow).where(OutboxRow.subscriber_id == sub.id)):
                session.delete(row)
            session.commit()
    finally:
        engine.dispose()


def _station_mail(server: SmtpServer, to: str) -> list[object]:
    return [m for m in server.to(to) if "station" in str(m["Subject"]) or "재외투표소" in str(m["Subject"])]


@pytest.mark.slow
def test_opens_tomorrow_at_the_right_instant_in_each_language(
    db_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    settings = prepare(db_url, tmp_path, smtp_server.port)
    assert Cli(cli_env(db_url, tmp_path))("stations", "import", str(SAMPLE)).exit_code == 0
    start = datetime(2028, 3, 1, tzinfo=UTC)
    _voter(settings, "la@example.org", "en", LA, f"{E2028}/los-angeles", start)
    _voter(settings, "ko@example.org", "ko", "Asia/Seoul", f"{E2028}/los-angeles", start)
    _voter(settings, "none@example.org", "en", LA, None, start)

    once(settings, DUE - timedelta(seconds=1))
    assert _station_mail(smtp_server, "la@example.org") == []
    [row] = [r for r in _rows(settings) if r.trigger == STATION_TRIGGER and r.state == "pending"][:1]
    assert (row.due_at, row.close_at) == (DUE, OPENS)

    once(settings, DUE)
    [en] = _station_mail(smtp_server, "la@example.org")
    assert str(en["Subject"]) == "Voting at your station opens tomorrow at 08:00 (Los Angeles)"  # type: ignore[index]
    text = en.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    assert "Consulate General in Los Angeles" in text
    assert "- Wed 29 Mar 2028 08:00-17:00" in text and "- Mon 3 Apr 2028 08:00-17:00" in text
    assert "(local time, America/Los_Angeles)" in text and "in your time zone" not in text
    assert f"/calendars/{E2028}.station.los-angeles.en.ics" in text
    assert "/feeds/personal/" in text and "/done/" in text and "placeholder.invalid" not in text
    [ko] = _station_mail(smtp_server, "ko@example.org")
    assert str(ko["Subject"]) == "재외투표소 투표가 내일 08:00(로스앤젤레스)에 시작됩니다"  # type: ignore[index]
    ko_text = ko.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    assert "2028. 3. 29.(수) 08:00-17:00" in ko_text
    # Seoul is 16 hours ahead of Los Angeles in March 2028: 08:00 PDT is 00:00 KST the next day.
    assert "내 시간대로는 2028. 3. 30.(목) 00:00 (Asia/Seoul)에 시작합니다" in ko_text
    assert _station_mail(smtp_server, "none@example.org") == []
    # The same instant again sends nothing more.
    count = len(smtp_server.messages)
    once(settings, DUE)
    assert len(smtp_server.messages) == count


def test_never_sent_once_the_station_has_opened(
    sqlite_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    settings = prepare(sqlite_url, tmp_path, smtp_server.port)
    assert Cli(cli_env(sqlite_url, tmp_path))("stations", "import", str(SAMPLE)).exit_code == 0
    _voter(settings, "late@example.org", "en", LA, f"{E2028}/los-angeles", datetime(2028, 3, 1, tzinfo=UTC))
    # Planned while there was time, but the worker only runs again after the opening.
    once(settings, DUE - timedelta(hours=1))
    assert any(r.trigger == STATION_TRIGGER for r in _rows(settings))
    once(settings, OPENS + timedelta(minutes=1))
    assert _station_mail(smtp_server, "late@example.org") == []
    [row] = [r for r in _rows(settings) if r.trigger == STATION_TRIGGER]
    assert row.state == "skipped" and "too late" in (row.last_error or "")
    # Someone choosing the station after it opened gets no such reminder planned at all.
    _voter(settings, "later@example.org", "en", LA, f"{E2028}/los-angeles", OPENS + timedelta(hours=2))
    once(settings, OPENS + timedelta(hours=3))
    assert len([r for r in _rows(settings) if r.trigger == STATION_TRIGGER]) == 1


@pytest.mark.slow
def test_a_station_edit_moves_the_pending_reminder(
    sqlite_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    settings = prepare(sqlite_url, tmp_path, smtp_server.port)
    run = Cli(cli_env(sqlite_url, tmp_path))
    assert run("stations", "import", str(SAMPLE)).exit_code == 0
    _voter(settings, "moved@example.org", "en", LA, f"{E2028}/los-angeles", datetime(2028, 3, 1, tzinfo=UTC))
    once(settings, DUE - timedelta(hours=1))
    # The consulate opens two days later than announced.
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    moved = tmp_path / "moved.csv"
    moved.write_text(lines[0] + "\n" + lines[1].replace("2028-03-29", "2028-03-31") + "\n", encoding="utf-8")
    result = run("stations", "import", str(moved))
    assert "updated   line 2" in result.stdout
    [row] = [r for r in _rows(settings) if r.trigger == STATION_TRIGGER]
    assert (row.due_at, row.close_at) == (DUE + timedelta(days=2), OPENS + timedelta(days=2))
    once(settings, DUE + timedelta(days=2))
    [mail] = _station_mail(smtp_server, "moved@example.org")
    assert "- Fri 31 Mar 2028 08:00-17:00" in mail.get_body(("plain",)).get_content()  # type: ignore[attr-defined]


def _rows(settings: Settings) -> list[OutboxRow]:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(OutboxRow).order_by(OutboxRow.id)))  # type: ignore[arg-type]
    finally:
        engine.dispose()

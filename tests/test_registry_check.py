"""The permanent overseas voter list (재외선거인 영구명부): the yearly "check your registration"
reminder, timed from the registration close (E-60), its email in both languages, the page for
voters abroad, and the sign-up option. Nothing states the removal rule abolished in 2022."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from deadlines.db.engine import make_engine
from deadlines.db.models import OutboxRow, Subscriber, Subscription
from deadlines.reminders.planning import DeadlineView, SubscriptionView, plan_subscription
from deadlines.reminders.subscribers import SignUp, sign_up
from deadlines.reminders.triggers import due_at
from deadlines.rules import RuleBook, evaluate_election
from deadlines.settings import Settings
from tests.reminder_helpers import once, prepare
from tests.smtp_server import SmtpServer
from tests.web_helpers import make_settings, running_site

E2028 = "kr-2028-national-assembly"
LA = "America/Los_Angeles"
# 23rd National Assembly election, 12 Apr 2028: registration closes E-60 = Sat 12 Feb 2028,
# end of day in Korea = 15:00 UTC = 07:00 PST. Two months (60 days) before that local day is
# Tue 14 Dec 2027; the check of each year falls on 14 Dec at 09:00 local.
CLOSE = datetime(2028, 2, 12, 15, tzinfo=UTC)
DUE_2027 = datetime(2027, 12, 14, 9, tzinfo=ZoneInfo(LA))
# Words of the rule abolished in January 2022: they must appear nowhere.
ABOLISHED = ("two elections", "twice", "removed from", "삭제", "두 번")


def _registration(book: RuleBook) -> object:
    return next(r for r in evaluate_election(book, E2028) if r.id == "overseas-voter-registration")


def test_the_yearly_check_falls_on_the_same_day_each_year_before_the_close(book: RuleBook) -> None:
    record = _registration(book)
    assert record.closing_instant(None) == CLOSE  # type: ignore[attr-defined]
    assert due_at(record, "registry-check-2027", LA) == DUE_2027  # type: ignore[arg-type]
    assert due_at(record, "registry-check-2026", LA) == datetime(2026, 12, 14, 9, tzinfo=ZoneInfo(LA))  # type: ignore[arg-type]
    assert due_at(record, "registry-check-2028", LA) is None  # type: ignore[arg-type]  # after the close
    # In Seoul the close is at the end of 12 Feb: the day two months before is 14 Dec too.
    seoul = due_at(record, "registry-check-2027", "Asia/Seoul")  # type: ignore[arg-type]
    assert seoul == datetime(2027, 12, 14, 9, tzinfo=ZoneInfo("Asia/Seoul"))


def test_only_subscriptions_that_asked_get_it(book: RuleBook) -> None:
    views = [DeadlineView(i, r) for i, r in enumerate(evaluate_election(book, E2028))]
    now = datetime(2026, 11, 30, tzinfo=UTC)
    asked = SubscriptionView(1, 1, LA, E2028, ("overseas",), ("P1D",), registry_check=True)
    plain = SubscriptionView(2, 2, LA, E2028, ("overseas",), ("P1D",))
    horizon = timedelta(days=800)
    mine = [
        p for p in plan_subscription(asked, views, now, horizon, None) if p.trigger.startswith("registry")
    ]
    assert [(p.trigger, p.due_at) for p in mine] == [
        ("registry-check-2026", datetime(2026, 12, 14, 9, tzinfo=ZoneInfo(LA))),
        ("registry-check-2027", DUE_2027),
    ]
    assert all(p.close_at == CLOSE for p in mine)
    assert not [
        p for p in plan_subscription(plain, views, now, horizon, None) if p.trigger.startswith("registry")
    ]
    # A year already past is not sent late.
    later = datetime(2027, 1, 10, tzinfo=UTC)
    assert [
        p.trigger for p in plan_subscription(asked, views, later, horizon, None) if "registry" in p.trigger
    ] == ["registry-check-2027"]


def _voter(settings: Settings, email: str, language: str, now: datetime) -> None:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            request = SignUp(email, language, LA, (E2028,), ("overseas",), ("P1D",), registry_check=True)
            sign_up(session=session, request=request, known_elections=[E2028], now=now)
            session.commit()
            sub = session.exec(select(Subscriber).where(Subscriber.email == email)).one()
            sub.status = "active"
            for row in session.exec(select(OutboxRow).where(OutboxRow.subscriber_id == sub.id)):
                session.delete(row)
            session.commit()
    finally:
        engine.dispose()


@pytest.mark.slow
def test_the_yearly_check_is_delivered_in_each_language(
    db_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    settings = prepare(db_url, tmp_path, smtp_server.port)
    start = datetime(2027, 12, 1, tzinfo=UTC)
    _voter(settings, "en@example.org", "en", start)
    _voter(settings, "ko@example.org", "ko", start)
    once(settings, DUE_2027 - timedelta(seconds=1))
    assert not [m for m in smtp_server.messages if "registration" in str(m["Subject"])]
    once(settings, DUE_2027)
    [en] = [m for m in smtp_server.to("en@example.org") if "registration" in str(m["Subject"])]
    assert str(en["Subject"]) == "Check your overseas voter registration: changes close Sat 12 Feb 2028"
    text = en.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "permanent overseas voter list" in text
    assert "Sat 12 Feb 2028 07:00 (America/Los_Angeles) in your time zone" in text
    assert "Sat 12 Feb 2028 24:00 (Asia/Seoul), the official time in Korea" in text
    [ko] = [m for m in smtp_server.to("ko@example.org") if "재외선거인" in str(m["Subject"])]
    assert str(ko["Subject"]) == "재외선거인 등록정보를 확인하세요: 변경신청 마감 2028. 2. 12.(토)"
    ko_text = ko.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "영구명부" in ko_text
    for body in (text, ko_text):
        assert not any(word in body for word in ABOLISHED)
        assert "webcal://" in body and "/feeds/personal/" in body and "placeholder.invalid" not in body


def test_the_page_for_voters_abroad_and_the_sign_up_option(sqlite_url: str, tmp_path: Path) -> None:
    settings = make_settings(sqlite_url, tmp_path)
    with running_site(settings, clock=lambda: datetime(2026, 12, 1, tzinfo=UTC)) as site:
        en = site.client.get("/overseas-voters?lang=en").text
        assert "permanent overseas voter list" in en and "Art. 218-5" in en
        assert "registration and changes close Sat 12 Feb 2028" in en
        ko = site.client.get("/overseas-voters?lang=ko").text
        assert "재외선거인 영구명부" in ko and "등록·변경신청 마감 2028. 2. 12.(토)" in ko
        for page in (en, ko):
            assert not any(word in page for word in ABOLISHED)
        form = site.client.get("/subscribe?lang=en").text
        assert 'name="registry_check" value="1"' in form
        response = site.post(
            "/subscribe",
            {"email": "yearly@example.org", "timezone": LA, "elections": E2028, "registry_check": "1"},
        )
        assert response.status_code == 200
        with Session(site.engine) as session:
            sub = session.exec(select(Subscription)).one()
        assert sub.registry_check is True and sub.station is None

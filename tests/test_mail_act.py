"""Reminders and corrections say how to act, in English and Korean, through the worker and a
real SMTP server (aiosmtpd); a correction after a console override also says why."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import Session

from deadlines.db.models import Subscriber, Subscription
from deadlines.reminders.worker import Worker
from tests.smtp_server import SmtpServer
from tests.web_helpers import ELECTION_2028, Site, make_settings, running_site

# Overseas absentee reports for 12 Apr 2028 close Sat 12 Feb 2028 24:00 KST (E-60, as the NEC
# counted 10 Feb 2024 for 10 Apr 2024).
CLOSE = datetime(2028, 2, 12, 15, tzinfo=UTC)
TITLE = {"en": "Residents abroad report absence to vote overseas", "ko": "국외부재자 신고"}
REASON = "NEC notice: overseas reports accepted until 15 Feb 2028"


def _subscribe(site: Site, email: str, lang: str) -> None:
    with Session(site.engine) as session:
        sub = Subscriber(
            email=email, language=lang, timezone="America/Los_Angeles", status="active", secret="s" * 32
        )
        session.add(sub)
        session.flush()
        assert sub.id is not None
        session.add(
            Subscription(
                subscriber_id=sub.id, election_id=ELECTION_2028, audiences=["overseas"], triggers=["P7D"]
            )
        )
        session.commit()


def _pass(site: Site, now: datetime) -> None:
    asyncio.run(Worker(site.settings, engine=site.engine).once(now))


def _parts(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())  # type: ignore[attr-defined]


def _about(server: SmtpServer, to: str, lang: str, word: str) -> tuple[str, str]:
    found = [m for m in server.to(to) if word in str(m["Subject"])]
    found = [m for m in found if TITLE[lang] in str(m["Subject"]) or TITLE[lang] in _parts(m)[0]]
    assert found, [str(m["Subject"]) for m in server.to(to)]
    return _parts(found[-1])


@pytest.mark.slow
def test_reminder_and_correction_say_how_to_act(tmp_path: Path, smtp_server: SmtpServer) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'deadlines.db'}", tmp_path, smtp_server.port)
    with running_site(settings, clock=lambda: CLOSE - timedelta(days=6)) as site:
        _subscribe(site, "en@example.org", "en")
        _subscribe(site, "ko@example.org", "ko")
        _pass(site, CLOSE - timedelta(days=7) + timedelta(hours=1))

        text, html = _about(smtp_server, "en@example.org", "en", "days left")
        assert "How to act: Report online at https://ok.nec.go.kr, or send the report form" in text
        assert (
            '<strong>How to act:</strong> Report online at <a href="https://ok.nec.go.kr">ok.nec.go.kr</a>'
            in html
        )
        text, html = _about(smtp_server, "ko@example.org", "ko", "남음")
        assert "방법: https://ok.nec.go.kr에서 인터넷으로 신고하거나" in text
        assert '<strong>방법:</strong> <a href="https://ok.nec.go.kr">ok.nec.go.kr</a>에서 인터넷으로' in html

        site.login("editor")
        site.publish_override(ELECTION_2028, "overseas-absentee-report", "2028-02-15", REASON)
        _pass(site, CLOSE - timedelta(days=6))

        text, html = _about(smtp_server, "en@example.org", "en", "Correction")
        assert f"Why: {REASON}" in text and "2027-11-14 .. 2028-02-15" in text
        assert "How to act: Report online at https://ok.nec.go.kr" in text
        assert '<a href="https://ok.nec.go.kr">ok.nec.go.kr</a>' in html
        text, html = _about(smtp_server, "ko@example.org", "ko", "정정")
        assert f"사유: {REASON}" in text and "방법: https://ok.nec.go.kr에서" in text
        assert '<strong>방법:</strong> <a href="https://ok.nec.go.kr">ok.nec.go.kr</a>' in html

"""A reminder in each language reads in that language: the law cited in Korean legal form in
Korean mail, Korean words in English mail marked lang="ko", no English sentence in Korean mail."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deadlines.adapters import mail_settings
from deadlines.mail.render import MailJob, Renderer
from deadlines.web.timeline import next_deadlines
from tests.lang_check import foreign_runs
from tests.web_helpers import ELECTION_2028, make_settings, running_site

NOW = datetime(2026, 11, 30, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "cited"),
    [("ko", "근거: 공직선거법 제218조의5"), ("en", "Source: Public Official Election Act, Art. 218-5")],
)
def test_reminder_reads_in_its_language(tmp_path: Path, lang: str, cited: str) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'site.db'}", tmp_path)
    with running_site(settings, clock=lambda: NOW) as site:
        data = site.client.app.cache.current()  # type: ignore[attr-defined]
    records = [
        i.record
        for i in data.items
        if i.record.election_id == ELECTION_2028 and "overseas" in i.record.audiences
    ]
    # On 2026-11-30 the first overseas deadline ahead is the registration check (Art. 218-5).
    record = next_deadlines(records, NOW, count=1)[0]
    names = {e.id: e.name for e in data.elections}
    job = MailJob(
        outbox_id=1,
        kind="reminder",
        trigger="P1D",
        email="voter@example.org",
        language=lang,
        zone="America/Los_Angeles",
        subscriber_id=1,
        record=record,
        election_name=names[record.election_id][lang],
        close_at=record.closing_instant("America/Los_Angeles"),
    )
    message = email.message_from_bytes(
        Renderer(mail_settings(settings)).render(job, NOW), policy=email.policy.default
    )
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert cited in text
    assert not foreign_runs(html, "en" if lang == "ko" else "ko"), foreign_runs(
        html, "en" if lang == "ko" else "ko"
    )


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_confirmation_reads_in_its_language(tmp_path: Path, lang: str) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'site.db'}", tmp_path)
    job = MailJob(
        outbox_id=2,
        kind="confirmation",
        trigger="",
        email="voter@example.org",
        language=lang,
        zone="Asia/Seoul",
        subscriber_id=1,
        nonce="abc",
        subscriber_secret="secret",
    )
    raw = Renderer(mail_settings(settings)).render(job, NOW)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'<html lang="{lang}">' in html
    assert not foreign_runs(html, "en" if lang == "ko" else "ko")

"""The staff console end to end through the ASGI app: edit, preview, publish, revert, review."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from deadlines.db.models import AuditEntry, DraftRow, RuleRevision
from tests.conftest import FIXTURES, SAMPLE_NOTICE
from tests.smtp_server import SmtpServer
from tests.web_helpers import ELECTION_2028, Site, hidden, make_settings, running_site

ABSENTEE = f"overseas-absentee-report.closes.{ELECTION_2028}"


def _event(ics: str, uid_prefix: str) -> str:
    start = ics.index(f"UID:{uid_prefix}")
    return ics[ics.rindex("BEGIN:VEVENT", 0, start) : ics.index("END:VEVENT", start)]


def _preview_move(site: Site, day: str) -> str:
    response = site.post(
        f"/admin/elections/{ELECTION_2028}/preview",
        {"day": day, "override_rule": "", "override_opens": "", "override_closes": "", "override_reason": ""},
    )
    assert response.status_code == 200, response.text[:500]
    return response.text


def test_moving_election_day_previews_then_publishes_new_dates(site_any_db: Site) -> None:
    site = site_any_db
    site.login("editor")
    before = site.client.get(f"/calendars/{ELECTION_2028}.overseas.en.ics").text
    old = _event(before, ABSENTEE)
    assert "DTSTART;TZID=Asia/Seoul:20280212T" in old and "SEQUENCE:1" in old

    election_page = f"/elections/{ELECTION_2028}"
    assert "Sat 12 Feb 2028, 24:00 KST" in site.client.get(election_page).text  # now in the page cache
    page = _preview_move(site, "2028-04-19")
    # The preview shows old -> new and changes nothing yet.
    assert "2027-11-14 .. 2028-02-12" in page and "2027-11-21 .. 2028-02-19" in page
    assert f"{ELECTION_2028}.overseas.en.ics" in page
    assert site.client.get(f"/calendars/{ELECTION_2028}.overseas.en.ics").text == before

    published = site.post(
        "/admin/publish",
        {
            "kind": "election",
            "key": ELECTION_2028,
            "document": hidden(page, "document"),
            "base_revision": hidden(page, "base_revision"),
            "action": "edit",
        },
    )
    assert published.status_code == 303, published.text[:500]
    after = _event(site.client.get(f"/calendars/{ELECTION_2028}.overseas.en.ics").text, ABSENTEE)
    assert "DTSTART;TZID=Asia/Seoul:20280219T" in after and "SEQUENCE:2" in after
    # The cached page gave way to the new snapshot at once.
    assert "Sat 19 Feb 2028, 24:00 KST" in site.client.get(election_page).text
    # The static file is republished too.
    assert "20280219" in (site.settings.calendars_dir / f"{ELECTION_2028}.overseas.en.ics").read_text()
    with Session(site.engine) as session:
        live = session.exec(
            select(RuleRevision)
            .where(RuleRevision.key == ELECTION_2028)
            .order_by(col(RuleRevision.revision).desc())
        ).first()
        assert live is not None and live.origin == "console" and live.actor == "staff:editor"
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "election.edit")).one()
        # The day was computed from the term (provisional); the edit gives it.
        assert entry.before is not None and entry.after is not None
        assert "day" not in entry.before and entry.before["term_ends"] == "2028-05-29"
        assert entry.after["day"] == "2028-04-19"

    # Publishing the same preview again is refused: it was made against the old revision.
    again = site.post(
        "/admin/publish",
        {
            "kind": "election",
            "key": ELECTION_2028,
            "document": hidden(page, "document"),
            "base_revision": "1",
        },
    )
    assert again.status_code == 409 and "changed since your preview" in again.text

    # Revert to revision 1: previewed, then published as revision 3 with the old dates.
    history = site.client.get(f"/admin/history/election/{ELECTION_2028}")
    assert history.status_code == 200 and "Revert to this" in history.text
    revert = site.post(f"/admin/history/election/{ELECTION_2028}/1/preview")
    assert revert.status_code == 200 and "2027-11-14 .. 2028-02-12" in revert.text
    done = site.post(
        "/admin/publish",
        {
            "kind": "election",
            "key": ELECTION_2028,
            "document": hidden(revert.text, "document"),
            "base_revision": hidden(revert.text, "base_revision"),
            "action": "revert",
        },
    )
    assert done.status_code == 303
    back = _event(site.client.get(f"/calendars/{ELECTION_2028}.overseas.en.ics").text, ABSENTEE)
    assert "DTSTART;TZID=Asia/Seoul:20280212T" in back and "SEQUENCE:3" in back


def test_invalid_day_is_shown_next_to_the_field(site: Site) -> None:
    site.login("editor")
    response = site.post(f"/admin/elections/{ELECTION_2028}/preview", {"day": "2028-02-30"})
    assert response.status_code == 400
    assert (
        'id="day" name="day" value="2028-02-30"' in response.text and 'aria-invalid="true"' in response.text
    )
    assert re.search(r'<p class="error" id="day-error">[^<]*2028-02-30', response.text)
    # An override naming no date is refused with its reason, and nothing is stored.
    response = site.post(
        f"/admin/elections/{ELECTION_2028}/preview",
        {
            "day": "2028-04-12",
            "override_rule": "overseas-absentee-report",
            "override_opens": "",
            "override_closes": "",
            "override_reason": "x",
        },
    )
    assert response.status_code == 400 and "sets no date" in response.text
    with Session(site.engine) as session:
        assert session.exec(select(RuleRevision).where(RuleRevision.origin == "console")).first() is None


def test_rule_edit_preview_and_errors(site: Site) -> None:
    site.login("editor")
    path = "/admin/rulesets/kr-national-assembly/rules/overseas-absentee-report"
    form = site.client.get(path)
    assert form.status_code == 200 and 'value="E-150"' in form.text
    bad = site.post(f"{path}/preview", {"opens": "E-15O", "closes": "E-60", "title_en": "x", "title_ko": "y"})
    assert bad.status_code == 400 and 'id="opens-error"' in bad.text and "E-15O" in bad.text
    good = site.post(
        f"{path}/preview",
        {
            "opens": "E-150",
            "closes": "E-61",
            "title_en": "Report absence",
            "title_ko": "국외부재자 신고",
            "citation": "Art. 218-4(1)",
        },
    )
    assert good.status_code == 200
    # Both elections of the rule set move: 2024's close from 10 Feb to 9 Feb.
    assert "2023-11-12 .. 2024-02-10" in good.text and "2023-11-12 .. 2024-02-09" in good.text
    assert "kr-2028-national-assembly" in good.text


def test_notice_review_approve_reject_and_highlight(site: Site) -> None:
    site.login("editor")
    text = SAMPLE_NOTICE.read_text(encoding="utf-8")
    response = site.post("/admin/notices", {"text": text, "election": "kr-2024-national-assembly"})
    assert response.status_code == 303
    page = site.client.get(response.headers["location"])
    assert page.status_code == 200 and '<mark id="q-' in page.text
    with Session(site.engine) as session:
        drafts = list(session.exec(select(DraftRow)))
    confirmed = next(d for d in drafts if d.outcome == "confirmed")
    other = next(d for d in drafts if d.id != confirmed.id and d.status == "pending")
    approved = site.post(f"/admin/drafts/{confirmed.id}/approve")
    assert approved.status_code == 200 and "confirmed" in approved.text
    rejected = site.post(f"/admin/drafts/{other.id}/reject")
    assert rejected.status_code == 200 and f"draft {other.id} rejected" in rejected.text
    twice = site.post(f"/admin/drafts/{confirmed.id}/approve")
    assert twice.status_code == 400 and "already approved" in twice.text
    api = site.client.get("/api/elections/kr-2024-national-assembly/deadlines").json()
    slug = confirmed.rule
    record = next(d for d in api["deadlines"] if d["id"] == slug)
    assert record["source"]["notices"][0]["source"] == "pasted notice"
    # The same text again is refused with a reason, not stored twice.
    again = site.post("/admin/notices", {"text": text})
    assert again.status_code == 400 and "already ingested" in again.text


def test_a_new_draft_is_published_as_its_own_deadline_and_survives_rules_apply(site: Site) -> None:
    site.login("editor")
    notice = "Date :01/05/2028\n10 Jan: Voter guide\nThe NEC will mail voter guides from 3 Apr, 2028 to 5 Apr, 2028."
    response = site.post("/admin/notices", {"text": notice, "election": ELECTION_2028})
    assert response.status_code == 303, response.text[:300]
    with Session(site.engine) as session:
        draft = session.exec(select(DraftRow)).first()
        assert draft is not None and draft.id is not None
        if draft.outcome != "new":
            draft.outcome, draft.rule = "new", None
            session.add(draft)
            session.commit()
    edited = site.post(
        f"/admin/drafts/{draft.id}/edit",
        {
            "kind": "period",
            "starts": "2028-04-03",
            "ends": "2028-04-05",
            "election": ELECTION_2028,
            "headline": "Voter guides mailed",
        },
    )
    assert edited.status_code == 200 and "saved" in edited.text
    assert site.post(f"/admin/drafts/{draft.id}/approve").status_code == 200
    feed = site.client.get(f"/calendars/{ELECTION_2028}.en.ics").text
    assert "Voter guides mailed" in feed
    from tests.conftest import Cli, cli_env

    run = Cli({**cli_env(site.settings.database_url, site.settings.calendars_dir.parent)})
    assert run("rules", "apply").exit_code == 0
    api = site.client.get(f"/api/elections/{ELECTION_2028}/deadlines").json()
    mine = [d for d in api["deadlines"] if d["id"].startswith("notice-")]
    assert mine and mine[0]["status"] == "published" and mine[0]["opens"] == "2028-04-03"


def test_conflicting_draft_becomes_an_override_through_the_preview(site: Site) -> None:
    site.login("editor")
    notice = (
        "Date :11/01/2027\n1 Nov: Reporting of Overseas Absentees for the 23rd National Assembly Overseas Election\n"
        "Registered residents such as international students and travelers wishing to vote abroad must report"
        " their absence in advance in order to vote from 14 Nov, 2027 to 13 Feb, 2028."
    )
    assert site.post("/admin/notices", {"text": notice, "election": ELECTION_2028}).status_code == 303
    with Session(site.engine) as session:
        draft = session.exec(select(DraftRow).where(DraftRow.outcome == "conflict")).first()
    assert draft is not None, "the notice's close (13 Feb) should conflict with the rule's (12 Feb)"
    preview = site.post(f"/admin/drafts/{draft.id}/approve")
    assert preview.status_code == 200 and "2027-11-14 .. 2028-02-13" in preview.text
    done = site.post(
        "/admin/publish",
        {
            "kind": "election",
            "key": ELECTION_2028,
            "document": hidden(preview.text, "document"),
            "base_revision": hidden(preview.text, "base_revision"),
            "draft": hidden(preview.text, "draft"),
        },
    )
    assert done.status_code == 303
    with Session(site.engine) as session:
        stored = session.get(DraftRow, draft.id)
        assert stored is not None and stored.status == "approved"
    event = _event(site.client.get(f"/calendars/{ELECTION_2028}.overseas.en.ics").text, ABSENTEE)
    assert "20280213" in event


def test_outbox_page_and_test_reminder(sqlite_url: str, tmp_path: object, smtp_server: SmtpServer) -> None:
    settings = make_settings(sqlite_url, tmp_path, smtp_server.port)  # type: ignore[arg-type]
    with running_site(settings) as site:
        site.login("editor")
        page = site.client.get("/admin/outbox")
        assert page.status_code == 200 and "Send me a test reminder" in page.text
        sent = site.post("/admin/outbox/test", {"email": "staff@example.org", "language": "ko"})
        assert sent.status_code == 200 and "test reminder sent to staff@example.org" in sent.text
        assert len(smtp_server.handler.messages) == 1
        message = smtp_server.handler.messages[0]
        assert message["To"] == "staff@example.org" and message["Content-Language"] == "ko"
        bad = site.post("/admin/outbox/test", {"email": "not an address"})
        assert bad.status_code == 400 and "not a valid address" in bad.text


def test_audit_page_lists_console_changes(site: Site) -> None:
    site.login("editor")
    with Session(site.engine) as session:
        count = len(list(session.exec(select(AuditEntry))))
    page = site.client.get("/admin/audit")
    assert page.status_code == 200 and page.text.count("<tr><td>") == min(count, 100)
    assert datetime.now(UTC).strftime("%Y-%m-%d") in page.text


def test_preview_counts_reminders_to_replan_and_corrections_and_publish_delivers_them(site: Site) -> None:
    from deadlines.db.models import DeadlineRow, OutboxRow, Subscriber, Subscription
    from deadlines.db.told import remember_sent

    now = datetime.now(UTC)
    with Session(site.engine) as session:
        deadline = session.exec(
            select(DeadlineRow).where(
                DeadlineRow.election_id == ELECTION_2028, DeadlineRow.slug == "overseas-absentee-report"
            )
        ).one()
        for i, state in enumerate(("pending", "sent")):
            subscriber = Subscriber(
                email=f"v{i}@example.org", language="en", timezone="America/Los_Angeles", status="active"
            )
            session.add(subscriber)
            session.flush()
            assert subscriber.id is not None
            sub = Subscription(subscriber_id=subscriber.id, election_id=ELECTION_2028, audiences=["overseas"])
            session.add(sub)
            session.flush()
            session.add(
                OutboxRow(
                    kind="reminder",
                    subscriber_id=subscriber.id,
                    subscription_id=sub.id,
                    deadline_id=deadline.id,
                    trigger="P7D",
                    due_at=datetime(2028, 2, 5, 15, tzinfo=UTC),
                    close_at=datetime(2028, 2, 12, 15, tzinfo=UTC),
                    revision=deadline.revision,
                    state=state,
                    sent_at=now if state == "sent" else None,
                    created_at=now,
                )
            )
        session.commit()
        sent = session.exec(select(OutboxRow.id).where(OutboxRow.state == "sent")).all()
    with site.engine.begin() as conn:
        # What the worker stores on sending: the dates this person was told.
        remember_sent(conn, [int(i or 0) for i in sent], now)
    site.login("editor")
    page = _preview_move(site, "2028-04-19")
    assert (
        '<strong id="pending-count">1</strong>' in page and '<strong id="correction-count">1</strong>' in page
    )
    done = site.post(
        "/admin/publish",
        {
            "kind": "election",
            "key": ELECTION_2028,
            "document": hidden(page, "document"),
            "base_revision": hidden(page, "base_revision"),
        },
    )
    assert done.status_code == 303
    # The status message comes from the server (a signed cookie), shown once on the history page.
    assert "1 correction" in site.client.get(done.headers["location"]).text
    with Session(site.engine) as session:
        rows = {(r.kind, r.state): r for r in session.exec(select(OutboxRow))}
        moved = rows[("reminder", "pending")]
        # Re-planned for the new close (19 Feb 2028, 24:00 KST), 7 days before.
        assert (
            moved.close_at == datetime(2028, 2, 19, 15, tzinfo=UTC)
            and moved.due_at.date().isoformat() == "2028-02-12"
        )
        assert ("correction", "pending") in rows


def test_notice_upload_of_an_html_page_and_refusals(site: Site) -> None:
    site.login("editor")
    html = (FIXTURES / "notices" / "nec-2023-11.html").read_bytes()
    uploaded = site.client.post(
        "/admin/notices",
        data={"csrf_token": site.csrf(), "election": ""},
        files={"file": ("nec-2023-11.html", html, "text/html")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text[:300]
    page = site.client.get(uploaded.headers["location"]).text
    assert "nec-2023-11.html" in page and "kr-2024-national-assembly" in page and "<mark" in page
    binary = site.client.post(
        "/admin/notices",
        data={"csrf_token": site.csrf()},
        files={"file": ("scan.pdf", b"%PDF-1.7\x00\x01\x02", "application/pdf")},
        follow_redirects=False,
    )
    assert binary.status_code == 400 and "scan.pdf" in binary.text
    empty = site.post("/admin/notices", {"text": "   "})
    assert empty.status_code == 400
    bad_date = site.post("/admin/notices", {"text": "On 3 Apr, 2028.", "published": "yesterday"})
    assert bad_date.status_code == 400 and "published: expected YYYY-MM-DD" in bad_date.text

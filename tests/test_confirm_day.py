"""Confirming a computed (provisional) election day in the console: the page shows the day and
how the law gives it; confirming (editors only, CSRF-checked, audited) removes the provisional
mark from the console, the pages, the API and the feeds, whose events get a new SEQUENCE."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from deadlines.db.models import AuditEntry, DeadlineRow
from tests.web_helpers import ELECTION_2028, Site, hidden

EDIT = f"/admin/elections/{ELECTION_2028}"
CONFIRM = f"{EDIT}/confirm"
FEED = f"/calendars/{ELECTION_2028}.overseas.en.ics"


def _field(ics: str, name: str) -> list[str]:
    return re.findall(rf"^{name}:(.*?)\r?$", ics, flags=re.M)


def _provisional_in_api(site: Site) -> bool:
    elections = site.client.get("/api/elections").json()
    listed = elections["elections"] if isinstance(elections, dict) else elections
    return bool(next(e for e in listed if e["id"] == ELECTION_2028)["provisional"])


def test_confirming_the_computed_day_publishes_it_everywhere(site_any_db: Site) -> None:
    site = site_any_db
    site.login("editor")
    page = site.client.get(EDIT).text
    assert "Provisional election day: 2028-04-12" in page
    assert "term ends Mon 2028-05-29" in page and "election day: Wed 2028-04-12" in page
    assert _provisional_in_api(site)
    before = site.client.get(FEED).text
    assert set(_field(before, "STATUS")) == {"TENTATIVE"}
    sequences = [int(s) for s in _field(before, "SEQUENCE")]
    with Session(site.engine) as session:
        revisions = {
            r.slug: r.revision for r in session.exec(select(DeadlineRow)) if r.election_id == ELECTION_2028
        }

    response = site.post(CONFIRM, {"day": hidden(page, "day")})
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"] == f"/admin/history/election/{ELECTION_2028}"
    history = site.client.get(response.headers["location"]).text
    assert "confirmed election day 2028-04-12" in history

    page = site.client.get(EDIT).text
    assert "Provisional election day" not in page and 'value="2028-04-12"' in page
    assert "provisional" not in site.client.get(f"/elections/{ELECTION_2028}").text
    assert not _provisional_in_api(site)
    after = site.client.get(FEED).text
    assert "TENTATIVE" not in after and set(_field(after, "STATUS")) == {"CONFIRMED"}
    assert [int(s) for s in _field(after, "SEQUENCE")] == [s + 1 for s in sequences]
    assert "Provisional:" not in after
    with Session(site.engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "election.confirm-day")).one()
        assert entry.actor == "staff:editor" and entry.target == ELECTION_2028
        assert entry.after is not None and entry.after["day"] == "2028-04-12"
        rows = [r for r in session.exec(select(DeadlineRow)) if r.election_id == ELECTION_2028]
        assert {r.slug: r.revision for r in rows} == {k: v + 1 for k, v in revisions.items()}

    # Confirming again is refused: there is nothing provisional left.
    assert site.post(CONFIRM, {"day": "2028-04-12"}).status_code == 409


def test_a_stale_day_is_not_confirmed(site_any_db: Site) -> None:
    site = site_any_db
    site.login("editor")
    assert site.post(CONFIRM, {"day": "2028-04-19"}).status_code == 409
    assert _provisional_in_api(site)


def test_viewers_see_the_day_but_cannot_confirm(site_any_db: Site) -> None:
    site = site_any_db
    site.login("viewer")
    page = site.client.get(EDIT).text
    assert "Provisional election day: 2028-04-12" in page and "Confirm election day" not in page
    assert site.post(CONFIRM, {"day": "2028-04-12"}).status_code == 403
    assert _provisional_in_api(site)


def test_confirming_without_the_csrf_token_is_refused(site_any_db: Site) -> None:
    site = site_any_db
    site.login("editor")
    response = site.client.post(CONFIRM, data={"day": "2028-04-12"}, follow_redirects=False)
    assert response.status_code == 403
    assert _provisional_in_api(site)
    with Session(site.engine) as session:
        assert not session.exec(select(AuditEntry).where(AuditEntry.action == "election.confirm-day")).all()

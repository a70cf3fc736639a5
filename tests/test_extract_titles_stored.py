"""Record titles from the extractor are stored with their drafts, shown in review and published."""

from __future__ import annotations

from sqlmodel import Session, col, select

from deadlines.db.models import DraftRow
from deadlines.extract import extract
from tests.web_helpers import ELECTION_2028, Site

TIMETABLE = (
    "Date :01/05/2028\n"
    "Notice of election timetable\n"
    "Last day for postal vote applications    5pm - Wednesday 12 April 2028\n"
    "Delivery of nomination papers    by 4pm on Thursday 6 April 2028\n"
)


def _drafts(site: Site) -> list[DraftRow]:
    with Session(site.engine) as session:
        return list(session.exec(select(DraftRow).order_by(col(DraftRow.id))))


def test_ingested_drafts_keep_their_titles_and_the_review_shows_them(site: Site) -> None:
    site.login("editor")
    response = site.post("/admin/notices", {"text": TIMETABLE, "election": ELECTION_2028})
    assert response.status_code == 303, response.text[:300]
    titles = {d.ends.isoformat() if d.ends else "": d.title for d in _drafts(site)}
    assert titles == {
        "2028-04-12": "Last day for postal vote applications",
        "2028-04-06": "Delivery of nomination papers",
    }
    page = site.client.get(response.headers["location"]).text
    assert '<strong class="draft-title">Last day for postal vote applications</strong>' in page


def test_a_new_draft_is_published_under_its_extracted_title(site: Site) -> None:
    site.login("editor")
    assert site.post("/admin/notices", {"text": TIMETABLE, "election": ELECTION_2028}).status_code == 303
    draft = next(d for d in _drafts(site) if d.title == "Last day for postal vote applications")
    if draft.outcome != "new":  # the shipped rules may match it; this test is about new records
        with Session(site.engine) as session:
            row = session.get(DraftRow, draft.id)
            assert row is not None
            row.outcome, row.rule = "new", None
            session.add(row)
            session.commit()
    assert site.post(f"/admin/drafts/{draft.id}/approve").status_code == 200
    api = site.client.get(f"/api/elections/{ELECTION_2028}/deadlines").json()
    mine = [d for d in api["deadlines"] if d["id"] == f"notice-{draft.notice_id}-{draft.id}"]
    assert mine and mine[0]["title"]["en"] == "Last day for postal vote applications"


def test_a_staff_title_replaces_the_extracted_one(site: Site) -> None:
    site.login("editor")
    assert site.post("/admin/notices", {"text": TIMETABLE, "election": ELECTION_2028}).status_code == 303
    draft = _drafts(site)[0]
    edited = site.post(
        f"/admin/drafts/{draft.id}/edit",
        {"kind": draft.kind, "ends": str(draft.ends), "election": ELECTION_2028, "headline": "Postal votes"},
    )
    assert edited.status_code == 200 and "saved" in edited.text
    assert _drafts(site)[0].title == "Postal votes"


def test_a_long_notice_stores_every_draft_in_one_go(site: Site) -> None:
    """Hundreds of drafts go in as one bulk insert, each with its title and notice."""
    site.login("editor")
    rows = "".join(f"Last day for postal vote applications    5pm - {d} April 2028\n" for d in range(1, 29))
    text = "Date :01/05/2028\n" + "\n".join(f"Timetable part {n}\n{rows}" for n in range(12))
    assert site.post("/admin/notices", {"text": text}).status_code == 303
    drafts = _drafts(site)
    assert len(drafts) == sum(len(n.records) for n in extract(text)) > 300
    assert {d.title for d in drafts} == {"Last day for postal vote applications"}
    assert len({d.notice_id for d in drafts}) == 1 and all(d.status == "pending" for d in drafts)

"""The voters' pages through the ASGI app: languages, zones, sign-up, preferences, the API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from deadlines.db.models import OutboxRow, Subscriber, Subscription
from deadlines.tokens import make_token
from tests.web_helpers import ELECTION_2028, Site, make_settings, running_site

ELECTION_2024 = "kr-2024-national-assembly"
BEFORE_2028 = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)  # the 2024 election held, the 2028 one ahead


def test_home_page_lists_upcoming_elections_in_the_browsers_language(sqlite_url: str, tmp_path: Path) -> None:
    # On a pinned day, so the 2028 election stays "upcoming" after it has been held.
    with running_site(make_settings(sqlite_url, tmp_path), clock=lambda: BEFORE_2028) as site:
        _home_page_in_both_languages(site)


def _home_page_in_both_languages(site: Site) -> None:
    en = site.client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert en.status_code == 200 and "Upcoming elections" in en.text and '<html lang="en">' in en.text
    assert "23rd National Assembly Election" in en.text
    # The 22nd election (10 April 2024) is over: not "upcoming".
    assert "22nd National Assembly Election" not in en.text
    ko = site.client.get("/", headers={"accept-language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert "다가오는 선거" in ko.text and "제23대 국회의원선거" in ko.text and '<html lang="ko">' in ko.text


def test_language_switch_wins_over_accept_language_and_is_remembered(site: Site) -> None:
    page = site.client.get("/?lang=en", headers={"accept-language": "ko"})
    assert "Upcoming elections" in page.text and 'href="/?lang=ko"' in page.text
    again = site.client.get("/", headers={"accept-language": "ko"})
    assert "Upcoming elections" in again.text


@pytest.mark.parametrize(
    ("election", "zone", "close_text"),
    [
        # Published: reporting closes 10 Feb 2024 (KST, end of day) = 07:00 that day in Los Angeles.
        (ELECTION_2024, "America/Los_Angeles", "Closes for you</dt><dd>Sat 10 Feb 2024, 07:00 (Los Angeles)"),
        (ELECTION_2024, "Asia/Seoul", "Closes for you</dt><dd>Sat 10 Feb 2024, 24:00 (Seoul)"),
        (ELECTION_2024, "Europe/Berlin", "Closes for you</dt><dd>Sat 10 Feb 2024, 16:00 (Berlin)"),
        (ELECTION_2028, "America/Los_Angeles", "Closes for you</dt><dd>Sat 12 Feb 2028, 07:00 (Los Angeles)"),
    ],
)
def test_election_page_shows_each_deadline_in_the_visitors_zone_and_the_official_one(
    site: Site, election: str, zone: str, close_text: str
) -> None:
    page = site.client.get(f"/elections/{election}", params={"tz": zone})
    assert page.status_code == 200
    item = page.text[page.text.index('id="overseas-absentee-report"') :]
    item = item[: item.index("</li>")]
    assert close_text in item
    # The official close beside it, in Korean Standard Time.
    assert "24:00 KST</dd>" in item and "Public Official Election Act" in item
    # The zone is remembered for the next page.
    assert close_text in site.client.get(f"/elections/{election}").text


def test_election_page_offers_every_way_to_subscribe(site: Site) -> None:
    page = site.client.get(f"/elections/{ELECTION_2028}?lang=ko").text
    assert f"webcal://deadlines.example.org/calendars/{ELECTION_2028}.ko.ics" in page
    assert "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F" in page
    assert f'href="https://deadlines.example.org/calendars/{ELECTION_2028}.overseas.ko.ics" download' in page
    assert f"/elections/{ELECTION_2028}/qr.svg?lang=ko&amp;audience=overseas" in page
    # The feed address's label is the words, not a Python method's repr.
    assert "주소 복사" in page and "built-in method" not in page
    qr = site.client.get(f"/elections/{ELECTION_2028}/qr.svg", params={"lang": "ko", "audience": "overseas"})
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    assert f"webcal://deadlines.example.org/calendars/{ELECTION_2028}.overseas.ko.ics" in qr.text
    assert site.client.get("/elections/nope/qr.svg").status_code == 404
    assert site.client.get("/elections/nope").status_code == 404


def _sign_up(site: Site, email: str, **extra: object) -> object:
    data = {"email": email, "language": "ko", "timezone": "America/Los_Angeles", "elections": [ELECTION_2028]}
    data.update(extra)  # type: ignore[arg-type]
    return site.post("/subscribe", data)


def test_sign_up_answer_is_the_same_for_new_pending_and_active_addresses(site_any_db: Site) -> None:
    site = site_any_db
    first = _sign_up(site, "New.Voter@Example.org", audiences=["overseas"])
    assert first.status_code == 200  # type: ignore[attr-defined]
    pending = _sign_up(site, "new.voter@example.org", audiences=["overseas"])
    with Session(site.engine) as session:
        subscriber = session.exec(select(Subscriber)).one()
        subscriber.status = "active"
        session.add(subscriber)
        session.commit()
    active = _sign_up(site, "new.voter@example.org")
    bodies = {r.text.split('<main id="main">')[1] for r in (first, pending, active)}  # type: ignore[attr-defined]
    assert len(bodies) == 1 and "메일함을 확인하세요" in bodies.pop()
    with Session(site.engine) as session:
        confirmations = session.exec(select(OutboxRow).where(OutboxRow.kind == "confirmation")).all()
        assert len(confirmations) == 1  # not re-sent within the resend window
        sub = session.exec(select(Subscription)).one()
        assert sub.election_id == ELECTION_2028 and sub.audiences == ["overseas"]


def test_sign_up_errors_are_shown_next_to_the_field(site: Site) -> None:
    bad = _sign_up(site, "voter@example.org", timezone="Mars/Olympus")
    assert bad.status_code == 400  # type: ignore[attr-defined]
    text = bad.text  # type: ignore[attr-defined]
    assert 'id="timezone-error"' in text and "Mars/Olympus" in text and 'value="voter@example.org"' in text
    none = site.post("/subscribe", {"email": "voter@example.org", "timezone": "Asia/Seoul"})
    assert none.status_code == 400 and "choose at least one election" in none.text


def test_sign_ups_are_rate_limited_per_client_and_per_address(site: Site) -> None:
    for _ in range(3):
        assert _sign_up(site, "same@example.org").status_code == 200  # type: ignore[attr-defined]
    limited = _sign_up(site, "same@example.org")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "3600"  # type: ignore[attr-defined]
    for i in range(6):
        assert _sign_up(site, f"other{i}@example.org").status_code == 200  # type: ignore[attr-defined]
    # Ten accepted from this client in the window (3 + 6 + the refused one counted against it).
    assert _sign_up(site, "late@example.org").status_code == 429  # type: ignore[attr-defined]


def test_preferences_change_zone_and_elections(site_any_db: Site) -> None:
    site = site_any_db
    _sign_up(site, "pref@example.org")
    with Session(site.engine) as session:
        subscriber = session.exec(select(Subscriber)).one()
        subscriber.status = "active"
        session.add(subscriber)
        assert subscriber.id is not None
        session.add(
            OutboxRow(
                kind="reminder",
                subscriber_id=subscriber.id,
                trigger="P7D",
                due_at=datetime(2028, 2, 5, tzinfo=UTC),
                created_at=datetime.now(UTC),
            )
        )
        session.commit()
        token = make_token(site.settings.secret_key, "preferences", subscriber.id, binding=subscriber.secret)
    form = site.client.get(f"/preferences/{token}")
    assert (
        form.status_code == 200
        and 'value="America/Los_Angeles"' in form.text
        and "pref@example.org" in form.text
    )
    saved = site.post(
        f"/preferences/{token}",
        {"language": "en", "timezone": "Europe/Berlin", "elections": [ELECTION_2028], "triggers": ["P1D"]},
    )
    assert saved.status_code == 303
    with Session(site.engine) as session:
        subscriber = session.exec(select(Subscriber)).one()
        assert (subscriber.language, subscriber.timezone) == ("en", "Europe/Berlin")
        assert session.exec(select(Subscription)).one().triggers == ["P1D"]
        # The reminder planned for the old zone is gone; the worker plans it again.
        assert session.exec(select(OutboxRow).where(col(OutboxRow.kind) == "reminder")).first() is None
    assert site.client.get("/preferences/forged.token").status_code == 400


def test_api_lists_elections_and_deadlines(site: Site) -> None:
    elections = site.client.get("/api/elections").json()
    ids = [e["id"] for e in elections]
    # Every shipped election, by day: the 2024 one announced, 2028's computed from the term.
    assert ids == sorted(ids, key=lambda i: next(e["day"] for e in elections if e["id"] == i))
    by_id = {e["id"]: e for e in elections}
    assert {ELECTION_2024, ELECTION_2028, "kr-2030-presidential", "kr-2030-local"} <= set(ids)
    assert by_id[ELECTION_2024]["provisional"] is False and by_id[ELECTION_2028]["provisional"] is True
    assert by_id[ELECTION_2028]["day"] == "2028-04-12"
    body = site.client.get(f"/api/elections/{ELECTION_2024}/deadlines").json()
    absentee = next(d for d in body["deadlines"] if d["id"] == "overseas-absentee-report")
    assert (absentee["opens"], absentee["closes"]) == ("2023-11-12", "2024-02-10")
    assert absentee["closes_at"] == "2024-02-10T15:00:00Z"
    missing = site.client.get("/api/elections/nope/deadlines")
    assert missing.status_code == 404 and missing.json() == {"detail": "no election 'nope'"}
    spec = site.client.get("/openapi.json").json()
    assert {"/api/elections", "/api/elections/{election_id}/deadlines"} <= set(spec["paths"])
    assert not any(p.startswith("/admin") for p in spec["paths"])


def test_cached_pages_carry_each_visitors_own_csrf_token(site: Site) -> None:
    from fastapi.testclient import TestClient

    first = site.client.get(f"/elections/{ELECTION_2028}")
    token = site.client.cookies.get("csrf")
    assert token and f'value="{token}"' in first.text
    with TestClient(site.client.app, base_url="https://testserver") as other:
        second = other.get(f"/elections/{ELECTION_2028}")
        other_token = other.cookies.get("csrf")
        assert other_token and other_token != token
        assert f'value="{other_token}"' in second.text and token not in second.text
        assert second.text.replace(other_token, token) == first.text
        # The cached page still sets no cookie for a visitor who has one.
        assert "set-cookie" not in other.get(f"/elections/{ELECTION_2028}").headers
        # Korean visitors get the Korean page, not the cached English one.
        assert (
            "국외부재자 신고"
            in other.get(f"/elections/{ELECTION_2028}", headers={"accept-language": "ko"}).text
        )
        assert other.head(f"/elections/{ELECTION_2028}").content == b""

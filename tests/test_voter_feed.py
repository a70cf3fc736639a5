"""The personal feed: one private address per subscriber with the deadlines of the elections and
audiences they follow in their language, offered on confirmation, replaceable (the old address
then answers 410), cached like the public feeds but privately."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from deadlines.db.engine import make_engine
from deadlines.db.models import Subscriber
from deadlines.reminders.subscribers import SignUp, link_token, sign_up, unsubscribe_subscriber
from deadlines.tokens import make_token
from tests.reminder_helpers import ELECTION, add_subscriber
from tests.web_helpers import Site, hidden, make_settings, running_site

NOW = datetime(2024, 2, 1, tzinfo=UTC)  # before the 2024 election's overseas deadlines closed


def uids(ics: str) -> set[str]:
    return set(re.findall(r"^UID:(.+?)\r?$", ics, flags=re.M))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("feed")
    settings = make_settings(f"sqlite:///{tmp / 'deadlines.db'}", tmp)
    with running_site(settings, clock=lambda: NOW) as s:
        yield s


def _feed_path(site: Site, email: str, zone: str, **kw: object) -> tuple[str, str]:
    """(preferences token, the feed's path) of a new active subscriber."""
    sid = add_subscriber(site.settings, email, zone, now=NOW, **kw)  # type: ignore[arg-type]
    with Session(site.engine) as session:
        subscriber = session.get(Subscriber, sid)
        assert subscriber is not None
        token = link_token(site.settings.secret_key, "preferences", subscriber)
    page = site.client.get(f"/preferences/{token}")
    assert page.status_code == 200
    found = re.search(r'href="webcal://deadlines\.example\.org(/feeds/personal/[^"]+\.ics)"', page.text)
    assert found, page.text
    assert f'value="https://deadlines.example.org{found.group(1)}"' in page.text
    return token, found.group(1)


def test_feed_matches_subscription_and_language(site: Site) -> None:
    _, abroad = _feed_path(site, "abroad@example.org", "America/Los_Angeles", audiences=("overseas",))
    _, everyone = _feed_path(site, "all@example.org", "Asia/Seoul", language="ko", audiences=())
    mine = site.client.get(abroad)
    assert mine.status_code == 200 and mine.headers["content-type"].startswith("text/calendar")
    assert "private" in mine.headers["cache-control"] and mine.headers["etag"]
    assert "X-WR-CALNAME:My election deadlines" in mine.text
    public = site.client.get(f"/calendars/{ELECTION}.overseas.en.ics").text
    assert uids(mine.text) == uids(public) and len(uids(public)) > 3
    theirs = site.client.get(everyone)
    assert "X-WR-CALNAME:내 선거일정" in theirs.text
    assert uids(theirs.text) == uids(site.client.get(f"/calendars/{ELECTION}.ko.ics").text)
    assert uids(theirs.text) > uids(mine.text)  # candidates' and officials' deadlines too
    # Unchanged: 304, as for the public feeds.
    again = site.client.get(abroad, headers={"if-none-match": mine.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = site.client.head(abroad)
    assert head.status_code == 200 and head.content == b""


def test_replacing_the_address_retires_the_old_one(site: Site) -> None:
    token, old = _feed_path(site, "revoke@example.org", "Asia/Seoul")
    assert site.client.get(old).status_code == 200
    page = site.client.get(f"/preferences/{token}")
    moved = site.post(f"/preferences/{token}/feed", {"csrf_token": hidden(page.text, "csrf_token")})
    assert moved.status_code == 303
    page = site.client.get(moved.headers["location"])
    assert "the old one no longer works" in page.text
    new = re.search(r'href="webcal://deadlines\.example\.org(/feeds/personal/[^"]+\.ics)"', page.text)
    assert new and new.group(1) != old
    gone = site.client.get(old)
    assert gone.status_code == 410 and "replaced" in gone.text
    assert site.client.get(new.group(1)).status_code == 200
    # Without the page's CSRF token nothing is replaced.
    assert site.client.post(f"/preferences/{token}/feed").status_code == 403
    assert site.client.get(new.group(1)).status_code == 200


def test_unknown_forged_and_unsubscribed_addresses(site: Site) -> None:
    _, path = _feed_path(site, "gone@example.org", "Asia/Seoul")
    token = path.removeprefix("/feeds/personal/").removesuffix(".ics")
    payload, _, mac = token.partition(".")
    for bad in (f"{payload}.{mac[::-1]}", "nothing", f"{payload}", "%00"):
        response = site.client.get(f"/feeds/personal/{bad}.ics")
        assert response.status_code == 404, bad
    assert site.client.get(f"/feeds/personal/{token}").status_code == 404  # no .ics
    # A preferences token is not a feed token.
    with Session(site.engine) as session:
        subscriber = session.exec(select(Subscriber).where(Subscriber.email == "gone@example.org")).one()
        preferences = link_token(site.settings.secret_key, "preferences", subscriber)
        assert site.client.get(f"/feeds/personal/{preferences}.ics").status_code == 404
        unsubscribe_subscriber(session=session, subscriber=subscriber, now=NOW, actor="test")
        session.commit()
    assert site.client.get(path).status_code == 410


def test_confirmation_page_offers_the_feed(site: Site) -> None:
    with Session(site.engine) as session:
        sign_up(
            session=session,
            request=SignUp("new@example.org", "ko", "Asia/Seoul", (ELECTION,), ("overseas",)),
            known_elections=[ELECTION],
            now=NOW,
        )
        session.commit()
        subscriber = session.exec(select(Subscriber).where(Subscriber.email == "new@example.org")).one()
        assert subscriber.id is not None
        token = make_token(
            site.settings.secret_key,
            "confirm",
            subscriber.id,
            binding=subscriber.secret,
            nonce=subscriber.confirm_nonce,
        )
    ask = site.client.get(f"/confirm/{token}")
    done = site.post(f"/confirm/{token}", {"csrf_token": hidden(ask.text, "csrf_token")})
    assert done.status_code == 200 and "달력에서 구독" in done.text
    found = re.search(r'href="webcal://deadlines\.example\.org(/feeds/personal/[^"]+\.ics)"', done.text)
    assert found
    feed = site.client.get(found.group(1))
    assert feed.status_code == 200 and "X-WR-CALNAME:내 선거일정" in feed.text


def test_a_forgotten_subscriber_takes_marks_and_feed_key_along(site: Site) -> None:
    from deadlines.reminders.privacy import export_subscriber, forget_subscriber

    token, path = _feed_path(site, "forget@example.org", "Asia/Seoul")
    page = site.client.get(f"/preferences/{token}")
    site.post(f"/preferences/{token}/feed", {"csrf_token": hidden(page.text, "csrf_token")})
    page = site.client.get(f"/preferences/{token}")
    site.post(
        f"/preferences/{token}/done",
        {
            "subscription": hidden(page.text, "subscription"),
            "deadline": hidden(page.text, "deadline"),
            "action": "done",
        },
    )
    engine = make_engine(site.settings.database_url)
    with Session(engine) as session:
        exported = export_subscriber(session=session, email="forget@example.org")
        assert [d["election"] for d in exported["done"]] == [ELECTION]
        assert exported["feed_address_replaced_at"] == NOW.isoformat()
        forget_subscriber(session=session, email="forget@example.org", actor="test", now=NOW)
        session.commit()
    engine.dispose()
    assert site.client.get(path).status_code == 404

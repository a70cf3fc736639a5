"""Issue 10, sessions and identities: the reproductions replayed. Logout and password resets end
console sessions; a forgotten subscriber's links never act on anyone again; confirming takes a
button; sign-up does the same work whatever the address's state; failed logins slow the guesser,
not the owner; hostile login names get a 400, not a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, col, select

from deadlines.db.engine import make_engine
from deadlines.db.models import OutboxRow, StaffSession, Subscriber
from deadlines.db.ratelimit import backoff_delay
from deadlines.db.staff import add_staff
from deadlines.reminders.privacy import forget_subscriber
from deadlines.reminders.subscribers import SignUp, link_token, sign_up
from deadlines.tokens import make_token
from tests.reminder_helpers import ELECTION
from tests.web_helpers import BASE, PASSWORDS, Site, make_settings, running_site

NOW = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


class MovingClock:
    """A clock for `create_app(settings, clock=...)` that stands still until the test moves it."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clocked_site(db_url: str, tmp_path: Path) -> Iterator[tuple[Site, MovingClock]]:
    """The `site_any_db` site on a clock the test moves: logins, sessions and waits all read it."""
    clock = MovingClock(NOW)
    with running_site(make_settings(db_url, tmp_path), clock=clock) as site:
        yield site, clock


def _client(site: Site, address: str) -> TestClient:
    """Another browser, at another client address, on the same running app."""
    return TestClient(site.client.app, base_url=BASE, client=(address, 40000))


def _login(client: TestClient, username: str, password: str) -> Any:
    client.get("/admin/login")
    return client.post(
        "/admin/login",
        data={"csrf_token": client.cookies["csrf"], "username": username, "password": password},
        follow_redirects=False,
    )


def _sign_up(site: Site, email: str, now: datetime = NOW, language: str = "en") -> Subscriber:
    with Session(site.engine) as session:
        sign_up(
            session=session,
            request=SignUp(email, language, "Asia/Seoul", (ELECTION,), ("overseas",)),
            known_elections=[ELECTION],
            now=now,
        )
        session.commit()
        return session.exec(select(Subscriber).where(col(Subscriber.email) == email)).one()


# Console sessions


def test_logout_ends_the_session_at_once(site_any_db: Site) -> None:
    site = site_any_db
    site.login("editor")
    old = site.client.cookies["staff_session"]
    assert site.client.get("/admin/", follow_redirects=False).status_code == 200
    assert site.post("/admin/logout").status_code == 303
    with Session(site.engine) as session:
        [row] = session.exec(select(StaffSession)).all()
        assert row.revoked_at is not None
    # The old cookie, replayed: no page, and no test email through the relay.
    site.client.cookies.set("staff_session", old, path="/admin")
    page = site.client.get("/admin/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/admin/login")
    sent = site.post("/admin/outbox/test", {"email": "staff@example.org", "language": "en"})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/admin/login")


def test_password_reset_ends_every_session_of_that_account(site_any_db: Site) -> None:
    site = site_any_db
    laptop, phone, viewer = _client(site, "192.0.2.1"), _client(site, "192.0.2.2"), _client(site, "192.0.2.3")
    assert _login(laptop, "editor", PASSWORDS["editor"]).status_code == 303
    assert _login(phone, "editor", PASSWORDS["editor"]).status_code == 303
    assert _login(viewer, "viewer", PASSWORDS["viewer"]).status_code == 303
    with Session(site.engine) as session:
        add_staff(
            session=session,
            username="editor",
            password="a-new-password-3",
            role="editor",
            actor="test",
            now=datetime.now(UTC),
            replace=True,
        )
        session.commit()
    assert laptop.get("/admin/", follow_redirects=False).status_code == 303
    assert phone.get("/admin/", follow_redirects=False).status_code == 303
    assert viewer.get("/admin/", follow_redirects=False).status_code == 200  # another account
    assert _login(laptop, "editor", "a-new-password-3").status_code == 303
    assert laptop.get("/admin/", follow_redirects=False).status_code == 200


def test_password_reset_from_the_command_line_ends_sessions(site: Site, run_sqlite: Any) -> None:
    site.login("editor")
    result = run_sqlite(
        "staff", "add", "editor", "--reset-password", "--password-stdin", input="fresh-password-4\n"
    )
    assert result.exit_code == 0, result.output
    assert site.client.get("/admin/", follow_redirects=False).status_code == 303


def test_a_session_expires(clocked_site: tuple[Site, MovingClock]) -> None:
    site, clock = clocked_site
    site.login("editor")
    hours = site.settings.session_hours
    clock.moment = NOW + timedelta(hours=hours) - timedelta(minutes=1)
    assert site.client.get("/admin/", follow_redirects=False).status_code == 200
    clock.moment = NOW + timedelta(hours=hours, minutes=1)
    assert site.client.get("/admin/", follow_redirects=False).status_code == 303


def test_the_cookie_is_a_random_token_whose_hash_alone_is_stored(site: Site) -> None:
    site.login("editor")
    token = site.client.cookies["staff_session"]
    with Session(site.engine) as session:
        [row] = session.exec(select(StaffSession)).all()
    assert token not in row.id and len(row.id) == 64
    for forged in ("", "x" * 5000, token[:-1], token + "\x00"):
        site.client.cookies.clear()
        site.client.cookies.set("staff_session", forged, path="/admin")
        assert site.client.get("/admin/", follow_redirects=False).status_code == 303


# Subscribers: ids never reused, links bound to a secret that `forget` destroys


def test_forget_then_a_new_sign_up_old_links_act_on_no_one(site_any_db: Site) -> None:
    site = site_any_db
    first = _sign_up(site, "first@example.org")
    assert first.id is not None and len(first.secret) == 32
    with Session(site.engine) as session:
        first_mail = set(session.exec(select(OutboxRow.id)).all())
    secret = site.settings.secret_key
    old_unsubscribe = link_token(secret, "unsubscribe", first)
    old_preferences = link_token(secret, "preferences", first)
    with Session(site.engine) as session:
        forget_subscriber(session=session, email="first@example.org", actor="test", now=NOW)
        session.commit()

    second = _sign_up(site, "second@example.org")
    again = _sign_up(site, "first@example.org")  # the same address, signing up anew
    with Session(site.engine) as session:
        for sub in (second, again):
            session.execute(
                Subscriber.__table__.update()  # type: ignore[attr-defined]
                .where(Subscriber.__table__.c.id == sub.id)  # type: ignore[attr-defined]
                .values(status="active")
            )
        session.commit()
        later_mail = set(session.exec(select(OutboxRow.id)).all())
    assert first.id not in (second.id, again.id)
    assert not first_mail & later_mail  # Message-IDs come from outbox ids: none repeats
    assert again.secret != first.secret

    assert site.client.get(f"/preferences/{old_preferences}").status_code == 400
    assert site.client.get(f"/unsubscribe/{old_unsubscribe}").status_code == 400
    assert site.client.post(f"/unsubscribe/{old_unsubscribe}").status_code == 400
    with Session(site.engine) as session:
        statuses = {s.email: s.status for s in session.exec(select(Subscriber))}
    assert statuses == {"second@example.org": "active", "first@example.org": "active"}


def test_a_token_dies_with_its_subscriber_secret_even_if_the_id_came_back(site_any_db: Site) -> None:
    """Ids are not reused (AUTOINCREMENT, sequences); should one ever be, the old links still fail."""
    site = site_any_db
    gone = _sign_up(site, "gone@example.org")
    assert gone.id is not None
    old = link_token(site.settings.secret_key, "unsubscribe", gone)
    with Session(site.engine) as session:
        forget_subscriber(session=session, email="gone@example.org", actor="test", now=NOW)
        session.add(
            Subscriber(
                id=gone.id,
                email="heir@example.org",
                secret="f" * 32,
                language="en",
                timezone="Asia/Seoul",
                status="active",
                created_at=NOW,
            )
        )
        session.commit()
    assert site.client.post(f"/unsubscribe/{old}").status_code == 400
    with Session(site.engine) as session:
        assert session.get_one(Subscriber, gone.id).status == "active"


# Confirm by a button


@pytest.mark.parametrize(("language", "button"), [("en", "Confirm"), ("ko", "확인")])
def test_get_confirm_shows_a_button_and_only_the_post_confirms(
    site: Site, language: str, button: str
) -> None:
    sub = _sign_up(site, "scan@example.org", now=datetime.now(UTC), language=language)
    assert sub.id is not None
    token = make_token(
        site.settings.secret_key,
        "confirm",
        sub.id,
        binding=sub.secret,
        nonce=sub.confirm_nonce,
        expires=datetime.now(UTC) + timedelta(hours=1),
    )
    for _ in range(3):  # a mail scanner, a link preview, the person
        page = site.client.get(f"/confirm/{token}")
        assert page.status_code == 200 and 'method="post"' in page.text and button in page.text
    with Session(site.engine) as session:
        assert session.get_one(Subscriber, sub.id).status == "pending"
    assert site.client.post(f"/confirm/{token}").status_code == 403  # no CSRF token
    assert site.post(f"/confirm/{token}").status_code == 200
    with Session(site.engine) as session:
        assert session.get_one(Subscriber, sub.id).status == "active"


# Sign-up: the same work whatever the address's state

STATES = ("new", "pending", "pending-just-sent", "active", "unsubscribed", "suppressed")


def _in_state(site: Site, email: str, state: str) -> None:
    if state == "new":
        return
    sent = NOW - (timedelta(minutes=1) if state == "pending-just-sent" else timedelta(days=1))
    _sign_up(site, email, now=sent)
    status = state.removesuffix("-just-sent")
    with Session(site.engine) as session:
        session.execute(
            Subscriber.__table__.update()  # type: ignore[attr-defined]
            .where(Subscriber.__table__.c.email == email)  # type: ignore[attr-defined]
            .values(status=status)
        )
        session.commit()


def test_sign_up_runs_the_same_statements_whatever_the_state(site_any_db: Site) -> None:
    site = site_any_db
    for state in STATES:
        _in_state(site, f"{state}@example.org", state)
    engine = make_engine(site.settings.database_url)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    shapes: dict[str, list[str]] = {}
    try:
        for state in STATES:
            statements.clear()
            with Session(engine) as session:
                sign_up(
                    session=session,
                    request=SignUp(f"{state}@example.org", "ko", "America/Chicago", (ELECTION,), ()),
                    known_elections=[ELECTION],
                    now=NOW,
                )
                session.commit()
            shapes[state] = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
        engine.dispose()
    assert len(shapes["new"]) >= 4
    for state in STATES:
        assert shapes[state] == shapes["new"], state

    # The same statements, and still the right outcome for each state.
    with Session(site.engine) as session:
        subs = {s.email.partition("@")[0]: s for s in session.exec(select(Subscriber))}
        confirmations = {
            sid
            for sid in session.exec(
                select(OutboxRow.subscriber_id).where(
                    col(OutboxRow.kind) == "confirmation", col(OutboxRow.created_at) == NOW
                )
            )
        }
    assert {s: subs[s].status for s in STATES} == {
        "new": "pending",
        "pending": "pending",
        "pending-just-sent": "pending",
        "active": "active",
        "unsubscribed": "pending",
        "suppressed": "suppressed",
    }
    assert {s for s in STATES if subs[s].id in confirmations} == {"new", "pending", "unsubscribed"}
    assert subs["active"].timezone == "Asia/Seoul"  # changes to an active one wait for its link
    assert subs["unsubscribed"].timezone == "America/Chicago" and subs["new"].language == "ko"


def test_sign_up_answers_alike_whatever_the_state(site: Site) -> None:
    for state in STATES:
        _in_state(site, f"{state}@example.org", state)
    pages = set()
    for state in STATES:
        response = site.post(
            "/subscribe",
            {
                "email": f"{state}@example.org",
                "language": "en",
                "timezone": "Asia/Seoul",
                "elections": ELECTION,
            },
        )
        assert response.status_code == 200
        pages.add(response.text)
    assert len(pages) == 1


# Login limits


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (4, 0), (5, 2), (6, 4), (7, 8), (13, 512), (14, 900), (15, 900), (10_000, 900)],
)
def test_backoff_delay_grows_then_stops_at_the_cap(failures: int, seconds: int) -> None:
    delay = backoff_delay(failures, free=5, cap=timedelta(minutes=15))
    assert delay == timedelta(seconds=seconds)


def test_failed_logins_slow_that_user_and_client_not_the_owner(
    clocked_site: tuple[Site, MovingClock],
) -> None:
    site, clock = clocked_site
    attacker, owner = _client(site, "203.0.113.66"), _client(site, "198.51.100.7")
    for _ in range(5):
        assert _login(attacker, "editor", "guess-password").status_code == 401
    refused = _login(attacker, "editor", PASSWORDS["editor"])  # even the right password waits
    assert refused.status_code == 429 and refused.headers["retry-after"] == "2"
    # The owner, elsewhere, is not locked out; the attacker's other usernames are not slowed.
    assert _login(owner, "editor", PASSWORDS["editor"]).status_code == 303
    assert _login(attacker, "viewer", "guess-password").status_code == 401
    # After the wait, one more attempt is heard; each failure doubles the next wait.
    clock.moment = NOW + timedelta(seconds=2)
    assert _login(attacker, "editor", "guess-password").status_code == 401
    assert _login(attacker, "editor", "guess-password").headers["retry-after"] == "4"
    clock.moment = NOW + timedelta(seconds=6)
    assert _login(attacker, "editor", "guess-password").status_code == 401
    assert _login(attacker, "editor", "guess-password").headers["retry-after"] == "8"
    # The wait never passes the cap, however long the guessing goes on.
    moment = NOW + timedelta(seconds=6)
    for _ in range(12):
        moment += timedelta(minutes=16)
        clock.moment = moment
        assert _login(attacker, "editor", "guess-password").status_code == 401
    assert int(_login(attacker, "editor", "guess-password").headers["retry-after"]) == 900
    # The owner's own success from that address clears its count.
    clock.moment = moment + timedelta(minutes=15)
    assert _login(attacker, "editor", PASSWORDS["editor"]).status_code == 303
    assert _login(attacker, "editor", "guess-password").status_code == 401


@pytest.mark.parametrize("username", ["edi\x00tor", "\x00", "e" * 5000, "editor\x00", "관리자"])
def test_hostile_login_names_get_a_clear_400(site_any_db: Site, username: str) -> None:
    response = site_any_db.post("/admin/login", {"username": username, "password": "whatever-password"})
    assert response.status_code == 400 and "A username is" in response.text


def test_nul_in_the_next_field_or_password_is_no_500(site_any_db: Site) -> None:
    site = site_any_db
    response = site.post(
        "/admin/login", {"username": "editor", "password": "editor\x00password", "next": "/admin/\x00x"}
    )
    assert response.status_code == 401
    response = site.post(
        "/admin/login", {"username": "editor", "password": PASSWORDS["editor"], "next": "/admin/\x00x"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin/"

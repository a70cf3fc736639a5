"""The links in every email, through the ASGI app: confirm once by a button, unsubscribe with one click."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlmodel import Session, select

from deadlines.db.engine import make_engine
from deadlines.db.models import OutboxRow, Subscriber
from deadlines.reminders.subscribers import SignUp, sign_up
from deadlines.tokens import make_token
from deadlines.web.app import create_app
from tests.reminder_helpers import ELECTION, prepare


async def _exercise(
    app: object, confirm_token: str, unsubscribe_token: str, engine: object, sub_id: int
) -> None:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
        # A GET (a person, or a mail scanner following the link) only shows the button.
        page = await client.get(f"/confirm/{confirm_token}")
        assert page.status_code == 200 and 'method="post"' in page.text
        with Session(engine) as session:  # type: ignore[arg-type]
            assert session.exec(select(Subscriber)).one().status == "pending"
        csrf = client.cookies["csrf"]
        # The button's POST needs the page's CSRF token, then confirms once.
        assert (await client.post(f"/confirm/{confirm_token}")).status_code == 403
        first = await client.post(f"/confirm/{confirm_token}", data={"csrf_token": csrf})
        assert first.status_code == 200 and "신청이 확인되었습니다" in first.text
        again = await client.post(f"/confirm/{confirm_token}", data={"csrf_token": csrf})
        # A Korean subscriber's link speaks Korean even the second time, whatever the browser.
        assert again.status_code == 400 and "이미 사용되었거나 새 링크로 바뀐 확인 링크입니다." in again.text
        assert (await client.get(f"/confirm/{confirm_token}")).status_code == 400
        assert (await client.get("/confirm/forged.token")).status_code == 400
        with Session(engine) as session:  # type: ignore[arg-type]
            session.add(
                OutboxRow(
                    kind="reminder",
                    subscriber_id=sub_id,
                    trigger="P1D",
                    due_at=datetime.now(UTC),
                    created_at=datetime.now(UTC),
                )
            )
            session.commit()
        page = await client.get(f"/unsubscribe/{unsubscribe_token}")
        assert page.status_code == 200 and 'method="post"' in page.text
        with Session(engine) as session:  # type: ignore[arg-type]
            assert session.exec(select(Subscriber)).one().status == "active"  # a GET changes nothing
        one_click = await client.post(
            f"/unsubscribe/{unsubscribe_token}", data={"List-Unsubscribe": "One-Click"}
        )
        assert one_click.status_code == 200
        assert (await client.post("/unsubscribe/nope.nope")).status_code == 400


def test_confirm_then_one_click_unsubscribe(db_url: str, tmp_path: Path) -> None:
    settings = prepare(db_url, tmp_path, 1)
    engine = make_engine(db_url)
    with Session(engine) as session:
        sign_up(
            session=session,
            request=SignUp("web@example.org", "ko", "Asia/Seoul", (ELECTION,), ("overseas",)),
            known_elections=[ELECTION],
            now=datetime.now(UTC),
        )
        session.commit()
        sub = session.exec(select(Subscriber)).one()
        confirm_token = make_token(
            settings.secret_key, "confirm", sub.id or 0, binding=sub.secret, nonce=sub.confirm_nonce
        )
        unsubscribe_token = make_token(settings.secret_key, "unsubscribe", sub.id or 0, binding=sub.secret)
    app = create_app(settings)
    try:
        asyncio.run(_exercise(app, confirm_token, unsubscribe_token, engine, sub.id or 0))
    finally:
        app.cache.engine.dispose()
    with Session(engine) as session:
        assert session.exec(select(Subscriber)).one().status == "unsubscribed"
        states = {r.state for r in session.exec(select(OutboxRow).where(OutboxRow.kind == "reminder"))}
        assert states == {"cancelled"}
    engine.dispose()

"""The pages behind the links in every email: confirm, unsubscribe (with RFC 8058 one-click)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Engine
from sqlmodel import Session

from deadlines.reminders.subscribers import confirm, unsubscribe
from deadlines.tokens import TokenError, make_token, read_token
from deadlines.web.pages import Pages


def feed_links(base_url: str, path: str) -> dict[str, str]:
    """The ways to subscribe to a feed: https, webcal:// and Google Calendar."""
    https = f"{base_url.rstrip('/')}/calendars/{path}"
    parts = urlsplit(https)
    webcal = urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))
    google = "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe="")
    return {"url": https, "webcal": webcal, "google": google}


def links_router(engine: Engine, secret: str, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def invalid(request: Request, error: TokenError) -> HTMLResponse:
        return pages.message(request, 400, "link_invalid", text=str(error))

    @router.get("/confirm/{token}", response_class=HTMLResponse)
    def confirm_page(request: Request, token: str) -> HTMLResponse:
        try:
            with Session(engine) as session:
                subscriber = confirm(session=session, secret=secret, token=token, now=datetime.now(UTC))
                session.commit()
                language = subscriber.language
                preferences = make_token(secret, "preferences", subscriber.id or 0)
        except TokenError as e:
            return invalid(request, e)
        return pages.message(request, 200, "confirmed", lang=language, link=f"/preferences/{preferences}")

    @router.get("/unsubscribe/{token}", response_class=HTMLResponse)
    def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
        try:
            read_token(secret, "unsubscribe", token, datetime.now(UTC))
        except TokenError as e:
            return invalid(request, e)
        # A GET never changes anything (mail scanners follow links); the button POSTs.
        return pages.message(request, 200, "stop_all", action=f"/unsubscribe/{token}")

    @router.post("/unsubscribe/{token}")
    def unsubscribe_post(request: Request, token: str) -> Response:
        """Both the page's button and RFC 8058 one-click POSTs (`List-Unsubscribe=One-Click`).

        No CSRF token: a mail client's one-click POST carries none, and the signed token in the
        address is itself the proof that the request comes from the mailbox's owner."""
        try:
            with Session(engine) as session:
                unsubscribe(session=session, secret=secret, token=token, now=datetime.now(UTC))
                session.commit()
        except TokenError as e:
            return invalid(request, e)
        return pages.message(request, 200, "unsubscribed")

    return router

"""The pages behind the links in every email: confirm and unsubscribe, each by a button (POST),
unsubscribe also by RFC 8058 one-click."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit, urlunsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from deadlines.db.voter import feed_nonce
from deadlines.reminders.subscribers import (
    confirm,
    link_token,
    pending_confirmation,
    token_owner,
    unsubscribe,
)
from deadlines.tokens import TokenError
from deadlines.web.link_lang import link_language
from deadlines.web.page_words import token_text
from deadlines.web.personal import my_feed_links
from deadlines.web.security import check_csrf
from deadlines.web.site import NowDep, Site, SiteDep
from deadlines.web.voter_words import VOTER_WORDS


def feed_links(base_url: str, path: str) -> dict[str, str]:
    """The ways to subscribe to a feed: https, webcal:// and Google Calendar."""
    https = f"{base_url.rstrip('/')}/calendars/{path}"
    parts = urlsplit(https)
    webcal = urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))
    google = "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe="")
    return {"url": https, "webcal": webcal, "google": google}


router = APIRouter(include_in_schema=False)


def invalid(site: Site, request: Request, error: TokenError) -> HTMLResponse:
    lang = link_language(site, request)
    return site.pages.message(request, 400, "link_invalid", text=token_text(error, lang), lang=lang)


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, site: SiteDep, now: NowDep, token: str) -> HTMLResponse:
    """Shows a button and changes nothing: mail scanners follow links, and double opt-in
    must be the person's own act. The button POSTs."""
    try:
        with Session(site.engine) as session:
            subscriber = pending_confirmation(
                session=session, secret=site.settings.secret_key, token=token, now=now
            )
            language = subscriber.language
    except TokenError as e:
        return invalid(site, request, e)
    return site.pages.message(request, 200, "confirm_ask", lang=language, action=f"/confirm/{token}")


@router.post("/confirm/{token}", response_class=HTMLResponse)
def confirm_post(
    request: Request, site: SiteDep, now: NowDep, token: str, csrf_token: Annotated[str | None, Form()] = None
) -> HTMLResponse:
    check_csrf(request, csrf_token)
    secret = site.settings.secret_key
    try:
        with Session(site.engine) as session:
            subscriber = confirm(session=session, secret=secret, token=token, now=now)
            session.commit()
            language = subscriber.language
            preferences = link_token(secret, "preferences", subscriber)
            assert subscriber.id is not None
            nonce = feed_nonce(session=session, subscriber_id=subscriber.id)
            my_feed = my_feed_links(request, site, subscriber, nonce)
    except TokenError as e:
        return invalid(site, request, e)
    # The personal feed is offered at once: the one step that keeps every date in their calendar.
    context = {"link": f"/preferences/{preferences}", "my_feed": my_feed, "vw": VOTER_WORDS}
    return site.pages.render(request, "confirmed.html", context, lang=language)


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, site: SiteDep, now: NowDep, token: str) -> HTMLResponse:
    try:
        with Session(site.engine) as session:
            token_owner(
                session=session, secret=site.settings.secret_key, purpose="unsubscribe", token=token, now=now
            )
    except TokenError as e:
        return invalid(site, request, e)
    # A GET never changes anything (mail scanners follow links); the button POSTs.
    return site.pages.message(request, 200, "stop_all", action=f"/unsubscribe/{token}")


@router.post("/unsubscribe/{token}")
def unsubscribe_post(request: Request, site: SiteDep, now: NowDep, token: str) -> Response:
    """Both the page's button and RFC 8058 one-click POSTs (`List-Unsubscribe=One-Click`).

    No CSRF token: a mail client's one-click POST carries none, and the signed token in the
    address is itself the proof that the request comes from the mailbox's owner."""
    try:
        with Session(site.engine) as session:
            unsubscribe(session=session, secret=site.settings.secret_key, token=token, now=now)
            session.commit()
    except TokenError as e:
        return invalid(site, request, e)
    return site.pages.message(request, 200, "unsubscribed")

""" "I've done it": the signed link in each reminder (GET asks, POST marks, undo puts reminders
back) and the done buttons of the preferences page. Mail scanners follow links, so a GET never
changes anything."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from deadlines.db.models import DeadlineRow, ElectionRow, Subscriber
from deadlines.db.voter import done_deadline, is_done, mark_done, undo_done
from deadlines.reminders.subscribers import link_token, subscriber_for_token, token_owner
from deadlines.tokens import TokenError
from deadlines.voter_links import DoneTarget, done_target
from deadlines.web.links import invalid as _invalid  # in the language of the link's owner
from deadlines.web.security import check_csrf
from deadlines.web.site import NowDep, Site, SiteDep
from deadlines.web.voter_words import VOTER_WORDS

router = APIRouter(include_in_schema=False)


def _owner(session: Session, site: Site, token: str, now: Any) -> tuple[Subscriber, DoneTarget, DeadlineRow]:
    subscriber, body = token_owner(
        session=session, secret=site.settings.secret_key, purpose="done", token=token, now=now
    )
    if subscriber.status in ("unsubscribed", "suppressed"):
        raise TokenError("this link is no longer valid: the address receives no reminders")
    assert subscriber.id is not None
    target = done_target(body)
    return subscriber, target, done_deadline(session=session, subscriber_id=subscriber.id, target=target)


def _page(
    request: Request,
    site: Site,
    session: Session,
    token: str,
    subscriber: Subscriber,
    deadline: DeadlineRow,
    state: str,
) -> HTMLResponse:
    """`state`: ask (not done yet), done (just marked, or already), undone (just unmarked)."""
    lang = subscriber.language
    election = session.get(ElectionRow, deadline.election_id)
    context = {
        "vw": VOTER_WORDS,
        "state": state,
        "deadline_title": deadline.title_en if lang == "en" else deadline.title_ko,
        "election_name": (election.name_en if lang == "en" else election.name_ko) if election else "",
        "closes": deadline.closes.isoformat() if deadline.closes else "",
        "action": f"/done/{token}" + ("/undo" if state == "done" else ""),
        "preferences": f"/preferences/{link_token(site.settings.secret_key, 'preferences', subscriber)}",
    }
    return site.pages.render(request, "done.html", context, lang=lang)


@router.get("/done/{token}", response_class=HTMLResponse)
def done_ask(request: Request, site: SiteDep, now: NowDep, token: str) -> HTMLResponse:
    try:
        with Session(site.engine) as session:
            subscriber, target, deadline = _owner(session, site, token, now)
            state = "done" if is_done(session=session, target=target) else "ask"
            return _page(request, site, session, token, subscriber, deadline, state)
    except TokenError as e:
        return _invalid(site, request, e)


def _act(request: Request, site: Site, now: Any, token: str, csrf: str | None, undo: bool) -> HTMLResponse:
    check_csrf(request, csrf)
    try:
        with Session(site.engine) as session:
            subscriber, target, deadline = _owner(session, site, token, now)
            assert subscriber.id is not None
            change = undo_done if undo else mark_done
            change(session=session, subscriber_id=subscriber.id, target=target, now=now)
            session.commit()
            return _page(request, site, session, token, subscriber, deadline, "undone" if undo else "done")
    except TokenError as e:
        return _invalid(site, request, e)


@router.post("/done/{token}", response_class=HTMLResponse)
def done_post(
    request: Request, site: SiteDep, now: NowDep, token: str, csrf_token: Annotated[str | None, Form()] = None
) -> HTMLResponse:
    return _act(request, site, now, token, csrf_token, undo=False)


@router.post("/done/{token}/undo", response_class=HTMLResponse)
def done_undo(
    request: Request, site: SiteDep, now: NowDep, token: str, csrf_token: Annotated[str | None, Form()] = None
) -> HTMLResponse:
    return _act(request, site, now, token, csrf_token, undo=True)


@router.post("/preferences/{token}/done")
def done_from_preferences(
    request: Request,
    site: SiteDep,
    now: NowDep,
    token: str,
    subscription: Annotated[int, Form(ge=1, lt=2**63)],
    deadline: Annotated[int, Form(ge=1, lt=2**63)],
    action: Annotated[str, Form(pattern="^(done|undo)$")],
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    """The preferences page's done and undo buttons, one deadline each."""
    check_csrf(request, csrf_token)
    try:
        with Session(site.engine) as session:
            subscriber = subscriber_for_token(
                session=session, secret=site.settings.secret_key, purpose="preferences", token=token, now=now
            )
            assert subscriber.id is not None
            change = undo_done if action == "undo" else mark_done
            change(
                session=session,
                subscriber_id=subscriber.id,
                target=DoneTarget(subscription, deadline),
                now=now,
            )
            session.commit()
    except TokenError as e:
        return _invalid(site, request, e)
    return RedirectResponse(f"/preferences/{token}?done=1#my-deadlines", status_code=303)

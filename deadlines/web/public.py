"""The voters' pages: upcoming elections, an election's timeline, sign-up and preferences."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session

from deadlines.db.ratelimit import allow, bucket
from deadlines.feeds.catalog import FeedData, FeedSpec
from deadlines.records import AUDIENCES, LANGUAGES
from deadlines.reminders.subscribers import (
    SignUp,
    SubscriberError,
    link_token,
    sign_up,
    subscriber_for_token,
    subscriptions_of,
    update_preferences,
)
from deadlines.reminders.triggers import TRIGGERS
from deadlines.settings import Settings
from deadlines.tokens import TokenError
from deadlines.web.feedcache import FeedCache
from deadlines.web.links import feed_links
from deadlines.web.pagecache import TZ_COOKIE
from deadlines.web.pages import Pages, language
from deadlines.web.security import check_csrf, client_address
from deadlines.web.timeline import next_deadlines, records_of, rows, upcoming, valid_zone


def _form_fields(
    email: str, language_: str, timezone: str, elections: list[str], audiences: list[str], triggers: list[str]
) -> dict[str, Any]:
    return {
        "email": email,
        "language": language_,
        "timezone": timezone,
        "elections": elections,
        "audiences": audiences,
        "triggers": triggers,
    }


class SignUpForm(BaseModel):
    """The sign-up and preferences forms (the same fields; preferences has no email)."""

    email: str = ""
    language: str = "en"
    timezone: str = ""
    elections: list[str] = []
    audiences: list[str] = []
    triggers: list[str] = []
    csrf_token: str | None = None

    def sign_up(self, email: str) -> SignUp:
        return SignUp(
            email=email,
            language=self.language,
            timezone=self.timezone.strip(),
            elections=tuple(self.elections),
            audiences=tuple(self.audiences),
            triggers=tuple(self.triggers) if self.triggers else None,
        )

    def fields(self) -> dict[str, Any]:
        return _form_fields(
            self.email, self.language, self.timezone, self.elections, self.audiences, self.triggers
        )


def _field_errors(error: SubscriberError) -> dict[str, str]:
    """`timezone: 'Mars/Olympus' is not ...` -> {"timezone": "'Mars/Olympus' is not ..."}."""
    field, _, message = str(error).partition(": ")
    return {field: message or str(error)}


def public_router(engine: Engine, settings: Settings, cache: FeedCache, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def now() -> datetime:
        return cache.clock()

    def form_context(d: FeedData, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
        return {
            "elections": upcoming(d, now().date()),
            "audience_choices": [a for a in AUDIENCES if a != "all"],
            "trigger_choices": TRIGGERS,
            "languages": LANGUAGES,
            "fields": values,
            "errors": errors,
        }

    @router.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        d = cache.current()
        moment = now()
        lang = language(request)
        zone = valid_zone(request.cookies.get(TZ_COOKIE))
        elections = []
        for e in upcoming(d, moment.date()):
            nxt = next_deadlines(records_of(d, e.id), moment)
            elections.append(
                {"info": e, "next": rows(nxt, zone or e.timezone, lang, moment, chronological=False)}
            )
        return pages.render(request, "index.html", {"elections": elections, "zone": zone}, cache_zone=zone)

    @router.get("/elections/{election_id}", response_class=HTMLResponse)
    def election(request: Request, election_id: str, tz: str | None = None) -> HTMLResponse:
        d = cache.current()
        info = d.election(election_id)
        if info is None:
            return pages.message(request, 404, "not_found")
        lang = language(request)
        chosen = valid_zone(tz) or valid_zone(request.cookies.get(TZ_COOKIE))
        zone = chosen or info.timezone
        moment = now()
        feeds = []
        for audience in (None, "overseas"):
            spec = FeedSpec(info.id, audience, lang)
            feeds.append({"audience": audience, **feed_links(settings.base_url, spec.path)})
        context = {
            "info": info,
            "zone": zone,
            "zone_given": tz,
            "zone_invalid": bool(tz) and valid_zone(tz) is None,
            "rows": rows(records_of(d, info.id), zone, lang, moment, include_cancelled=True),
            "feeds": feeds,
            # Empty unless the visitor chose a zone, so the page's script can offer the browser's.
            "form": form_context(d, _form_fields("", lang, chosen or "", [info.id], [], []), {}),
        }
        response = pages.render(
            request, "election.html", context, cache_zone=valid_zone(request.cookies.get(TZ_COOKIE))
        )
        if valid_zone(tz):
            response.set_cookie(
                TZ_COOKIE, zone, max_age=365 * 24 * 3600, secure=settings.cookie_secure, samesite="lax"
            )
        return response

    @router.get("/elections/{election_id}/qr.svg")
    def qr(election_id: str, audience: str | None = None, lang: str = "en") -> Response:
        d = cache.current()
        if election_id not in d.election_ids or audience not in (None, *AUDIENCES) or lang not in LANGUAGES:
            return Response("no such feed\n", status_code=404, media_type="text/plain")
        links = feed_links(settings.base_url, FeedSpec(election_id, audience, lang).path)
        buffer = io.BytesIO()
        segno.make(links["webcal"], error="m").save(buffer, kind="svg", scale=4, title=links["webcal"])
        return Response(
            buffer.getvalue(), media_type="image/svg+xml", headers={"cache-control": "public, max-age=3600"}
        )

    @router.get("/subscribe", response_class=HTMLResponse)
    def subscribe_form(request: Request, election: str | None = None, tz: str | None = None) -> HTMLResponse:
        d = cache.current()
        chosen = [election] if election in d.election_ids else []
        zone = valid_zone(tz) or valid_zone(request.cookies.get(TZ_COOKIE)) or ""
        values = _form_fields("", language(request), zone, chosen, [], [])
        return pages.render(request, "subscribe.html", {"form": form_context(d, values, {})})

    @router.post("/subscribe", response_class=HTMLResponse)
    def subscribe(request: Request, form: Annotated[SignUpForm, Form()]) -> HTMLResponse:
        check_csrf(request, form.csrf_token)
        d = cache.current()
        values = form.fields()
        request_ = form.sign_up(form.email)
        email, language_ = form.email, form.language
        moment = now()
        window = timedelta(minutes=settings.signup_window_minutes)
        try:
            with Session(engine) as session:
                if not allow(
                    session=session,
                    key=bucket("client", client_address(request)),
                    limit=settings.signup_limit_per_client,
                    window=window,
                    now=moment,
                ):
                    session.commit()
                    return _too_many(request)
                address = email.strip().lower()
                if address and not allow(
                    session=session,
                    key=bucket("email", address),
                    limit=settings.signup_limit_per_email,
                    window=window,
                    now=moment,
                ):
                    session.commit()
                    return _too_many(request)
                sign_up(
                    session=session,
                    request=request_,
                    known_elections=sorted(d.election_ids),
                    now=moment,
                    resend_after=timedelta(minutes=settings.confirmation_resend_minutes),
                )
                session.commit()
        except SubscriberError as e:
            errors = _field_errors(e)
            return pages.render(request, "subscribe.html", {"form": form_context(d, values, errors)}, 400)
        return pages.message(request, 200, "check_inbox", lang=language_)

    def _too_many(request: Request) -> HTMLResponse:
        response = pages.message(request, 429, "too_many")
        response.headers["retry-after"] = str(settings.signup_window_minutes * 60)
        return response

    @router.get("/preferences/{token}", response_class=HTMLResponse)
    def preferences_form(request: Request, token: str) -> HTMLResponse:
        d = cache.current()
        try:
            with Session(engine) as session:
                subscriber = subscriber_for_token(
                    session=session, secret=settings.secret_key, purpose="preferences", token=token, now=now()
                )
                assert subscriber.id is not None
                subs = subscriptions_of(session=session, subscriber_id=subscriber.id)
        except TokenError as e:
            return pages.message(request, 400, "link_invalid", text=str(e))
        first = subs[0] if subs else None
        values = _form_fields(
            subscriber.email,
            subscriber.language,
            subscriber.timezone,
            [s.election_id for s in subs],
            list(first.audiences) if first else [],
            list(first.triggers or []) if first else [],
        )
        unsubscribe = link_token(settings.secret_key, "unsubscribe", subscriber)
        context = {"form": form_context(d, values, {}), "token": token, "unsubscribe_token": unsubscribe}
        return pages.render(request, "preferences.html", context)

    @router.post("/preferences/{token}", response_class=HTMLResponse)
    def preferences_save(request: Request, token: str, form: Annotated[SignUpForm, Form()]) -> Response:
        check_csrf(request, form.csrf_token)
        d = cache.current()
        moment = now()
        try:
            with Session(engine) as session:
                subscriber = subscriber_for_token(
                    session=session,
                    secret=settings.secret_key,
                    purpose="preferences",
                    token=token,
                    now=moment,
                )
                update_preferences(
                    session=session,
                    subscriber=subscriber,
                    request=form.sign_up(subscriber.email),
                    known_elections=sorted(d.election_ids),
                    now=moment,
                )
                session.commit()
        except TokenError as e:
            return pages.message(request, 400, "link_invalid", text=str(e))
        except SubscriberError as e:
            errors = _field_errors(e)
            context = {
                "form": form_context(d, form.fields(), errors),
                "token": token,
                "unsubscribe_token": None,
            }
            return pages.render(request, "preferences.html", context, 400)
        return RedirectResponse(f"/preferences/{token}?saved=1", status_code=303)

    return router

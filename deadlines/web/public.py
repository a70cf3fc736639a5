"""The voters' pages: upcoming elections, an election's timeline, the list of calendars, sign-up
and preferences."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from deadlines.db.ratelimit import allow, bucket
from deadlines.feeds.catalog import FeedData, FeedSpec, feed_audiences
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
from deadlines.tokens import TokenError
from deadlines.web.audience import LABELS as WHO_WORDS
from deadlines.web.audience import is_for, ordered_choices, signup_first, soonest, split
from deadlines.web.baseurl import base_url
from deadlines.web.calendar_list import calendar_groups
from deadlines.web.changes import act_context
from deadlines.web.choose import set_zone, viewer_context, viewer_of
from deadlines.web.links import feed_links
from deadlines.web.page_words import token_text
from deadlines.web.pagecache import TZ_COOKIE
from deadlines.web.pages import language
from deadlines.web.security import check_csrf, client_address
from deadlines.web.signup_check import default_elections, sign_up_errors, translated
from deadlines.web.site import NowDep, Site, SiteDep
from deadlines.web.stationpick import station_choices, station_keys
from deadlines.web.timeline import next_deadlines, records_of, rows, upcoming, valid_zone
from deadlines.web.voter_prefs import voter_context
from deadlines.web.zones import resolve, zone_from_text


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
    station: str = ""  # "election/station", optional: the overseas station a voter abroad chose
    registry_check: bool = False  # yearly: check the overseas voter registration before E-60
    csrf_token: str | None = None

    def sign_up(self, email: str) -> SignUp:
        return SignUp(
            email=email,
            language=self.language,
            timezone=zone_from_text(self.timezone),
            elections=tuple(self.elections),
            audiences=tuple(self.audiences),
            triggers=tuple(self.triggers) if self.triggers else None,
            station=self.station or None,
            registry_check=self.registry_check,
        )

    def fields(self) -> dict[str, Any]:
        values = _form_fields(
            self.email, self.language, self.timezone, self.elections, self.audiences, self.triggers
        )
        return {**values, "station": self.station, "registry_check": self.registry_check}


def _field_errors(error: SubscriberError, request: Request) -> dict[str, str]:
    """`timezone: 'Mars/Olympus' is not ...` -> {"timezone": "..."} in the page's language."""
    return translated(error, language(request))


router = APIRouter(include_in_schema=False)


def form_context(d: FeedData, today: date, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """What the sign-up form shows: the elections still ahead on `today`, the choices, the values."""
    return {
        "elections": upcoming(d, today),
        "audience_choices": [a for a in AUDIENCES if a != "all"],
        "trigger_choices": TRIGGERS,
        "languages": LANGUAGES,
        "fields": values,
        # Stations of the elections already chosen (all, when none is yet).
        "station_choices": station_choices(
            d, [e for e in upcoming(d, today) if not values.get("elections") or e.id in values["elections"]]
        ),
        "errors": errors,
    }


def _audience_first(form: dict[str, Any], who: str | None) -> dict[str, Any]:
    """The sign-up form for someone who said who they are: their audience first and ticked."""
    if who is not None:
        form["audience_choices"] = ordered_choices(who, form["audience_choices"])
        if not form["fields"]["audiences"]:
            form["fields"]["audiences"] = [who]
    return form


def too_many(site: Site, request: Request) -> HTMLResponse:
    response = site.pages.message(request, 429, "too_many")
    response.headers["retry-after"] = str(site.settings.signup_window_minutes * 60)
    return response


@router.get("/", response_class=HTMLResponse)
def index(request: Request, site: SiteDep, now: NowDep) -> HTMLResponse:
    d = site.feeds.current()
    lang = language(request)
    zone = valid_zone(request.cookies.get(TZ_COOKIE))
    viewer = viewer_of(request, lang, zone)
    elections = []
    for e in upcoming(d, now.date()):
        # The visitor's own deadlines (a voter's when they have not said): never a candidate's first.
        nxt = next_deadlines([r for r in records_of(d, e.id) if is_for(r, viewer.who)], now)
        elections.append({"info": e, "next": rows(nxt, zone or e.timezone, lang, now, chronological=False)})
    context = {"elections": elections, "zone": zone, **viewer_context(viewer)}
    return site.pages.render(request, "index.html", context, cache_zone=zone)


@router.get("/elections/{election_id}", response_class=HTMLResponse)
def election(
    request: Request, site: SiteDep, now: NowDep, election_id: str, tz: str | None = None
) -> HTMLResponse:
    d = site.feeds.current()
    info = d.election(election_id)
    if info is None:
        return site.pages.message(request, 404, "not_found")
    lang = language(request)
    asked = resolve(tz).zone if tz else None  # a zone key, or a city or country name
    chosen = asked or valid_zone(request.cookies.get(TZ_COOKIE))
    zone = chosen or info.timezone
    viewer = viewer_of(request, lang, chosen)
    all_rows = rows(records_of(d, info.id), zone, lang, now, include_cancelled=True)
    mine, others = split(all_rows, viewer.who, lambda row: row.record)
    feeds = []
    # No feed for voters abroad where they have no deadline of their own (local elections and
    # by-elections have no overseas voting), as the calendar list offers none.
    abroad = "overseas" in feed_audiences(d, info.id)
    for audience in (None, "overseas") if abroad else (None,):
        spec = FeedSpec(info.id, audience, lang)
        feeds.append({"audience": audience, **feed_links(base_url(request, site.settings), spec.path)})
    context = {
        "info": info,
        "zone": zone,
        "zone_given": tz,
        "zone_invalid": bool(tz) and asked is None,
        "rows": mine + others,
        "groups": [
            {"heading": WHO_WORDS[lang]["yours"], "rows": mine},
            {"heading": WHO_WORDS[lang]["others"], "rows": others, "folded": True},
        ],
        "next_rows": soonest(mine, now),
        "signup_first": signup_first(viewer.who),
        **viewer_context(viewer),
        "feeds": feeds,
        "has_stations": any(i.station.election == info.id for i in d.stations),
        **act_context(d, info.id, info.timezone, lang),
        # Empty unless the visitor chose a zone, so the page's script can offer the browser's.
        "form": _audience_first(
            form_context(d, now.date(), _form_fields("", lang, chosen or "", [info.id], [], []), {}),
            viewer.who,
        ),
    }
    response = site.pages.render(
        request, "election.html", context, cache_zone=valid_zone(request.cookies.get(TZ_COOKIE))
    )
    if asked:
        set_zone(response, asked, secure=site.settings.cookie_secure)
    return response


@router.get("/elections/{election_id}/qr.svg")
def qr(
    request: Request, site: SiteDep, election_id: str, audience: str | None = None, lang: str = "en"
) -> Response:
    d = site.feeds.current()
    if election_id not in d.election_ids or audience not in (None, *AUDIENCES) or lang not in LANGUAGES:
        return Response("no such feed\n", status_code=404, media_type="text/plain")
    links = feed_links(base_url(request, site.settings), FeedSpec(election_id, audience, lang).path)
    buffer = io.BytesIO()
    segno.make(links["webcal"], error="m").save(buffer, kind="svg", scale=4, title=links["webcal"])
    return Response(
        buffer.getvalue(), media_type="image/svg+xml", headers={"cache-control": "public, max-age=3600"}
    )


@router.get("/calendars/", response_class=HTMLResponse)
def calendars(request: Request, site: SiteDep, now: NowDep) -> HTMLResponse:
    built, base = site.feeds.index(), base_url(request, site.settings)
    feeds, elections = built[1] if built else [], site.feeds.current().elections
    found = calendar_groups(feeds, elections, now.date(), language(request))
    groups = [(h, [{"feed": f, **feed_links(base, f.spec.path)} for f in fs]) for h, fs in found]
    return site.pages.render(request, "calendars.html", {"groups": groups})


@router.get("/subscribe", response_class=HTMLResponse)
def subscribe_form(
    request: Request, site: SiteDep, now: NowDep, election: str | None = None, tz: str | None = None
) -> HTMLResponse:
    d = site.feeds.current()
    chosen = [election] if election in d.election_ids else default_elections(d, now)
    zone = valid_zone(tz) or valid_zone(request.cookies.get(TZ_COOKIE)) or ""
    values = _form_fields("", language(request), zone, chosen, [], [])
    viewer = viewer_of(request, language(request), zone or None)
    context = {
        "form": _audience_first(form_context(d, now.date(), values, {}), viewer.who),
        **viewer_context(viewer),
    }
    return site.pages.render(request, "subscribe.html", context)


@router.post("/subscribe", response_class=HTMLResponse)
def subscribe(
    request: Request, site: SiteDep, now: NowDep, form: Annotated[SignUpForm, Form()]
) -> HTMLResponse:
    check_csrf(request, form.csrf_token)
    settings = site.settings
    d = site.feeds.current()
    window = timedelta(minutes=settings.signup_window_minutes)
    try:
        with Session(site.engine) as session:
            if not allow(
                session=session,
                key=bucket("client", client_address(request)),
                limit=settings.signup_limit_per_client,
                window=window,
                now=now,
            ):
                session.commit()
                return too_many(site, request)
            address = form.email.strip().lower()
            if address and not allow(
                session=session,
                key=bucket("email", address),
                limit=settings.signup_limit_per_email,
                window=window,
                now=now,
            ):
                session.commit()
                return too_many(site, request)
            wanted, lang = form.sign_up(form.email), language(request)
            errors = sign_up_errors(wanted, d.election_ids, station_keys(d), lang)
            if errors:  # every field's error at once; the attempt counts, as any refused one does
                session.commit()
                context = {"form": form_context(d, now.date(), form.fields(), errors)}
                return site.pages.render(request, "subscribe.html", context, 400)
            sign_up(
                session=session,
                request=form.sign_up(form.email),
                known_elections=sorted(d.election_ids),
                known_stations=station_keys(d),
                now=now,
                resend_after=timedelta(minutes=settings.confirmation_resend_minutes),
            )
            session.commit()
    except SubscriberError as e:
        context = {"form": form_context(d, now.date(), form.fields(), _field_errors(e, request))}
        return site.pages.render(request, "subscribe.html", context, 400)
    return site.pages.message(request, 200, "check_inbox", lang=form.language)


@router.get("/preferences/{token}", response_class=HTMLResponse)
def preferences_form(request: Request, site: SiteDep, now: NowDep, token: str) -> HTMLResponse:
    d = site.feeds.current()
    secret = site.settings.secret_key
    try:
        with Session(site.engine) as session:
            subscriber = subscriber_for_token(
                session=session, secret=secret, purpose="preferences", token=token, now=now
            )
            assert subscriber.id is not None
            subs = subscriptions_of(session=session, subscriber_id=subscriber.id)
            voter = voter_context(
                session=session,
                request=request,
                site=site,
                subscriber=subscriber,
                subscriptions=subs,
                now=now,
            )
    except TokenError as e:
        return site.pages.message(request, 400, "link_invalid", text=token_text(e, language(request)))
    first = subs[0] if subs else None
    values = _form_fields(
        subscriber.email,
        subscriber.language,
        subscriber.timezone,
        [s.election_id for s in subs],
        list(first.audiences) if first else [],
        list(first.triggers or []) if first else [],
    )
    values["station"] = next((f"{s.election_id}/{s.station}" for s in subs if s.station), "")
    values["registry_check"] = any(s.registry_check for s in subs)
    unsubscribe = link_token(secret, "unsubscribe", subscriber)
    context = {
        "form": form_context(d, now.date(), values, {}),
        "token": token,
        "unsubscribe_token": unsubscribe,
        **voter,  # the personal feed and the done buttons
    }
    return site.pages.render(request, "preferences.html", context)


@router.post("/preferences/{token}", response_class=HTMLResponse)
def preferences_save(
    request: Request, site: SiteDep, now: NowDep, token: str, form: Annotated[SignUpForm, Form()]
) -> Response:
    check_csrf(request, form.csrf_token)
    d = site.feeds.current()
    try:
        with Session(site.engine) as session:
            subscriber = subscriber_for_token(
                session=session,
                secret=site.settings.secret_key,
                purpose="preferences",
                token=token,
                now=now,
            )
            wanted = form.sign_up(subscriber.email)
            keys, lang = station_keys(d), language(request)
            errors = sign_up_errors(wanted, d.election_ids, keys, lang, with_email=False)
            if errors:  # every field's error at once
                raise SubscriberError("; ".join(errors.values()), field="form", value=errors)
            update_preferences(
                session=session,
                subscriber=subscriber,
                request=wanted,
                known_elections=sorted(d.election_ids),
                known_stations=keys,
                now=now,
            )
            session.commit()
    except TokenError as e:
        return site.pages.message(request, 400, "link_invalid", text=token_text(e, language(request)))
    except SubscriberError as e:
        context = {
            "form": form_context(d, now.date(), form.fields(), _field_errors(e, request)),
            "token": token,
            "unsubscribe_token": None,
        }
        return site.pages.render(request, "preferences.html", context, 400)
    return RedirectResponse(f"/preferences/{token}?saved=1", status_code=303)

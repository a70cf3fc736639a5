"""Console sign-in and sign-out: password checks slowed down after failures, server-held sessions."""

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deadlines.db.ratelimit import allow, backoff_delay, bucket, clear, failures, record
from deadlines.db.staff import USERNAME, authenticate, open_session, revoke_session
from deadlines.web.admin.auth import SESSION_COOKIE, Form, StaffDep
from deadlines.web.admin.context import ConsoleDep
from deadlines.web.admin.words import said, say
from deadlines.web.security import client_address
from deadlines.web.site import NowDep

# Per username and client address: the first LOGIN_FREE_FAILURES failures cost nothing, then each
# further attempt waits 2, 4, 8 ... seconds (at most LOGIN_MAX_DELAY) after the last failure.
# Only that pair waits: the owner from another address is never locked out by someone guessing.
LOGIN_FREE_FAILURES = 5
LOGIN_MAX_DELAY = timedelta(minutes=15)
LOGIN_MEMORY = timedelta(days=1)  # failures older than this are forgotten
# Attempts from one client address, whatever the username (password spraying).
LOGIN_CLIENT_LIMIT = 30
LOGIN_CLIENT_WINDOW = timedelta(minutes=15)


def _safe_next(value: object) -> str:
    text = value if isinstance(value, str) else ""
    # Only console paths: an open redirect to another site would help phishing. No control
    # characters either: they cannot go into a Location header.
    plain = text.isprintable() and len(text) <= 2000
    ok = plain and text.startswith("/admin/") and "//" not in text and "\\" not in text
    return text if ok else "/admin/"


def _wait_text(wait: timedelta, lang: str) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    return say(lang, "seconds", n=seconds) if seconds < 120 else say(lang, "minutes", n=(seconds + 59) // 60)


router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, console: ConsoleDep, next: str = "/admin/") -> HTMLResponse:
    return console.render(request, None, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, console: ConsoleDep, now: NowDep, form: Form) -> Response:
    username = str(form.get("username", "")).strip().lower()
    password = str(form.get("password", ""))[:1024]
    target = _safe_next(form.get("next"))
    lang = console.lang(request)
    if not USERNAME.fullmatch(username):
        # Checked before any query: a NUL byte or an overlong name would otherwise reach
        # the database (PostgreSQL refuses NUL in text) and come back as a 500.
        error = said(lang, "bad_username")
        return console.render(request, None, "login.html", {"next": target, "error": error}, 400)
    client = client_address(request)
    pair = bucket("login-failure", f"{username} {client}")
    wait = timedelta(0)
    with console.session() as session:
        client_ok = allow(
            session=session,
            key=bucket("login-client", client),
            limit=LOGIN_CLIENT_LIMIT,
            window=LOGIN_CLIENT_WINDOW,
            now=now,
        )
        count, last = failures(session=session, key=pair, since=now - LOGIN_MEMORY)
        if last is not None:
            delay = backoff_delay(count, free=LOGIN_FREE_FAILURES, cap=LOGIN_MAX_DELAY)
            wait = max(timedelta(0), last + delay - now)
        if not client_ok:
            wait = max(wait, LOGIN_CLIENT_WINDOW)
        user = None
        if not wait:
            user = authenticate(session=session, username=username, password=password, now=now)
            if user is None:
                record(session=session, key=pair, now=now)
            else:
                clear(session=session, key=pair)
                token = open_session(
                    session=session,
                    user=user,
                    now=now,
                    lifetime=timedelta(hours=console.settings.session_hours),
                )
        session.commit()
    if wait:
        error = said(lang, "too_many_logins", wait=_wait_text(wait, lang))
        refused = console.render(request, None, "login.html", {"next": target, "error": error}, 429)
        refused.headers["retry-after"] = str(max(1, int(wait.total_seconds() + 0.999)))
        return refused
    if user is None:
        context = {"next": target, "error": said(lang, "wrong_login")}
        return console.render(request, None, "login.html", context, 401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(console.settings.session_hours * 3600),
        path="/admin",
        secure=console.settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/logout")
def logout(request: Request, console: ConsoleDep, now: NowDep, staff: StaffDep, form: Form) -> Response:
    """Ends the session on the server: the cookie stops working at once, wherever it is."""
    with console.session() as session:
        revoke_session(
            session=session, token=request.cookies.get(SESSION_COOKIE, ""), now=console.cache.clock()
        )
        session.commit()
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/admin", secure=console.settings.cookie_secure, httponly=True
    )
    return response

"""The application factory: builds the web app from settings, with no import-time side effects."""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, InternalError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from deadlines import __version__
from deadlines.adapters import feed_settings
from deadlines.db.engine import check_writable, engine_for
from deadlines.db.models import ServiceState
from deadlines.errors import DeadlinesError, StorageError
from deadlines.settings import Settings, load_settings
from deadlines.web.admin import admin_router
from deadlines.web.admin.auth import LoginRequired, login_redirect_target
from deadlines.web.admin.context import Console
from deadlines.web.api import api_router
from deadlines.web.apidocs import add_api_docs
from deadlines.web.feedcache import FeedCache
from deadlines.web.feedroute import FeedEndpoint
from deadlines.web.links import feed_links, links_router
from deadlines.web.pagecache import PageCache, PageFront
from deadlines.web.pages import Pages
from deadlines.web.public import public_router
from deadlines.web.security import LimitBody, SecurityHeaders

STATIC = Path(__file__).resolve().parent / "static"
# A request that cannot get the database's write lock within this time is answered 503 at once:
# waiting longer would hold a server thread, and enough of them would leave readers queueing.
WEB_LOCK_WAIT_MS = 3000
WEB_POOL_TIMEOUT = 5.0  # seconds to wait for a free database connection
RETRY_AFTER = 30  # seconds, in the Retry-After of a 503
# The database cannot take a write (or be reached) right now: a held lock, a read-only file or
# server, PostgreSQL down, no free connection. StorageError is the service's own word for it.
UNAVAILABLE = (OperationalError, InternalError, PoolTimeout, StorageError)
log = logging.getLogger("deadlines.web")


def _reason(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def _mail_problem(session: Session) -> dict[str, Any] | None:
    """What the mail side reports as wrong (the relay refusing us, dispatch paused by the bounce
    brake), from the shared service state; None when mail is flowing."""
    try:
        state: Any = importlib.import_module("deadlines.db.service_state")
    except ImportError:  # the module that owns these rows; read them directly without it
        state = None
    if state is not None and hasattr(state, "relay_problem"):
        problem: dict[str, Any] | None = state.relay_problem(session=session)
        if problem and hasattr(state, "describe"):
            problem = {**problem, "text": state.describe(problem)}
        return problem
    for key in ("dispatch_paused", "relay"):
        row = session.get(ServiceState, key)
        if row is not None and row.value.get("state") != "ok":
            return {"problem": key, **row.value}
    return None


def create_app(settings: Settings) -> Any:
    """The ASGI application: FastAPI for pages, the console and the API, a raw endpoint in front
    for feeds, wrapped in body limits and security headers."""
    engine = engine_for(settings, lock_wait_ms=WEB_LOCK_WAIT_MS, pool_timeout=WEB_POOL_TIMEOUT)
    cache = FeedCache(
        engine,
        feed_settings(settings),
        refresh_seconds=settings.feed_refresh_seconds,
        max_age=settings.feed_cache_seconds,
    )
    page_cache = PageCache(cache)
    pages = Pages(settings, page_cache)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await cache.start()
        try:
            yield
        finally:
            await cache.stop()
            engine.dispose()

    app = FastAPI(
        title="Election deadlines",
        version=__version__,
        description="Election deadlines computed from the law's rules and published notices.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    add_api_docs(app)
    app.state.settings = settings
    app.state.feeds = cache

    @app.exception_handler(LoginRequired)
    async def to_login(_request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(login_redirect_target(exc), status_code=303)

    @app.exception_handler(DeadlinesError)
    async def service_error(request: Request, exc: DeadlinesError) -> Response:
        return pages.message(request, exc.status, "error", text=str(exc))

    async def unavailable(request: Request, exc: Exception) -> Response:
        """The one answer to "the database cannot take this now": 503 and Retry-After, a short
        page in the visitor's language (JSON for the API), one log line; never a traceback."""
        log.warning("503 for %s %s: database unavailable: %s", request.method, request.url.path, _reason(exc))
        headers = {"retry-after": str(RETRY_AFTER), "cache-control": "no-store"}
        if _wants_json(request):
            detail = "the service cannot store or read data right now; try again shortly"
            return JSONResponse({"detail": detail}, status_code=503, headers=headers)
        response = pages.message(request, 503, "unavailable")
        response.headers.update(headers)
        return response

    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, unavailable)

    async def out_of_range(request: Request, exc: Exception) -> Response:
        # A value the database or the calendar cannot hold: a number in the address too large
        # (/admin/audit?before=99999999999999999999999 is an OverflowError on SQLite, a DataError
        # on PostgreSQL), a NUL byte in a string on PostgreSQL, data nested thousands deep. The
        # request's fault, not the server's: a 400 and one log line, not a 500 and a traceback.
        log.info("400 for %s %s: %s", request.method, request.url.path, _reason(exc))
        text = "a value in the request is out of range or cannot be stored"
        if _wants_json(request):
            return JSONResponse({"detail": text}, status_code=400)
        return pages.message(request, 400, "error", text=text)

    for bad_value in (OverflowError, DataError, RecursionError):
        app.add_exception_handler(bad_value, out_of_range)

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(public_router(engine, settings, cache, pages))
    app.include_router(links_router(engine, settings.secret_key, pages))
    app.include_router(api_router(settings, cache))
    app.include_router(admin_router(Console(engine, settings, pages, cache)))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        """503 when the database cannot take a write (what sign-ups and unsubscribes need);
        200 with status "degraded" and the problem named when the mail relay refuses us or
        dispatch is paused: the site still serves, so a load balancer should keep it, but the
        operator must look."""
        try:
            check_writable(engine)
            with Session(engine) as session:
                mail = _mail_problem(session)
        except SQLAlchemyError as e:
            return JSONResponse(
                {"status": "error", "database": _reason(e), "version": __version__},
                status_code=503,
                headers={"retry-after": str(RETRY_AFTER), "cache-control": "no-store"},
            )
        feeds = "ok" if cache.data is not None else "not loaded"
        status = "degraded" if mail or cache.data is None else "ok"
        body = {
            "status": status,
            "database": "ok",
            "feeds": feeds,
            "mail": mail or "ok",
            "version": __version__,
        }
        return JSONResponse(body, headers={"cache-control": "no-store"})

    @app.get("/calendars/", response_class=HTMLResponse, include_in_schema=False)
    def calendars(request: Request) -> HTMLResponse:
        built = cache.index()
        feeds = []
        for feed in built[1] if built else []:
            feeds.append({"feed": feed, **feed_links(settings.base_url, feed.spec.path)})
        return pages.render(request, "calendars.html", {"feeds": feeds})

    limited = LimitBody(
        app, default=settings.max_request_bytes, larger={"/admin/notices": settings.max_notice_bytes + 65536}
    )
    front = PageFront(limited, page_cache, secure=settings.cookie_secure)
    # Security headers outermost, so feeds, their 404s and every error carry them too.
    return SecurityHeaders(FeedEndpoint(front, cache, app))


def app_from_env() -> Any:
    """For `uvicorn --factory deadlines.web.app:app_from_env`: settings from the environment."""
    return create_app(load_settings())

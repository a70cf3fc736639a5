"""The application factory: builds the web app from settings, with no import-time side effects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from deadlines import __version__
from deadlines.db.engine import engine_for
from deadlines.errors import DeadlinesError
from deadlines.feeds.catalog import feed_settings
from deadlines.settings import Settings, load_settings
from deadlines.web.admin import admin_router
from deadlines.web.admin.auth import LoginRequired, login_redirect_target
from deadlines.web.admin.context import Console
from deadlines.web.api import api_router
from deadlines.web.feedcache import FeedCache
from deadlines.web.feedroute import FeedEndpoint
from deadlines.web.links import feed_links, links_router
from deadlines.web.pagecache import PageCache, PageFront
from deadlines.web.pages import Pages
from deadlines.web.public import public_router
from deadlines.web.security import LimitBody, SecurityHeaders

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings) -> Any:
    """The ASGI application: FastAPI for pages, the console and the API, a raw endpoint in front
    for feeds, wrapped in body limits and security headers."""
    engine = engine_for(settings)
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
    )
    app.state.settings = settings
    app.state.feeds = cache

    @app.exception_handler(LoginRequired)
    async def to_login(_request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(login_redirect_target(exc), status_code=303)

    @app.exception_handler(DeadlinesError)
    async def service_error(request: Request, exc: DeadlinesError) -> Response:
        return pages.message(request, exc.status, "error", text=str(exc))

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(public_router(engine, settings, cache, pages))
    app.include_router(links_router(engine, settings.secret_key, pages))
    app.include_router(api_router(settings, cache))
    app.include_router(admin_router(Console(engine, settings, pages, cache)))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as e:
            reason = str(getattr(e, "orig", e)).strip().splitlines()[0]
            return JSONResponse({"status": "error", "database": reason}, status_code=503)
        feeds = "ok" if cache.data is not None else "not loaded"
        return JSONResponse({"status": "ok", "database": "ok", "feeds": feeds, "version": __version__})

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
    return FeedEndpoint(SecurityHeaders(front), cache, app)


def app_from_env() -> Any:
    """For `uvicorn --factory deadlines.web.app:app_from_env`: settings from the environment."""
    return create_app(load_settings())

"""The application factory: builds the web app from settings, with no import-time side effects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from deadlines import __version__
from deadlines.db.engine import engine_for
from deadlines.feeds.catalog import feed_settings
from deadlines.settings import Settings, load_settings
from deadlines.web.feedcache import FeedCache
from deadlines.web.feedroute import FeedEndpoint
from deadlines.web.links import links_router

TEMPLATES = Path(__file__).resolve().parent / "templates"


def feed_links(base_url: str, path: str) -> dict[str, str]:
    """The ways to subscribe to a feed: https, webcal:// and Google Calendar."""
    https = f"{base_url.rstrip('/')}/calendars/{path}"
    parts = urlsplit(https)
    webcal = urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))
    google = "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe="")
    return {"url": https, "webcal": webcal, "google": google}


def create_app(settings: Settings) -> Any:
    """The ASGI application: FastAPI for pages and the API, a raw endpoint in front for feeds."""
    engine = engine_for(settings)
    cache = FeedCache(
        engine,
        feed_settings(settings),
        refresh_seconds=settings.feed_refresh_seconds,
        max_age=settings.feed_cache_seconds,
    )
    templates = Jinja2Templates(directory=str(TEMPLATES))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await cache.start()
        try:
            yield
        finally:
            await cache.stop()
            engine.dispose()

    app = FastAPI(title="Election deadlines", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.feeds = cache

    app.include_router(links_router(engine, settings.secret_key, templates))

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
        return templates.TemplateResponse(request, "calendars.html", {"feeds": feeds})

    return FeedEndpoint(app, cache)


def app_from_env() -> Any:
    """For `uvicorn --factory deadlines.web.app:app_from_env`: settings from the environment."""
    return create_app(load_settings())

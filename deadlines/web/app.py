"""The application factory: builds the web app from settings and a clock, with no import-time side
effects. The routers are module-level; what they need is attached here as `app.state.site`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from deadlines import __version__
from deadlines.adapters import feed_settings
from deadlines.db.engine import engine_for
from deadlines.settings import Settings, load_settings
from deadlines.web import (
    admin,
    api,
    changes,
    choose,
    done,
    errorpages,
    health,
    links,
    personal,
    public,
    stations,
)
from deadlines.web.apidocs import add_api_docs
from deadlines.web.clock import Clock, system_clock
from deadlines.web.feedcache import FeedCache
from deadlines.web.feedroute import FeedEndpoint
from deadlines.web.pagecache import PageCache, PageFront
from deadlines.web.pages import Pages
from deadlines.web.security import LimitBody
from deadlines.web.site import Site

STATIC = Path(__file__).resolve().parent / "static"
# A request that cannot get the database's write lock within this time is answered 503 at once:
# waiting longer would hold a server thread, and enough of them would leave readers queueing.
WEB_LOCK_WAIT_MS = 3000
WEB_POOL_TIMEOUT = 5.0  # seconds to wait for a free database connection


def build_site(settings: Settings, clock: Clock = system_clock) -> Site:
    """The engine, the caches and the renderer, all on the one clock."""
    engine = engine_for(settings, lock_wait_ms=WEB_LOCK_WAIT_MS, pool_timeout=WEB_POOL_TIMEOUT)
    feeds = FeedCache(
        engine,
        feed_settings(settings),
        refresh_seconds=settings.feed_refresh_seconds,
        max_age=settings.feed_cache_seconds,
        clock=clock,
    )
    page_cache = PageCache(feeds)
    return Site(settings, engine, feeds, page_cache, Pages(settings, page_cache), clock)


def create_app(settings: Settings, clock: Clock = system_clock) -> Any:
    """The ASGI application: FastAPI for pages, the console and the API, a raw endpoint in front
    for feeds, wrapped in body limits and security headers. `clock` gives every "now" the app
    uses (pages, feeds, logins, audit times); tests pass a fixed one."""
    site = build_site(settings, clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await site.feeds.start()
        try:
            yield
        finally:
            await site.feeds.stop()
            site.engine.dispose()

    app = FastAPI(
        title="Election deadlines",
        version=__version__,
        description="Election deadlines computed from the law's rules and published notices.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    add_api_docs(app)
    app.state.site = site
    app.state.settings = settings
    app.state.feeds = site.feeds
    errorpages.install(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in (
        public.router,
        choose.router,
        stations.router,
        changes.router,
        links.router,
        done.router,
        personal.router,
        api.router,
        *admin.routers,
        health.router,
    ):
        app.include_router(router)

    limited = LimitBody(
        app, default=settings.max_request_bytes, larger={"/admin/notices": settings.max_notice_bytes + 65536}
    )
    front = PageFront(limited, site.page_cache, secure=settings.cookie_secure)
    # Feeds (the hot path) are answered outermost, their security headers prebuilt; everything
    # else gets them added on the way out.
    return FeedEndpoint(front, site.feeds, app)


def app_from_env() -> Any:
    """For `uvicorn --factory deadlines.web.app:app_from_env`: settings from the environment."""
    return create_app(load_settings())

"""The site's state, built once by `create_app`, and the dependencies through which handlers reach it.

Handlers never build engines or read the wall clock: they declare `site: SiteDep`,
`settings: SettingsDep` or `now: NowDep` and FastAPI hands them what `create_app` attached to
`app.state.site`, the way datasette's views hold their `Datasette`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from deadlines.settings import Settings
from deadlines.web.clock import Clock
from deadlines.web.feedcache import FeedCache
from deadlines.web.pagecache import PageCache
from deadlines.web.pages import Pages


@dataclass(frozen=True)
class Site:
    """What every request may need: settings, the database, the caches, the renderer, the clock."""

    settings: Settings
    engine: Engine
    feeds: FeedCache
    page_cache: PageCache
    pages: Pages
    clock: Clock


# The dependencies are `async def` so FastAPI calls them inline rather than in a worker thread:
# they only read attributes.
async def current_site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


SiteDep = Annotated[Site, Depends(current_site)]


async def current_settings(site: SiteDep) -> Settings:
    return site.settings


async def current_clock(site: SiteDep) -> Clock:
    return site.clock


async def current_now(site: SiteDep) -> datetime:
    """The moment of this request, read once from the site's clock."""
    return site.clock()


SettingsDep = Annotated[Settings, Depends(current_settings)]
ClockDep = Annotated[Clock, Depends(current_clock)]
NowDep = Annotated[datetime, Depends(current_now)]

"""What every console page needs: the site seen from the console (its renderer, database and
settings), reached through `ConsoleDep`, and the follow-up work after a change to the live rules
(re-plan reminders, republish feeds)."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from sqlalchemy import Engine
from sqlmodel import Session

from deadlines.adapters import feed_settings
from deadlines.citations import cite
from deadlines.db.feeddata import publish_from_db
from deadlines.quiet_hours import parse_quiet_hours
from deadlines.reminders.plan_db import PlanReport, follow_changes
from deadlines.settings import Settings
from deadlines.web.admin.auth import Staff
from deadlines.web.admin.words import Said, console_words, text_lang
from deadlines.web.feedcache import FeedCache
from deadlines.web.pages import language
from deadlines.web.security import FLASH_COOKIE, sign_flash
from deadlines.web.site import Site, SiteDep

log = logging.getLogger("deadlines.web.admin")


@dataclass(frozen=True)
class Console:
    """The site as the console uses it: pages under templates/admin/, sessions, rule changes."""

    site: Site

    @property
    def settings(self) -> Settings:
        return self.site.settings

    @property
    def engine(self) -> Engine:
        return self.site.engine

    @property
    def cache(self) -> FeedCache:
        return self.site.feeds

    def render(
        self,
        request: Request,
        staff: Staff | None,
        name: str,
        context: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        lang = self.lang(request)
        full = {
            "staff": staff,
            "c": console_words(lang),
            "cite": lambda citation: cite(None, citation, lang),
            # ` lang="en"` on a notice's passage in the other language than the page's.
            "mark": lambda text: _mark(text_lang(text), lang),
            **(context or {}),
        }
        return self.site.pages.render(request, f"admin/{name}", full, status, lang=lang)

    def lang(self, request: Request) -> str:
        """The console's language, chosen as the public pages' is (`?lang=`, cookie, browser)."""
        return language(request)

    def error(self, request: Request, staff: Staff, message: str | Said, status: int = 404) -> HTMLResponse:
        return self.render(request, staff, "error.html", {"message": message}, status)

    def session(self) -> Session:
        return Session(self.engine)

    def after_rules_change(self, now: datetime) -> PlanReport:
        """Re-plan the reminders of changed deadlines, queue corrections and republish the feeds
        right away, so the preview's promise holds the moment staff publish. Planning reminders
        that newly fall within the horizon is left to the worker's next planning pass: that walks
        every subscription, which a web request should not."""
        report = PlanReport()
        follow_changes(self.engine, report, now=now, quiet=parse_quiet_hours(self.settings.quiet_hours))
        self.republish(now)
        return report

    def republish(self, now: datetime) -> None:
        """Write the feed files from the database and refresh the feeds served over HTTP."""
        try:
            publish_from_db(
                self.engine,
                out_dir=self.settings.calendars_dir,
                settings=feed_settings(self.settings),
                now=now,
            )
        except OSError as e:
            # The database is the truth and HTTP feeds follow it; the worker writes files again.
            log.warning("feeds: cannot write %s: %s", self.settings.calendars_dir, e)
        self.cache.refresh()

    def redirect_with_note(self, url: str, note: str) -> RedirectResponse:
        """See other `url`, carrying a status message for the next page."""
        response = RedirectResponse(url, status_code=303)
        # The status message travels in a cookie only the server can sign, never in the address.
        response.set_cookie(
            FLASH_COOKIE,
            sign_flash(self.settings.secret_key, note),
            max_age=120,
            path="/admin",
            secure=self.settings.cookie_secure,
            httponly=True,
            samesite="strict",
        )
        return response


def _mark(text_lang: str, page_lang: str) -> Markup | str:
    return Markup(' lang="{}"').format(text_lang) if text_lang != page_lang else ""


async def current_console(site: SiteDep) -> Console:
    return Console(site)


ConsoleDep = Annotated[Console, Depends(current_console)]

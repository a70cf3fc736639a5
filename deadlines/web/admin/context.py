"""What every console page needs: the engine, settings, renderer, logins and the follow-up work
after a change to the live rules (re-plan reminders, republish feeds)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine
from sqlmodel import Session

from deadlines.adapters import feed_settings
from deadlines.db.feeddata import publish_from_db
from deadlines.quiet_hours import parse_quiet_hours
from deadlines.reminders.plan_db import PlanReport, follow_changes
from deadlines.settings import Settings
from deadlines.web.admin.auth import Staff, staff_dependencies
from deadlines.web.feedcache import FeedCache
from deadlines.web.pages import Pages

log = logging.getLogger("deadlines.web.admin")


@dataclass
class Console:
    engine: Engine
    settings: Settings
    pages: Pages
    cache: FeedCache
    current_staff: Callable[..., Staff] = field(init=False)
    current_editor: Callable[..., Staff] = field(init=False)

    def __post_init__(self) -> None:
        self.current_staff, self.current_editor = staff_dependencies(self.engine, lambda: self.cache.clock())

    def render(
        self,
        request: Request,
        staff: Staff | None,
        name: str,
        context: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        return self.pages.render(request, f"admin/{name}", {"staff": staff, **(context or {})}, status)

    def error(self, request: Request, staff: Staff, message: str, status: int = 404) -> HTMLResponse:
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
        return report

"""The worker: APScheduler drives planning, dispatch and feed publishing; the database is the truth.

APScheduler 3 cannot share a job store between processes, so it only keeps time here: every
decision is made from the outbox, and any number of workers can run side by side. The jobs are
thin: planning is `plan_db`, sending is `dispatch`, publishing is `db.feeddata.publish_from_db`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import anyio
from sqlalchemy import Engine
from sqlmodel import Session

from deadlines.adapters import feed_settings
from deadlines.clock import system_clock
from deadlines.db.engine import engine_for
from deadlines.db.feeddata import publish_from_db
from deadlines.db.ratelimit import prune
from deadlines.mail.render import Renderer
from deadlines.quiet_hours import parse_quiet_hours
from deadlines.reminders.dispatch import Dispatcher
from deadlines.reminders.plan_db import PlanReport, plan_all
from deadlines.reminders.recorder import DispatchReport
from deadlines.settings import Settings

log = logging.getLogger("deadlines.worker")


class Worker:
    def __init__(
        self, settings: Settings, *, engine: Engine | None = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.settings = settings
        self.engine = engine or engine_for(settings)
        self.clock = clock or system_clock
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.quiet = parse_quiet_hours(settings.quiet_hours)
        self.dispatcher = Dispatcher(
            settings, engine=self.engine, clock=self.clock, name=self.name, quiet=self.quiet
        )
        self.busy = asyncio.Lock()  # held by a dispatch pass, so shutdown can wait for it

    @property
    def renderer(self) -> Renderer:
        return self.dispatcher.renderer

    # -- the three jobs -----------------------------------------------------------------------
    def plan(self, now: datetime | None = None) -> PlanReport:
        report = plan_all(
            self.engine,
            now=now or self.clock(),
            horizon=timedelta(days=self.settings.reminder_horizon_days),
            quiet=self.quiet,
        )
        log.info("plan %s", report)
        self.prune(now or self.clock())
        return report

    def prune(self, now: datetime) -> None:
        # Rate-limit events of addresses never seen again would otherwise stay for good.
        keep = timedelta(minutes=max(self.settings.signup_window_minutes, 24 * 60))
        with Session(self.engine) as session:
            removed = prune(session=session, before=now - keep)
            session.commit()
        if removed:
            log.info("pruned %d rate-limit events", removed)

    def publish(self, now: datetime | None = None) -> None:
        _, changes = publish_from_db(
            self.engine,
            out_dir=self.settings.calendars_dir,
            settings=feed_settings(self.settings),
            now=now or self.clock(),
        )
        for change in changes:
            log.info("publish %s", change)

    async def dispatch(self, now: datetime | None = None) -> DispatchReport:
        """One dispatch pass (see `Dispatcher.dispatch`)."""
        return await self.dispatcher.dispatch(now)

    async def close(self) -> None:
        await self.dispatcher.close()

    async def once(self, now: datetime | None = None) -> tuple[PlanReport, DispatchReport]:
        plan = await anyio.to_thread.run_sync(lambda: self.plan(now))
        try:
            sent = await self.dispatch(now)
        finally:
            await self.close()
        return plan, sent

    # -- the scheduler ------------------------------------------------------------------------
    async def run(self) -> None:
        """Run until SIGTERM or SIGINT: finish in-flight sends, release the rest, then stop."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        stopping = self.dispatcher.stopping
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        scheduler = AsyncIOScheduler(timezone=UTC)
        start = self.clock()
        jobs = (
            (self._dispatch_job, self.settings.dispatch_interval_seconds, "dispatch"),
            (self._plan_job, self.settings.plan_interval_seconds, "plan"),
            (self._publish_job, self.settings.publish_interval_seconds, "publish"),
        )
        for job, seconds, name in jobs:
            scheduler.add_job(
                job,
                "interval",
                seconds=seconds,
                next_run_time=start,
                id=name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=30,
            )
        scheduler.start()
        log.info("worker %s started", self.name)
        await stopping.wait()
        # No new passes; a dispatch pass under way finishes its in-flight sends and gives back
        # what it had not started. Only then stop the scheduler, whose shutdown would cancel it.
        scheduler.pause()
        async with self.busy:
            scheduler.shutdown(wait=False)
            await self.close()
        self.engine.dispose()
        log.info("worker %s stopped", self.name)

    async def _dispatch_job(self) -> None:
        try:
            async with self.busy:
                report = await self.dispatch()
            if report.sent or report.retried or report.failed:
                log.info("dispatch %s", report)
        except Exception:
            log.exception("dispatch pass failed; will try again")

    async def _plan_job(self) -> None:
        try:
            await anyio.to_thread.run_sync(self.plan)
        except Exception:
            log.exception("planning pass failed; will try again")

    async def _publish_job(self) -> None:
        try:
            await anyio.to_thread.run_sync(self.publish)
        except Exception:
            log.exception("publishing pass failed; will try again")

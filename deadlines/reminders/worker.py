"""The worker: APScheduler drives planning, dispatch and feed publishing; the database is the truth.

APScheduler 3 cannot share a job store between processes, so it only keeps time here: every
decision is made from the outbox, and any number of workers can run side by side.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import random
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

import anyio
from sqlalchemy import Engine

from deadlines.db.engine import engine_for
from deadlines.mail.render import MailSettings, Renderer
from deadlines.mail.smtp import Connection, DkimSigner, RateLimiter, SmtpSettings
from deadlines.reminders import outbox
from deadlines.reminders.plan_db import PlanReport, plan_all
from deadlines.reminders.triggers import parse_quiet_hours
from deadlines.settings import Settings

log = logging.getLogger("deadlines.worker")
T = TypeVar("T")
_COUNTERS = {
    "sent": "sent",
    "retry": "retried",
    "failed": "failed",
    "skipped": "skipped",
    "cancelled": "cancelled",
    "pending": "replanned",
}


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0
    replanned: int = 0
    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"sent {self.sent}, retry {self.retried}, failed {self.failed}, skipped {self.skipped}, "
            f"cancelled {self.cancelled}, re-planned {self.replanned}"
        )


def smtp_settings(s: Settings) -> SmtpSettings:
    return SmtpSettings(
        s.smtp_host,
        s.smtp_port,
        s.smtp_tls,
        s.smtp_username,
        s.smtp_password,
        s.smtp_timeout,
        s.dkim_key_file,
        s.dkim_selector,
        s.dkim_domain,
    )


def mail_settings(s: Settings) -> MailSettings:
    return MailSettings(
        s.base_url, s.secret_key, s.mail_from, s.uid_domain, s.confirmation_hours, s.attach_ics
    )


class _Recorder(threading.Thread):
    """Stores outcomes as soon as each SMTP transaction ends, on its own thread, so the event
    loop goes on talking SMTP meanwhile; outcomes that arrive together share one commit."""

    def __init__(self, worker: Worker, fixed_now: datetime | None, report: DispatchReport) -> None:
        super().__init__(name="outbox-recorder", daemon=True)
        self.worker = worker
        self.fixed_now = fixed_now
        self.report = report
        self.queue: queue.SimpleQueue[outbox.Result | None] = queue.SimpleQueue()
        self.error: BaseException | None = None

    def put(self, result: outbox.Result) -> None:
        self.queue.put(result)

    def finish(self) -> None:
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise self.error

    def run(self) -> None:
        w = self.worker
        done = False
        while not done:
            first = self.queue.get()
            batch = [] if first is None else [first]
            done = first is None
            while not self.queue.empty():
                item = self.queue.get()
                if item is None:
                    done = True
                else:
                    batch.append(item)
            if not batch:
                continue
            try:
                stored = outbox.record_results(
                    w.engine,
                    batch,
                    now=self.fixed_now or w.clock(),
                    max_attempts=w.settings.max_attempts,
                    retry_base=w.settings.retry_base_seconds,
                    bounce_limit=w.settings.hard_bounce_limit,
                    rng=w.rng,
                )
            except Exception as e:
                log.exception(
                    "could not record %d outcome(s); their leases will expire and they retry", len(batch)
                )
                self.error = e
                continue
            for state, line in stored:
                log.info("decision %s", line)
                counter = _COUNTERS[state]
                setattr(self.report, counter, getattr(self.report, counter) + 1)


class Worker:
    def __init__(
        self, settings: Settings, *, engine: Engine | None = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.settings = settings
        self.engine = engine or engine_for(settings)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.quiet = parse_quiet_hours(settings.quiet_hours)
        self.renderer = Renderer(mail_settings(settings))
        self.smtp = smtp_settings(settings)
        self.sender = self.renderer.sender_address
        domain = settings.dkim_domain or self.sender.rpartition("@")[2]
        self.dkim = (
            DkimSigner(settings.dkim_key_file, settings.dkim_selector, domain)
            if settings.dkim_key_file
            else None
        )
        self.limiter = RateLimiter(settings.smtp_rate_limit)
        self.rng = random.Random()
        self.stopping = asyncio.Event()
        self.connections = [Connection(self.smtp) for _ in range(settings.smtp_concurrency)]
        self.busy = asyncio.Lock()  # held by a dispatch pass, so shutdown can wait for it

    # -- planning ---------------------------------------------------------------------------
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
        from sqlmodel import Session

        from deadlines.db.ratelimit import prune

        # Rate-limit events of addresses never seen again would otherwise stay for good.
        keep = timedelta(minutes=max(self.settings.signup_window_minutes, 24 * 60))
        with Session(self.engine) as session:
            removed = prune(session=session, before=now - keep)
            session.commit()
        if removed:
            log.info("pruned %d rate-limit events", removed)

    def publish(self, now: datetime | None = None) -> None:
        from sqlmodel import Session

        from deadlines.feeds.catalog import feed_settings
        from deadlines.feeds.publish import build_all, publish
        from deadlines.feeds.source import load_feed_data

        with Session(self.engine) as session:
            data = load_feed_data(session=session)
        changes = publish(
            self.settings.calendars_dir,
            build_all(data, feed_settings(self.settings), now or self.clock()),
            self.settings.base_url,
        )
        for change in changes:
            log.info("publish %s", change)

    # -- dispatch ---------------------------------------------------------------------------
    async def dispatch(self, now: datetime | None = None) -> DispatchReport:
        """Claim and send due rows until none is due (or we are stopping).

        A pipeline: one task claims and decides batches, the SMTP connections send from a
        bounded queue, and a writer stores outcomes, so claiming the next batch overlaps
        sending this one.
        """
        report = DispatchReport()
        fixed_now = now
        queue: asyncio.Queue[outbox.Decision | None] = asyncio.Queue(maxsize=2 * self.settings.batch_size)
        unstarted: list[int] = []

        async def producer() -> None:
            try:
                while not self.stopping.is_set():
                    at = fixed_now or self.clock()
                    ids = await self._db(
                        partial(
                            outbox.claim,
                            self.engine,
                            now=at,
                            worker=self.name,
                            batch=self.settings.batch_size,
                            lease=timedelta(seconds=self.settings.lease_seconds),
                        )
                    )
                    if not ids:
                        break
                    decisions = await self._db(
                        partial(outbox.decide, self.engine, ids, now=at, quiet=self.quiet)
                    )
                    for d in decisions:
                        if d.job is not None:
                            await queue.put(d)
                            continue
                        log.info("decision outbox=%s state=%s reason=%r", d.outbox_id, d.state, d.reason)
                        counter = _COUNTERS[d.state]
                        setattr(report, counter, getattr(report, counter) + 1)
            finally:
                for _ in self.connections:
                    await queue.put(None)

        async def sender(connection: Connection) -> None:
            while (decision := await queue.get()) is not None:
                if self.stopping.is_set():
                    unstarted.append(decision.outbox_id)
                    continue
                assert decision.job is not None
                data = self.renderer.render(decision.job, fixed_now or self.clock())
                if self.dkim:
                    data = self.dkim.sign(data)
                await self.limiter.wait()
                outcome = await connection.send(self.sender, decision.job.email, data)
                recorder.put(outbox.Result(decision.outbox_id, outcome.status, outcome.detail))

        recorder = _Recorder(self, fixed_now, report)
        recorder.start()

        try:
            await asyncio.gather(producer(), *(sender(c) for c in self.connections))
        finally:
            await anyio.to_thread.run_sync(recorder.finish)
        if unstarted:
            await anyio.to_thread.run_sync(partial(outbox.release, self.engine, unstarted))
            log.info("released %d unstarted reminder(s) on shutdown", len(unstarted))
        return report

    async def _db(self, call: Callable[[], T]) -> T:
        """Run a database step off the event loop, so SMTP conversations go on meanwhile."""
        return await anyio.to_thread.run_sync(call)

    async def close(self) -> None:
        for c in self.connections:
            await c.close()

    async def once(self, now: datetime | None = None) -> tuple[PlanReport, DispatchReport]:
        plan = await anyio.to_thread.run_sync(lambda: self.plan(now))
        try:
            sent = await self.dispatch(now)
        finally:
            await self.close()
        return plan, sent

    async def run(self) -> None:
        """Run until SIGTERM or SIGINT: finish in-flight sends, release the rest, then stop."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        scheduler = AsyncIOScheduler(timezone=UTC)
        start = datetime.now(UTC)
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
        await self.stopping.wait()
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

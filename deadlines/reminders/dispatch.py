"""The dispatch pipeline: claim due outbox rows, decide, render, send over SMTP, record outcomes.

One pass at a time per process; the recorder thread stores each outcome as its SMTP transaction
ends. What happens to each row is decided by `policy` (pure); this module only moves the rows.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from functools import partial
from typing import Any

import anyio
from sqlalchemy import Engine
from sqlmodel import Session

from deadlines.adapters import mail_settings, smtp_settings
from deadlines.db import service_state
from deadlines.mail.failures import Delivery, bounce_brake
from deadlines.mail.render import MailJob, Renderer
from deadlines.mail.smtp import Connection, DkimSigner, Outcome, RateLimiter
from deadlines.outbox_state import State
from deadlines.reminders import outbox, results
from deadlines.reminders.recorder import DispatchReport, Recorder
from deadlines.reminders.results import Result
from deadlines.settings import Settings

log = logging.getLogger("deadlines.worker")
# Database steps run off the event loop, so SMTP conversations go on meanwhile.
_db = anyio.to_thread.run_sync


@dataclass
class _PassState:
    """What one dispatch pass learns while its connections send: the first relay problem, and
    the bounces held back (not charged) until the pass knows whether the brake trips."""

    relay: Outcome | None = None
    attempted: int = 0
    bounced: list[int] = field(default_factory=list)
    braked: bool = False


class Dispatcher:
    """Sends what is due: SMTP connections, renderer, DKIM signer and rate limit, and what it
    has learnt about the relay between passes."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine,
        clock: Callable[[], datetime],
        name: str,
        quiet: tuple[clock_time, clock_time] | None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self.name = name
        self.quiet = quiet
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
        # While the relay is failing, probe it with growing pauses instead of every pass.
        self.relay_failures = 0
        self.relay_next_probe = 0.0
        self.pause_logged = False

    async def dispatch(self, now: datetime | None = None) -> DispatchReport:
        """Claim and send due rows until none is due (or we are stopping, or must stop).

        A pipeline: one task claims and decides batches, the SMTP connections send from a
        bounded queue, and a writer stores outcomes, so claiming the next batch overlaps
        sending this one. A relay problem or the bounce brake stops the pass: rows not yet sent
        go back uncharged.
        """
        report = DispatchReport()
        fixed_now = now
        states = await _db(self._service_states)
        if not await self._may_dispatch(states, report, fixed_now or self.clock()):
            return report
        queue: asyncio.Queue[outbox.Decision | None] = asyncio.Queue(maxsize=2 * self.settings.batch_size)
        unstarted: list[int] = []
        run = _PassState()

        def halted() -> bool:
            return self.stopping.is_set() or run.relay is not None or run.braked

        async def producer() -> None:
            try:
                while not halted():
                    at = fixed_now or self.clock()
                    ids = await _db(
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
                    decisions = await _db(partial(outbox.decide, self.engine, ids, now=at, quiet=self.quiet))
                    for d in decisions:
                        if d.job is not None:
                            await queue.put(d)
                            continue
                        log.info("decision outbox=%s state=%s reason=%r", d.outbox_id, d.state, d.reason)
                        report.count(d.state)
            finally:
                for _ in self.connections:
                    await queue.put(None)

        async def sender(connection: Connection) -> None:
            while (decision := await queue.get()) is not None:
                if halted():
                    unstarted.append(decision.outbox_id)
                    continue
                assert decision.job is not None
                while True:
                    room.clear()
                    if not recorder.full:
                        break
                    await room.wait()
                result, outcome = await self._send_one(
                    connection, decision.outbox_id, decision.job, fixed_now
                )
                if result.status == Delivery.RELAY and run.relay is None:
                    run.relay = outcome
                if result.status in (Delivery.SENT, Delivery.BOUNCE, Delivery.TRANSIENT):
                    run.attempted += 1
                if result.status == Delivery.BOUNCE:
                    # Stored as failed now but charged to the address only when the pass ends
                    # without the brake tripping.
                    run.bounced.append(result.outbox_id)
                    run.braked = run.braked or bounce_brake(
                        attempted=run.attempted,
                        bounced=len(run.bounced),
                        share=self.settings.bounce_brake_share,
                        minimum=self.settings.bounce_brake_min,
                    )
                recorder.put(result)

        # Set (from the recorder's thread) each time stored outcomes make room in its backlog.
        room = asyncio.Event()
        loop = asyncio.get_running_loop()
        recorder = Recorder(
            self.engine,
            self.settings,
            self.clock,
            self.rng,
            report,
            fixed_now=fixed_now,
            backlog=self.settings.unrecorded_max,
            on_stored=lambda: loop.call_soon_threadsafe(room.set),
        )
        recorder.start()

        try:
            await asyncio.gather(producer(), *(sender(c) for c in self.connections))
        finally:
            await anyio.to_thread.run_sync(recorder.finish)
        at = fixed_now or self.clock()
        if unstarted:
            why = "shutdown" if not (run.relay or run.braked) else "relay problem or bounce brake"
            state = State.PENDING if why == "shutdown" else State.RETRY
            await anyio.to_thread.run_sync(partial(results.release, self.engine, unstarted, state=state))
            report.returned += len(unstarted)
            log.info("gave back %d unsent email(s) (%s), no attempt spent", len(unstarted), why)
        await self._settle_bounces(run, report, at)
        if run.relay is not None:
            await self._relay_failed(run.relay, states.get(service_state.RELAY), at)
            report.relay = run.relay.detail
        elif report.sent and service_state.RELAY in states:
            await _db(partial(self._store, service_state.RELAY, None, at))
            self.relay_failures = 0
            log.info("SMTP relay recovered: mail is going out again")
        return report

    async def _send_one(
        self, connection: Connection, outbox_id: int, job: MailJob, fixed_now: datetime | None
    ) -> tuple[Result, Outcome | None]:
        """Render and send one message; whatever goes wrong fails this message alone (or, for
        the relay's problems, stops the pass), never the task that sends the others."""
        try:
            data = self.renderer.render(job, fixed_now or self.clock())
            if self.dkim:
                data = self.dkim.sign(data)
        except Exception as e:
            log.warning("outbox=%s could not be rendered: %s: %s", outbox_id, type(e).__name__, e)
            return Result(outbox_id, Delivery.FAULT, f"render: {type(e).__name__}: {e}"), None
        await self.limiter.wait()
        outcome = await connection.send(self.sender, job.email, data)
        return Result(outbox_id, outcome.status, outcome.detail), outcome

    async def _may_dispatch(
        self, states: dict[str, dict[str, Any]], report: DispatchReport, at: datetime
    ) -> bool:
        """No sending while paused by the brake; while the relay is failing, one connection
        probes it (with growing pauses) before any row is claimed."""
        paused = states.get(service_state.DISPATCH_PAUSED)
        if paused is not None:
            report.paused = str(paused.get("reason", ""))
            if not self.pause_logged:
                log.warning(
                    "dispatch paused, nothing is sent until `deadlines outbox resume`: %s", report.paused
                )
                self.pause_logged = True
            return False
        self.pause_logged = False
        problem = states.get(service_state.RELAY)
        if problem is None:
            self.relay_failures = 0
            return True
        if time.monotonic() < self.relay_next_probe:
            report.relay = str(problem.get("detail", ""))
            return False
        failure = await self.connections[0].open()
        if failure is None:
            return True
        await self._relay_failed(failure, problem, at)
        report.relay = failure.detail
        return False

    async def _relay_failed(self, failure: Outcome, before: dict[str, Any] | None, at: datetime) -> None:
        """Record the relay's problem where operators look, log it once (again only when it
        changes), and probe again later, waiting longer each time (at most 5 minutes)."""
        value = {
            "state": "error",
            "stage": str(failure.stage or ""),
            "code": failure.code,
            "detail": failure.detail,
            "since": (before or {}).get("since") or at.isoformat(),
            "at": at.isoformat(),
        }
        await _db(partial(self._store, service_state.RELAY, value, at))
        if before is None or before.get("detail") != failure.detail:
            log.error(
                "SMTP relay error (code %s): %s; sending stopped, nothing charged",
                failure.code,
                failure.detail,
            )
        self.relay_failures += 1
        wait = min(self.settings.dispatch_interval_seconds * 2 ** (self.relay_failures - 1), 300.0)
        self.relay_next_probe = time.monotonic() + wait

    async def _settle_bounces(self, run: _PassState, report: DispatchReport, at: datetime) -> None:
        """Charge this pass's bounces, or, when there were too many to be the addresses' fault,
        charge none, put them back and pause dispatch."""
        if not run.bounced:
            return
        if not run.braked:
            await _db(
                partial(
                    results.charge_bounces,
                    self.engine,
                    run.bounced,
                    limit=self.settings.hard_bounce_limit,
                    now=at,
                )
            )
            return
        reason = (
            f"{len(run.bounced)} of {run.attempted} recipients bounced in one pass (brake: more than "
            f"{self.settings.bounce_brake_share:.0%} and at least {self.settings.bounce_brake_min}); "
            "that is the relay, not the list: nobody was suppressed"
        )
        await _db(partial(results.unbounce, self.engine, run.bounced, reason=reason))
        report.failed -= len(run.bounced)
        report.returned += len(run.bounced)
        value = {
            "reason": reason,
            "bounced": len(run.bounced),
            "attempted": run.attempted,
            "at": at.isoformat(),
        }
        await _db(partial(self._store, service_state.DISPATCH_PAUSED, value, at))
        report.paused = reason
        self.pause_logged = True
        log.error("ALERT bounce brake: dispatch paused; %s", reason)

    def _service_states(self) -> dict[str, dict[str, Any]]:
        with Session(self.engine) as session:
            return service_state.get_states(
                session=session, keys=(service_state.RELAY, service_state.DISPATCH_PAUSED)
            )

    def _store(self, key: str, value: dict[str, Any] | None, at: datetime) -> None:
        """Set a service state, or clear it (value None)."""
        with Session(self.engine) as session:
            if value is None:
                service_state.clear_state(session=session, key=key)
            else:
                service_state.set_state(session=session, key=key, value=value, now=at)
            session.commit()

    async def close(self) -> None:
        for c in self.connections:
            await c.close()

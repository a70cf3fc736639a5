"""The recorder: stores the outcome of each SMTP transaction on its own thread, and the report of
a dispatch pass.

A message that went out but whose outcome is not yet stored is the only kind that can go twice
(if the process dies, its lease expires and another pass sends it again). So the backlog of
unstored outcomes is bounded: senders wait for the recorder instead of running ahead of it, and a
crash repeats at most the messages in flight plus that bound.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine

from deadlines.outbox_state import State
from deadlines.reminders import results
from deadlines.reminders.results import Result
from deadlines.settings import Settings

log = logging.getLogger("deadlines.worker")
# How long the recorder waits for more outcomes to share a commit with the first one.
LINGER = 0.02
# Which report counter each stored state (or verdict) adds to; a re-planned row goes back to pending.
_COUNTERS: dict[str, str] = {
    State.SENT: "sent",
    State.RETRY: "retried",
    State.FAILED: "failed",
    State.SKIPPED: "skipped",
    State.CANCELLED: "cancelled",
    State.PENDING: "replanned",
}


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0
    replanned: int = 0
    returned: int = 0  # claimed rows given back uncharged (relay problem, brake, shutdown)
    relay: str = ""  # the relay problem that stopped this pass (or kept it from starting)
    paused: str = ""  # why dispatch is paused (the bounce brake), when it is
    lines: list[str] = field(default_factory=list)

    def count(self, state: str) -> None:
        counter = _COUNTERS[state]
        setattr(self, counter, getattr(self, counter) + 1)

    def __str__(self) -> str:
        text = (
            f"sent {self.sent}, retry {self.retried}, failed {self.failed}, skipped {self.skipped}, "
            f"cancelled {self.cancelled}, re-planned {self.replanned}"
        )
        if self.returned:
            text += f", returned {self.returned}"
        if self.relay:
            text += f"; stopped: SMTP relay error: {self.relay}"
        if self.paused:
            text += f"; dispatch paused: {self.paused}"
        return text


class Recorder(threading.Thread):
    """Stores outcomes as soon as each SMTP transaction ends, on its own thread, so the event
    loop goes on talking SMTP meanwhile; outcomes that arrive together share one commit."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        clock: Callable[[], datetime],
        rng: random.Random,
        report: DispatchReport,
        *,
        fixed_now: datetime | None = None,
        backlog: int = 8,
        on_stored: Callable[[], object] = lambda: None,
    ) -> None:
        super().__init__(name="outbox-recorder", daemon=True)
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.rng = rng
        self.fixed_now = fixed_now
        self.report = report
        self.queue: queue.SimpleQueue[Result | None] = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.limit = max(1, backlog)
        self.on_stored = on_stored  # wakes senders waiting for room; called on this thread
        self._unstored = 0
        self._lock = threading.Lock()

    @property
    def full(self) -> bool:
        """True while as many outcomes wait to be stored as the bound allows; senders wait."""
        with self._lock:
            return self._unstored >= self.limit and self.is_alive()

    def put(self, result: Result) -> None:
        with self._lock:
            self._unstored += 1
        self.queue.put(result)

    def finish(self) -> None:
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise self.error

    def run(self) -> None:
        done = False
        while not done:
            batch, done = self._take()
            if not batch:
                continue
            try:
                self._store(batch)
            finally:
                with self._lock:
                    self._unstored -= len(batch)
                self.on_stored()

    def _take(self) -> tuple[list[Result], bool]:
        """The next outcomes to store together, and whether the pass has ended. Once one arrives,
        more are gathered for up to `LINGER` seconds (or until the bound is reached): a relay
        answers a message in about a millisecond, so without the wait nearly every outcome got
        a transaction of its own, and the database round trips cost more than the sending."""
        first = self.queue.get()
        if first is None:
            return [], True
        batch = [first]
        until = time.monotonic() + LINGER
        while len(batch) < self.limit:
            try:
                item = self.queue.get(timeout=max(0.0, until - time.monotonic()))
            except queue.Empty:
                break
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _store(self, batch: list[Result]) -> None:
        s = self.settings
        try:
            stored = results.record_results(
                self.engine,
                batch,
                now=self.fixed_now or self.clock(),
                max_attempts=s.max_attempts,
                retry_base=s.retry_base_seconds,
                bounce_limit=s.hard_bounce_limit,
                rng=self.rng,
                charge_bounces=False,
            )
        except Exception as e:
            log.exception(
                "could not record %d outcome(s); their leases will expire and they retry", len(batch)
            )
            self.error = e
            return
        for state, line in stored:
            log.info("decision %s", line)
            self.report.count(state)

"""Outbox policy, pure: what happens to one claimed row, decided on plain values.

The database code (`outbox.py`) only loads the facts and stores the verdicts; every rule about
which row is sent, skipped, superseded, re-planned, cancelled, retried, failed or charged as a
bounce lives here and is table-tested like the triggers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from deadlines.mail.failures import Delivery
from deadlines.outbox_state import Kind, State
from deadlines.voter_links import DONE_REASON

MAX_BACKOFF = timedelta(hours=6)


class Verdict(StrEnum):
    """What the dispatch pass does with a claimed row before sending."""

    SEND = "send"
    SKIP = "skipped"  # too late, superseded, nothing left to correct
    CANCEL = "cancelled"  # the person or the deadline is gone
    REPLAN = "pending"  # the deadline moved: back to pending with a new due time


@dataclass(frozen=True)
class RowFacts:
    """What deciding one row needs, as plain values."""

    kind: Kind
    subscriber_status: str | None  # None: the subscriber was removed
    close_at: datetime | None
    row_revision: int
    deadline_revision: int | None = None  # None: the deadline was removed
    moved: tuple[datetime, datetime] | None = None  # the re-planned (due, close), if revised
    superseded_by: str | None = None  # the later trigger already due for the same deadline
    owed: int = 0  # corrections: how many deadlines still differ from what they were told
    done: bool = False  # reminders: the subscriber marked this deadline done for this subscription


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str = ""
    due_at: datetime | None = None  # REPLAN: the new due time
    close_at: datetime | None = None  # the close the message states (re-planned rows)
    revision: int | None = None  # re-planned for this deadline revision


def decide(f: RowFacts, now: datetime) -> Decision:
    """Send, skip, cancel or re-plan one claimed row."""
    if f.subscriber_status is None:
        return Decision(Verdict.CANCEL, "subscriber removed")
    if f.kind == Kind.CONFIRMATION:
        if f.subscriber_status != "pending":
            return Decision(Verdict.CANCEL, f"subscriber is {f.subscriber_status}")
        return Decision(Verdict.SEND)
    if f.subscriber_status != "active":
        return Decision(Verdict.CANCEL, f"subscriber is {f.subscriber_status}")
    if f.kind == Kind.CORRECTION:
        if not f.owed:
            return Decision(Verdict.SKIP, "nothing to correct: what they were told holds again")
        return Decision(Verdict.SEND)
    if f.deadline_revision is None:
        return Decision(Verdict.CANCEL, "deadline removed")
    if f.done:
        # Only reminders stop: a correction still comes, since a changed date may mean acting again.
        return Decision(Verdict.CANCEL, DONE_REASON)
    close, revision = f.close_at, f.row_revision
    if f.deadline_revision != f.row_revision:
        if f.moved is None:
            return Decision(Verdict.CANCEL, f"deadline changed (revision {f.deadline_revision})")
        due, close = f.moved
        revision = f.deadline_revision
        if due > now:
            return Decision(
                Verdict.REPLAN,
                f"re-planned for revision {revision}",
                due_at=due,
                close_at=close,
                revision=revision,
            )
    if close is None or close <= now:
        return Decision(Verdict.SKIP, "too late: the deadline has closed")
    if f.superseded_by is not None:
        return Decision(Verdict.SKIP, f"superseded by the later {f.superseded_by} reminder")
    return Decision(Verdict.SEND, close_at=close, revision=revision)


@dataclass(frozen=True)
class AfterSend:
    state: State
    due_at: datetime | None = None  # RETRY: when
    bounce: bool = False  # charge one hard bounce to the address
    refund: bool = False  # the attempt does not count (the relay failed, not this message)


def after_send(
    outcome: Delivery,
    *,
    attempts: int,
    max_attempts: int,
    now: datetime,
    retry_base: float,
    rng: random.Random,
) -> AfterSend:
    """The row's next state after a send, as the SMTP layer classified it. A relay problem
    (connection, login, MAIL FROM, sequence) is not this message's fault: back to retry
    without spending its attempt. An address the relay cannot carry, or a message we could not
    build, fails alone and is never charged as a bounce."""
    if outcome == Delivery.SENT:
        return AfterSend(State.SENT)
    if outcome == Delivery.RELAY:
        return AfterSend(State.RETRY, due_at=now + backoff(1, retry_base, rng), refund=True)
    if outcome == Delivery.TRANSIENT and attempts < max_attempts:
        return AfterSend(State.RETRY, due_at=now + backoff(attempts, retry_base, rng))
    return AfterSend(State.FAILED, bounce=outcome == Delivery.BOUNCE)


def backoff(attempts: int, base: float, rng: random.Random) -> timedelta:
    """Exponential backoff with jitter, so retries after an outage do not arrive in one wave."""
    delay = base * (2 ** max(0, attempts - 1))
    return min(timedelta(seconds=delay * (0.5 + rng.random())), MAX_BACKOFF)

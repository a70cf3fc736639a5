"""The outbox's vocabulary: the states a row moves through and the kinds of email. Pure.

A top-level module so that the database code (`db/`) and the reminders both use the one typed
spelling without `db` importing `reminders`.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where an outbox row is: pending -> sending (leased) -> sent, or one of the others."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


OPEN = (State.PENDING, State.RETRY)  # waiting for their due time


class Kind(StrEnum):
    REMINDER = "reminder"
    CORRECTION = "correction"
    CONFIRMATION = "confirmation"

"""The service's one clock: every process asks it for "now" unless it was given another (tests
pin theirs). The only place outside the CLI's entry points that reads the wall clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

# Given to `create_app(settings, clock=...)` and `Worker(settings, clock=...)`.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware UTC."""
    return datetime.now(UTC)

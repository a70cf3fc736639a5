"""The web app's one clock: every handler, cache and login check asks it for "now"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

# Given to `create_app(settings, clock=...)`; tests pass a fixed or movable one.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware UTC: the default clock and the only place in the web app that reads it."""
    return datetime.now(UTC)

"""The web app's clock: the service's clock, named where web handlers look for it."""

from __future__ import annotations

from deadlines.clock import Clock, system_clock

__all__ = ["Clock", "system_clock"]

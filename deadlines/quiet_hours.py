"""Quiet hours: the local window (`22:00-08:00`) reminders avoid, read from its text. Pure.

Its own module because both the settings (validating the option) and the reminder planning use
it, and settings must not import the reminders.
"""

from __future__ import annotations

import re
from datetime import time

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_quiet_hours(value: str) -> tuple[time, time] | None:
    """`22:00-08:00` to (start, end); an empty string means no quiet hours."""
    if not value.strip():
        return None
    m = _WINDOW.match(value)
    if not m or int(m[1]) > 23 or int(m[3]) > 23 or int(m[2]) > 59 or int(m[4]) > 59:
        raise ValueError(f"expected quiet hours like 22:00-08:00, got {value!r}")
    return time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))

"""Waiting for a server a test started to answer /healthz."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx


def wait_for_health(
    url: str,
    *,
    seconds: float = 20,
    alive: Callable[[], bool] = lambda: True,
    healthy: Callable[[int], bool] = lambda status: status == 200,
    pause: float = 0.1,
    timeout: float = 1,
) -> bool:
    """True once GET `url`/healthz answers with a `healthy` status; False after `seconds`, or as
    soon as `alive()` says the server is gone. One client for the whole wait: each httpx.get
    builds a TLS context (about 15 ms of CPU) even for plain HTTP, and a starting server is asked
    dozens of times."""
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=timeout) as client:
        while time.monotonic() < deadline and alive():
            try:
                if healthy(client.get(f"{url}/healthz").status_code):
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(pause)
    return False

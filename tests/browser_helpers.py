"""What the browser tests share: the app served by uvicorn on a port of its own thread, and
Debian's headless chromium driven through Debian's chromedriver."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.http_wait import wait_for_health

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = Path(__file__).resolve().parent.parent / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"

# Marks for the browser test modules: skipped with the reason where .ci/run has not installed them.
NEEDS_CHROMIUM = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)",
)
NEEDS_AXE = pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed under .ci/node (.ci/run does it)"
)


@contextmanager
def serving(app: Any, port: int) -> Iterator[str]:
    """The app on 127.0.0.1:`port` until the block ends; yields its address once /healthz answers."""
    url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        if not wait_for_health(url, alive=thread.is_alive):
            pytest.fail("the server did not answer /healthz within 20 s")
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def chromium(
    profile: Path, *, language: str | None = None, zone: str | None = None, scripts: bool = True
) -> Any:
    """Headless chromium with its own profile; `language` sets its UI and Accept-Language,
    `zone` its time zone (the process's TZ, as on a laptop set to that zone)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        # The machine's network is closed: no background calls to Google's services.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,1600",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    prefs: dict[str, Any] = {}
    if language:
        options.add_argument(f"--lang={language}")
        prefs["intl.accept_languages"] = language
    if not scripts:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    if prefs:
        options.add_experimental_option("prefs", prefs)
    env = {**os.environ, "TZ": zone} if zone else None
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER), env=env), options=options)

"""The type check (mypy, strict, configured in pyproject.toml) as one test of the suite.

Run before pytest, as it was, it kept one core busy for half a minute while the other idled;
as a test it shares the machine with the rest of the suite."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow(seconds=30)
def test_mypy_strict_finds_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"mypy:\n{result.stdout[-8000:]}{result.stderr[-2000:]}"

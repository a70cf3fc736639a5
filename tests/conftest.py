"""Shared fixtures: the shipped rules, real SQLite files, the local PostgreSQL server, the CLI."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner, Result

from deadlines.cli import cli
from deadlines.db import staff
from deadlines.rules import RuleBook, load_rules
from tests import pg_databases
from tests.pg_databases import POSTGRES_URL

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The one copy of the sample notice: the packaged one the demo ingests.
SAMPLE_NOTICE = Path(__file__).resolve().parent.parent / "deadlines" / "samples" / "nec-2023-11.txt"


def deadlines_command() -> list[str]:
    """The installed `deadlines` console script, or `python -m deadlines` where there is none."""
    exe = Path(sys.executable).with_name("deadlines")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "deadlines"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow run first, so under xdist the longest ones start at once and the short
    ones fill the gaps, instead of a long test starting last and leaving one worker idle."""

    def order(item: pytest.Item) -> tuple[bool, float]:
        slow = item.get_closest_marker("slow")
        return slow is None, -float(slow.kwargs.get("seconds", 0) if slow else 0)

    items.sort(key=order)


# The hasher the service uses; tests/test_staff_passwords.py checks it and logs in with it.
PRODUCTION_HASHER = staff._hasher
# Argon2 at its cheapest: a production hash costs ~50 ms and 64 MiB, and the console tests make
# hundreds of logins. Hashes carry their parameters, so verifying works across the two.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    staff._hasher = CHEAP_HASHER
    yield
    staff._hasher = PRODUCTION_HASHER


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return load_rules(RULES_DIR)


def _postgres_reason() -> str | None:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.Error as e:
        return f"PostgreSQL not reachable at {POSTGRES_URL} ({str(e).strip().splitlines()[0]})"


_PG_REASON: list[str | None] = []


def postgres_unavailable() -> str | None:
    if not _PG_REASON:
        _PG_REASON.append(_postgres_reason())
    return _PG_REASON[0]


@pytest.fixture(scope="session", autouse=True)
def drop_test_databases() -> Iterator[None]:
    yield
    pg_databases.drop_all()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty database on the PostgreSQL server for one test (dropped when the test process
    ends, see tests/pg_databases.py)."""
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    name = pg_databases.new_database()
    yield pg_databases.url_of(name)
    pg_databases.release_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'deadlines.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database test runs on a real SQLite file and on the local PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'deadlines.db'}"
    return str(request.getfixturevalue("postgres_url"))


class Cli:
    """Runs `deadlines` in-process with a given environment, as an operator would."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(self, *args: str, input: str | bytes | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, list(args), env=self.env, input=input, catch_exceptions=False)


def cli_env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "DEADLINES_DATABASE_URL": db_url,
        "DEADLINES_RULES_DIR": str(RULES_DIR),
        "DEADLINES_CALENDARS_DIR": str(tmp_path / "calendars"),
        "DEADLINES_ACTOR": "test",
    }


@pytest.fixture
def run(db_url: str, tmp_path: Path) -> Cli:
    return Cli(cli_env(db_url, tmp_path))


@pytest.fixture
def run_sqlite(sqlite_url: str, tmp_path: Path) -> Cli:
    return Cli(cli_env(sqlite_url, tmp_path))


@pytest.fixture
def smtp_server() -> Iterator[object]:
    from tests.smtp_server import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site(sqlite_url: str, tmp_path: Path) -> Iterator[object]:
    """The whole web app on a SQLite file with the shipped rules and an editor and a viewer."""
    from tests.web_helpers import make_settings, running_site

    with running_site(make_settings(sqlite_url, tmp_path)) as s:
        yield s


@pytest.fixture
def site_any_db(db_url: str, tmp_path: Path) -> Iterator[object]:
    """The same on each database engine."""
    from tests.web_helpers import make_settings, running_site

    with running_site(make_settings(db_url, tmp_path)) as s:
        yield s

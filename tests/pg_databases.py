"""A database of its own on the local PostgreSQL server for each test, and per-process templates.

Each test gets a new database (not a schema of the shared `test` one), so a database that `init`
and `rules apply` once built can be copied into it with `CREATE DATABASE ... TEMPLATE`: about
20 ms against 1.5 s for running the two commands again.

Every database made here is dropped when its test process ends, not when its test does: the
server answers each DROP DATABASE with an immediate checkpoint, and several hundred of them in a
run, each flushing whatever the busiest test had just written, cost the suite tens of seconds.
A finished test's database only has its connections closed.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import uuid

import psycopg
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("DEADLINES_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# Databases made by `new_database` and not yet given any table: the ones a template may replace.
_FRESH: set[str] = set()
# Every database this process made, dropped when it exits.
_MADE: list[str] = []


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(POSTGRES_URL, autocommit=True)


def url_of(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def name_of(url: str) -> str | None:
    """The database a test URL names, if it is one this module made."""
    if not url.startswith("postgresql"):
        return None
    name = make_url(url).database
    return name if name and name.startswith(("t_", "tmpl_")) else None


def _create(name: str, template: str | None = None) -> None:
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        # A commit here need not wait for its WAL to reach the disk: what the tests crash is
        # the service's processes, never the server, and a commit is visible at once either
        # way. A setting of this database only (not copied by TEMPLATE); the server's own are
        # left as they are.
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


def new_database(prefix: str = "t_") -> str:
    name = f"{prefix}{uuid.uuid4().hex[:16]}"
    if not _MADE:
        atexit.register(drop_all, 1)
    _MADE.append(name)
    _create(name)
    if prefix == "t_":
        _FRESH.add(name)
    return name


def _disconnect(conn: psycopg.Connection[tuple[object, ...]], name: str) -> None:
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


def release_database(name: str) -> None:
    """The test using `name` is over: its connections are closed (a server or worker the test
    started may still hold some); the database itself goes when this process exits."""
    _FRESH.discard(name)
    with _admin() as conn:
        _disconnect(conn, name)


def is_fresh(url: str) -> bool:
    """True for a database `new_database` made that still has no table."""
    name = name_of(url)
    if name is None or name not in _FRESH:
        return False
    with psycopg.connect(url_of(name)) as conn:
        row = conn.execute("SELECT 1 FROM pg_tables WHERE schemaname = 'public' LIMIT 1").fetchone()
    if row is not None:
        _FRESH.discard(name)
    return row is None


def new_template() -> str:
    """An empty database for building a template in; dropped when the test process ends."""
    return new_database("tmpl_")


def copy_template(template: str, into_url: str) -> None:
    """Replace the fresh database `into_url` names with a copy of `template`."""
    name = name_of(into_url)
    assert name is not None
    _FRESH.discard(name)
    retired = f"x_{uuid.uuid4().hex[:16]}"
    _MADE.append(retired)
    with _admin() as conn:
        # A copy needs the template to have no session; an engine the build left behind may.
        _disconnect(conn, template)
        # Renamed out of the way, not dropped (see above); the server waits a moment for the
        # fresh database's last sessions to end.
        _disconnect(conn, name)
        conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{retired}"')
    _create(name, template)


def drop_all(ways: int = 4) -> None:
    """Drop every database this process made, `ways` at once: the server's checkpoint for each
    DROP is shared by the drops waiting on it. Called when the test session ends, before the
    interpreter's shutdown, which refuses new threads; the `atexit` fallback drops one by one."""
    names = list(_MADE)
    _MADE.clear()
    if ways <= 1:
        _drop(names)
        return
    threads = [threading.Thread(target=_drop, args=(names[i::ways],)) for i in range(ways)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _drop(names: list[str]) -> None:
    if not names:
        return  # no connection at all: a run without PostgreSQL made none
    with contextlib.suppress(psycopg.Error), _admin() as conn:
        for name in names:
            with contextlib.suppress(psycopg.Error):
                # FORCE: a process a test started may still hold a connection.
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

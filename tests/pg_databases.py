"""A database of its own on the local PostgreSQL server for each test, and per-process templates.

Each test gets a new database (not a schema of the shared `test` one), so a database that `init`
and `rules apply` once built can be copied into it with `CREATE DATABASE ... TEMPLATE`: about
20 ms against 1.5 s for running the two commands again. Every database made here is dropped
when its test (or, for templates, its test process) ends.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import uuid

import psycopg
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("DEADLINES_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# Databases made by `new_database` and not yet given any table: the ones a template may replace.
_FRESH: set[str] = set()
_TEMPLATES: list[str] = []


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
    _create(name)
    if prefix == "t_":
        _FRESH.add(name)
    return name


def drop_database(name: str) -> None:
    _FRESH.discard(name)
    with _admin() as conn:
        # FORCE: a server or worker the test started may still hold a connection.
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    name = new_database("tmpl_")
    if not _TEMPLATES:
        atexit.register(_drop_templates)
    _TEMPLATES.append(name)
    return name


def copy_template(template: str, into_url: str) -> None:
    """Replace the fresh database `into_url` names with a copy of `template`."""
    name = name_of(into_url)
    assert name is not None
    with _admin() as conn:
        # A copy needs the template to have no session; an engine the build left behind may.
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (template,),
        )
    drop_database(name)
    _create(name, template)


def _drop_templates() -> None:
    for name in _TEMPLATES:
        with contextlib.suppress(psycopg.Error):
            drop_database(name)

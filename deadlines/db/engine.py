"""Engine construction and schema migration (Alembic), with connection errors made readable."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from deadlines.clock import system_clock
from deadlines.errors import StorageError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (SQLAlchemy would otherwise look for psycopg2)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def redact(url: str) -> str:
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


LOCK_WAIT_MS = 10000  # how long a worker or CLI write waits for another writer's lock


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers (web) go on while a writer (worker, CLI) commits; the busy timeout
        # makes concurrent writers wait instead of failing at once.
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL survives a crash of any process (only a power cut may lose the last
        # commits), and commits stop waiting for fsync.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return on_connect


def make_engine(
    url: str,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    statement_timeout_ms: int = 30000,
    lock_wait_ms: int | None = None,
    pool_timeout: float = 30,
) -> Engine:
    """An engine for `url`. On PostgreSQL: a bounded pool, a statement timeout, and connections
    checked before use, so a restarted server costs one failed check, not a failed request.

    `lock_wait_ms` bounds how long a statement waits for another connection's write lock (SQLite's
    busy timeout; PostgreSQL's lock_timeout, set only when given) and `pool_timeout` how long a
    request waits for a free connection. The web gives short ones: a request that cannot write
    soon should fail with 503, not hold one of the server's threads for many seconds while the
    readers queue behind it."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as e:
        raise StorageError(f"invalid database URL {url!r}: expected e.g. sqlite:///deadlines.db") from e
    busy_ms = LOCK_WAIT_MS if lock_wait_ms is None else lock_wait_ms
    kwargs: dict[str, Any] = {"pool_pre_ping": True, "pool_timeout": pool_timeout}
    if parsed.get_backend_name() == "sqlite":
        kwargs = {"connect_args": {"timeout": busy_ms / 1000}}
        if parsed.database and parsed.database != ":memory:":
            kwargs["pool_timeout"] = pool_timeout
    elif parsed.get_backend_name() == "postgresql":
        options = parsed.query.get("options", "")
        if isinstance(options, tuple):
            options = " ".join(options)
        if statement_timeout_ms and "statement_timeout" not in options:
            options = f"{options} -c statement_timeout={statement_timeout_ms}".strip()
        if lock_wait_ms is not None and "lock_timeout" not in options:
            options = f"{options} -c lock_timeout={lock_wait_ms}".strip()
        parsed = parsed.update_query_dict({"options": options})
        kwargs.update(connect_args={"connect_timeout": 5}, pool_size=pool_size, max_overflow=max_overflow)
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as e:
        raise StorageError(f"cannot use database URL {redact(url)}: {e}") from e
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(busy_ms))
    return engine


def engine_for(settings: Any, *, lock_wait_ms: int | None = None, pool_timeout: float = 30) -> Engine:
    """The engine the service's settings describe (see make_engine for the two waits)."""
    return make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        statement_timeout_ms=settings.db_statement_timeout_ms,
        lock_wait_ms=lock_wait_ms,
        pool_timeout=pool_timeout,
    )


def error_reason(e: BaseException) -> str:
    """The first line of the driver's message: what a person is told about a database error."""
    lines = str(getattr(e, "orig", None) or e).strip().splitlines()
    return lines[0] if lines else type(e).__name__


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as e:
        reason = error_reason(e)
        raise StorageError(f"cannot connect to database {redact(str(engine.url))}: {reason}") from e


def check_writable(engine: Engine) -> None:
    """Proves the database takes a write now: inserts a probe row into service_state and rolls it
    back, so a read-only file, a held write lock or a read-only server fails here (raising
    SQLAlchemyError) instead of looking healthy. The random key keeps probes from waiting on
    each other."""
    from deadlines.db.models import ServiceState

    with engine.connect() as conn, conn.begin() as transaction:
        conn.execute(
            insert(ServiceState).values(
                key=f"probe-{secrets.token_hex(8)}", value={}, updated_at=system_clock()
            )
        )
        transaction.rollback()


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to the latest migration."""
    from alembic import command

    check_connection(engine)
    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as e:
        reason = error_reason(e)
        raise StorageError(f"migration failed on {redact(str(engine.url))}: {reason}") from e


def is_initialised(engine: Engine) -> bool:
    check_connection(engine)
    return inspect(engine).has_table("deadline")


def require_initialised(engine: Engine) -> None:
    if not is_initialised(engine):
        raise StorageError(
            f"database {redact(str(engine.url))} has no tables yet: run `deadlines init` first"
        )


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on any error (nothing half-stored)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

"""Shared pieces of the command line: lazily built settings and engine, input reading, output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine
from sqlmodel import Session

from deadlines.errors import NoticeError
from deadlines.settings import Settings, load_settings


class Context:
    """Built on first use, so `--help` and pure commands never touch settings or the database."""

    @cached_property
    def settings(self) -> Settings:
        return load_settings()

    @cached_property
    def engine(self) -> Engine:
        from deadlines.db.engine import engine_for

        return engine_for(self.settings)

    def require_database(self) -> None:
        """Refuse to go on (one line: run `deadlines init`) unless the schema exists; checked once."""
        from deadlines.db.engine import require_initialised

        if not self.__dict__.get("_initialised"):
            require_initialised(self.engine)
            self._initialised = True

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction on the initialised database: committed on success, rolled back on any
        error (nothing half-stored)."""
        from deadlines.db.engine import session_scope

        self.require_database()
        with session_scope(self.engine) as session:
            yield session

    def close(self) -> None:
        """Release pooled connections, so nothing is left open when the command ends."""
        engine = self.__dict__.pop("engine", None)
        if engine is not None:
            engine.dispose()

    def now(self) -> datetime:
        return datetime.now(UTC)


pass_context = click.make_pass_decorator(Context)


def read_input(path: str, max_bytes: int) -> tuple[bytes, str]:
    """Read a notice from a path or `-` (stdin), refusing oversized input without reading it all."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        return data, "<stdin>"
    p = Path(path)
    try:
        if p.is_dir():
            raise NoticeError(f"{path}: is a directory, expected a notice file")
        with p.open("rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError as e:
        raise NoticeError(f"{path}: no such file") from e
    except PermissionError as e:
        raise NoticeError(f"{path}: permission denied") from e
    except OSError as e:
        raise NoticeError(f"{path}: cannot read: {e.strerror or e}") from e
    return data, path


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=option) from e


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))

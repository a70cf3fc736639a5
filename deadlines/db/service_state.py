"""Shared facts about the service in the database (the relay's state, a dispatch pause), read by
every process: the worker writes them, `/healthz`, `deadlines outbox` and the console show them.

Like the rest of `db/`, functions take the session and never commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from deadlines.db.models import ServiceState

RELAY = "relay"  # {"state": "error", "stage": ..., "code": 535, "detail": ..., "at": iso}
DISPATCH_PAUSED = "dispatch_paused"  # {"reason": ..., "bounced": n, "attempted": n, "at": iso}


def get_state(*, session: Session, key: str) -> dict[str, Any] | None:
    row = session.get(ServiceState, key)
    return dict(row.value) if row is not None else None


def get_states(*, session: Session, keys: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Several keys in one query (the worker reads the relay state and the pause every pass)."""
    rows = session.exec(select(ServiceState).where(col(ServiceState.key).in_(keys)))
    return {r.key: dict(r.value) for r in rows}


def set_state(*, session: Session, key: str, value: dict[str, Any], now: datetime) -> None:
    row = session.get(ServiceState, key)
    if row is None:
        session.add(ServiceState(key=key, value=value, updated_at=now))
        return
    row.value = value
    row.updated_at = now
    session.add(row)


def clear_state(*, session: Session, key: str) -> bool:
    """Remove `key`; True when it was there."""
    result = session.exec(delete(ServiceState).where(col(ServiceState.key) == key))
    return bool(result.rowcount)


def problems(*, session: Session) -> list[dict[str, Any]]:
    """Everything operators must see, most serious first: a dispatch pause (the bounce brake),
    then the relay's last error; each `{"problem": "dispatch_paused" | "relay", ...details}`."""
    states = get_states(session=session, keys=(DISPATCH_PAUSED, RELAY))
    return [{"problem": key, **states[key]} for key in (DISPATCH_PAUSED, RELAY) if key in states]


def relay_problem(*, session: Session) -> dict[str, Any] | None:
    """The most serious of `problems`, or None when mail is flowing (for `/healthz`)."""
    found = problems(session=session)
    return found[0] if found else None


def describe(problem: dict[str, Any]) -> str:
    """One line for the CLI, the console and the log."""
    if problem.get("problem") == DISPATCH_PAUSED:
        return f"dispatch paused since {problem.get('at', '?')}: {problem.get('reason', '')}"
    code = problem.get("code")
    said = f"{code} {problem.get('detail', '')}" if code else str(problem.get("detail", ""))
    since = problem.get("since") or problem.get("at", "?")
    return f"SMTP relay error since {since} at {problem.get('stage', '?')}: {said.strip()}"

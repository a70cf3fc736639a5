"""Deadline histories from the audit log: what `changes.py` turns into "changed ..., was ...".

Keyword-only, the session given, nothing committed; the decisions stay in deadlines/changes.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from deadlines.changes import CONFIRM_DAY, DEADLINE_ACTIONS, DateChange, HistoryEntry, changes_from_history
from deadlines.db.models import AuditEntry, DeadlineRow

_CHUNK = 500  # targets per query: well inside every engine's limit on bound parameters


def _entries(session: Session, targets: Sequence[str], actions: Iterable[str]) -> list[HistoryEntry]:
    out: list[HistoryEntry] = []
    wanted = list(actions)
    for start in range(0, len(targets), _CHUNK):
        query = select(AuditEntry).where(
            col(AuditEntry.target).in_(targets[start : start + _CHUNK]),
            col(AuditEntry.action).in_(wanted),
        )
        out += [HistoryEntry(e.at, e.action, e.target, e.before, e.after) for e in session.exec(query)]
    return out


def deadline_changes(*, session: Session, rows: Iterable[DeadlineRow]) -> list[DateChange]:
    """The date changes of these deadlines, newest first. Only rows past their first revision
    can have any, so only those are looked up (by the audit log's target index)."""
    changed = [r for r in rows if r.revision > 1]
    if not changed:
        return []
    targets = sorted({f"{r.election_id}/{r.slug}" for r in changed})
    elections = sorted({r.election_id for r in changed})
    entries = _entries(session, targets, DEADLINE_ACTIONS) + _entries(session, elections, [CONFIRM_DAY])
    return changes_from_history(entries)

"""Rule sync: making the live rules and deadline records match a validated RuleBook, and listing them.

Every function takes the session explicitly and never commits: the caller's transaction
decides, so a failure anywhere stores nothing half-way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from deadlines.db.audit import audit
from deadlines.db.convert import TRACKED, record_values, row_snapshot, row_span, row_to_record, span_text
from deadlines.db.models import DeadlineRow, ElectionRow, RuleRevision
from deadlines.errors import RulesConflict
from deadlines.records import DeadlineRecord
from deadlines.rules.evaluate import evaluate_election
from deadlines.rules.loader import rulebook_from_documents
from deadlines.rules.model import RuleBook


@dataclass
class Change:
    election: str
    slug: str
    action: str  # created, updated, cancelled, restored, restated (day confirmed)
    before: str | None = None
    after: str | None = None

    def __str__(self) -> str:
        detail = ""
        if self.before and self.after and self.before != self.after:
            detail = f": {self.before} -> {self.after}"
        elif self.after and self.action == "created":
            detail = f": {self.after}"
        return f"{self.action:9} {self.election} / {self.slug}{detail}"


@dataclass
class ApplyReport:
    revisions: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.revisions or self.changes)


def latest_revisions(session: Session) -> dict[tuple[str, str], RuleRevision]:
    latest: dict[tuple[str, str], RuleRevision] = {}
    for row in session.exec(select(RuleRevision).order_by(col(RuleRevision.revision))):
        latest[(row.kind, row.key)] = row
    return latest


def live_rulebook(*, session: Session) -> RuleBook | None:
    """The rules every process works from: the latest stored revision of each document."""
    latest = [r for r in latest_revisions(session).values() if not r.removed]
    if not latest:
        return None
    return rulebook_from_documents((r.kind, r.document, r.source_file) for r in latest)


def _canonical(document: Any) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Paths to leaves; lists of tables with an `id` are keyed by it (rules by rule id)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value):
        out = {}
        for v in value:
            out.update(_flatten(v, f"{prefix}[{v['id']}]"))
        return out
    return {prefix: value}


def _differences(live: dict[str, Any], files: dict[str, Any]) -> list[str]:
    a, b = _flatten(live), _flatten(files)
    return [
        f"{path}: {a.get(path, '(none)')} in the console, {b.get(path, '(none)')} in the files"
        for path in sorted(set(a) | set(b))
        if a.get(path) != b.get(path)
    ]


def rule_rows(session: Session, election_id: str) -> dict[str, DeadlineRow]:
    """The stored deadlines of an election that its rules manage, by slug. Records published
    from notices are not the rules' to change or cancel."""
    query = select(DeadlineRow).where(DeadlineRow.election_id == election_id)
    return {r.slug: r for r in session.exec(query) if r.source.get("type") != "notice"}


def planned_values(record: DeadlineRecord, row: DeadlineRow | None) -> dict[str, Any]:
    """The row values a computed record asks for; notices that staff approved as confirming
    the deadline stay part of its provenance."""
    values = record_values(record)
    if row is not None and row.source.get("notices"):
        values["source"] = {**values["source"], "notices": row.source["notices"]}
    return values


def row_changed(row: DeadlineRow, values: dict[str, Any]) -> bool:
    """Whether storing `values` is a new revision of the row (what voters see or rely on)."""
    return any(getattr(row, k) != values[k] for k in TRACKED)


def _sync_revisions(session: Session, book: RuleBook, actor: str, force: bool, now: datetime) -> list[str]:
    latest = latest_revisions(session)
    wanted: dict[tuple[str, str], tuple[dict[str, Any], str | None]] = {}
    for rs in book.rulesets.values():
        wanted[("ruleset", rs.id)] = (dict(rs.document), rs.file)
    for e in book.elections.values():
        wanted[("election", e.id)] = (dict(e.document), e.file)
    conflicts: list[str] = []
    plan: list[tuple[tuple[str, str], dict[str, Any] | None, str | None, RuleRevision | None]] = []
    for wanted_key, (wanted_doc, wanted_file) in wanted.items():
        current = latest.get(wanted_key)
        if (
            current is not None
            and not current.removed
            and _canonical(current.document) == _canonical(wanted_doc)
        ):
            continue
        plan.append((wanted_key, wanted_doc, wanted_file, current))
    for live_key, live in latest.items():
        if live_key not in wanted and not live.removed:
            plan.append((live_key, None, live.source_file, live))
    for (kind, key), document, _file, current in plan:
        if current is not None and current.origin == "console" and not force:
            what = "remove" if document is None else "overwrite"
            difference = "; ".join(_differences(current.document, document or {})[:5])
            conflicts.append(
                f"{kind} {key}: the files would {what} revision {current.revision}, edited in the"
                f" console by {current.actor} at {current.created_at:%Y-%m-%d %H:%M} UTC ({difference})"
            )
    if conflicts:
        raise RulesConflict(
            "; ".join(conflicts) + ". Bring the files up to date with the console edit, or run"
            " `deadlines rules apply --force` to let the files win."
        )
    messages: list[str] = []
    for (kind, key), document, file, current in plan:
        revision = (current.revision + 1) if current else 1
        removed = document is None
        session.add(
            RuleRevision(
                kind=kind,
                key=key,
                revision=revision,
                document=document if document is not None else (current.document if current else {}),
                origin="file",
                source_file=file,
                removed=removed,
                actor=actor,
                created_at=now,
            )
        )
        audit(
            session=session,
            actor=actor,
            action=f"{kind}.{'remove' if removed else 'revise'}",
            target=key,
            before=current.document if current else None,
            after=document,
            now=now,
        )
        messages.append(f"{kind} {key}: {'removed' if removed else f'revision {revision}'}")
    return messages


def _sync_election_row(session: Session, book: RuleBook, election_id: str, now: datetime) -> bool:
    """Store the election's row; True when its day went from provisional to confirmed or back."""
    e = book.elections[election_id]
    values: dict[str, Any] = {
        "name_en": e.name["en"],
        "name_ko": e.name["ko"],
        "ruleset_id": e.ruleset,
        "day": e.day,
        "timezone": book.rulesets[e.ruleset].timezone,
        "anchors": {k: v.isoformat() for k, v in e.anchors.items()},
        "aliases": list(e.aliases),
        "status": "active",
        "provisional": e.provisional,
    }
    row = session.get(ElectionRow, election_id)
    if row is None:
        session.add(ElectionRow(id=election_id, updated_at=now, **values))
        session.flush()
        return False
    restated = row.provisional != e.provisional
    if any(getattr(row, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(row, k, v)
        row.updated_at = now
        session.add(row)
    return restated


def sync_records(
    *,
    session: Session,
    election_id: str,
    records: Sequence[DeadlineRecord],
    actor: str,
    now: datetime,
    restated: bool = False,
) -> list[Change]:
    """Make the stored deadlines of one election equal `records`; bump revisions on change.
    `restated`: the election's day was confirmed (or made provisional again), so every live row
    is a new revision even where its dates stay (calendars replace TENTATIVE with CONFIRMED)."""
    rows = rule_rows(session, election_id)
    changes: list[Change] = []
    for record in records:
        row = rows.pop(record.id, None)
        values = planned_values(record, row)
        after = span_text(record.opens, record.closes, values["opens_time"], values["closes_time"])
        if row is None:
            row = DeadlineRow(**values, revision=1, created_at=now, updated_at=now)
            session.add(row)
            changes.append(Change(election_id, record.id, "created", None, after))
            audit(
                session=session,
                actor=actor,
                action="deadline.create",
                target=f"{election_id}/{record.id}",
                after=row_snapshot(row),
                now=now,
            )
            continue
        if not row_changed(row, values) and not (restated and row.status != "cancelled"):
            continue
        before_snapshot = row_snapshot(row)
        before = row_span(row)
        action = "restored" if row.status == "cancelled" else "updated"
        if not row_changed(row, values):
            action = "restated"
        for k, v in values.items():
            setattr(row, k, v)
        row.revision += 1
        row.updated_at = now
        session.add(row)
        changes.append(Change(election_id, record.id, action, before, after))
        audit(
            session=session,
            actor=actor,
            action=f"deadline.{action[:-1] if action.endswith('ed') else action}",
            target=f"{election_id}/{record.id}",
            before=before_snapshot,
            after=row_snapshot(row),
            now=now,
        )
    for row in rows.values():
        if row.status == "cancelled":
            continue
        before_snapshot = row_snapshot(row)
        row.status = "cancelled"
        row.revision += 1
        row.updated_at = now
        session.add(row)
        changes.append(Change(election_id, row.slug, "cancelled"))
        audit(
            session=session,
            actor=actor,
            action="deadline.cancel",
            target=f"{election_id}/{row.slug}",
            before=before_snapshot,
            after=row_snapshot(row),
            now=now,
        )
    return changes


def sync_elections(
    *, session: Session, book: RuleBook, election_ids: Iterable[str], actor: str, now: datetime
) -> list[Change]:
    """Store the elections' rows and computed deadlines from a validated RuleBook."""
    changes: list[Change] = []
    for election_id in sorted(election_ids):
        restated = _sync_election_row(session, book, election_id, now)
        records = evaluate_election(book, election_id)
        changes += sync_records(
            session=session,
            election_id=election_id,
            records=records,
            actor=actor,
            now=now,
            restated=restated,
        )
    return changes


def apply_rulebook(
    *, session: Session, book: RuleBook, actor: str, now: datetime, force: bool = False
) -> ApplyReport:
    """Make the database's live rules and deadline records match a validated RuleBook."""
    report = ApplyReport()
    report.revisions = _sync_revisions(session, book, actor, force, now)
    report.changes += sync_elections(
        session=session, book=book, election_ids=book.elections, actor=actor, now=now
    )
    for row in session.exec(select(ElectionRow).where(ElectionRow.status == "active")):
        if row.id not in book.elections:
            row.status = "removed"
            row.updated_at = now
            session.add(row)
            report.changes += sync_records(
                session=session, election_id=row.id, records=[], actor=actor, now=now
            )
    return report


def list_elections(*, session: Session) -> list[ElectionRow]:
    return list(session.exec(select(ElectionRow).order_by(col(ElectionRow.day))))


def list_deadlines(
    *, session: Session, election_id: str | None = None, include_cancelled: bool = True
) -> list[tuple[DeadlineRecord, DeadlineRow]]:
    query = select(DeadlineRow)
    if election_id is not None:
        query = query.where(DeadlineRow.election_id == election_id)
    if not include_cancelled:
        query = query.where(DeadlineRow.status != "cancelled")
    rows = session.exec(query).all()
    pairs = [(row_to_record(r), r) for r in rows]
    pairs.sort(key=lambda p: (p[0].election_id, p[0].opens or p[0].closes or date.max, p[0].id))
    return pairs

"""Console edits of the live rules: preview what a new revision changes, publish it, revert.

The same validation as `rules apply`, the same deadline records, the same audit log. Nothing is
stored by a preview; publishing is one transaction the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from deadlines.corrections import Dates
from deadlines.db.audit import audit
from deadlines.db.convert import row_span, span_text
from deadlines.db.feeddata import feed_paths
from deadlines.db.models import DraftRow, OutboxRow, RuleRevision
from deadlines.db.rulesync import (
    Change,
    latest_revisions,
    planned_values,
    row_changed,
    rule_rows,
    sync_elections,
)
from deadlines.db.told import correction_recipients
from deadlines.errors import NotFound
from deadlines.errors import StaleRevision as StaleRevision
from deadlines.outbox_state import OPEN
from deadlines.rules.edit import Key, replaced
from deadlines.rules.evaluate import evaluate_election
from deadlines.rules.model import RuleBook


@dataclass
class DateChange:
    election: str
    slug: str
    title: str
    action: str  # created, updated, cancelled
    before: str
    after: str


@dataclass
class Preview:
    kind: str
    key: str
    base_revision: int
    document: dict[str, Any]
    changes: list[DateChange] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    pending_reminders: int = 0
    corrections: int = 0
    # Overrides approved from notices that this revision drops: "rule: notice N (draft D)".
    dropped_overrides: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes


def live_documents(session: Session) -> dict[Key, tuple[dict[str, Any], str | None]]:
    return {
        key: (dict(row.document), row.source_file)
        for key, row in latest_revisions(session).items()
        if not row.removed
    }


def current_revision(session: Session, kind: str, key: str) -> RuleRevision:
    row = latest_revisions(session).get((kind, key))
    if row is None or row.removed:
        raise NotFound(f"no live {kind} {key!r}")
    return row


def affected_elections(book: RuleBook, kind: str, key: str) -> list[str]:
    if kind == "election":
        return [key] if key in book.elections else []
    return sorted(e.id for e in book.elections.values() if e.ruleset == key)


def preview(*, session: Session, kind: str, key: str, document: dict[str, Any], now: datetime) -> Preview:
    """What publishing `document` as the next revision of (kind, key) would change. Raises
    RuleErrors when the document is invalid (alone or with the other live rules)."""
    base = current_revision(session, kind, key)
    book = replaced(live_documents(session), (kind, key), document)
    result = Preview(kind=kind, key=key, base_revision=base.revision, document=document)
    changed_ids: list[int] = []
    told_now: dict[int, Dates] = {}
    for election_id in affected_elections(book, kind, key):
        # The same comparison publishing makes: every row it would revise is listed.
        rows = rule_rows(session, election_id)
        for record in evaluate_election(book, election_id):
            row = rows.pop(record.id, None)
            values = planned_values(record, row)
            after = span_text(record.opens, record.closes, values["opens_time"], values["closes_time"])
            if row is None:
                result.changes.append(
                    DateChange(election_id, record.id, record.title["en"], "created", "-", after)
                )
                continue
            if row_changed(row, values):
                result.changes.append(
                    DateChange(election_id, record.id, record.title["en"], "updated", row_span(row), after)
                )
                assert row.id is not None
                changed_ids.append(row.id)
                told_now[row.id] = Dates(
                    values["opens"],
                    values["closes"],
                    values["opens_time"],
                    values["closes_time"],
                    values["status"],
                )
        for row in rows.values():
            if row.status != "cancelled":
                result.changes.append(
                    DateChange(election_id, row.slug, row.title_en, "cancelled", row_span(row), "-")
                )
                assert row.id is not None
                changed_ids.append(row.id)
                told_now[row.id] = Dates(row.opens, row.closes, row.opens_time, row.closes_time, "cancelled")
    if changed_ids:
        result.pending_reminders = session.exec(
            select(func.count())
            .select_from(OutboxRow)
            .where(
                col(OutboxRow.deadline_id).in_(changed_ids),
                col(OutboxRow.state).in_(OPEN),
            )
        ).one()
        # Exactly whom publishing will write to: everyone whose last-told dates will differ.
        result.corrections = len(correction_recipients(session, told_now))
    if kind == "election":
        result.dropped_overrides = [
            f"{d.rule}: notice {d.notice_id} (draft {d.id})"
            for d in dropped_override_drafts(session, key, document)
        ]
    changed = {c.election for c in result.changes}
    if changed:
        # The feeds that exist now for those elections (and the upcoming feeds that list them);
        # a feed of an audience the change adds appears once it is published.
        result.feeds = feed_paths(session=session, elections=changed, today=now.date())
    return result


def publish(
    *,
    session: Session,
    kind: str,
    key: str,
    document: dict[str, Any],
    base_revision: int,
    actor: str,
    now: datetime,
    action: str = "edit",
) -> tuple[int, list[Change]]:
    """Store `document` as the next live revision and update the deadline records.

    `base_revision` is the revision the staff member previewed against: if another revision was
    published meanwhile the edit is refused rather than silently undoing the other one."""
    current = current_revision(session, kind, key)
    if current.revision != base_revision:
        raise StaleRevision(
            f"{kind} {key} changed since your preview (now revision {current.revision}, by {current.actor});"
            " open it again to see the latest"
        )
    book = replaced(live_documents(session), (kind, key), document)
    revision = current.revision + 1
    # Read before the new revision is added: afterwards it would compare the document to itself.
    dropped = dropped_override_drafts(session, key, document) if kind == "election" else []
    add_revision(session=session, current=current, document=document, actor=actor, now=now, action=action)
    for draft in dropped:
        # The notice's date no longer holds: its draft goes back to staff rather than
        # claiming an approval the live rules no longer carry.
        audit(
            session=session,
            actor=actor,
            action="draft.reverted",
            target=f"draft {draft.id}",
            before={"status": draft.status},
            after={"status": "reverted", "revision": revision},
            now=now,
        )
        draft.status = "reverted"
        session.add(draft)
    changes = sync_elections(
        session=session, book=book, election_ids=affected_elections(book, kind, key), actor=actor, now=now
    )
    return revision, changes


def add_revision(
    *,
    session: Session,
    current: RuleRevision,
    document: dict[str, Any],
    actor: str,
    now: datetime,
    action: str,
) -> int:
    """Store `document` as the next console revision of `current`'s rule set or election, with
    its audit entry (`<kind>.<action>`, before and after); returns the new revision number."""
    revision = current.revision + 1
    session.add(
        RuleRevision(
            kind=current.kind,
            key=current.key,
            revision=revision,
            document=document,
            origin="console",
            source_file=current.source_file,
            actor=actor,
            created_at=now,
        )
    )
    audit(
        session=session,
        actor=actor,
        action=f"{current.kind}.{action}",
        target=current.key,
        before=dict(current.document),
        after=document,
        now=now,
    )
    return revision


def dropped_override_drafts(session: Session, election_id: str, document: dict[str, Any]) -> list[DraftRow]:
    """Approved notice drafts whose override of `election_id` the new document no longer has."""
    current = latest_revisions(session).get(("election", election_id))
    if current is None:
        return []

    def overrides(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
        items = doc.get("overrides") or []
        return {
            str(o.get("rule")): (str(o.get("opens", "")), str(o.get("closes", "")))
            for o in items
            if isinstance(o, dict)
        }

    before, after = overrides(dict(current.document)), overrides(document)
    dropped = {rule for rule, dates in before.items() if after.get(rule) != dates}
    if not dropped:
        return []
    drafts = session.exec(
        select(DraftRow).where(
            DraftRow.election_id == election_id,
            DraftRow.status == "approved",
            DraftRow.outcome == "conflict",
            col(DraftRow.rule).in_(dropped),
        )
    )
    return list(drafts)


def history(*, session: Session, kind: str, key: str) -> list[RuleRevision]:
    query = select(RuleRevision).where(RuleRevision.kind == kind, RuleRevision.key == key)
    return list(session.exec(query.order_by(col(RuleRevision.revision).desc())))


def revision_document(*, session: Session, kind: str, key: str, revision: int) -> dict[str, Any]:
    row = session.exec(
        select(RuleRevision).where(
            RuleRevision.kind == kind, RuleRevision.key == key, RuleRevision.revision == revision
        )
    ).first()
    if row is None or row.removed:
        raise NotFound(f"no revision {revision} of {kind} {key!r}")
    return dict(row.document)

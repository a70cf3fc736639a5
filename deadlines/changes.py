"""What changed: a deadline's history (its audit entries) turned into the date changes a voter
is shown ("Changed 2027-12-01: was 2028-02-12", and why). Pure.

Every change to a stored deadline leaves an audit entry (`deadline.update`, `.cancel`,
`.restore`, `.restate`) with the row before and after (db/rulesync.py). Only those whose dates
or standing differ are changes to a voter: a new description or a confirmed day that moved
nothing are not. The reason is the override's (staff must give one, and a notice that
contradicts a rule becomes one), or the election day's confirmation at the same moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from deadlines.corrections import Dates, differs, span

DEADLINE_ACTIONS = ("deadline.update", "deadline.cancel", "deadline.restore", "deadline.restate")
CONFIRM_DAY = "election.confirm-day"


@dataclass(frozen=True)
class HistoryEntry:
    """One audit entry as plain values."""

    at: datetime
    action: str
    target: str  # "election/slug" for deadlines, "election" for elections
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class DateChange:
    """One change of a deadline's dates or standing, as a voter is told it."""

    at: datetime
    election_id: str
    slug: str
    was: Dates
    now: Dates
    title: Mapping[str, str] = field(default_factory=dict)
    reason: str | None = None  # the override's reason, as staff wrote it
    day_confirmed: date | None = None  # the election day was confirmed at the same moment

    @property
    def kind(self) -> str:
        """moved, withdrawn or restored."""
        if self.now.cancelled:
            return "withdrawn"
        return "restored" if self.was.cancelled else "moved"


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _dates(snapshot: Mapping[str, Any]) -> Dates:
    return Dates(
        _day(snapshot.get("opens")),
        _day(snapshot.get("closes")),
        snapshot.get("opens_time"),
        snapshot.get("closes_time"),
        str(snapshot.get("status") or "published"),
    )


def _override(snapshot: Mapping[str, Any]) -> Mapping[str, Any] | None:
    source = snapshot.get("source")
    found = source.get("override") if isinstance(source, Mapping) else None
    return found if isinstance(found, Mapping) else None


def changes_from_history(entries: Iterable[HistoryEntry]) -> list[DateChange]:
    """The date changes among audit entries, newest first (the same moment: by deadline)."""
    entries = list(entries)
    confirmed: dict[tuple[str, datetime], date | None] = {
        (e.target, e.at): _day((e.after or {}).get("day")) for e in entries if e.action == CONFIRM_DAY
    }
    out: list[DateChange] = []
    for e in entries:
        if e.action not in DEADLINE_ACTIONS or e.before is None or e.after is None:
            continue
        was, now = _dates(e.before), _dates(e.after)
        if not differs(was, now):
            continue
        election_id, _, slug = e.target.partition("/")
        override = _override(e.after)
        reason = None
        if override is not None and override != _override(e.before):
            reason = str(override.get("reason") or "") or None
        title = {lang: str(e.after[f"title_{lang}"]) for lang in ("en", "ko") if e.after.get(f"title_{lang}")}
        out.append(
            DateChange(
                at=e.at,
                election_id=election_id,
                slug=slug,
                was=was,
                now=now,
                title=title,
                reason=reason,
                day_confirmed=confirmed.get((election_id, e.at)),
            )
        )
    out.sort(key=lambda c: (c.at, c.slug), reverse=True)
    return out


def by_deadline(changes: Iterable[DateChange]) -> dict[tuple[str, str], tuple[DateChange, ...]]:
    """(election, slug) -> its changes, newest first (given newest first)."""
    out: dict[tuple[str, str], list[DateChange]] = {}
    for c in changes:
        out.setdefault((c.election_id, c.slug), []).append(c)
    return {k: tuple(v) for k, v in out.items()}


def _part(d: date | None, t: str | None) -> str:
    return f"{d}{' ' + t if t else ''}" if d else ""


def was_text(change: DateChange) -> str:
    """What the dates were, saying only the end that moved: `2028-02-12`, or a whole span."""
    was, now = change.was, change.now
    if was.cancelled:
        return ""
    if not now.cancelled and was.opens and was.closes and was.opens != was.closes:
        if (was.opens, was.opens_time) == (now.opens, now.opens_time):
            return _part(was.closes, was.closes_time)
        if (was.closes, was.closes_time) == (now.closes, now.closes_time):
            return _part(was.opens, was.opens_time)
    return span(was)


WORDS = {
    "en": {
        "moved": "Changed {day}: was {was}",
        "withdrawn": "Withdrawn {day}: was {was}",
        "restored": "Restored {day}: it had been withdrawn",
        "why": "Why: {reason}",
        "confirmed": "Why: the election day was confirmed ({day})",
    },
    "ko": {
        "moved": "{day} 변경: 변경 전 {was}",
        "withdrawn": "{day} 취소: 취소 전 {was}",
        "restored": "{day} 복원: 취소되었던 일정입니다",
        "why": "사유: {reason}",
        "confirmed": "사유: 선거일 확정({day})",
    },
}


def changed_text(change: DateChange, lang: str, zone: str) -> str:
    """One line: "Changed 2027-12-01: was 2028-02-12", the day of the change in `zone`."""
    words = WORDS.get(lang, WORDS["en"])
    day = change.at.astimezone(ZoneInfo(zone)).date().isoformat()
    return words[change.kind].format(day=day, was=was_text(change))


def reason_text(change: DateChange, lang: str) -> str:
    """Why, in `lang` where the service words it ("" when no reason is recorded)."""
    words = WORDS.get(lang, WORDS["en"])
    if change.reason:
        return words["why"].format(reason=change.reason)
    if change.day_confirmed is not None:
        return words["confirmed"].format(day=change.day_confirmed.isoformat())
    return ""


def change_line(change: DateChange, lang: str, zone: str) -> str:
    """The change and its reason in one line, for feeds and emails."""
    why = reason_text(change, lang)
    return f"{changed_text(change, lang, zone)}. {why}" if why else changed_text(change, lang, zone)

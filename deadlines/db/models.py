"""Database tables: elections, deadline records, live rule revisions, notices, drafts, audit log."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from deadlines.clock import system_clock
from deadlines.db.types import UTCDateTime
from deadlines.db.voter_tables import DoneMark as DoneMark  # registers the voters' own tables
from deadlines.db.voter_tables import PersonalFeed as PersonalFeed


def utcnow() -> datetime:
    return system_clock()


def _when(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, **kw)


class RuleRevision(SQLModel, table=True):
    """One revision of a rule set or election document; the latest per (kind, key) is live."""

    __tablename__ = "rule_revision"
    __table_args__ = (UniqueConstraint("kind", "key", "revision", name="uq_rule_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)  # "ruleset" or "election"
    key: str = Field(max_length=100, index=True)
    revision: int
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    origin: str = Field(max_length=16)  # "file" or "console"
    source_file: str | None = Field(default=None, max_length=500)
    removed: bool = False
    actor: str = Field(max_length=100)
    created_at: datetime = _when()


class ElectionRow(SQLModel, table=True):
    __tablename__ = "election"

    id: str = Field(primary_key=True, max_length=100)
    name_en: str
    name_ko: str
    ruleset_id: str = Field(max_length=100)
    day: date
    timezone: str = Field(max_length=64)
    anchors: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="active", max_length=16)
    # The day was computed from the law (term end or cause) and staff have not confirmed it.
    provisional: bool = False
    updated_at: datetime = _when()


class DeadlineRow(SQLModel, table=True):
    """A stored deadline record; (election_id, slug) is its identity forever."""

    __tablename__ = "deadline"
    __table_args__ = (UniqueConstraint("election_id", "slug", name="uq_deadline_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    election_id: str = Field(foreign_key="election.id", index=True, max_length=100)
    slug: str = Field(max_length=100)
    title_en: str
    title_ko: str
    description_en: str = Field(default="", sa_type=Text)
    description_ko: str = Field(default="", sa_type=Text)
    kind: str = Field(max_length=16)
    audiences: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    opens: date | None = None
    closes: date | None = None
    opens_time: str | None = Field(default=None, max_length=5)
    closes_time: str | None = Field(default=None, max_length=5)
    local_time: bool = False
    timezone: str = Field(max_length=64)
    opens_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    status: str = Field(default="published", max_length=16, index=True)
    revision: int = 1
    source: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # How a voter acts (rule files' action_url and how; migration 0009).
    action_url: str | None = Field(default=None, max_length=500)
    how_en: str = Field(default="", sa_type=Text)
    how_ko: str = Field(default="", sa_type=Text)
    created_at: datetime = _when()
    updated_at: datetime = _when()


class NoticeRow(SQLModel, table=True):
    __tablename__ = "notice"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=500)
    sha256: str = Field(max_length=64, index=True)
    headline: str | None = None
    published: date | None = None
    election_id: str | None = Field(default=None, max_length=100)
    content: str = Field(sa_type=Text)
    ingested_at: datetime = _when()


class DraftRow(SQLModel, table=True):
    """A record extracted from a notice, waiting for staff review."""

    __tablename__ = "draft"

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    election_id: str | None = Field(default=None, max_length=100)
    kind: str = Field(max_length=16)
    starts: date | None = None
    ends: date | None = None
    time_starts: str | None = Field(default=None, max_length=5)
    time_ends: str | None = Field(default=None, max_length=5)
    timezone: str | None = Field(default=None, max_length=64)
    audiences: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    headline: str | None = None
    title: str | None = Field(default=None, max_length=200)  # a short label from the sentence or row
    quote: str = Field(sa_type=Text)
    span_start: int
    span_end: int
    confidence: float
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    past: bool = False
    outcome: str = Field(max_length=16)  # confirmed, conflict, new, past
    rule: str | None = Field(default=None, max_length=100)
    message: str = ""
    status: str = Field(default="pending", max_length=16, index=True)
    created_at: datetime = _when()


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(index=True)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=50)
    # Indexed: a deadline's history (what changed, web/changes.py) is read by target.
    target: str = Field(max_length=200, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class Subscriber(SQLModel, table=True):
    """A person who asked for reminders; the email is normalised and unique."""

    __tablename__ = "subscriber"
    # AUTOINCREMENT: a forgotten subscriber's id is never handed to the next sign-up, so an old
    # link or Message-ID can never point at a different person.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    # Bound into every link token; `forget` deletes it with the row, so old links die with it.
    secret: str = Field(default_factory=lambda: secrets.token_hex(16), max_length=64)
    language: str = Field(max_length=2)
    timezone: str = Field(max_length=64)
    status: str = Field(
        default="pending", max_length=16, index=True
    )  # pending active unsubscribed suppressed
    confirm_nonce: str | None = Field(default=None, max_length=32)
    hard_bounces: int = 0
    origin: str = Field(default="signup", max_length=16)  # signup, import
    created_at: datetime = _when()
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unsubscribed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmation_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Subscription(SQLModel, table=True):
    """What one subscriber follows: an election, audiences and reminder triggers."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("subscriber_id", "election_id", name="uq_subscription"),)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    election_id: str = Field(max_length=100, index=True)
    audiences: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    triggers: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # The overseas voting station (its id within the election) a voter abroad chose, if any.
    station: str | None = Field(default=None, max_length=64)
    # A yearly reminder to check their overseas voter registration before E-60 (재외선거인).
    registry_check: bool = False
    created_at: datetime = _when()


class StationRow(SQLModel, table=True):
    """An overseas voting station of one election: where, its zone, its voting days and hours."""

    __tablename__ = "station"
    __table_args__ = (UniqueConstraint("election_id", "station", name="uq_station"),)

    id: int | None = Field(default=None, primary_key=True)
    election_id: str = Field(max_length=100, index=True)
    station: str = Field(max_length=64)
    name_en: str = Field(max_length=200)
    name_ko: str = Field(default="", max_length=200)
    country: str = Field(max_length=100)
    city: str = Field(max_length=100)
    timezone: str = Field(max_length=64)
    address: str = Field(default="", sa_type=Text)
    opens: date
    closes: date
    hours: str = Field(default="08:00-17:00", max_length=11)
    updated_at: datetime = _when()


class OutboxRow(SQLModel, table=True):
    """One email to send: a reminder (unique per subscription, deadline and trigger), a correction
    or a confirmation. The database, not the scheduler, is the source of truth."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("subscription_id", "deadline_id", "trigger", name="uq_outbox_reminder"),
        Index("ix_outbox_due", "state", "due_at"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # reminder, correction, confirmation
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    subscription_id: int | None = Field(default=None, foreign_key="subscription.id")
    deadline_id: int | None = Field(default=None, foreign_key="deadline.id", index=True)
    trigger: str = Field(max_length=32)
    due_at: datetime = Field(sa_type=UTCDateTime)
    close_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revision: int = 0  # the deadline revision this row was planned for
    state: str = Field(default="pending", max_length=16)
    attempts: int = 0
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    leased_by: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=Text)
    # Corrections: {"reason": ..., "publish": ...}; what to say besides the dates themselves.
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = _when()


class Told(SQLModel, table=True):
    """The dates one subscriber was last told for one deadline (by a reminder or a correction):
    corrections compare against this, not against the first reminder."""

    __tablename__ = "told"
    __table_args__ = (UniqueConstraint("subscriber_id", "deadline_id", name="uq_told"),)

    id: int | None = Field(default=None, primary_key=True)
    # The unique (subscriber_id, deadline_id) index serves look-ups by subscriber: no second one
    # to maintain on every send.
    subscriber_id: int = Field(foreign_key="subscriber.id")
    deadline_id: int = Field(foreign_key="deadline.id", index=True)
    outbox_id: int  # the message that told them, for In-Reply-To / References
    revision: int
    opens: date | None = None
    closes: date | None = None
    opens_time: str | None = Field(default=None, max_length=5)
    closes_time: str | None = Field(default=None, max_length=5)
    status: str = Field(default="published", max_length=16)
    close_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    at: datetime = _when()


class StaffSession(SQLModel, table=True):
    """A console login held on the server: logout, password reset and expiry revoke it."""

    __tablename__ = "staff_session"

    id: str = Field(primary_key=True, max_length=64)  # sha256 of the cookie's random token
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    created_at: datetime = _when()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ServiceState(SQLModel, table=True):
    """Small shared facts about the service, one row per key (the relay's state, a dispatch
    pause), read by every process: `/healthz`, `deadlines outbox` and the console show them."""

    __tablename__ = "service_state"

    key: str = Field(primary_key=True, max_length=64)
    value: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _when()


class StaffUser(SQLModel, table=True):
    """A staff account of the console; `role` is editor (may change things) or viewer."""

    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=16)
    email: str | None = Field(default=None, max_length=320)
    # Bumped on password change or "log out everywhere": older session cookies stop working.
    session_epoch: int = 0
    active: bool = True
    created_at: datetime = _when()
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RateEvent(SQLModel, table=True):
    """One counted request (a sign-up) under a hashed key, shared by every web process."""

    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_bucket_at", "bucket", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(max_length=80)
    at: datetime = _when()

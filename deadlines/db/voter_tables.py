"""Tables of what a voter does with their reminders: deadlines they marked done, and the
current key of their personal calendar feed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from deadlines.clock import system_clock
from deadlines.db.types import UTCDateTime


class DoneMark(SQLModel, table=True):
    """A subscriber said "I've done it" for one deadline of one subscription: no further
    reminders for it (corrections still come: the date changed, and they may need to act again)."""

    __tablename__ = "done_mark"
    __table_args__ = (UniqueConstraint("subscription_id", "deadline_id", name="uq_done_mark"),)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    subscription_id: int = Field(foreign_key="subscription.id")
    deadline_id: int = Field(foreign_key="deadline.id", index=True)
    at: datetime = Field(default_factory=system_clock, sa_type=UTCDateTime, nullable=False)


class PersonalFeed(SQLModel, table=True):
    """The nonce bound into a subscriber's personal feed address. No row: the first address,
    never revoked. Revoking stores a new nonce, so every earlier address stops answering."""

    __tablename__ = "personal_feed"

    subscriber_id: int = Field(foreign_key="subscriber.id", primary_key=True)
    nonce: str = Field(max_length=32)
    updated_at: datetime = Field(default_factory=system_clock, sa_type=UTCDateTime, nullable=False)

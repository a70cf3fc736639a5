"""The JSON API: elections and their deadlines, described in the OpenAPI document."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from deadlines.feeds.catalog import FeedData, FeedSpec
from deadlines.records import DeadlineRecord, record_to_json
from deadlines.web.baseurl import base_url
from deadlines.web.links import feed_links
from deadlines.web.site import SiteDep
from deadlines.web.timeline import records_of


class ElectionPublic(BaseModel):
    id: str = Field(examples=["kr-2028-national-assembly"])
    name: dict[str, str] = Field(description="Name by language code (en, ko).")
    day: date = Field(description="Election day, a calendar date in the election's zone.")
    timezone: str = Field(description="IANA zone the law counts days in.", examples=["Asia/Seoul"])
    provisional: bool = Field(
        default=False, description="The day is computed from the law (term end, cause), not yet confirmed."
    )
    deadlines_url: str
    feed_url: str = Field(description="iCalendar feed of every deadline, English.")


class DeadlinePublic(BaseModel):
    id: str = Field(description="Stable slug of the deadline within its election.")
    election: str
    title: dict[str, str]
    description: dict[str, str]
    kind: str = Field(description="period, deadline or event.")
    audiences: list[str]
    opens: date | None
    closes: date | None
    opens_time: str | None = Field(description="HH:MM in the official zone; none means start of day.")
    closes_time: str | None = Field(description="HH:MM; none means the end of the closing day (24:00).")
    local_time: bool = Field(description="Times are in each voter's own zone (polling at missions).")
    opens_at: datetime | None = Field(description="The opening instant, UTC offset included.")
    closes_at: datetime | None = Field(description="The closing instant; for local-time records: none.")
    timezone: str
    status: str = Field(description="published or cancelled.")
    revision: int = Field(description="Goes up by one with each change (the feed's SEQUENCE).")
    source: dict[str, object]
    action_url: str | None = Field(default=None, description="Where a voter acts: an https page, or none.")
    how: dict[str, str] = Field(
        default_factory=dict, description="How to act, en and ko; '{link}' marks where action_url goes."
    )


class DeadlineList(BaseModel):
    election: ElectionPublic
    deadlines: list[DeadlinePublic]


class Problem(BaseModel):
    detail: str


def _deadline(r: DeadlineRecord) -> DeadlinePublic:
    # The API shape is the record's JSON shape (as `deadlines list --json` prints it), typed.
    return DeadlinePublic.model_validate(record_to_json(r))


router = APIRouter(prefix="/api", tags=["elections"])


def election_public(d: FeedData, base_url: str, election_id: str) -> ElectionPublic:
    """The API's view of one election of the snapshot; 404 when there is none by that id."""
    e = d.election(election_id)
    if e is None:
        raise HTTPException(status_code=404, detail=f"no election {election_id!r}")
    base = base_url.rstrip("/")
    return ElectionPublic(
        id=e.id,
        name=dict(e.name),
        day=e.day,
        timezone=e.timezone,
        provisional=e.provisional,
        deadlines_url=f"{base}/api/elections/{e.id}/deadlines",
        feed_url=feed_links(base, FeedSpec(e.id, None, "en").path)["url"],
    )


@router.get("/elections", response_model=list[ElectionPublic], summary="Published elections")
def elections(request: Request, site: SiteDep) -> list[ElectionPublic]:
    """Every published election, soonest first."""
    d = site.feeds.current()
    return [election_public(d, base_url(request, site.settings), e.id) for e in d.elections]


@router.get(
    "/elections/{election_id}/deadlines",
    response_model=DeadlineList,
    responses={404: {"model": Problem, "description": "No such election."}},
    summary="Deadlines of one election",
)
def deadlines(request: Request, site: SiteDep, election_id: str) -> DeadlineList:
    """All deadlines of the election, cancelled ones included (status tells)."""
    d = site.feeds.current()
    info = election_public(d, base_url(request, site.settings), election_id)
    return DeadlineList(election=info, deadlines=[_deadline(r) for r in records_of(d, election_id)])

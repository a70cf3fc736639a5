"""The web app's construction: one injected clock read by pages, logins and caches; router helpers
tested alone; the feed endpoint's prebuilt 200 and 304 answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from deadlines.feeds.catalog import ElectionInfo, FeedData
from deadlines.web.feedcache import make_entry
from deadlines.web.feedroute import _not_modified
from deadlines.web.pagecache import PageCache
from deadlines.web.public import form_context
from deadlines.web.security import SECURITY_HEADERS
from tests.web_helpers import ELECTION_2028, make_settings, running_site

BEFORE = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
AFTER = datetime(2028, 5, 1, 9, 0, tzinfo=UTC)  # the 2028 National Assembly election is held


def test_the_home_page_reads_the_clock_given_to_create_app(sqlite_url: str, tmp_path: Path) -> None:
    settings = make_settings(sqlite_url, tmp_path)
    with running_site(settings, clock=lambda: BEFORE) as site:
        assert "23rd National Assembly Election" in site.client.get("/").text
    with running_site(settings, clock=lambda: AFTER) as site:
        assert "23rd National Assembly Election" not in site.client.get("/").text
        # The election page still shows it, every deadline passed.
        assert site.client.get(f"/elections/{ELECTION_2028}").status_code == 200


def test_form_context_offers_the_elections_still_ahead_on_the_day() -> None:
    past = ElectionInfo("old", {"en": "Old", "ko": "옛"}, date(2024, 4, 10), "Asia/Seoul")
    ahead = ElectionInfo("new", {"en": "New", "ko": "새"}, date(2028, 4, 12), "Asia/Seoul")
    context = form_context(FeedData((past, ahead), ()), date(2026, 1, 1), {"email": ""}, {})
    assert context["elections"] == [ahead] and "all" not in context["audience_choices"]
    assert form_context(FeedData((past, ahead), ()), date(2028, 4, 12), {}, {})["elections"] == [ahead]


@dataclass
class _Feeds:
    """The two things the page cache asks of the feed cache: its snapshot and its clock."""

    now: datetime
    state: object

    def clock(self) -> datetime:
        return self.now


def test_a_cached_page_lives_a_minute_of_the_sites_clock() -> None:
    feeds = _Feeds(BEFORE, object())
    pages = PageCache(feeds)  # type: ignore[arg-type]
    key = ("/", "en", None)
    pages.put(key, b"<p>csrf-token-placeholder</p>", 200)
    assert pages.get(key) is not None
    feeds.now = BEFORE + timedelta(seconds=59)
    assert pages.get(key) is not None
    feeds.now = BEFORE + timedelta(seconds=60)
    assert pages.get(key) is None
    feeds.now = BEFORE - timedelta(hours=1)  # the clock set back: the page is from the future
    assert pages.get(key) is None
    feeds.now = BEFORE
    feeds.state = object()  # a new snapshot replaces every page
    assert pages.get(key) is None


def test_a_feed_entry_has_its_304_headers_prebuilt() -> None:
    entry = make_entry(b"BEGIN:VCALENDAR\r\n", BEFORE, b"text/calendar; charset=utf-8", 300)
    for headers in (entry.not_modified, entry.not_modified_gz):
        names = [name for name, _ in headers]
        assert b"content-length" not in names and b"content-encoding" not in names
        assert all(h in headers for h in SECURITY_HEADERS)
    assert (b"etag", entry.etag_gz) in entry.not_modified_gz
    assert _not_modified(entry, entry.etag, entry.etag, None)
    assert _not_modified(entry, entry.etag, b'W/"x", ' + entry.etag, None)
    assert not _not_modified(entry, entry.etag, b'"other"', None)
    assert _not_modified(entry, entry.etag, None, entry.last_modified_text)
    assert _not_modified(entry, entry.etag, None, b"Sat, 01 Jan 2028 00:00:00 GMT")
    assert not _not_modified(entry, entry.etag, None, b"Sat, 01 Jan 2022 00:00:00 GMT")
    assert not _not_modified(entry, entry.etag, None, b"not a date")


def test_feeds_their_errors_and_pages_all_carry_the_security_headers(site: object) -> None:
    client = site.client  # type: ignore[attr-defined]
    feed = client.get(f"/calendars/{ELECTION_2028}.en.ics")
    answers = [
        feed,
        client.get(f"/calendars/{ELECTION_2028}.en.ics", headers={"if-none-match": feed.headers["etag"]}),
        client.get(
            f"/calendars/{ELECTION_2028}.en.ics", headers={"if-modified-since": feed.headers["last-modified"]}
        ),
        client.get("/calendars/nothing.en.ics"),
        client.post(f"/calendars/{ELECTION_2028}.en.ics"),
        client.get("/"),
        client.get("/healthz"),
    ]
    assert [a.status_code for a in answers] == [200, 304, 304, 404, 405, 200, 200]
    for answer in answers:
        assert answer.headers["x-frame-options"] == "DENY", answer.request.url
        assert answer.headers["x-content-type-options"] == "nosniff"

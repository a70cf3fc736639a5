"""Every election of every type, end to end: each published feed passes the feed checks, the
pages and the API answer in both languages without leaks, and a reminder email renders.

One site for the module (the shipped rules, the sample overseas stations, and the 2025
presidential election after a vacancy, the one rule set with no shipped election), on a pinned
clock (1 Dec 2026)."""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest
import vobject

from deadlines.adapters import mail_settings
from deadlines.feeds.builder import parts_of
from deadlines.feeds.catalog import FeedData, FeedSpec, build, catalog
from deadlines.feeds.text import day_text
from deadlines.howto import LABEL, how_line
from deadlines.mail.render import MailJob, Renderer
from deadlines.records import DeadlineRecord
from deadlines.rules import RuleBook, evaluate_election, load_rules
from tests.conftest import ROOT, RULES_DIR, Cli, cli_env
from tests.feeds_helpers import SETTINGS, feed_data
from tests.lang_check import foreign_runs
from tests.test_feeds_builder import events
from tests.web_helpers import Site, make_settings, running_site

NOW = datetime(2026, 12, 1, 3, tzinfo=UTC)
STATIONS_CSV = ROOT / "deadlines" / "samples" / "stations-kr-2028-national-assembly.csv"
VOTERS = {"domestic", "overseas", "all"}

# The 21st presidential election, held after the office fell vacant: no shipped election uses
# the vacancy rule set, so the module adds this past one to a copy of the rules. The cause (the
# Constitutional Court's ruling) was finalised on 4 Apr 2025 and the NEC held the election on
# Wed 3 Jun 2025 (dates as in tests/test_rules_published_dates.py).
VACANCY = "kr-2025-presidential-vacancy"
VACANCY_TOML = f"""
[[election]]
id = "{VACANCY}"
name = {{ en = "21st Presidential Election", ko = "제21대 대통령선거" }}
ruleset = "kr-presidential-vacancy"
day = 2025-06-03
anchors.cause = 2025-04-04
notes = "Past; a test fixture."
"""

SHIPPED = sorted(load_rules(RULES_DIR).elections)
ELECTIONS = [*SHIPPED, VACANCY]

# Published dates, as (rule, opens, closes), where the election has them:
# - 22nd National Assembly, Wed 10 Apr 2024: the NEC press release of 9 Nov 2023 and its
#   schedule reporting of March 2024 (the table in ../shared/kr-election-law.md);
# - 9th local elections, Wed 3 Jun 2026: the NEC's schedule as the press reported it (the same
#   summary): preliminary registration from 3 Feb, 20 Feb and 22 Mar, resignations by 5 Mar and
#   4 May, candidates 14-15 May, campaign 21 May - 2 Jun, early voting 29-30 May;
# - 21st presidential (vacancy), Wed 3 Jun 2025: NEC schedule from the cause of 4 Apr 2025.
# The others are still to come: their days follow from the law (Art. 34, 35, 203), provisional:
# by-elections on the first Wednesday of April 2027 (7 Apr) and of October 2027 (6 Oct), the
# 23rd National Assembly on Wed 12 Apr 2028 (term ends 29 May 2028), the 22nd presidential on
# Wed 27 Mar 2030 (term ends 3 Jun 2030), the 10th local elections on Wed 12 Jun 2030 (term ends
# 30 Jun 2030; 5 Jun would sit beside Memorial Day, 6 Jun, so it moves a week, Art. 34(2)).
PUBLISHED: dict[str, list[tuple[str, str | None, str | None]]] = {
    "kr-2024-national-assembly": [
        ("overseas-absentee-report", "2023-11-12", "2024-02-10"),
        ("resignation-public-officials", None, "2024-01-11"),
        ("candidate-registration", "2024-03-21", "2024-03-22"),
        ("overseas-voting", "2024-03-27", "2024-04-01"),
        ("campaign-period", "2024-03-28", "2024-04-09"),
        ("early-voting", "2024-04-05", "2024-04-06"),
        ("election-day", "2024-04-10", "2024-04-10"),
    ],
    "kr-2026-local": [
        ("preliminary-registration-governors", "2026-02-03", None),
        ("preliminary-registration-councils-districts", "2026-02-20", None),
        ("preliminary-registration-counties", "2026-03-22", None),
        ("resignation-public-officials", None, "2026-03-05"),
        ("resignation-local-head-candidates", None, "2026-05-04"),
        ("candidate-registration", "2026-05-14", "2026-05-15"),
        ("campaign-period", "2026-05-21", "2026-06-02"),
        ("early-voting", "2026-05-29", "2026-05-30"),
        ("election-day", "2026-06-03", "2026-06-03"),
    ],
    VACANCY: [
        ("overseas-absentee-report", "2025-04-04", "2025-04-24"),
        ("candidate-registration", "2025-05-10", "2025-05-11"),
        ("campaign-period", "2025-05-12", "2025-06-02"),
        ("early-voting", "2025-05-29", "2025-05-30"),
        ("election-day", "2025-06-03", "2025-06-03"),
    ],
    "kr-2027-04-by-election": [("election-day", "2027-04-07", "2027-04-07")],
    "kr-2027-10-by-election": [("election-day", "2027-10-06", "2027-10-06")],
    "kr-2028-national-assembly": [("election-day", "2028-04-12", "2028-04-12")],
    "kr-2030-presidential": [("election-day", "2030-03-27", "2030-03-27")],
    "kr-2030-local": [("election-day", "2030-06-12", "2030-06-12")],
}


@dataclass
class World:
    site: Site
    book: RuleBook
    data: FeedData

    def records(self, election: str) -> list[DeadlineRecord]:
        return [i.record for i in self.data.items if i.record.election_id == election]


def rules_with_vacancy(tmp: Path) -> Path:
    """The shipped rule files under `tmp/rules`, plus the presidential vacancy election that
    this module adds (the one rule set with no shipped election)."""
    rules = tmp / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "zz-test-vacancy.toml").write_text(VACANCY_TOML, encoding="utf-8")
    return rules


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("every")
    rules = rules_with_vacancy(tmp)
    db = f"sqlite:///{tmp / 'site.db'}"
    settings = make_settings(db, tmp, rules_dir=rules)
    run = Cli({**cli_env(db, tmp), "DEADLINES_RULES_DIR": str(rules)})
    applied = run("rules", "apply")
    assert applied.exit_code == 0, applied.output
    imported = run("stations", "import", str(STATIONS_CSV))
    assert imported.exit_code == 0, imported.output
    with running_site(settings, clock=lambda: NOW) as site:
        yield World(site, load_rules(rules), site.client.app.cache.current())  # type: ignore[attr-defined]


def test_every_rule_set_has_an_election(world: World) -> None:
    """The module covers every type: a new rule set without an election here fails."""
    assert {world.book.elections[e].ruleset for e in ELECTIONS} == set(world.book.rulesets)
    assert {e.id for e in world.data.elections} == set(ELECTIONS)


# --- Feeds ---------------------------------------------------------------------------------


def check_feed(body: bytes) -> icalendar.Calendar:
    """The feed checks of tests/test_feeds_builder.py, applied to any feed."""
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b""), "lines end in CRLF"
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, f"line over 75 octets: {line!r}"
        line.decode("utf-8")  # no line ends inside a multi-byte character
    cal = icalendar.Calendar.from_ical(body)
    for prop in ("PRODID", "NAME", "X-WR-CALNAME", "X-WR-TIMEZONE", "DESCRIPTION", "X-WR-CALDESC"):
        assert str(cal.get(prop, "")).strip(), f"no {prop}"
    assert cal["VERSION"] == "2.0" and cal["CALSCALE"] == "GREGORIAN" and cal["METHOD"] == "PUBLISH"
    text = body.decode().replace("\r\n ", "")
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT" in text and "\r\nX-PUBLISHED-TTL:PT" in text
    found = cal.walk("VEVENT")
    assert found, "no events"
    uids = [str(e["uid"]) for e in found]
    assert len(set(uids)) == len(uids), "UIDs repeat"
    assert all(u.endswith("@deadlines.example.org") for u in uids)
    # A second parser reads the same events.
    assert {str(v.uid.value) for v in vobject.readOne(body.decode()).vevent_list} == set(uids)
    for e in found:
        for prop in ("dtstamp", "dtstart", "dtend", "summary", "description", "url", "status", "transp"):
            assert prop in e, f"{e['uid']}: no {prop.upper()}"
        stamp = e.decoded("dtstamp")
        assert isinstance(stamp, datetime) and stamp.utcoffset() == timedelta(0)
        assert e.decoded("dtend") > e.decoded("dtstart")
        assert "{" not in str(e["summary"]) + str(e["description"]), e["uid"]
    used = set(re.findall(r";TZID=([^:;]+)", text))
    assert used <= {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")}, "TZID without VTIMEZONE"
    assert cal.get_missing_tzids() == set()
    return cal


def _specs(world: World, election: str) -> list[FeedSpec]:
    return [s for s in catalog(world.data, NOW.date()) if s.election == election]


@pytest.mark.parametrize("election", ELECTIONS)
def test_every_feed_of_the_election_passes_the_feed_checks(world: World, election: str) -> None:
    specs = _specs(world, election)
    assert {s.lang for s in specs} == {"en", "ko"} and any(s.audience for s in specs)
    uids: dict[tuple[str | None, str | None], dict[str, set[str]]] = {}
    provisional = world.data.election(election).provisional  # type: ignore[union-attr]
    for spec in specs:
        response = world.site.client.get(f"/calendars/{spec.path}")
        assert response.status_code == 200, (spec.path, response.text[:300])
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        cal = check_feed(response.content)
        # Stable: asked again, the same bytes.
        assert world.site.client.get(f"/calendars/{spec.path}").content == response.content
        uids.setdefault((spec.audience, spec.station), {})[spec.lang] = {
            str(e["uid"]) for e in cal.walk("VEVENT")
        }
        # Provisional elections say so in every event; confirmed ones never do.
        for e in cal.walk("VEVENT"):
            said = "Provisional:" in str(e["description"]) or "잠정:" in str(e["description"])
            assert said == provisional and (str(e["status"]) == "TENTATIVE") == provisional, e["uid"]
    # The same events in both languages, under the same UIDs.
    for (audience, station), by_lang in uids.items():
        assert by_lang["en"] == by_lang["ko"], (audience, station)


@pytest.mark.parametrize("election", ELECTIONS)
def test_feed_events_are_the_computed_dates(world: World, election: str) -> None:
    """The general feed holds one event per part of each computed record, on its dates; the
    UIDs are those the pure builder gives for the same records (stable across builds)."""
    body = world.site.client.get(f"/calendars/{election}.en.ics").content
    served = events(body)
    computed = evaluate_election(world.book, election)
    expected: set[str] = set()
    for record in computed:
        for part in parts_of(record):
            key = f"{record.id}.{part.name}.{election}"
            expected.add(key)
            event = served[key]
            start, end = event.decoded("dtstart"), event.decoded("dtend")
            if part.name in ("closes", "deadline"):
                last = end.date() if isinstance(end, datetime) and part.end_time else end - timedelta(days=1)
                last = last.date() if isinstance(last, datetime) else last
                assert last == part.last, key
            else:
                first = start.date() if isinstance(start, datetime) else start
                assert first == part.first, key
    assert set(served) == expected
    pure = events(
        build(feed_data(world.book, (election,)), FeedSpec(election, None, "en"), SETTINGS, NOW).body
    )
    assert set(pure) == set(served)


@pytest.mark.parametrize("election", ELECTIONS)
def test_records_are_the_published_dates(world: World, election: str) -> None:
    by_id = {r.id: r for r in world.records(election)}
    for rule, opens, closes in PUBLISHED[election]:
        if opens:
            assert by_id[rule].opens == date.fromisoformat(opens), (rule, by_id[rule].opens)
        if closes:
            assert by_id[rule].closes == date.fromisoformat(closes), (rule, by_id[rule].closes)


def test_the_upcoming_feeds_pass_the_feed_checks(world: World) -> None:
    for lang in ("en", "ko"):
        response = world.site.client.get(f"/calendars/upcoming.{lang}.ics")
        assert response.status_code == 200
        cal = check_feed(response.content)
        held = {str(e["uid"]).split("@")[0].rsplit(".", 1)[1] for e in cal.walk("VEVENT")}
        assert held == {e.id for e in world.data.elections if e.day >= NOW.date()}


# --- Pages and the API -------------------------------------------------------------------------

LEAKS = ("{{", "{%", "{ ", "None", "<built-in", "Traceback", "Internal Server Error")


def _visible(html: str) -> str:
    """The page without its scripts and styles (which may hold braces)."""
    return re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)


def check_page(response: object, lang: str, where: str) -> str:
    text: str = response.text  # type: ignore[attr-defined]
    assert response.status_code == 200, (where, text[:300])  # type: ignore[attr-defined]
    assert f'<html lang="{lang}"' in text[:300], where
    shown = _visible(text)
    assert not [w for w in LEAKS if w in shown], (where, [w for w in LEAKS if w in shown])
    assert not re.search(r"\{[a-z_]+\}", shown), (where, re.findall(r"\{[a-z_]+\}", shown))
    other = "en" if lang == "ko" else "ko"
    assert not foreign_runs(text, other), (where, foreign_runs(text, other))
    return text


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("election", ELECTIONS)
def test_pages_answer_in_both_languages(world: World, election: str, lang: str) -> None:
    get = world.site.client.get
    info = world.data.election(election)
    assert info is not None
    page = check_page(get(f"/elections/{election}", params={"lang": lang}), lang, election)
    assert info.name[lang] in page
    marked = 'class="provisional"' in page
    assert marked == info.provisional, f"{election}: provisional {info.provisional}, page says {marked}"
    # The page offers only feeds the calendar list publishes (none for voters abroad where the
    # election has no overseas voting).
    offered = set(re.findall(r"https://deadlines\.example\.org/calendars/([^\"?]+\.ics)", page))
    assert offered and offered <= {s.path for s in _specs(world, election)}, offered
    check_page(get(f"/elections/{election}/changes", params={"lang": lang}), lang, f"{election}/changes")
    stations = [s for s in world.data.stations if s.station.election == election]
    if stations:
        listed = check_page(
            get(f"/elections/{election}/stations", params={"lang": lang}), lang, f"{election}/stations"
        )
        assert all(s.station.name(lang) in listed for s in stations)
    calendars = check_page(get("/calendars/", params={"lang": lang}), lang, "calendars")
    assert f"/calendars/{election}.{lang}.ics" in calendars


@pytest.mark.parametrize("election", ELECTIONS)
def test_api_gives_the_computed_records(world: World, election: str) -> None:
    response = world.site.client.get(f"/api/elections/{election}/deadlines")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    answer = response.json()
    info = world.data.election(election)
    assert info is not None
    assert answer["election"]["provisional"] is info.provisional
    assert answer["election"]["day"] == info.day.isoformat()
    computed = {r.id: r for r in evaluate_election(world.book, election)}
    given = {d["id"]: d for d in answer["deadlines"]}
    assert set(given) == set(computed)
    for rid, record in computed.items():
        assert given[rid]["opens"] == (record.opens.isoformat() if record.opens else None), rid
        assert given[rid]["closes"] == (record.closes.isoformat() if record.closes else None), rid
    assert "None" not in json.dumps(answer)
    listed = world.site.client.get("/api/elections").json()
    assert next(e for e in listed if e["id"] == election)["provisional"] is info.provisional


# --- Email -----------------------------------------------------------------------------------


def _voter_record(world: World, election: str) -> DeadlineRecord:
    """The first voter-facing deadline of the election that tells how to act."""
    records = [
        r
        for r in world.records(election)
        if VOTERS & set(r.audiences) and r.closes and how_line(r, "en") and not r.local_time
    ]
    assert records, f"{election}: no voter-facing deadline says how to act"
    return min(records, key=lambda r: (r.closes, r.id))


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("election", ELECTIONS)
def test_a_reminder_renders_with_its_dates(world: World, election: str, lang: str) -> None:
    record = _voter_record(world, election)
    [computed] = [r for r in evaluate_election(world.book, election) if r.id == record.id]
    assert (record.opens, record.closes, record.closes_time) == (
        computed.opens,
        computed.closes,
        computed.closes_time,
    )
    zone = "America/Los_Angeles" if "overseas" in record.audiences else "Asia/Seoul"
    close = record.closing_instant(zone)
    assert close is not None
    info = world.data.election(election)
    assert info is not None
    job = MailJob(
        outbox_id=1,
        kind="reminder",
        trigger="P3D",
        email="voter@example.org",
        language=lang,
        zone=zone,
        subscriber_id=1,
        record=record,
        election_name=info.name[lang],
        close_at=close,
        subscriber_secret="s" * 32,
    )
    raw = Renderer(mail_settings(world.site.settings)).render(job, close - timedelta(days=3))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    check_mime(message)
    text = str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    html = str(message.get_body(("html",)).get_content())  # type: ignore[union-attr]
    official = day_text(record.closes, lang)  # type: ignore[arg-type]
    clock = f"{record.closes_time:%H:%M}" if record.closes_time else "24:00"
    labels = {"en": "Official deadline: ", "ko": "공식 마감: "}
    assert f"{labels[lang]}{official} {clock} ({record.timezone})" in text, text
    assert record.title[lang] in str(message["Subject"]) and info.name[lang] in text
    assert f"{LABEL[lang]}: " in text and f"<strong>{LABEL[lang]}:</strong>" in html
    for part in (text, _visible(html)):
        assert not [w for w in LEAKS if w in part], [w for w in LEAKS if w in part]
    assert f'<html lang="{lang}">' in html
    other = "en" if lang == "ko" else "ko"
    assert not foreign_runs(html, other), foreign_runs(html, other)


def check_mime(message: EmailMessage) -> None:
    """Headers a mail client needs, a text and an HTML part in UTF-8, nothing the parser
    had to repair."""
    for header in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "List-Unsubscribe"):
        assert message[header], f"no {header}"
    assert message.get_content_type() in ("multipart/alternative", "multipart/mixed")
    for part in message.walk():
        assert not part.defects, (part.get_content_type(), part.defects)
        if not part.is_multipart():
            assert part.get_content_charset() in ("utf-8", "us-ascii", None), part.get_content_type()
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None

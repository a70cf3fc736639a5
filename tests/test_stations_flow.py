"""Overseas voting stations end to end on a real database: the import command's report, the
published station feeds (real instants in each station's zone), the public page in English
and Korean, the feed over HTTP, sign-up with a station, and the console's audited edit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlmodel import Session, col, select

from deadlines.db.engine import make_engine
from deadlines.db.models import AuditEntry, Subscriber, Subscription
from tests.conftest import ROOT, Cli, cli_env
from tests.web_helpers import Site, make_settings, running_site

SAMPLE = ROOT / "deadlines" / "samples" / "stations-kr-2028-national-assembly.csv"
E2028 = "kr-2028-national-assembly"
LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
HEADER = SAMPLE.read_text(encoding="utf-8").splitlines()[0]


def _events(path: Path) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return [c for c in cal.walk("VEVENT") if isinstance(c, icalendar.Event)]


@pytest.fixture
def site(sqlite_url: str, tmp_path: Path) -> object:
    settings = make_settings(sqlite_url, tmp_path)
    run = Cli(cli_env(sqlite_url, tmp_path))
    result = run("stations", "import", str(SAMPLE))
    assert result.exit_code == 0, result.output
    with running_site(settings, clock=lambda: NOW) as s:
        yield s


@pytest.mark.slow
def test_import_reports_each_row_kept_or_skipped_by_line(sqlite_url: str, tmp_path: Path) -> None:
    make_settings(sqlite_url, tmp_path)
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    bad = [
        f"{E2028},paris,Paris,파리,France,Paris,Europe/Paros,,2028-03-29,2028-04-03,",
        f"{E2028},lyon,Lyon,리옹,France,Lyon,Europe/Paris,,2028-03-28,2028-04-01,",
    ]
    csv = tmp_path / "stations.csv"
    csv.write_text("\n".join([*rows[:3], *bad]) + "\n", encoding="utf-8")
    run = Cli(cli_env(sqlite_url, tmp_path))
    result = run("stations", "import", str(csv))
    assert result.exit_code == 0
    assert (
        f"created   line 2: {E2028}/los-angeles (2028-03-29..2028-04-03 America/Los_Angeles)" in result.stdout
    )
    assert f"created   line 3: {E2028}/orange-county" in result.stdout
    assert "imported 2 station(s) (2 new, 0 updated, 0 unchanged); skipped 2 row(s)" in result.stdout
    assert f"skipped: {csv}:4: field 'timezone': 'Europe/Paros' is not a known time zone" in result.stderr
    assert f"skipped: {csv}:5: field 'opens': 2028-03-28..2028-04-01 is outside" in result.stderr
    assert (tmp_path / "calendars" / f"{E2028}.station.los-angeles.en.ics").exists()
    # Again: nothing changes, and each row says so.
    again = run("stations", "import", str(csv), "--election", E2028)
    assert "imported 2 station(s) (0 new, 0 updated, 2 unchanged)" in again.stdout
    listed = run("stations", "list", "--election", E2028, "--json")
    assert '"station": "orange-county"' in listed.stdout and '"hours": "08:00-17:00"' in listed.stdout


def test_import_fails_only_when_nothing_is_usable(sqlite_url: str, tmp_path: Path) -> None:
    make_settings(sqlite_url, tmp_path)
    run = Cli(cli_env(sqlite_url, tmp_path))
    csv = tmp_path / "bad.csv"
    csv.write_text(f"{HEADER}\n{E2028},x,X,X,Y,Z,Nowhere/Zone,,2028-03-29,2028-04-03,\n", encoding="utf-8")
    result = run("stations", "import", str(csv))
    assert result.exit_code == 1
    assert "skipped: " in result.stderr and "no usable row; nothing was changed" in result.stderr
    missing = run("stations", "import", str(tmp_path / "absent.csv"))
    assert missing.exit_code == 1 and "absent.csv: no such file" in missing.stderr
    assert "Traceback" not in result.output + missing.output
    assert run("stations", "list").stdout.strip() == "no stations"


def test_the_los_angeles_feed_opens_at_08_00_los_angeles_time_each_day(db_url: str, tmp_path: Path) -> None:
    """Acceptance: the sample stations imported and published, the Los Angeles station's feed
    has one event per voting day (29 Mar - 3 Apr 2028), each from 08:00 to 17:00 in
    America/Los_Angeles: 08:00 PDT is 15:00 UTC."""
    make_settings(db_url, tmp_path)
    run = Cli(cli_env(db_url, tmp_path))
    assert run("stations", "import", str(SAMPLE)).exit_code == 0
    assert run("publish").exit_code == 0
    path = tmp_path / "calendars" / f"{E2028}.station.los-angeles.en.ics"
    events = _events(path)
    days = [date(2028, 3, 29) + timedelta(days=i) for i in range(6)]
    assert [e.decoded("dtstart").astimezone(UTC) for e in events] == [
        datetime(d.year, d.month, d.day, 15, tzinfo=UTC) for d in days
    ]
    # 17:00 PDT is midnight UTC.
    assert [e.decoded("dtend").astimezone(UTC) for e in events] == [
        datetime.combine(d + timedelta(days=1), time(0), UTC) for d in days
    ]
    for e in events:
        assert e["dtstart"].params["TZID"] == "America/Los_Angeles"
        assert e.decoded("dtstart").astimezone(LA).hour == 8
    body = path.read_bytes().decode()
    assert "BEGIN:VTIMEZONE\r\nTZID:America/Los_Angeles" in body
    assert str(events[0]["summary"]) == "Overseas voting: Consulate General in Los Angeles"
    # The additional stations: three days only; Arizona keeps MST (08:00 = 15:00 UTC too).
    oc = _events(tmp_path / "calendars" / f"{E2028}.station.orange-county.ko.ics")
    assert [e.decoded("dtstart").date() for e in oc] == [
        date(2028, 3, 31),
        date(2028, 4, 1),
        date(2028, 4, 2),
    ]
    assert str(oc[0]["summary"]) == "재외투표: 오렌지카운티 추가투표소"
    arizona = _events(tmp_path / "calendars" / f"{E2028}.station.arizona.en.ics")
    assert arizona[0].decoded("dtstart").astimezone(UTC) == datetime(2028, 3, 31, 15, tzinfo=UTC)


def test_station_page_in_english_and_korean_with_search(site: Site) -> None:
    c = site.client
    en = c.get(f"/elections/{E2028}/stations?lang=en")
    assert en.status_code == 200
    text = en.text
    assert "<h2>United States</h2>" in text and "<h3>Los Angeles</h3>" in text
    assert "Wed 29 Mar 2028 – Mon 3 Apr 2028 (6 day(s))" in text
    assert "08:00-17:00 local time (America/Phoenix)" in text
    assert f"/calendars/{E2028}.station.los-angeles.en.ics" in text
    ko = c.get(f"/elections/{E2028}/stations?lang=ko")
    assert (
        "<h2>미국</h2>" in ko.text
        and "<h3>로스앤젤레스</h3>" in ko.text
        and "주로스앤젤레스 총영사관" in ko.text
    )
    assert "2028. 3. 31.(금) – 2028. 4. 2.(일) (3일간)" in ko.text
    assert f"/calendars/{E2028}.station.los-angeles.ko.ics" in ko.text
    found = c.get(f"/elections/{E2028}/stations", params={"q": "도쿄", "lang": "en"})
    assert "Embassy in Japan" in found.text and "Sydney" not in found.text
    assert "1 of 7 stations match" in found.text
    none = c.get(f"/elections/{E2028}/stations", params={"q": "<script>", "lang": "en"})
    assert none.status_code == 200 and "No station matches" in none.text and "<script>" not in none.text
    assert c.get("/elections/no-such-election/stations").status_code == 404
    assert f'href="/elections/{E2028}/stations"' in c.get(f"/elections/{E2028}").text


def test_a_station_feed_over_http(site: Site) -> None:
    c = site.client
    r = c.get(f"/calendars/{E2028}.station.tokyo.ko.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    events = [e for e in icalendar.Calendar.from_ical(r.content).walk("VEVENT")]
    assert len(events) == 6 and events[0].decoded("dtstart") == datetime(
        2028, 3, 29, 8, tzinfo=ZoneInfo("Asia/Tokyo")
    )
    etag = r.headers["etag"]
    assert (
        c.get(f"/calendars/{E2028}.station.tokyo.ko.ics", headers={"if-none-match": etag}).status_code == 304
    )
    assert c.get(f"/calendars/{E2028}.station.nowhere.en.ics").status_code == 404
    assert c.get(f"/calendars/{E2028}.station.tokyo.en.ics?alarms=P1D").status_code == 400
    index = c.get("/calendars/index.json").json()["feeds"]
    assert {"station": "tokyo", "language": "en"}.items() <= next(
        f for f in index if f["id"] == f"{E2028}.station.tokyo.en"
    ).items()


def test_sign_up_with_a_station_is_stored(site: Site) -> None:
    form = site.client.get(f"/subscribe?election={E2028}&lang=en").text
    assert '<select id="station" name="station"' in form
    assert f'<option value="{E2028}/los-angeles">United States · Los Angeles' in form
    # Only where the chosen election has stations: not for the 2030 local elections.
    assert 'name="station"' not in site.client.get("/subscribe?election=kr-2030-local").text
    assert 'name="station"' not in site.client.get("/elections/kr-2030-local").text
    r = site.post(
        "/subscribe",
        {
            "email": "abroad@example.org",
            "language": "ko",
            "timezone": "America/Los_Angeles",
            "elections": E2028,
            "station": f"{E2028}/los-angeles",
        },
    )
    assert r.status_code == 200
    with Session(site.engine) as session:
        sub = session.exec(
            select(Subscription).join(Subscriber, col(Subscriber.id) == col(Subscription.subscriber_id))
        ).one()
    assert (sub.election_id, sub.station) == (E2028, "los-angeles")


@pytest.mark.slow
def test_console_edit_and_delete_are_audited_and_republished(site: Site) -> None:
    site.login("viewer")
    assert site.client.get("/admin/stations").status_code == 200
    assert site.post(f"/admin/stations/{E2028}/tokyo", {"closes": "2028-04-02"}).status_code == 403
    site.client.cookies.clear()
    site.login("editor")
    listing = site.client.get("/admin/stations?lang=en").text
    assert f'href="/admin/stations/{E2028}/los-angeles"' in listing
    page = site.client.get(f"/admin/stations/{E2028}/tokyo")
    assert page.status_code == 200 and 'value="Asia/Tokyo"' in page.text
    values = {
        "name_en": "Embassy in Japan",
        "name_ko": "주일본 대사관",
        "country": "Japan",
        "city": "Tokyo",
        "timezone": "Asia/Tokyo",
        "address": "Minato-ku",
        "opens": "2028-03-30",
        "closes": "2028-04-02",
        "hours": "09:00-17:00",
    }
    outside = site.post(f"/admin/stations/{E2028}/tokyo", {**values, "closes": "2028-04-04"})
    assert outside.status_code == 400 and "outside the overseas voting window" in outside.text
    saved = site.post(f"/admin/stations/{E2028}/tokyo", values)
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/stations"
    with Session(site.engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "station.updated")).one()
    assert entry.actor == "staff:editor" and entry.target == f"station/{E2028}/tokyo"
    assert entry.before and entry.before["opens"] == "2028-03-29" and entry.before["hours"] == "08:00-17:00"
    assert entry.after and entry.after["opens"] == "2028-03-30" and entry.after["hours"] == "09:00-17:00"
    feed = site.client.get(f"/calendars/{E2028}.station.tokyo.en.ics").content
    events = [e for e in icalendar.Calendar.from_ical(feed).walk("VEVENT")]
    assert len(events) == 4 and events[0].decoded("dtstart").hour == 9
    gone = site.post(f"/admin/stations/{E2028}/tokyo/delete")
    assert gone.status_code == 303
    assert site.client.get(f"/calendars/{E2028}.station.tokyo.en.ics").status_code == 404
    assert site.client.get(f"/admin/stations/{E2028}/tokyo").status_code == 404
    with Session(site.engine) as session:
        deleted = session.exec(select(AuditEntry).where(AuditEntry.action == "station.deleted")).one()
    assert deleted.before and deleted.before["station"] == "tokyo"


def test_preferences_show_and_change_the_station(site: Site) -> None:
    from deadlines.reminders.subscribers import link_token

    site.post(
        "/subscribe",
        {
            "email": "prefs@example.org",
            "timezone": "Asia/Tokyo",
            "elections": E2028,
            "station": f"{E2028}/tokyo",
        },
    )
    with Session(site.engine) as session:
        subscriber = session.exec(select(Subscriber)).one()
        token = link_token(site.settings.secret_key, "preferences", subscriber)
    page = site.client.get(f"/preferences/{token}?lang=en").text
    assert f'<option value="{E2028}/tokyo" selected>' in page
    saved = site.post(
        f"/preferences/{token}",
        {"timezone": "Asia/Tokyo", "elections": E2028, "station": f"{E2028}/sydney", "registry_check": "1"},
    )
    assert saved.status_code == 303
    with Session(site.engine) as session:
        sub = session.exec(select(Subscription)).one()
    assert (sub.station, sub.registry_check) == ("sydney", True)
    page = site.client.get(f"/preferences/{token}?lang=en").text
    assert f'<option value="{E2028}/sydney" selected>' in page and 'value="1" checked' in page


def test_list_flags_a_station_outside_the_current_window(sqlite_url: str, tmp_path: Path) -> None:
    from sqlalchemy import update

    from deadlines.db.models import StationRow

    make_settings(sqlite_url, tmp_path)
    run = Cli(cli_env(sqlite_url, tmp_path))
    assert run("stations", "import", str(SAMPLE)).exit_code == 0
    # As if the election day had moved a week earlier once confirmed: Tokyo's stored days now
    # end after the window.
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        session.execute(
            update(StationRow)
            .where(col(StationRow.station) == "tokyo")
            .values(opens=date(2028, 4, 1), closes=date(2028, 4, 4))
        )
        session.commit()
    engine.dispose()
    listed = run("stations", "list", "--election", E2028).stdout
    tokyo = next(line for line in listed.splitlines() if " tokyo " in line)
    assert tokyo.endswith(
        "! 2028-04-01..2028-04-04 is outside the overseas voting window 2028-03-29..2028-04-03 (E-14 to E-9)"
    )
    assert "!" not in next(line for line in listed.splitlines() if " sydney " in line)

"""The sign-up form's defaults and its errors: which elections are ticked before the visitor
chooses, and every field's error at once, in the reader's language. Pure: plain values in."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime

from deadlines.errors import SubscriberError
from deadlines.feeds.catalog import FeedData
from deadlines.reminders.subscribers import (
    SignUp,
    check_audiences,
    check_language,
    check_station,
    check_triggers,
    check_zone,
    normalise_email,
)
from deadlines.web.timeline import next_deadlines, records_of, upcoming

# Who a deadline must be for to make its election worth ticking by default: the site is for
# voters abroad first, so elections with an overseas voting deadline still ahead.
VOTER_ABROAD = "overseas"
# When no election has one (no overseas voting at local elections and by-elections), the
# elections with any voter's deadline ahead.
ANY_VOTER = ("overseas", "domestic", "all")


def default_elections(data: FeedData, now: datetime) -> list[str]:
    """The elections a voter would want before choosing: every upcoming election with a voter
    abroad's deadline still ahead (the national elections); by-elections and local elections,
    which have no overseas voting and whose seats may not even be known, are left for the
    voter to tick. If no election has one, every upcoming election with a voter's deadline
    ahead, so a sign-up with only an address typed succeeds whenever there is anything to
    remind about."""
    for wanted in ((VOTER_ABROAD,), ANY_VOTER):
        chosen = [
            e.id
            for e in upcoming(data, now.date())
            if next_deadlines(
                [r for r in records_of(data, e.id) if any(a in wanted for a in r.audiences)], now, count=1
            )
        ]
        if chosen:
            return chosen
    return []


KO_MESSAGES: Mapping[str, str] = {
    "email": "올바른 메일 주소가 아닙니다: {value}",
    "email.empty": "메일 주소를 입력하세요.",
    "timezone": "알 수 없는 시간대입니다: {value}. 도시 이름이나 Asia/Seoul 같은 이름을 입력하세요.",
    "timezone.empty": "시간대를 입력하세요.",
    "elections.none": "선거를 하나 이상 고르세요.",
    "elections.unknown": "알 수 없는 선거입니다: {value}",
    "language": "고를 수 없는 언어입니다: {value}",
    "audiences": "고를 수 없는 대상입니다: {value}",
    "triggers": "고를 수 없는 알림 시점입니다: {value}",
    "station": "고른 선거의 재외투표소가 아닙니다: {value}",
}
EN_EMPTY: Mapping[str, str] = {
    "email.empty": "enter an email address",
    "timezone.empty": "enter a time zone",
}


def _message(field: str, kind: str, english: str, value: object, lang: str) -> str:
    key = f"{field}.{kind}" if kind else field
    if lang != "ko":
        return EN_EMPTY.get(key, english)
    return KO_MESSAGES.get(key, KO_MESSAGES.get(field, english)).format(value=value)


def translated(error: SubscriberError, lang: str) -> dict[str, str]:
    """One service error as {field: message in `lang`}; a "form" error carries them all."""
    if error.field == "form" and isinstance(error.value, dict):
        return {str(k): str(v) for k, v in error.value.items()}
    kind = ""
    if error.field == "elections":
        kind = "none" if "at least one" in error.message else "unknown"
    value = error.value if error.value is not None else error.message.partition(";")[0]
    return {error.field: _message(error.field, kind, error.message, value, lang)}


def sign_up_errors(
    request: SignUp,
    known_elections: Collection[str],
    known_stations: Collection[str] | None,
    lang: str,
    *,
    with_email: bool = True,
) -> dict[str, str]:
    """Every field's error at once (the service stops at the first), keyed by field name."""
    errors: dict[str, str] = {}
    email, zone = request.email.strip(), request.timezone.strip()
    if with_email and not email:
        errors["email"] = _message("email", "empty", "", "", lang)
    if not zone:
        errors["timezone"] = _message("timezone", "empty", "", "", lang)
    if not request.elections:
        errors["elections"] = _message("elections", "none", "choose at least one election", "", lang)
    unknown = [e for e in request.elections if e not in known_elections]
    if unknown:
        english = f"unknown election {unknown[0]!r}"
        errors["elections"] = _message("elections", "unknown", english, unknown[0], lang)
    checks: list[tuple[str, Callable[[], object], object]] = [
        ("language", lambda: check_language(request.language), request.language),
        ("audiences", lambda: check_audiences(request.audiences), ", ".join(request.audiences)),
        ("triggers", lambda: check_triggers(request.triggers), ", ".join(request.triggers or ())),
        (
            "station",
            lambda: check_station(request.station, request.elections, known_stations),
            request.station,
        ),
    ]
    if with_email and email:
        checks.append(("email", lambda: normalise_email(request.email), email))
    if zone:
        checks.append(("timezone", lambda: check_zone(zone), zone))
    for field, check, value in checks:
        if field in errors:
            continue
        try:
            check()
        except SubscriberError as e:
            errors[field] = _message(field, "", e.message, value, lang)
    return errors

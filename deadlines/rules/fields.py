"""Field converters and the per-file checker that rule validation is built from. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deadlines.errors import RuleError
from deadlines.records import AUDIENCES, LANGUAGES
from deadlines.rules.evaluate import FIRST_DAY, LAST_DAY
from deadlines.rules.model import SLUG, Offset, parse_time

T = TypeVar("T")


class Locator:
    """Finds the line of a field inside the table whose `id` is given: tomllib keeps no positions."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line_of(self, item_id: str | None, field: str | None = None) -> int | None:
        start = 0
        if item_id is not None:
            pattern = re.compile(rf"""^\s*id\s*=\s*["']{re.escape(item_id)}["']""")
            found = next((i for i, line in enumerate(self.lines) if pattern.match(line)), None)
            if found is None:
                return None
            start = found
            # Search back to the table header so fields written before `id` are found too.
            while start > 0 and not self.lines[start].lstrip().startswith("["):
                start -= 1
        if field is None:
            return start + 1
        key = re.compile(rf"^\s*{re.escape(field)}\s*=")
        for i in range(start, len(self.lines)):
            if i > start and self.lines[i].lstrip().startswith("["):
                break
            if key.match(self.lines[i]):
                return i + 1
        return start + 1 if item_id is not None else None


class FileChecker:
    """Validates the tables of one file, collecting errors instead of stopping at the first."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.locate = Locator(text)
        self.errors: list[RuleError] = []
        # Ids of rule sets that failed validation: elections naming them get no second error.
        self.broken: set[str] = set()

    def error(self, item: str | None, field: str | None, message: str, item_id: str | None = None) -> None:
        self.errors.append(
            RuleError(
                message,
                file=self.file,
                line=self.locate.line_of(item_id, field),
                item=item,
                field=field,
            )
        )

    def unknown_fields(
        self, table: Mapping[str, Any], allowed: set[str], item: str, item_id: str | None
    ) -> None:
        for key in table:
            if key not in allowed:
                self.error(
                    item, key, f"unknown field {key!r}; expected one of {', '.join(sorted(allowed))}", item_id
                )

    def get(
        self,
        table: Mapping[str, Any],
        field: str,
        convert: Callable[[Any], T],
        item: str,
        item_id: str | None,
        *,
        required: bool = True,
    ) -> T | None:
        if field not in table:
            if required:
                self.error(item, field, "missing required field", item_id)
            return None
        try:
            return convert(table[field])
        except (ValueError, TypeError) as e:
            self.error(item, field, str(e), item_id)
            return None


def string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {value!r}")
    return value.strip()


def slug(value: Any) -> str:
    text = string(value)
    if not SLUG.match(text):
        raise ValueError(f"expected a lower-case slug like 'overseas-voting', got {value!r}")
    return text


def languages(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a table with keys en and ko, got {value!r}")
    extra = set(value) - set(LANGUAGES)
    if extra:
        raise ValueError(f"unknown language {sorted(extra)[0]!r}; expected en and ko")
    missing = [lang for lang in LANGUAGES if lang not in value]
    if missing:
        raise ValueError(f"missing language {missing[0]!r}; expected both en and ko")
    return {lang: string(value[lang]) for lang in LANGUAGES}


def titles(value: Any) -> dict[str, str]:
    """Names and titles end up in email subjects and calendar summaries: one line each."""
    titles = languages(value)
    for lang, text in titles.items():
        if any(c in text for c in "\r\n\x00"):
            raise ValueError(f"{lang}: line breaks are not allowed in a name or title, got {text!r}")
    return titles


def zone(value: Any) -> str:
    text = string(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"unknown time zone {text!r}; expected an IANA name like 'Asia/Seoul'") from e
    return text


def choice(choices: Iterable[str]) -> Callable[[Any], str]:
    options = tuple(choices)

    def convert(value: Any) -> str:
        if value not in options:
            raise ValueError(f"got {value!r}; expected one of {', '.join(options)}")
        return str(value)

    return convert


def audiences(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of audiences, got {value!r}")
    for item in value:
        if item not in AUDIENCES:
            raise ValueError(f"unknown audience {item!r}; expected one of {', '.join(AUDIENCES)}")
    return tuple(value)


def offset(value: Any) -> Offset:
    if not isinstance(value, str):
        raise ValueError(f"expected an offset string like 'E-150', got {value!r}")
    return Offset.parse(value)


def date_value(value: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")


def election_date(value: Any) -> date:
    """An election day or anchor: a date whose deadlines, days or months around it, still fit in
    the calendar (an election on 9999-12-31 overflowed when its deadlines were computed)."""
    day = date_value(value)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{day} is outside the dates this service computes ({FIRST_DAY} to {LAST_DAY})")
    return day


def hours(value: Any) -> tuple[Any, Any]:
    text = string(value)
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError(f"expected hours like '06:00-18:00', got {value!r}")
    return parse_time(parts[0]), parse_time(parts[1])


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list of strings, got {value!r}")
    return tuple(string(v) for v in value)


def https_url(value: Any) -> str:
    """A page a voter is sent to: https only (no http, javascript: or mailto:), one line, a host."""
    text = string(value)
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"expected an https URL like 'https://ok.nec.go.kr', got {value!r}")
    if any(c.isspace() or c in "<>\"'\\" or ord(c) < 32 for c in text):
        raise ValueError(f"a URL may not contain spaces, quotes or angle brackets, got {value!r}")
    return text

"""The one exception hierarchy of the service, with its mapping to exit codes and HTTP status."""

from __future__ import annotations


class DeadlinesError(Exception):
    """Base of every error the service reports to a user; `str()` is the one-line message."""

    exit_code = 1
    status = 400


class ConfigError(DeadlinesError):
    """A setting is missing or invalid."""


class RuleError(DeadlinesError):
    """A rule file or rule set is invalid: the message names file, line, id, field and value."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        item: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.item = item
        self.field = field
        self.message = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
        parts = [p for p in (where, self.item, f"field {self.field!r}" if self.field else "") if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class RuleErrors(DeadlinesError):
    """Several rule errors found in one pass, so staff see them all at once."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class NoticeError(DeadlinesError):
    """A notice could not be read (binary, empty, too large, undecodable)."""


class NotFound(DeadlinesError):
    """An election, deadline or notice that does not exist."""

    status = 404


class StorageError(DeadlinesError):
    """The database cannot be reached or refused an operation."""

    status = 503


class RulesConflict(DeadlinesError):
    """Rule files would undo edits staff made in the console; needs --force."""


class TokenError(DeadlinesError):
    """A link token that is malformed, forged, expired or for another purpose."""

    status = 400


class SubscriberError(DeadlinesError):
    """Bad sign-up or import data: `field` names the form field (or CSV column) at fault."""

    def __init__(self, message: str, *, field: str, value: object = None) -> None:
        self.field = field
        self.value = value
        self.message = message
        super().__init__(f"{field}: {message}")


class NotSuppressed(DeadlinesError):
    """The address is not suppressed: nothing to bring back."""


class HeaderInjection(DeadlinesError):
    """A header value carried a line break."""


class BadFeedOption(DeadlinesError):
    """A feed was asked for with an option it does not have."""

    status = 400


class StaleRevision(DeadlinesError):
    """Someone published another revision since the preview was made."""

    status = 409


class ReviewError(DeadlinesError):
    """A draft cannot be approved or edited as asked; the message says why."""


class StaffError(DeadlinesError):
    """A bad username, password or role; the message names which."""


class StationError(DeadlinesError):
    """A bad overseas voting station (a CSV row or a console edit), or an unreadable station
    file: names the file, line, field and value at fault."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.value = value
        self.message = message
        where = (file or "") + (f":{line}" if line else "")
        parts = [p for p in (where, f"field {field!r}" if field else "") if p]
        super().__init__(": ".join([*parts, message]))

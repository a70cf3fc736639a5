"""Typed settings read from the environment (prefix DEADLINES_), validated at load."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from deadlines.errors import ConfigError
from deadlines.quiet_hours import parse_quiet_hours

DEV_SECRET = "dev-secret-change-me"


class Settings(BaseSettings):
    """Every option has a default that works on a laptop; see the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="DEADLINES_", extra="ignore")

    environment: str = Field(
        "development", description="development, test or production; production refuses unsafe defaults."
    )
    database_url: str = Field(
        "sqlite:///deadlines.db",
        description="SQLAlchemy URL; a SQLite file by default, postgresql://... for scale-out.",
    )
    db_pool_size: int = Field(5, description="PostgreSQL: connections kept open per process.", ge=1)
    db_max_overflow: int = Field(10, description="PostgreSQL: extra connections allowed under load.", ge=0)
    db_statement_timeout_ms: int = Field(
        30000, description="PostgreSQL: statements running longer are cancelled (0: no limit).", ge=0
    )
    rules_dir: Path = Field(Path("rules"), description="Directory of rule files (*.toml).")
    calendars_dir: Path = Field(Path("calendars"), description="Where published feeds are written.")
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public URL of the site, for links. Unset in development: pages link to the "
        "address each request came to; emails and feed files use this default.",
    )
    secret_key: str = Field(DEV_SECRET, description="Signs tokens and sessions; set it in production.")
    max_notice_bytes: int = Field(
        2_000_000, description="Largest notice accepted by extract and ingest, in bytes.", gt=0
    )
    actor: str = Field("cli", description="Name recorded in the audit log for command-line changes.")
    uid_domain: str = Field(
        "deadlines.invalid",
        description="Domain part of feed event UIDs; never change it once feeds are published.",
    )
    feed_ttl_hours: float = Field(
        12, description="How often calendar clients should refresh a feed (REFRESH-INTERVAL).", gt=0
    )
    cancelled_retention_days: int = Field(
        90, description="Days a cancelled deadline stays in feeds as STATUS:CANCELLED.", ge=0
    )
    feed_refresh_seconds: float = Field(
        5, description="How often a web process checks the database for changed feeds.", gt=0
    )
    feed_cache_seconds: int = Field(
        300, description="Cache-Control max-age of feed responses, in seconds.", ge=0
    )

    smtp_host: str = Field("localhost", description="SMTP server for outgoing mail.")
    smtp_port: int = Field(1025, description="SMTP port (1025 is the demo mail catcher).", gt=0, lt=65536)
    smtp_username: str | None = Field(None, description="SMTP login name; no login when unset.")
    smtp_password: str | None = Field(None, description="SMTP password.")
    smtp_tls: str = Field("none", description="none, starttls or tls (implicit TLS, usually port 465).")
    smtp_timeout: float = Field(30, description="Seconds to wait for the SMTP server.", gt=0)
    smtp_concurrency: int = Field(4, description="SMTP connections used in parallel.", ge=1, le=64)
    smtp_rate_limit: float = Field(0, description="Most messages per second (0: no limit).", ge=0)
    mail_from: str = Field(
        "Election deadlines <deadlines@localhost>", description="From address of every email."
    )
    dkim_key_file: Path | None = Field(None, description="PEM private key; DKIM-signs mail when set.")
    dkim_selector: str = Field("deadlines", description="DKIM selector (DNS: SELECTOR._domainkey.DOMAIN).")
    dkim_domain: str | None = Field(None, description="DKIM signing domain (default: the From domain).")
    reminder_horizon_days: int = Field(
        14, description="Reminders are planned this many days ahead (a rolling window).", ge=1
    )
    quiet_hours: str = Field(
        "22:00-08:00", description="No reminders in this local window, unless waiting would be too late."
    )
    max_attempts: int = Field(8, description="Tries per email before it is marked failed.", ge=1)
    retry_base_seconds: float = Field(
        30, description="First retry delay; doubles each time, with jitter.", gt=0
    )
    hard_bounce_limit: int = Field(
        1, description="Permanent (5xx) failures before an address is suppressed.", ge=1
    )
    bounce_brake_share: float = Field(
        0.05,
        description="Bounce brake: when more than this share of one dispatch pass's recipients "
        "bounce, nobody is suppressed and dispatch pauses (the relay, not the list).",
        ge=0,
        le=1,
    )
    bounce_brake_min: int = Field(
        20, description="Bounce brake: it trips only with at least this many bounces in the pass.", ge=1
    )
    lease_seconds: int = Field(
        120, description="How long a worker holds claimed reminders before others may take them.", ge=5
    )
    batch_size: int = Field(200, description="Reminders claimed per dispatch batch.", ge=1)
    unrecorded_max: int = Field(
        100,
        description="Most sent emails whose outcome is not yet stored; a crash may repeat these.",
        ge=1,
    )
    dispatch_interval_seconds: float = Field(5, description="Worker: seconds between dispatch passes.", gt=0)
    plan_interval_seconds: float = Field(300, description="Worker: seconds between planning passes.", gt=0)
    publish_interval_seconds: float = Field(
        300, description="Worker: seconds between feed publishing passes.", gt=0
    )
    confirmation_hours: int = Field(72, description="Hours a confirmation link stays valid.", ge=1)
    attach_ics: bool = Field(False, description="Attach the deadline as an .ics file to reminders.")
    signup_limit_per_client: int = Field(
        10, description="Sign-ups accepted per client address within the sign-up window.", ge=1
    )
    signup_limit_per_email: int = Field(
        3, description="Sign-ups accepted per email address within the sign-up window.", ge=1
    )
    signup_window_minutes: int = Field(60, description="Length of the sign-up rate-limit window.", ge=1)
    confirmation_resend_minutes: int = Field(
        10, description="A confirmation email is sent to one address at most once in this time.", ge=0
    )
    max_request_bytes: int = Field(
        65536,
        description="Largest request body accepted by forms and the API (notice uploads: see max_notice_bytes).",
        gt=0,
    )
    session_hours: float = Field(12, description="How long a staff login lasts.", gt=0)
    cookie_secure: bool = Field(
        True, description="Mark cookies Secure (browsers still accept them on http://localhost)."
    )

    @field_validator("smtp_tls")
    @classmethod
    def _known_tls(cls, value: str) -> str:
        if value not in ("none", "starttls", "tls"):
            raise ValueError(f"expected none, starttls or tls, got {value!r}")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _window(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str) -> str:
        if value not in ("development", "test", "production"):
            raise ValueError(f"expected development, test or production, got {value!r}")
        return value

    @model_validator(mode="after")
    def _refuse_insecure(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise ValueError("DEADLINES_SECRET_KEY must be set in production")
        return self


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, turning validation errors into one-line ConfigErrors."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "settings"
        name = f"DEADLINES_{field.upper()}" if first["loc"] else "settings"
        raise ConfigError(f"invalid setting {name}: {first['msg']}") from e

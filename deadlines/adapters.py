"""The service settings cut to what each part takes: SMTP, mail rendering, feeds.

Beside `Settings` so that the parts (`mail`, `feeds`) never import the settings class, and so
that nothing needs the worker to learn how it talks SMTP.
"""

from __future__ import annotations

from datetime import timedelta

from deadlines.feeds.catalog import FeedSettings
from deadlines.mail.render import MailSettings
from deadlines.mail.smtp import SmtpSettings
from deadlines.settings import Settings


def smtp_settings(s: Settings) -> SmtpSettings:
    return SmtpSettings(
        host=s.smtp_host,
        port=s.smtp_port,
        tls=s.smtp_tls,
        username=s.smtp_username,
        password=s.smtp_password,
        timeout=s.smtp_timeout,
        dkim_key_file=s.dkim_key_file,
        dkim_selector=s.dkim_selector,
        dkim_domain=s.dkim_domain,
    )


def mail_settings(s: Settings) -> MailSettings:
    return MailSettings(
        base_url=s.base_url,
        secret_key=s.secret_key,
        mail_from=s.mail_from,
        uid_domain=s.uid_domain,
        confirmation_hours=s.confirmation_hours,
        attach_ics=s.attach_ics,
    )


def feed_settings(s: Settings) -> FeedSettings:
    """The feed-relevant part of the service settings."""
    return FeedSettings(
        uid_domain=s.uid_domain,
        base_url=s.base_url,
        ttl=timedelta(hours=s.feed_ttl_hours),
        retention=timedelta(days=s.cancelled_retention_days),
    )

"""Renders confirmations, reminders and corrections (English and Korean) into message bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from deadlines.citations import cite
from deadlines.feeds.builder import FeedItem, FeedOptions, build_feed
from deadlines.feeds.text import day_text
from deadlines.howto import LABEL as HOW_LABEL
from deadlines.howto import how
from deadlines.lang_marks import marked
from deadlines.mail.address import header_address
from deadlines.mail.mime import Attachment, build_message
from deadlines.mail.registrymail import REGISTRY_CHECK, REGISTRY_TEMPLATE, registry_context, registry_headline
from deadlines.mail.stationmail import station_context, station_headline
from deadlines.records import DeadlineRecord
from deadlines.stations.model import Station
from deadlines.tokens import make_token
from deadlines.voter_links import DoneTarget, done_token, feed_token, feed_urls

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Stand-ins for the per-subscriber links while a shared rendering is cached (URL-safe, no markup).
_PLACEHOLDERS = {
    "unsubscribe_url": "https://placeholder.invalid/unsubscribe-url",
    "preferences_url": "https://placeholder.invalid/preferences-url",
    "confirm_url": "https://placeholder.invalid/confirm-url",
    "done_url": "https://placeholder.invalid/done-url",
    "my_feed_url": "https://placeholder.invalid/my-calendar",
    "my_feed_webcal": "webcal://placeholder.invalid/my-webcal",
}


@dataclass(frozen=True)
class ChangeLine:
    """One deadline in a correction: the dates the person was told, the dates now, and why."""

    record: DeadlineRecord
    election_name: str
    was: str  # "" when the exact dates of the earlier message are not known, only its close
    was_close_at: datetime | None
    now: str
    close_at: datetime | None  # the new close in the subscriber's zone; None when withdrawn
    cancelled: bool = False
    reason: str = ""


@dataclass(frozen=True)
class MailJob:
    """Everything one email needs, read from the outbox row and what it points at."""

    outbox_id: int
    kind: str  # reminder, correction, confirmation
    trigger: str
    email: str
    language: str
    zone: str
    subscriber_id: int
    record: DeadlineRecord | None = None
    election_name: str = ""
    close_at: datetime | None = None
    nonce: str | None = None
    changed_at: datetime | None = None
    changes: tuple[ChangeLine, ...] = ()  # corrections: every deadline that changed
    references: tuple[int, ...] = ()  # corrections: outbox ids of the messages they correct
    subscriber_secret: str = ""  # bound into every link token: `forget` makes old links dead
    done: DoneTarget | None = None  # reminders: what its "I've done it" link marks
    feed_nonce: str | None = None  # the key of the subscriber's personal feed address
    station: Station | None = None  # "your station opens" reminders: the station chosen


@dataclass(frozen=True)
class MailSettings:
    base_url: str
    secret_key: str
    mail_from: str
    uid_domain: str
    confirmation_hours: int = 72
    attach_ics: bool = False


def message_id(outbox_id: int, domain: str) -> str:
    """Derived from the outbox row, so a rare re-send after a crash is recognisably the same."""
    return f"<reminder-{outbox_id}@{domain}>"


def _moment(instant: datetime, zone: str, lang: str) -> str:
    local = instant.astimezone(ZoneInfo(zone))
    clock = f"{local:%H:%M}"
    day = local.date()
    if clock == "00:00":  # an end-of-day close reads better as 24:00 of the day before
        clock, day = "24:00", day - timedelta(days=1)
    return f"{day_text(day, lang)} {clock} ({zone})"


def time_left(close: datetime, now: datetime, lang: str) -> str:
    left = close - now
    hours = int(left.total_seconds() // 3600)
    if lang == "ko":
        return f"{left.days}일 남음" if left.days >= 1 else f"{max(hours, 1)}시간 남음"
    if left.days >= 2:
        return f"{left.days} days left"
    if left.days == 1:
        return "1 day left"
    return f"{max(hours, 1)} hours left" if hours != 1 else "1 hour left"


class Renderer:
    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )
        self.env.filters["marked"] = marked  # Korean words in English mail marked lang="ko"
        self.sender_address = parseaddr(settings.mail_from)[1] or "deadlines@localhost"
        self._cache: dict[tuple[object, ...], tuple[str, str, str]] = {}

    def _links(self, job: MailJob) -> dict[str, str]:
        base = self.settings.base_url.rstrip("/")
        secret = self.settings.secret_key
        unsubscribe = make_token(secret, "unsubscribe", job.subscriber_id, binding=job.subscriber_secret)
        preferences = make_token(secret, "preferences", job.subscriber_id, binding=job.subscriber_secret)
        feed = feed_token(secret, job.subscriber_id, binding=job.subscriber_secret, nonce=job.feed_nonce)
        my_feed = feed_urls(base, feed)
        links = {
            "unsubscribe_url": f"{base}/unsubscribe/{unsubscribe}",
            "preferences_url": f"{base}/preferences/{preferences}",
            "unsubscribe_token": unsubscribe,
            "my_feed_url": my_feed["url"],
            "my_feed_webcal": my_feed["webcal"],
        }
        # A message without a subscription to mark (the console's test send) points at the
        # preferences instead, where done marks can be set too.
        links["done_url"] = links["preferences_url"]
        if job.done is not None:
            done = done_token(secret, job.subscriber_id, binding=job.subscriber_secret, target=job.done)
            links["done_url"] = f"{base}/done/{done}"
        return links

    def _headers(self, job: MailJob, links: dict[str, str]) -> list[tuple[str, str]]:
        mailto = f"mailto:{self.sender_address}?subject=unsubscribe%20{links['unsubscribe_token']}"
        return [
            ("List-Unsubscribe", f"<{links['unsubscribe_url']}>, <{mailto}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("Auto-Submitted", "auto-generated"),
            ("Content-Language", job.language),
        ]

    def render(self, job: MailJob, now: datetime) -> bytes:
        """The message bytes. Text and HTML are rendered once per kind of message (deadline,
        trigger, language, zone, time left) with placeholder links, then filled in per
        subscriber: rendering templates for every recipient would cost more than sending."""
        lang = job.language
        links = self._links(job)
        headers = self._headers(job, links)
        attachments: list[Attachment] = []
        fill = {
            _PLACEHOLDERS["unsubscribe_url"]: links["unsubscribe_url"],
            _PLACEHOLDERS["preferences_url"]: links["preferences_url"],
            # The personal feed and the done link: see `deadlines.voter_links`.
            **{
                _PLACEHOLDERS[k]: v
                for k, v in links.items()
                if k in ("done_url", "my_feed_url", "my_feed_webcal")
            },
        }
        if job.kind == "confirmation":
            token = make_token(
                self.settings.secret_key,
                "confirm",
                job.subscriber_id,
                binding=job.subscriber_secret,
                nonce=job.nonce,
                expires=now + timedelta(hours=self.settings.confirmation_hours),
            )
            fill[_PLACEHOLDERS["confirm_url"]] = f"{self.settings.base_url.rstrip('/')}/confirm/{token}"
            headers = [h for h in headers if not h[0].startswith("List-")]
            key: tuple[object, ...] = ("confirmation", lang)
        elif job.kind == "correction":
            # Threaded under the messages that stated the old dates, so mail clients show the
            # correction beside what it corrects.
            earlier = [message_id(i, self.settings.uid_domain) for i in job.references]
            if earlier:
                headers += [("In-Reply-To", earlier[-1]), ("References", " ".join(earlier))]
            key = ("correction", job.outbox_id)
        else:
            assert job.record is not None and job.close_at is not None
            r = job.record
            headline = self._headline(job, now)
            key = (
                job.kind,
                lang,
                job.zone,
                r.election_id,
                r.id,
                r.revision,
                r.status,
                job.close_at,
                headline,
                job.election_name,
                job.station,
            )
            if self.settings.attach_ics and job.kind == "reminder" and job.station is None:
                attachments.append(self._ics(job))
        cached = self._cache.get(key)
        if cached is None:
            cached = self._render_templates(job, now)
            if len(self._cache) > 1000:
                self._cache.clear()
            self._cache[key] = cached
        subject, text, html = cached
        for placeholder, value in fill.items():
            text = text.replace(placeholder, value)
            html = html.replace(placeholder, value)
        return build_message(
            sender=self.settings.mail_from,
            recipient=header_address(job.email),
            subject=subject,
            text=text,
            html=html,
            message_id=message_id(job.outbox_id, self.settings.uid_domain),
            date=now,
            headers=headers,
            attachments=attachments,
        )

    def _headline(self, job: MailJob, now: datetime) -> str:
        assert job.close_at is not None
        if job.station is not None:
            return station_headline(job.station, now, job.language)
        if job.trigger.startswith(REGISTRY_CHECK) and job.record is not None:
            return registry_headline(job.record, job.language)
        if job.trigger == "opens":
            return "Now open" if job.language == "en" else "접수 시작"
        return time_left(job.close_at, now, job.language)

    def _render_templates(self, job: MailJob, now: datetime) -> tuple[str, str, str]:
        lang = job.language
        context: dict[str, object]
        if job.kind == "confirmation":
            context = {"confirm_url": _PLACEHOLDERS["confirm_url"], "hours": self.settings.confirmation_hours}
            subject = (
                "Confirm your election deadline reminders" if lang == "en" else "선거일정 알림 신청 확인"
            )
        elif job.kind == "correction":
            context = self._correction_context(job)
            subject = str(context["subject"])
        elif job.station is not None:
            base = self.settings.base_url
            context = station_context(
                job.station, zone=job.zone, election=job.election_name, base_url=base, now=now, lang=lang
            )
            subject = str(context["headline"])
        elif job.trigger.startswith(REGISTRY_CHECK) and job.record is not None and job.close_at is not None:
            base = self.settings.base_url
            context = registry_context(
                job.record,
                close_at=job.close_at,
                zone=job.zone,
                election=job.election_name,
                base_url=base,
                lang=lang,
            )
            subject = str(context["headline"])
        else:
            assert job.record is not None
            context = self._deadline_context(job, now)
            subject = f"{context['headline']}: {job.record.title[lang]}"
        context["subject"] = subject
        context["lang"] = lang
        context["unsubscribe_url"] = _PLACEHOLDERS["unsubscribe_url"]
        context["preferences_url"] = _PLACEHOLDERS["preferences_url"]
        for name in ("done_url", "my_feed_url", "my_feed_webcal"):
            context[name] = _PLACEHOLDERS[name]
        name = "station" if job.station is not None else job.kind
        name = (
            REGISTRY_TEMPLATE if job.trigger.startswith(REGISTRY_CHECK) and job.kind == "reminder" else name
        )
        text = self.env.get_template(f"{name}.{lang}.txt").render(context)
        html = self.env.get_template(f"{name}.{lang}.html").render(context)
        return subject, text, html

    def _correction_context(self, job: MailJob) -> dict[str, object]:
        lang, base = job.language, self.settings.base_url.rstrip("/")
        items = []
        for c in job.changes:
            official_zone = c.record.timezone if not c.record.local_time else job.zone
            was = c.was or (_moment(c.was_close_at, job.zone, lang) if c.was_close_at else "-")
            items.append(
                {
                    "title": c.record.title[lang],
                    "election": c.election_name,
                    "was": was,
                    "now": c.now,
                    "cancelled": c.cancelled,
                    "local_close": _moment(c.close_at, job.zone, lang) if c.close_at else "",
                    "official_close": _moment(c.close_at, official_zone, lang) if c.close_at else "",
                    "reason": c.reason,
                    "how": how(c.record, lang),
                    "url": f"{base}/elections/{c.record.election_id}#{c.record.id}",
                }
            )
        word = "Correction" if lang == "en" else "정정"
        if len(items) == 1:
            subject = f"{word}: {items[0]['title']}"
        else:
            subject = (
                f"{word}: {len(items)} deadlines changed"
                if lang == "en"
                else f"{word}: 일정 {len(items)}건 변경"
            )
        return {"subject": subject, "items": items, "how_label": HOW_LABEL[lang]}

    def _deadline_context(self, job: MailJob, now: datetime) -> dict[str, object]:
        assert job.record is not None and job.close_at is not None
        r, lang = job.record, job.language
        official_zone = r.timezone if not r.local_time else job.zone
        headline = self._headline(job, now)
        source = r.source
        law, citation = source.get("law"), source.get("citation")
        cited = cite(str(law) if law else None, str(citation) if citation else None, lang)
        return {
            "headline": headline,
            "title": r.title[lang],
            "description": r.description.get(lang, ""),
            "how": how(r, lang),
            "election": job.election_name,
            "local_close": _moment(job.close_at, job.zone, lang),
            "official_close": _moment(job.close_at, official_zone, lang),
            "source": cited or source.get("quote", ""),
            "url": f"{self.settings.base_url.rstrip('/')}/elections/{r.election_id}#{r.id}",
            "cancelled": r.status == "cancelled",
            "how_label": HOW_LABEL[lang],
        }

    def _ics(self, job: MailJob) -> Attachment:
        assert job.record is not None and job.close_at is not None
        names = {"en": job.election_name, "ko": job.election_name}
        item = FeedItem(job.record, job.changed_at or job.close_at, names)
        options = FeedOptions(
            lang=job.language,
            name=job.election_name,
            description=job.record.title[job.language],
            timezone=job.record.timezone,
            uid_domain=self.settings.uid_domain,
            base_url=self.settings.base_url,
            abroad="overseas" in job.record.audiences,
        )
        return Attachment(
            f"{job.record.id}.ics",
            "text/calendar; charset=utf-8; method=PUBLISH",
            build_feed([item], options),
        )

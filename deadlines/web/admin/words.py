"""The words of the staff console in English and Korean (NEC staff work in Korean), and its
messages with their values filled in. Messages from the service below (a rule file's error naming
its file, field and value) keep their English and are marked as such on Korean pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from deadlines.web.admin.words_ko import KO

EN: Mapping[str, str] = {
    "console": "Console",
    "rules": "Rules",
    "notices": "Notices",
    "outbox": "Outbox",
    "audit": "Audit log",
    "log_out": "Log out",
    "role.editor": "editor",
    "role.viewer": "viewer",
    "staff_nav": "Console pages",
    # dashboard
    "rules_lead": "Elections and rule sets: edit, preview, publish, revert.",
    "notices_lead": "Paste or upload a notice; review what was extracted.",
    "outbox_lead": "Email by state, failures, suppressed addresses, a test reminder.",
    "audit_lead": "Who changed what, with before and after.",
    "viewer_note": "Your account is a viewer: you can look at everything but change nothing.",
    # login
    "login": "Staff login",
    "username": "Username",
    "password": "Password",
    "log_in": "Log in",
    "bad_username": "A username is 2-64 lower-case letters, digits, dots, dashes or underscores.",
    "too_many_logins": "Too many failed attempts; try again in {wait}.",
    "seconds": "{n} seconds",
    "minutes": "{n} minutes",
    "wrong_login": "Wrong username or password.",
    # error page
    "error": "Error",
    "did_not_work": "That did not work",
    "back": "Back to the console",
    "said_in_english": "",
    # audit
    "when_utc": "When (UTC)",
    "who": "Who",
    "what": "What",
    "target": "Target",
    "before_after": "Before → after",
    "show": "show",
    "older": "Older",
    # rules
    "live_rules": "Live rules",
    "no_rules": "The database holds no rules yet: run",
    "elections": "Elections",
    "election": "Election",
    "day": "Day",
    "ruleset": "Rule set",
    "revision": "Revision",
    "actions": "Actions",
    "edit": "Edit",
    "view": "View",
    "history": "History",
    "ruleset_head": "{id}, revision {rev}, {zone}, holidays: {holidays}",
    "rule": "Rule",
    "kind": "Kind",
    "opens": "Opens",
    "closes": "Closes",
    "on": "On",
    "citation": "Citation",
    # rule edit
    "edit_rule": "Edit rule {id}",
    "rule_of": "of {ruleset}",
    "offsets_help": "Offsets count days from an anchor:",
    "hours": "Hours (HH:MM-HH:MM)",
    "title_en": "Title (English)",
    "title_ko": "Title (Korean)",
    "preview_changes": "Preview changes",
    # election edit
    "edit_election": "Edit {id}",
    "election_head": "Election {id}",
    "ruleset_of": "rule set {id}",
    "provisional_day": "Provisional election day: {day}",
    "provisional_how": "Computed from the law and not yet confirmed; pages show it as provisional and"
    " feeds as tentative. How it was found:",
    "confirm_day": "Confirm election day {day}",
    "differs_hint": "If the announced day differs, enter it below and preview instead.",
    "election_day": "Election day",
    "computed_hint": "Computed from the law{term} and provisional: leave it blank to keep it computed,"
    " or enter the announced day to confirm it.",
    "term_ends": " (the term ends {day})",
    "anchor": "Anchor: {name}",
    "overrides": "Overrides (an absolute date replacing a rule's, with the reason)",
    "reason": "Reason",
    "override_rule": "rule of override {n}",
    "override_opens": "opens of override {n}",
    "override_closes": "closes of override {n}",
    "override_reason": "reason of override {n}",
    # preview
    "preview": "Preview",
    "preview_of": "Preview: {what}",
    "what.election": "election {id}",
    "what.rule": "rule {rule} of {ruleset}",
    "what.revert": "{kind} {key}: back to revision {revision}",
    "what.override": "election {id}: override {rule} from notice {notice}",
    "kind.election": "election",
    "kind.ruleset": "rule set",
    "kind.period": "period",
    "kind.deadline": "deadline",
    "kind.start": "start",
    "kind.event": "event",
    "outcome.confirmed": "confirmed",
    "outcome.conflict": "conflict",
    "outcome.new": "new",
    "outcome.past": "past",
    "status.pending": "pending",
    "status.approved": "approved",
    "status.rejected": "rejected",
    "status.reverted": "reverted",
    "nothing_yet": "Nothing has changed yet. Publishing stores revision {rev} of {kind} {key}.",
    "no_date_changes": "No date changes: publishing only records the new revision.",
    "dates_change": "Dates that change",
    "deadline": "Deadline",
    "change": "Change",
    "action.created": "created",
    "action.updated": "updated",
    "action.cancelled": "cancelled",
    "old": "Old",
    "new": "New",
    "affected": "Who is affected",
    "pending_replanned": "pending reminder(s) will be planned again.",
    "corrections": "subscriber(s) told other dates than these will get a correction.",
    "dropped": 'This drops {n} override(s) approved from notices; their drafts go back to "reverted":',
    "feeds_republished": "{n} feed(s) will be republished",
    "list": "list",
    "publish": "Publish",
    "cancel": "Cancel",
    # history
    "history_of": "History of {key}",
    "history_head": "History: {kind} {key}",
    "live": "(live)",
    "from": "From",
    "document": "Document",
    "revert": "Revert to this",
    "published_note": "published revision {rev}: {n} deadline change(s); {report}",
    "confirmed_note": "confirmed election day {day} of {id}: {n} deadline revision(s); {report}",
    "report": "planned {planned} new reminder(s), re-planned {replanned}, cancelled {cancelled},"
    " {corrections} correction(s)",
    # notices
    "paste": "Paste a notice",
    "upload": "or upload one (text or HTML)",
    "guess": "(guess from the text)",
    "published_on": "Published on (when the notice does not say)",
    "extract": "Extract",
    "recent": "Recent",
    "notice": "Notice",
    "published": "Published",
    "waiting": "Waiting for review",
    "notice_title": "Notice {id}",
    "notice_meta": "published {published} · election {election}",
    "not_recognised": "not recognised",
    "extracted": "Extracted records",
    "found": "Found",
    "against_rules": "Against the rules",
    "status": "Status",
    "warning": "warning:",
    "confidence": "confidence {value}",
    "approve": "Approve",
    "reject": "Reject",
    "starts": "Starts",
    "ends": "Ends",
    "title": "Title",
    "save": "Save",
    "text": "Text",
    "draft_rejected": "draft {id} rejected",
    "draft_saved": "draft {id} saved",
    "too_slow": "{name}: reading the notice took over {seconds} seconds; split it",
    "nothing_new": "{name}: this text was already ingested, or holds no notice",
    "cannot_apply": "cannot apply draft {id}:",
    # outbox
    "dispatch_paused": "Dispatch paused",
    "smtp_problem": "SMTP relay problem",
    "resume": "Resume dispatch",
    "by_state": "By state",
    "state": "State",
    "emails": "Emails",
    "failures": "Recent failures and retries",
    "email": "Email",
    "attempts": "Attempts",
    "suppressed": "Suppressed addresses",
    "suppressed_lead": "Addresses that bounced permanently; they get no more email.",
    "bounces": "{n} bounce(s)",
    "bring_back": "Bring back",
    "test_reminder": "Send me a test reminder",
    "email_address": "Email address",
    "language": "Language",
    "send": "Send",
    "resumed": "dispatch resumed",
    "not_paused": "dispatch was not paused",
    "unsuppressed": "{email} is {status} again; its bounce count is reset",
    "nothing_ahead": "no deadline ahead to write a reminder about",
    "not_sent": "not sent to {email}:",
    "test_sent": "test reminder sent to {email} ({id})",
    # errors made here
    "no_rule": "no rule {rule!r} in rule set {ruleset!r}",
    "damaged": "the preview form was damaged",
    "unknown_kind": "unknown kind {kind!r}",
    "no_live_election": "no live election {id!r}",
    "already_confirmed": "the day of {id} is already confirmed",
    "day_moved": "the computed day of {id} is now {day}, not {shown}: look at the page again before"
    " confirming",
    "blank": "blank",
    "no_history": "no {kind} {key!r}",
    "revision_misfits": "revision {revision} no longer fits the other live rules:",
    "no_notice": "no notice {id}",
    "no_draft": "no draft {id}",
}


WORDS: Mapping[str, Mapping[str, str]] = {"en": EN, "ko": KO}


def console_words(lang: str) -> Mapping[str, str]:
    return WORDS.get(lang, EN)


def say(lang: str, key: str, /, **values: object) -> str:
    """The message `key` in `lang` with its values filled in."""
    return console_words(lang)[key].format(**values)


@dataclass(frozen=True)
class Said:
    """A console message: its text and the language it is in. Messages made in the console are
    in the page's language; `detail` is a service error's own English text, shown after it."""

    text: str
    lang: str = "en"
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.text} {self.detail}".strip()


def said(lang: str, key: str, detail: object = "", /, **values: object) -> Said:
    return Said(say(lang, key, **values), lang, str(detail))


def service(lang: str, error: object) -> Said:
    """A service error's English text; on a Korean page introduced by a Korean lead."""
    if lang == "en":
        return Said(str(error), "en")
    return Said(KO["said_in_english"], lang, str(error))


def report_text(lang: str, report: object) -> str:
    """What a change re-planned (a PlanReport), in `lang`."""
    fields = ("planned", "replanned", "cancelled", "corrections")
    return say(lang, "report", **{f: getattr(report, f, 0) for f in fields})


def text_lang(text: str | None) -> str:
    """The language a notice's text is written in, by its letters: Korean when it has more
    Hangul syllables than Latin letters (notices come in either; the page marks which)."""
    hangul = latin = 0
    for ch in text or "":
        if "\uac00" <= ch <= "\ud7a3":
            hangul += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    return "ko" if hangul > latin else "en"

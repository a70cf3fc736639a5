"""How to act and what changed on the election page, and `/elections/{id}/changes`: every change
of an election's deadlines, newest first, with its reason, in English or Korean."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deadlines.changes import DateChange, changed_text, reason_text, was_text
from deadlines.corrections import span
from deadlines.feeds.catalog import FeedData
from deadlines.howto import LABEL, how
from deadlines.web.pages import language
from deadlines.web.site import SiteDep

router = APIRouter(include_in_schema=False)

WORDS = {
    "en": {
        "how": LABEL["en"],
        "changes": "Changes to these deadlines",
        "changes_link": "What changed",
        "all_changes": "all changes",
        "none": "No deadline of this election has changed since it was published.",
        "lead": "Every change of a date or of whether a deadline stands, newest first, with the reason staff recorded.",
        "when": "Changed on",
        "deadline": "Deadline",
        "was": "Was",
        "now": "Now",
        "why": "Why",
        "withdrawn": "withdrawn",
        "no_reason": "not recorded",
    },
    "ko": {
        "how": LABEL["ko"],
        "changes": "일정 변경 내역",
        "changes_link": "변경 내역",
        "all_changes": "전체 변경 내역",
        "none": "이 선거의 일정은 공개 후 바뀐 적이 없습니다.",
        "lead": "날짜가 바뀌거나 일정이 취소·복원된 내역을 최신순으로, 담당자가 기록한 사유와 함께 보여 줍니다.",
        "when": "변경일",
        "deadline": "일정",
        "was": "변경 전",
        "now": "변경 후",
        "why": "사유",
        "withdrawn": "취소됨",
        "no_reason": "기록 없음",
    },
}


def other_language(text: str | None, lang: str) -> str | None:
    """The language of a staff member's reason when it is not the page's (for `lang=`): Korean
    when it has Hangul, else English."""
    if not text:
        return None
    written = "ko" if any("\uac00" <= ch <= "\ud7a3" for ch in text) else "en"
    return written if written != lang else None


def act_context(data: FeedData, election_id: str, timezone: str, lang: str) -> dict[str, Any]:
    """For the election page: per deadline, how to act and its last change (with the reason)."""
    act: dict[str, dict[str, Any]] = {}
    for item in data.items:
        r = item.record
        if r.election_id != election_id:
            continue
        last = item.changes[0] if item.changes else None
        act[r.id] = {
            "how": how(r, lang),
            "changed": changed_text(last, lang, timezone) if last else "",
            "why": reason_text(last, lang) if last else "",
            "why_lang": other_language(last.reason, lang) if last else None,
        }
    return {"act": act, "act_words": WORDS[lang]}


def _row(change: DateChange, lang: str, timezone: str) -> dict[str, Any]:
    words = WORDS[lang]
    return {
        "slug": change.slug,
        "title": change.title.get(lang) or change.title.get("en") or change.slug,
        "summary": changed_text(change, lang, timezone),
        "was": words["withdrawn"] if change.was.cancelled else (was_text(change) or span(change.was)),
        "now": words["withdrawn"] if change.now.cancelled else span(change.now),
        "why": reason_text(change, lang).partition(": ")[2] or words["no_reason"],
        "why_lang": other_language(change.reason, lang),
    }


def changes_of(data: FeedData, election_id: str) -> list[DateChange]:
    """Every change of the election's deadlines, newest first."""
    found = [c for item in data.items if item.record.election_id == election_id for c in item.changes]
    found.sort(key=lambda c: (c.at, c.slug), reverse=True)
    return found


@router.get("/elections/{election_id}/changes", response_class=HTMLResponse)
def changes_page(request: Request, site: SiteDep, election_id: str) -> HTMLResponse:
    data = site.feeds.current()
    info = data.election(election_id)
    if info is None:
        return site.pages.message(request, 404, "not_found")
    lang = language(request)
    rows = [_row(c, lang, info.timezone) for c in changes_of(data, election_id)]
    seen: set[str] = set()
    for row in rows:  # the newest change of each deadline is the one its links point at
        row["anchor"] = row["slug"] not in seen
        seen.add(row["slug"])
    context = {"info": info, "changes": rows, "words": WORDS[lang]}
    return site.pages.render(request, "changes.html", context, cache_zone=None)

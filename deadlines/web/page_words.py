"""More words of the public pages in English and Korean: the calendar list, the error pages, and
what a link that no longer works says. Kept apart from i18n.py to keep each file short; `words`
in i18n.py serves both."""

from __future__ import annotations

from collections.abc import Mapping

MORE_WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "feeds_lead": "Subscribe once and every deadline, and every change to it, appears in your calendar."
        " Feeds for voters abroad show each closing time in your own time zone.",
        "no_feeds": "No feeds yet: run",
        "feed": "Feed",
        "events": "Events",
        "subscribe": "Subscribe",
        "upcoming_feeds": "Upcoming elections",
        "past_feeds": "Past elections",
        "other_language": "In the other language",
        "lang.en": "English",
        "lang.ko": "Korean",
        "forbidden": "Not allowed",
        "forbidden_text": "Your account may look at this but not change it.",
        "not_allowed": "Not allowed",
        "not_allowed_text": "This address does not take that kind of request.",
        "bad_request": "Bad request",
        "bad_request_text": "A value in the request is out of range or cannot be stored.",
        "csrf": "Please reload the page",
        "csrf_text": "The form was out of date or opened elsewhere. Reload the page and send it again.",
        "server_error": "Something went wrong",
        "server_error_text": "The error is logged and nothing was changed. Please try again in a minute.",
        "token.expired": "This link has expired; sign up again to get a new one.",
        "token.invalid": "This link is not valid; ask for a new one.",
        "token.used": "This confirmation link has already been used or replaced.",
        "token.inactive": "This link is no longer valid: the address receives no reminders.",
    },
    "ko": {
        "feeds_lead": "한 번 구독하면 모든 일정과 그 변경 사항이 내 캘린더에 나타납니다."
        " 재외선거인용 피드는 마감 시각을 내 시간대로 보여 줍니다.",
        "no_feeds": "아직 피드가 없습니다. 다음을 실행하세요:",
        "feed": "피드",
        "events": "일정 수",
        "subscribe": "구독",
        "upcoming_feeds": "다가오는 선거",
        "past_feeds": "지난 선거",
        "other_language": "다른 언어로",
        "lang.en": "영어",
        "lang.ko": "한국어",
        "forbidden": "권한 없음",
        "forbidden_text": "이 계정은 볼 수만 있고 바꿀 수는 없습니다.",
        "not_allowed": "허용되지 않음",
        "not_allowed_text": "이 주소는 그런 요청을 받지 않습니다.",
        "bad_request": "잘못된 요청",
        "bad_request_text": "요청에 담긴 값이 범위를 벗어났거나 저장할 수 없습니다.",
        "csrf": "페이지를 새로 고쳐 주세요",
        "csrf_text": "양식이 오래되었거나 다른 곳에서 열렸습니다. 페이지를 새로 고친 뒤 다시 보내 주세요.",
        "server_error": "문제가 생겼습니다",
        "server_error_text": "오류는 기록되었고 아무것도 바뀌지 않았습니다. 1분 뒤에 다시 시도해 주세요.",
        "token.expired": "링크가 만료되었습니다. 새 링크를 받으려면 다시 신청해 주세요.",
        "token.invalid": "유효하지 않은 링크입니다. 새 링크를 요청해 주세요.",
        "token.used": "이미 사용되었거나 새 링크로 바뀐 확인 링크입니다.",
        "token.inactive": "더 이상 유효하지 않은 링크입니다: 이 주소로는 알림을 보내지 않습니다.",
    },
}

# What a link's TokenError says, by the words it starts with (tokens.py, subscribers.py).
TOKEN_KINDS = (
    ("this link has expired", "token.expired"),
    ("this confirmation link has already", "token.used"),
    ("this link is no longer valid", "token.inactive"),
)


def token_text(error: object, lang: str) -> str:
    """A link error (expired, used, invalid) in `lang`; English keeps the service's own text."""
    said = str(error)
    if lang == "en":
        return said
    kind = next((k for start, k in TOKEN_KINDS if said.startswith(start)), "token.invalid")
    return MORE_WORDS["ko"][kind]

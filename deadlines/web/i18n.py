"""The words of the public pages in English and Korean, and which language a visitor gets."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from deadlines.records import LANGUAGES
from deadlines.web.page_words import MORE_WORDS

LANG_COOKIE = "lang"

WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "site": "Election deadlines",
        "skip": "Skip to content",
        "switch": "한국어",
        "upcoming": "Upcoming elections",
        "no_elections": "No upcoming elections are published yet.",
        "election_day": "Election day",
        "next_deadlines": "Next deadlines",
        "all_deadlines": "All deadlines",
        "none_left": "No deadlines left before election day.",
        "timeline": "Timeline",
        "your_zone": "Your time zone",
        "official_zone": "Official time",
        "show_in": "Show times in",
        "apply": "Show",
        "source": "Source",
        "opens": "Opens",
        "closes": "Closes",
        "by": "By",
        "on": "On",
        "cancelled": "Cancelled",
        "passed": "passed",
        "subscribe_feed": "Subscribe to the calendar",
        "webcal": "Subscribe (Apple, Outlook)",
        "google": "Add to Google Calendar",
        "download": "Download .ics",
        "copy": "Copy the link",
        "feed_url": "Calendar address",
        "qr": "QR code of the calendar address",
        "audience": "Who it is for",
        "everyone": "Everyone",
        "email_reminders": "Email reminders",
        "signup_lead": "We email you before each deadline, in your time zone. You can stop at any time.",
        "email": "Email address",
        "language": "Language",
        "timezone": "Time zone",
        "timezone_hint": "A city or country, such as Los Angeles or Japan, or a zone such as America/Los_Angeles.",
        "elections": "Elections",
        "audiences": "Deadlines for",
        "audiences_hint": "Leave empty for all.",
        "triggers": "When to remind me",
        "triggers_hint": "Leave empty for the usual choice.",
        "trigger.opens": "When a period opens",
        "trigger.P7D": "7 days before it closes",
        "trigger.P1D": "1 day before it closes",
        "trigger.day-of": "The morning of the last day",
        "sign_up": "Sign up",
        "check_inbox": "Check your inbox",
        "check_inbox_text": "If the address can receive reminders, a message with a confirmation link is on its"
        " way. Nothing is sent until you click it.",
        "too_many": "Too many sign-ups",
        "too_many_text": "Please try again later.",
        "fix_errors": "Please correct the marked fields.",
        "preferences": "Your reminder settings",
        "save": "Save",
        "saved": "Saved",
        "saved_text": "Your reminders follow the new settings from now on.",
        "unsubscribe": "Unsubscribe from all reminders",
        "link_invalid": "Link not valid",
        "confirm_ask": "Turn on your reminders?",
        "confirm_ask_text": "Press the button to confirm that you asked for reminders at this address.",
        "confirm_ask_button": "Confirm",
        "confirmed": "Your reminders are on",
        "confirmed_text": "We will email you before each deadline.",
        "stop_all": "Stop all reminders?",
        "stop_all_text": "One click and we will not email you again.",
        "stop_all_button": "Unsubscribe",
        "unsubscribed": "Unsubscribed",
        "unsubscribed_text": "You will get no more reminders from us.",
        "error": "Error",
        "not_found": "Not found",
        "not_found_text": "There is no such page.",
        "unavailable": "Please try again shortly",
        "unavailable_text": "We cannot save anything right now. Nothing was changed; please try again in a"
        " minute.",
        "api": "JSON API",
        "feeds": "All calendar feeds",
        "stations": "Overseas voting stations",
        "stations_lead": "Registered voters abroad may vote at any station below, on its own days, at the hours"
        " shown in the station's local time.",
        "stations_provisional": "provisional: days follow the computed election day",
        "stations_search": "Find a station",
        "stations_search_hint": "A country, city or station name, in English or Korean.",
        "stations_find": "Search",
        "stations_found": "{found} of {total} stations match “{q}”.",
        "stations_all": "Show all",
        "stations_none": "No stations are published for this election yet.",
        "stations_no_match": "No station matches; try a country or a city.",
        "stations_days": "Voting days",
        "stations_n_days": "{n} day(s)",
        "stations_hours": "Hours",
        "stations_local": "local time",
        "stations_each_day": "Each day",
        "stations_any": "You are not tied to one station: any overseas station takes your vote.",
        "stations_link": "Overseas voting stations, with their days and hours",
        "station_choice": "Your overseas voting station",
        "station_choice_none": "No station (reminders by deadline only)",
        "station_choice_hint": "If you vote abroad, we remind you the day before your station opens.",
        "registry_check": "Every year, remind me to check my overseas voter registration",
        "registry_check_hint": "For citizens abroad (재외선거인): once a year, and two months before registration"
        " closes (E-60).",
        "overseas_voters": "Voting from abroad: registration",
    },
    "ko": {
        "site": "선거 일정 알림",
        "skip": "본문으로 건너뛰기",
        "switch": "English",
        "upcoming": "다가오는 선거",
        "no_elections": "아직 공개된 선거가 없습니다.",
        "election_day": "선거일",
        "next_deadlines": "다음 마감",
        "all_deadlines": "모든 일정",
        "none_left": "선거일 전에 남은 마감이 없습니다.",
        "timeline": "일정",
        "your_zone": "내 시간대",
        "official_zone": "공식 시각",
        "show_in": "시간대",
        "apply": "보기",
        "source": "근거",
        "opens": "시작",
        "closes": "마감",
        "by": "마감",
        "on": "일시",
        "cancelled": "취소됨",
        "passed": "지남",
        "subscribe_feed": "캘린더 구독",
        "webcal": "구독 (Apple, Outlook)",
        "google": "Google 캘린더에 추가",
        "download": ".ics 내려받기",
        "copy": "주소 복사",
        "feed_url": "캘린더 주소",
        "qr": "캘린더 주소 QR 코드",
        "audience": "대상",
        "everyone": "모두",
        "email_reminders": "이메일 알림",
        "signup_lead": "마감 전에 내 시간대에 맞춰 이메일로 알려 드립니다. 언제든 그만 받을 수 있습니다.",
        "email": "이메일 주소",
        "language": "언어",
        "timezone": "시간대",
        "timezone_hint": "로스앤젤레스, 일본 같은 도시나 나라 이름, 또는 America/Los_Angeles 같은 시간대 이름.",
        "elections": "선거",
        "audiences": "대상",
        "audiences_hint": "비워 두면 모두.",
        "triggers": "알림 시점",
        "triggers_hint": "비워 두면 기본값.",
        "trigger.opens": "기간이 시작될 때",
        "trigger.P7D": "마감 7일 전",
        "trigger.P1D": "마감 1일 전",
        "trigger.day-of": "마지막 날 아침",
        "sign_up": "신청",
        "check_inbox": "메일함을 확인하세요",
        "check_inbox_text": "알림을 받을 수 있는 주소라면 확인 링크가 담긴 메일이 발송됩니다. 링크를 누르기 전에는"
        " 아무것도 보내지 않습니다.",
        "too_many": "신청이 너무 많습니다",
        "too_many_text": "잠시 후 다시 시도해 주세요.",
        "fix_errors": "표시된 항목을 고쳐 주세요.",
        "preferences": "알림 설정",
        "save": "저장",
        "saved": "저장되었습니다",
        "saved_text": "이제부터 새 설정에 따라 알림을 보냅니다.",
        "unsubscribe": "모든 알림 그만 받기",
        "link_invalid": "유효하지 않은 링크",
        "confirm_ask": "알림을 받으시겠습니까?",
        "confirm_ask_text": "이 주소로 알림을 신청하셨다면 아래 버튼을 눌러 확인해 주세요.",
        "confirm_ask_button": "확인",
        "confirmed": "신청이 확인되었습니다",
        "confirmed_text": "마감 전에 알림 메일을 보내 드립니다.",
        "stop_all": "모든 알림을 그만 받으시겠습니까?",
        "stop_all_text": "한 번 누르면 더 이상 메일을 보내지 않습니다.",
        "stop_all_button": "수신 거부",
        "unsubscribed": "수신 거부되었습니다",
        "unsubscribed_text": "더 이상 알림 메일을 보내지 않습니다.",
        "error": "오류",
        "not_found": "찾을 수 없음",
        "not_found_text": "그런 페이지가 없습니다.",
        "unavailable": "잠시 후 다시 시도해 주세요",
        "unavailable_text": "지금은 저장할 수 없습니다. 아무것도 바뀌지 않았으니 1분 뒤에 다시 시도해 주세요.",
        "api": "JSON API",
        "feeds": "모든 캘린더 피드",
        "stations": "재외투표소",
        "stations_lead": "재외선거인과 국외부재자는 아래 어느 투표소에서나, 각 투표소의 운영일에 현지시간 기준 안내된 시간에"
        " 투표할 수 있습니다.",
        "stations_provisional": "잠정: 계산된 선거일에 따른 날짜",
        "stations_search": "투표소 찾기",
        "stations_search_hint": "국가, 도시 또는 투표소 이름(한글 또는 영문).",
        "stations_find": "검색",
        "stations_found": "“{q}”: 투표소 {total}곳 중 {found}곳.",
        "stations_all": "모두 보기",
        "stations_none": "이 선거의 재외투표소가 아직 공개되지 않았습니다.",
        "stations_no_match": "맞는 투표소가 없습니다. 국가나 도시 이름으로 찾아 보세요.",
        "stations_days": "투표일",
        "stations_n_days": "{n}일간",
        "stations_hours": "시간",
        "stations_local": "현지시간",
        "stations_each_day": "날짜별",
        "stations_any": "한 투표소에 묶이지 않습니다. 어느 재외투표소에서나 투표할 수 있습니다.",
        "stations_link": "재외투표소와 운영일·시간",
        "station_choice": "투표할 재외투표소",
        "station_choice_none": "선택 안 함 (마감 알림만)",
        "station_choice_hint": "해외에서 투표하신다면 투표소가 문을 열기 전날 알려 드립니다.",
        "registry_check": "해마다 재외선거인 등록정보 확인 알림 받기",
        "registry_check_hint": "재외선거인용: 1년에 한 번, 그리고 등록 마감(선거일 전 60일) 두 달 전에 알려 드립니다.",
        "overseas_voters": "해외에서 투표하기: 등록 안내",
    },
}


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str | None) -> str:
    """An explicit choice (the switch link, then its cookie) beats the browser's Accept-Language."""
    for choice in (query_lang, cookie_lang):
        if choice in LANGUAGES:
            return choice
    best, best_q = "en", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if q > best_q:
            best, best_q = primary, q
    return best


@cache
def words(lang: str) -> Mapping[str, str]:
    lang = lang if lang in WORDS else "en"
    return {**WORDS[lang], **MORE_WORDS[lang]}

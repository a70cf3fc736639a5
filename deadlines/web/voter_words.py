"""The words of the voter's own pages (done marks, the personal feed), English and Korean."""

from __future__ import annotations

from collections.abc import Mapping

VOTER_WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "done_ask": "Have you done this?",
        "done_ask_text": "Mark it done and we stop the reminders for this deadline. Other deadlines keep theirs.",
        "done_button": "Yes, I've done it",
        "done_title": "Marked done",
        "done_text": "No more reminders for this deadline. If its date changes, we will still tell you.",
        "undo_button": "Undo: keep reminding me",
        "undone_title": "Reminders are back on",
        "undone_text": "You will get the reminders for this deadline that are still to come.",
        "closes": "Closes",
        "preferences": "Change your reminders",
        "my_feed": "Your calendar",
        "my_feed_text": "Subscribe once and your calendar shows the deadlines of the elections you follow, "
        "kept up to date. The address is yours alone: do not share it.",
        "my_feed_subscribe": "Subscribe in your calendar",
        "my_feed_address": "Calendar address (for apps that ask for one)",
        "my_feed_revoke": "Replace this address",
        "my_feed_revoke_text": "If you shared the address by mistake, replace it: the old one stops working.",
        "my_feed_revoked": "Your calendar has a new address; the old one no longer works.",
        "my_deadlines": "Deadlines you follow",
        "my_deadlines_text": "Done one already? Mark it, and its reminders stop.",
        "none_ahead": "No deadlines ahead in the elections you follow.",
        "is_done": "done",
        "done_saved": "Saved.",
    },
    "ko": {
        "done_ask": "이 일을 하셨나요?",
        "done_ask_text": "완료로 표시하면 이 일정의 알림을 더 보내지 않습니다. 다른 일정의 알림은 계속됩니다.",
        "done_button": "네, 했습니다",
        "done_title": "완료로 표시했습니다",
        "done_text": "이 일정의 알림을 더 보내지 않습니다. 날짜가 바뀌면 그 사실은 알려 드립니다.",
        "undo_button": "취소: 계속 알려 주세요",
        "undone_title": "알림을 다시 보냅니다",
        "undone_text": "이 일정의 남은 알림을 보내 드립니다.",
        "closes": "마감",
        "preferences": "알림 설정 변경",
        "my_feed": "내 달력",
        "my_feed_text": "한 번 구독하면 구독하신 선거의 일정이 달력에 표시되고 자동으로 갱신됩니다. "
        "본인만을 위한 주소이니 다른 사람과 공유하지 마십시오.",
        "my_feed_subscribe": "달력에서 구독",
        "my_feed_address": "달력 주소 (주소를 묻는 앱용)",
        "my_feed_revoke": "새 주소로 바꾸기",
        "my_feed_revoke_text": "주소를 실수로 공유했다면 새 주소로 바꾸십시오. 이전 주소는 더 이상 작동하지 않습니다.",
        "my_feed_revoked": "달력 주소를 새로 만들었습니다. 이전 주소는 더 이상 작동하지 않습니다.",
        "my_deadlines": "구독 중인 일정",
        "my_deadlines_text": "이미 하신 일이 있나요? 완료로 표시하면 그 알림이 멈춥니다.",
        "none_ahead": "구독하신 선거에 남은 일정이 없습니다.",
        "is_done": "완료",
        "done_saved": "저장했습니다.",
    },
}

"""The words around a date: is it a deadline, a start, an event, or not a record at all.

Each reading looks at a bounded window of the sentence (the clause before the date, a few
characters after it), so it costs the same on a 2 MB page as on a short notice.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

Reading = Literal["deadline", "start", "event", "statistic", "eligibility"]

BEFORE = 160  # characters of the clause before a date that are read for cues
AFTER = 60
TAIL = 70  # characters just before a date where its cue words stand

_TIME = r"(?:\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?\s?m\.?|\d{1,2}:\d{2}|noon|midnight|midday)"
_ZONE = r"(?:\s*(?:\(?(?:KST|local time|Seoul time|[A-Z]{2,4}T|ET|PT|CT)\)?))?"
# Words that may sit between a cue and its date: a time, a weekday, "on", "the", punctuation.
_FILL = rf"(?:[\s,:;]|\bon\b|\bthe\b|\bat\b|\bof\b|{_TIME}{_ZONE}|[-–—])*$"


def cue_words(words: list[str], others: list[str] | None = None) -> str:
    r"""`(?i:\bword|...|other|...)`, written to start with a character class.

    Each word keeps its word boundary (checked after its first letter) and its place among the
    words of the same first letter; a pattern that starts with a class lets the regex engine skip
    to candidates in C instead of trying every alternative at every position, and these searches
    run for every date. `others` are alternatives without a boundary, keyed by their first
    character the same way."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0].lower(), []).append(word[1:])
    # The word start is checked once, before the branches: most candidates are letters inside a
    # word, and they then fail on one lookbehind instead of one per branch.
    words_of = "|".join(rf"(?<=[{c}{c.upper()}])(?i:{'|'.join(rests)})" for c, rests in groups.items())
    branches = [rf"(?<!\w(?s:.))(?:{words_of})"]
    plain: dict[str, list[str]] = {}
    for other in others or []:
        plain.setdefault(other[0], []).append(other[1:])
    branches += [rf"(?<={c})(?:{'|'.join(rests)})" for c, rests in plain.items()]
    first = "".join(f"{c}{c.upper()}" for c in groups) + "".join(plain)
    return rf"[{first}](?:{'|'.join(branches)})"


# Cue words (each with a word boundary) and other cues, for the end-anchored searches below.
CueList = tuple[list[str], list[str]]
DEADLINE_CUES: CueList = (
    [
        r"by",
        r"until",
        r"till",
        r"up\s+to",
        r"no\s+later\s+than",
        r"not\s+later\s+than",
        r"before",
        r"prior\s+to",
        r"deadline(?:\s+(?:is|was|will\s+be|date))?",
        r"due(?:\s+(?:on|by))?",
        r"clos(?:es?|ing)(?:\s+(?:on|date|is))?",
        r"closed",
        r"ends?(?:\s+on)?",
        r"ending",
        r"expires?",
        r"last\s+(?:day|date)(?:\s+(?:is|was))?",
        r"cut-?off(?:\s+(?:is|date))?",
        r"thru",
        r"through",
    ],
    ["~", "～", "〜", "∼", r"마감(?:일|일자|시한|기한)?(?:은|는|이|:)?", "까지는"],
)
CAVEAT_CUES: CueList = ([r"before", r"prior\s+to"], [])
START_CUES: CueList = (
    [
        r"from",
        r"since",
        r"starting",
        r"starts?",
        r"begins?",
        r"beginning",
        r"opens?",
        r"opening",
        r"effective(?:\s+from)?",
        r"takes?\s+effect(?:\s+from)?",
        r"as\s+from",
        r"commenc(?:es?|ing)",
        r"will\s+open",
        r"launch(?:es)?",
    ],
    [r"시작(?:일|일자)?(?:은|는|:)", r"개시(?:일|일자)?(?:은|는|:)"],
)
EVENT_CUES: CueList = ([r"on", r"held\s+on", r"scheduled\s+for", r"will\s+be\s+held\s+on", r"is", r"was"], [])
_DEADLINE_BEFORE = re.compile(cue_words(*DEADLINE_CUES) + _FILL)
_BEFORE_CAVEAT = re.compile(cue_words(*CAVEAT_CUES) + _FILL)
_START_BEFORE = re.compile(cue_words(*START_CUES) + _FILL)
_EVENT_BEFORE = re.compile(cue_words(*EVENT_CUES) + _FILL)
# A clause that names a deadline before its date: "the deadline to register is", "last day for X".
_DEADLINE_CLAUSE = re.compile(
    cue_words(
        [
            r"deadline\b",
            r"last\s+(?:day|date)\b",
            r"clos(?:e|es|ing)\b",
            r"cut-?off\b",
            r"must\s+(?:be\s+)?(?:received|postmarked|delivered|submitted|returned|reach|arrive|lodged|filed|"
            r"register|apply|enrol|receive|submit|deliver|return|lodge|file|send|post)",
            r"no\s+later\s+than",
            r"by\s+(?:\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?\s?m|noon|midnight)",
            r"expires?\b",
            r"ends?\b",
            r"due\b",
        ]
    )
)
_START_CLAUSE = re.compile(
    r"(?i:\b(?:opens?|begins?|starts?|commences?|takes?\s+effect|kicks?\s+off|effective|first\s+day)\b)"
)
# A clause that names its date after "is": "the deadline to register ... is", "first day of X is".
_NAMED_IS = re.compile(
    r"(?i:\b(?:deadline|last\s+(?:day|date)|closing\s+date|cut-?off|(?P<first>first\s+day|opening\s+date))\b"
    r"(?:[^.;:]|\.(?=\s*\d)){0,90}?\s(?:is|was|will\s+be|falls\s+on|:))" + _FILL
)
_KO_TIME = r"(?:(?:오전|오후)?\s*\d{1,2}\s*시(?:\s*\d{1,2}\s*분)?|\d{1,2}:\d{2}|자정|정오)"
_AFTER_LEAD = rf"\)?\s*(?:\([^)]{{0,12}}\))?\s*(?:{_KO_TIME}\s*)?"
_DEADLINE_AFTER = re.compile(rf"{_AFTER_LEAD}(?:까지|마감|이내|한정|한\s)")
_START_AFTER = re.compile(rf"{_AFTER_LEAD}(?:부터|시작|개시|시행|from\b|onwards?\b|on\s*wards\b)", re.I)
# Opening hours of the day right after a date are not its start or end: "6월 1일 오전 6시부터 오후 7시까지".
_HOURS_AFTER = re.compile(rf"\)?\s*(?:\([^)]{{0,12}}\))?\s*{_KO_TIME}\s*(?:부터|[~～〜∼\-–—])\s*{_KO_TIME}")
# The same in English: "Polls are open 7am to 8pm on Nov. 5", "on 2 May from 7am to 10pm".
_EN_HOURS = rf"{_TIME}\s*(?:to|until|till|[-–—])\s*{_TIME}"
_EN_HOURS_BEFORE = re.compile(rf"(?i:{_EN_HOURS}\s*(?:on\s+)?(?:the\s+)?)$")
_EN_HOURS_AFTER = re.compile(rf"(?i:\s*,?\s*(?:\(\s*)?(?:from\s+|between\s+)?{_EN_HOURS})")
_BRACKETED_DEADLINE = re.compile(
    r"(?i:\b(?:until|till|by|before|no\s+later\s+than|prior\s+to)\b)[^.;()]{0,50}\($"
)
# A date that names an election ("in the Nov. 5 general election") is the election's day.
_NAMES_ELECTION = re.compile(
    r"(?i:\s*(?:[a-z-]+\s+){0,2}(?:election|primary|caucus|referendum|plebiscite|by-election|polls?)\b)"
)
# A Korean clause puts its verb last: "내달 5일 사전투표 시작 전까지 확정된다".
_KO_DEADLINE_LATER = re.compile(r"[^,.;:\n부]{0,24}?(?:까지|마감)")

_STATISTIC_BEFORE = re.compile(
    r"(?i:\bas\s+(?:of|at)\b[^.;]{0,30}|\bcompared\s+(?:with|to)\b[^.;]{0,20}|\bin\s+the\s+week\s+to\s*)$"
)
_STATISTIC_AFTER = re.compile(r"\s*(?:\([^)]{0,12}\))?\s*(?:현재|기준|대비|이후\s*\d)")
# Birth-date and age limits: "born on or before 10 April 2006", "2006. 4. 11. 이전 출생자".
_ELIGIBILITY_BEFORE = re.compile(
    r"(?i:\bborn\b[^.;]{0,25}|\bbirth(?:day|\s+date|date)?\b[^.;]{0,25}|\bdate\s+of\s+birth\b[^.;]{0,25}"
    r"|\b(?:turn|turns|turning|be|aged?|reach(?:es)?)\s+(?:the\s+age\s+of\s+)?1[6-9]\b[^.;]{0,30}"
    r"|\b1[6-9]\s+years\s+(?:old|of\s+age)\b[^.;]{0,30}|생년월일\s*[:：]?\s*)$"
)
_ELIGIBILITY_AFTER = re.compile(
    r"\s*(?:\([^)]{0,12}\))?\s*(?:이전|이후|까지|생|에)?\s*(?:에\s*)?(?:출생|태어난|생일)"
)
# Every eligibility and statistic phrase before a date holds one of these (case folded).
_ELIGIBILITY_HINT = re.compile(r"(?i:born|birth|1[6-9]|생년월일)")
_PAST = re.compile(
    r"(?i:\b(?:was|were|had\s+been|has\s+been)\s+(?:held|conducted|carried\s+out|completed|announced|published)\b"
    r"|(?<!be\s)(?<!being\s)\bheld\b|\btook\s+place\b)"
    r"|개최(?:했|하였|됐|되었)|실시(?:했|하였|됐|되었)|열렸|치러진|치렀|마쳤|지난\s"
)
_SINCE = re.compile(r"(?i:\bsince)\s*(?:the\s+)?$")
# One pass for every audience, over lower-cased text (cheaper than ignoring case). Every
# alternative starts with a plain letter (a word boundary is checked after the first letter), so
# the regex engine skips to candidates in C; the matched word names its audience.
_AUDIENCE_OF = {
    **dict.fromkeys(("overseas", "abroad", "absentee", "expatriate", "diaspora"), "overseas"),
    **dict.fromkeys(("재외", "국외", "해외", "귀국"), "overseas"),
    **dict.fromkeys(("candidate", "nominat", "후보"), "candidates"),
    **dict.fromkeys(("poll", "polls", "opinion poll", "press", "media", "broadcast"), "media"),
    **dict.fromkeys(("여론조사", "언론", "보도"), "media"),
}
_AUDIENCES = re.compile(
    r"overseas|abroad|absentee|expatriate|diaspora|재외|국외|해외|귀국|candidate|nominat|후보"
    r"|p(?<!\wp)olls?\b|opinion poll|p(?<!\wp)ress\b|m(?<!\wm)edia\b|broadcast|여론조사|언론|보도"
)
_AUDIENCE_ORDER = ("overseas", "candidates", "media")
# Substring prechecks that spare most dates a regex search: each pattern below can only match where
# one of its literals occurs. Case-folded ones look in lower-cased text, unless it holds one of the
# few characters that match a Latin letter only when case is ignored (İ ı ſ K).
_FOLD_CHARS = ("\u0130", "\u0131", "\u017f", "\u212a")
_DIGIT = re.compile(r"\d")


def _may_hold(text: str, words: tuple[str, ...]) -> bool:
    """False only where `text` cannot match a case-ignoring pattern that needs one of `words`."""
    return _lowered_holds(text.lower(), _folds(text), words)


def _folds(text: str) -> bool:
    if text.isascii():
        return False
    for c in _FOLD_CHARS:  # noqa: SIM110 - a plain loop costs less than a generator here
        if c in text:
            return True
    return False


def _lowered_holds(lowered: str, folds: bool, words: tuple[str, ...]) -> bool:
    """_may_hold for a text already lower-cased, `folds` saying whether it holds one of İ ı ſ K."""
    for word in words:
        if word in lowered:
            return True
    return folds


def _holds(text: str, literals: tuple[str, ...]) -> bool:
    for literal in literals:  # noqa: SIM110 - a plain loop costs less than a generator here
        if literal in text:
            return True
    return False


_KO_TIME_NEEDS = ("시", ":", "자정", "정오")
_DEADLINE_AFTER_NEEDS = ("까지", "마감", "이내", "한")  # one ends every _DEADLINE_AFTER match
_EN_HOURS_NEEDS = ("to", "until", "till", "-", "–", "—")  # the joiners of _EN_HOURS
_NAMED_IS_NEEDS = ("deadline", "last", "closing", "cut", "first", "opening")
_START_CLAUSE_NEEDS = ("open", "begin", "start", "commence", "take", "kick", "effective", "first")


@dataclass(slots=True, frozen=True)
class Cues:
    """What the words around one date say."""

    reading: Reading
    strong: bool  # a cue word was found, not a default
    before_caveat: bool = False  # "before 10 Feb": the day itself may be excluded


# The readings, made once (nothing changes a Cues after it is made).
_EVENT, _DEADLINE, _START = Cues("event", True), Cues("deadline", True), Cues("start", True)
_WEAK_EVENT = Cues("event", False)


def read_single(before: str, after: str, clause: str, row_label: str | None) -> Cues:
    """The kind of a single date from the words just before and after it and its clause.

    `before` is the text since the previous date of the sentence (at most BEFORE characters),
    `after` the text up to the next date, `clause` the sentence before the date (at most BEFORE
    characters, earlier dates included), `row_label` a timetable row's label.
    """
    # Cue words stand within a few words of their date: reading only the tail keeps each
    # end-anchored search short.
    before = before[-TAIL:]
    clause = clause[-(TAIL * 2) :]
    lowered, folds = before.lower(), _folds(before)
    not_record = _not_record(before, after, lowered, folds)
    if not_record is not None:
        return Cues(not_record, True)
    if (
        (_holds(after, _KO_TIME_NEEDS) and _HOURS_AFTER.match(after))
        # Two times of day before the date: each holds a digit or is noon, midday or midnight.
        or (
            _lowered_holds(lowered, folds, _EN_HOURS_NEEDS)
            and (_DIGIT.search(before) or _lowered_holds(lowered, folds, ("noon", "mid")))
            and _EN_HOURS_BEFORE.search(before)
        )
        or _EN_HOURS_AFTER.match(after)
    ):
        return _EVENT
    if _NAMES_ELECTION.match(after) and not _DEADLINE_BEFORE.search(before):
        return _EVENT
    if _holds(after, _DEADLINE_AFTER_NEEDS) and _DEADLINE_AFTER.match(after):
        return _DEADLINE
    if _START_AFTER.match(after):
        return _START
    dl = _DEADLINE_BEFORE.search(before)
    # The cue nearer the date wins: with a deadline cue, only a start cue after it matters.
    st = _START_BEFORE.search(before, dl.start() + 1 if dl else 0)
    if dl and not (st and st.start() > dl.start()):
        caveat = bool(_BEFORE_CAVEAT.search(before))
        return Cues("deadline", True, caveat)
    if st:
        return _START
    # "the deadline to register to vote in the Nov. 5 general election is Monday, Oct. 21"
    named = _NAMED_IS.search(clause) if _may_hold(clause, _NAMED_IS_NEEDS) else None
    if named:
        return _START if named["first"] else _DEADLINE
    if row_label is not None:
        if _START_CLAUSE.match(row_label):
            return _START
        if _DEADLINE_CLAUSE.search(row_label):
            return _DEADLINE
        if _START_CLAUSE.search(row_label):
            return _START
    # `before` is at most TAIL (70) characters: the clause words below are read in all of it.
    # "until seven days before the election (Oct. 29)": a bracketed date restates the phrase before it.
    if before.endswith("(") and _BRACKETED_DEADLINE.search(before):
        return _DEADLINE
    dl_clause = _last(_DEADLINE_CLAUSE, before)
    st_clause = _last(_START_CLAUSE, before) if _lowered_holds(lowered, folds, _START_CLAUSE_NEEDS) else -1
    if dl_clause >= 0 and dl_clause >= st_clause:
        return _DEADLINE
    if st_clause >= 0:
        return _START
    if ("까지" in after or "마감" in after) and _KO_DEADLINE_LATER.match(after):
        return _DEADLINE
    return _EVENT if _EVENT_BEFORE.search(before) else _WEAK_EVENT


def _last(pattern: re.Pattern[str], text: str) -> int:
    found = -1
    for m in pattern.finditer(text):
        found = m.start()
    return found


def is_not_record(before: str, after: str) -> Reading | None:
    """For a range or pair: statistics ("as of 1 to 5 May") and birth-date limits are not records."""
    before = before[-TAIL:]
    return _not_record(before, after, before.lower(), _folds(before))


_STATISTIC_NEEDS = ("as", "compared", "week")  # (case folded) every _STATISTIC_BEFORE holds one


def _not_record(before: str, after: str, lowered: str, folds: bool) -> Reading | None:
    # Literal hints first: most dates have none of these words before them, and the end-anchored
    # searches are the costly part of reading a date's words.
    hinted = ("1" in before or _lowered_holds(lowered, folds, ("born", "birth", "생년월일"))) and (
        _ELIGIBILITY_HINT.search(before) is not None
    )
    if (hinted and _ELIGIBILITY_BEFORE.search(before)) or (
        _holds(after, ("출생", "태어난", "생일")) and _ELIGIBILITY_AFTER.match(after)
    ):
        return "eligibility"
    if (_lowered_holds(lowered, folds, _STATISTIC_NEEDS) and _STATISTIC_BEFORE.search(before)) or (
        _holds(after, ("현재", "기준", "대비", "이후")) and _STATISTIC_AFTER.match(after)
    ):
        return "statistic"
    return None


_PAST_NEEDS = ("held", "conducted", "carried", "completed", "announced", "published", "took")
_PAST_NEEDS_KO = ("개최", "실시", "열렸", "치러진", "치렀", "마쳤", "지난")


def is_past(text: str) -> bool:
    if not (_holds(text, _PAST_NEEDS_KO) or _may_hold(text, _PAST_NEEDS)):
        return False
    return _PAST.search(text) is not None


def follows_since(before: str) -> bool:
    tail = before[-TAIL:]
    if "n" not in tail and "N" not in tail:  # "since" holds an n, and only n and N fold to it
        return False
    return _may_hold(tail, ("since",)) and _SINCE.search(tail) is not None


# Every _AUDIENCES match holds one of these: most sentences hold none, and skip the search.
_AUDIENCE_WORDS = (
    *("overseas", "abroad", "absentee", "expatriate", "diaspora", "candidate", "nominat"),
    *(
        "poll",
        "press",
        "media",
        "broadcast",
        "재외",
        "국외",
        "해외",
        "귀국",
        "후보",
        "여론조사",
        "언론",
        "보도",
    ),
)


def _audiences_in(text: str) -> set[str]:
    lowered = text.lower()
    for word in _AUDIENCE_WORDS:
        if word in lowered:
            return {_AUDIENCE_OF[word] for word in _AUDIENCES.findall(lowered)}
    return set()


@functools.lru_cache(maxsize=256)
def _context_audiences(context: str) -> frozenset[str]:
    return frozenset(_audiences_in(context))


def audiences(text: str, context: str = "") -> tuple[str, ...]:
    """Who a sentence is for, from its words and its notice's headline (`context`, the same for
    every sentence of a notice, so read once)."""
    found = _audiences_in(text)
    if context:
        found |= _context_audiences(context)
    if not found:
        return ("all",)
    return tuple(name for name in _AUDIENCE_ORDER if name in found) or ("all",)

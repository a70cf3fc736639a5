"""The faster scans of the extractor find exactly what the plain ones find.

Where a pattern is tried only at the places a prefilter finds (`starts.Started`), or a split or
search runs only where `str.find` sees a literal it needs, the answer must be the same as the
plain `finditer`, `split` or `search`: fuzzed here over texts built from the pieces that matter
(numbers, month and weekday names, separators, the few characters that fold to Latin letters),
and checked on the test notices.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deadlines.extract import cues, dates, document, ranges, resolve, sentences, titles
from deadlines.extract.forms import ANCHOR_REACH, NOT_DATES, PATTERNS
from deadlines.extract.starts import STARTS, Started

CORPUS = Path(__file__).parent / "notices"
PIECES = [
    *"0123456789",
    "19",
    "20",
    "2024",
    "12",
    "1st",
    "2nd",
    "5th",
    " ",
    "  ",
    "\n",
    "\t",
    "\xa0",
    "\u3000",
    ",",
    ".",
    "/",
    "-",
    "–",
    ":",
    "(",
    ")",
    "'",
    "the ",
    "the",
    "of ",
    "Mon",
    "Monday",
    "Tue",
    "Thurs",
    "Wed",
    "Fri",
    "Sat",
    "Sun",
    "May",
    "MAY",
    "may",
    "Jan",
    "january",
    "JUN",
    "June",
    "Sept",
    "sep",
    "Nov.",
    "November",
    "dec",
    "Oct",
    "OCT",
    "Feb",
    "Aug",
    "apr",
    "Mar",
    "x",
    "a",
    "T",
    "W",
    "F",
    "S",
    "M",
    "t",
    "년",
    "월",
    "일",
    "말",
    "씀",
    "이달",
    "이번",
    "달",
    "내달",
    "다음",
    "이",
    "내",
    "다",
    "\u0130",
    "\u0131",
    "\u017f",
    "\u212a",
    "that",
    "That",
    "where",
    "said",
    "and",
    "AND",
    "but",
    "candidate",
    "closes ",
    "closing",
    "ends",
    "by ",
    "until",
    "unt\u0131l",
    "deadline is",
    "next ",
    "this ",
    "on ",
    "Friday",
    "Wednesday",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
PATTERN = dict(PATTERNS)


def _spans(matches: list[re.Match[str]]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]


def _corpus() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))


@pytest.mark.parametrize("name", sorted(STARTS))
def test_started_scan_equals_finditer_on_the_test_notices(name: str) -> None:
    text = _corpus()
    pattern = PATTERN[name]
    started = Started(pattern, STARTS[name])
    assert _spans(started.finditer(text, 0, len(text))) == _spans(list(pattern.finditer(text)))


# Date-shaped runs: the slots of a written date, each filled or left out, with noise between.
SLOTS = [
    ["", "Monday", "Tue", "Thurs.", "Sat", "x"],
    ["", " ", ", ", ".", "  ", "\n"],
    ["", "the ", "the the ", "the  "],
    ["", "5", "12", "31", "123", "1st", "22nd", "٣"],
    ["", " ", ":", ".", "  "],
    ["", "of ", "the "],
    ["", "May", "may", "Nov.", "NOVEMBER", "june", "Sept", "march", "Feb"],
    ["", " ", ". ", ", ", "/"],
    [
        "",
        "the ",
        "5",
        "12",
        "2024",
        "1999",
        "2024-05-01",
        "2024. 5. 1",
        "3월 말",
        "12월  말",
        "이번 달 말",
        "다음달말씀",
    ],
]


def _shaped(rng: random.Random) -> str:
    runs = []
    for _ in range(rng.randint(1, 3)):
        runs.append("".join(rng.choice(slot) for slot in SLOTS))
        runs.append(rng.choice(PIECES))
    return "".join(runs)


def test_started_scans_equal_finditer_on_date_shaped_text() -> None:
    rng = random.Random(20261130)
    for _ in range(6000):
        text = _shaped(rng)
        lo, hi = rng.randint(0, 3), len(text) - rng.randint(0, 3)
        for name, starts in STARTS.items():
            pattern = PATTERN[name]
            expected = _spans(list(pattern.finditer(text, lo, hi)))
            assert _spans(Started(pattern, starts).finditer(text, lo, hi)) == expected, (name, text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.integers(0, 8), st.integers(0, 8))
def test_started_scans_equal_finditer(text: str, cut_lo: int, cut_hi: int) -> None:
    lo, hi = min(cut_lo, len(text)), max(0, len(text) - cut_hi)
    for name, starts in STARTS.items():
        pattern = PATTERN[name]
        expected = _spans(list(pattern.finditer(text, lo, hi)))
        assert _spans(Started(pattern, starts).finditer(text, lo, hi)) == expected, name


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_title_scans_equal_the_plain_regex(text: str) -> None:
    assert titles._clause_pieces(text) == titles._CLAUSE_START.split(text)
    assert titles._has_date_words(text) == (titles._DATE_WORDS.search(text) is not None)


def _reference_cue_words(words: list[str], others: list[str]) -> str:
    """The cue pattern as first written: each branch checks its own word start."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0].lower(), []).append(word[1:])
    branches = [
        rf"(?<=[{c}{c.upper()}])(?<!\w[{c}{c.upper()}])(?i:{'|'.join(rests)})" for c, rests in groups.items()
    ]
    plain: dict[str, list[str]] = {}
    for other in others:
        plain.setdefault(other[0], []).append(other[1:])
    branches += [rf"(?<={c})(?:{'|'.join(rests)})" for c, rests in plain.items()]
    first = "".join(f"{c}{c.upper()}" for c in groups) + "".join(plain)
    return rf"[{first}](?:{'|'.join(branches)})"


CUE_PIECES = [
    "by",
    "until",
    "up to",
    "no later than",
    "before",
    "prior to",
    "deadline is",
    "due",
    "closes",
    "closing date",
    "ends on",
    "last day",
    "cut-off",
    "through",
    "from",
    "since",
    "starts",
    "opening",
    "takes effect from",
    "will open",
    "on",
    "held on",
    "will be held on",
    "is",
    "was",
    "must be received",
    "by 5 p.m.",
    "by noon",
    "expires",
    "~",
    "마감은",
    "까지는",
    "시작은",
    " ",
    "  ",
    "\n",
    ", ",
    "the ",
    "5pm ",
    "11:59 p.m. ",
    "KST",
    "x",
    "a",
    "(",
    "-",
    "ſ",
    "K",
    "í",
]
cue_texts = st.lists(st.sampled_from(CUE_PIECES), max_size=12).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cue_texts)
def test_cue_patterns_equal_the_reference(text: str) -> None:
    lists = {"deadline": cues.DEADLINE_CUES, "start": cues.START_CUES, "event": cues.EVENT_CUES}
    for name, (words, others) in (lists | {"caveat": cues.CAVEAT_CUES}).items():
        for tail in ("", cues._FILL):
            new = re.compile(cues.cue_words(words, others) + tail)
            old = re.compile(_reference_cue_words(words, others) + tail)
            assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)], name
    assert [m.span() for m in cues._DEADLINE_CLAUSE.finditer(text)] == [
        m.span() for m in REFERENCE_DEADLINE_CLAUSE.finditer(text)
    ]


REFERENCE_DEADLINE_CLAUSE = re.compile(
    r"(?i:\bdeadline\b|\blast\s+(?:day|date)\b|\bclos(?:e|es|ing)\b|\bcut-?off\b|\bmust\s+(?:be\s+)?(?:received|"
    r"postmarked|delivered|submitted|returned|reach|arrive|lodged|filed|register|apply|enrol|receive|submit|"
    r"deliver|return|lodge|file|send|post)|\bno\s+later\s+than|\bby\s+(?:\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?\s?m|noon|midnight)"
    r"|\bexpires?\b|\bends?\b|\bdue\b)"
)


def test_row_separator_equals_the_plain_pattern() -> None:
    plain = re.compile(r"\s*(?:\|\s*|\t+\s*|\s{2,}|\s[-–—]\s|[:：]\s*)")
    rng = random.Random(11)
    alphabet = [" ", " ", "\t", "\xa0", "|", ":", "：", "-", "–", "—", "a", "b"]
    for _ in range(30000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        for pos in (0, 1, 2):
            a, b = plain.search(text, pos), sentences._ROW_SEPARATOR.search(text, pos)
            assert (a and a.span()) == (b and b.span()), (text, pos)
            assert sentences._may_separate(text[pos:]) or a is None, text


def test_last_connector_drop_equals_the_plain_sub() -> None:
    plain = re.compile(r"(?i:\b(?:on|by|from|until|before|between|the|is|are|will|be|must)\s*$)")
    rng = random.Random(2)
    words = ["on", "by", "from", "until", "before", "between", "BETWEEN", "the", "is", "must", "soon", "x"]
    pieces = [*words, " ", "-", "\n", "\u017f", "\u0130", "\u0131"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))).strip()
        assert titles._drop_last_word(text) == plain.sub("", text), text


def test_ends_like_equals_the_character_loop() -> None:
    def loop(text: str, begin: int, end: int, last: str) -> bool:
        i = end - 1
        while i >= begin and text[i].isspace():
            i -= 1
        return i >= begin and text[i].lower()[-1:] in last

    rng = random.Random(4)
    pieces = ["and", "to", "&", "-", "~", " ", "\t", "\u3000", "\u0130", "x", "D"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        begin, end = rng.randint(0, len(text)), rng.randint(0, len(text))
        for last in (ranges._LEAD_LAST, "d&"):
            assert ranges._ends_like(text, begin, end, last) == loop(text, begin, end, last), text


STAMP_PIECES = [
    "Posted",
    "posted on",
    "First published",
    "Date",
    "DATE",
    "date of issue",
    "Updated",
    "Last updated on",
    "Reviewed",
    "작성일",
    "게시일시",
    "수정일",
    "released",
    ": ",
    ":",
    "：",
    " ",
    "\n",
    "3 May 2024",
    "May 3, 2024",
    "2024.05.03",
    "2024-05-03",
    "05/03/2024",
    "Mar/02/2019",
    "Friday, ",
    "x",
    "\u0130",
    "\u0131",
]


@pytest.mark.parametrize("n", sorted(resolve._STARTS))
def test_stamp_prefilters_equal_finditer(n: int) -> None:
    pattern = resolve._STAMPS[n][1]
    started = Started(pattern, resolve._STARTS[n])
    rng = random.Random(n)
    for _ in range(4000):
        text = "".join(rng.choice(STAMP_PIECES) for _ in range(rng.randint(0, 8)))
        assert _spans(started.finditer(text, 0, len(text))) == _spans(list(pattern.finditer(text))), text


def test_control_count_equals_the_character_loop() -> None:
    text = "".join(map(chr, range(128))) * 3
    assert len(document._CONTROLS.findall(text)) == sum(
        1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f"
    )


MASK_PIECES = ["1", "23", "555", "0142", "2024", "+", "+82", "(", ")", " ", "-", ".", "/", "x", "\n"]
MASK_PIECES += ["@", "a.b", "file", ".pdf", ".hwp", "No.", "Ref", "EL", "ABC", "제", "호", "https://", "www."]


@pytest.mark.parametrize("n", [n for n, (_, _, anchor) in enumerate(NOT_DATES) if anchor is not None])
def test_anchored_masks_equal_a_scan_of_the_whole_text(n: int) -> None:
    _, pattern, anchor = NOT_DATES[n]
    assert anchor is not None
    rng = random.Random(n)
    for _ in range(20000):
        text = "".join(rng.choice(MASK_PIECES) for _ in range(rng.randint(0, 30)))
        windows = dates._windows(text, 0, len(text), anchor, ANCHOR_REACH, ANCHOR_REACH)
        found = [m.span() for lo, hi in windows for m in pattern.finditer(text, lo, hi)]
        assert found == [m.span() for m in pattern.finditer(text)], text


def test_row_tail_strip_equals_the_plain_sub() -> None:
    words = ["not", "NOT", "no", "later", "than", "on", "or", "before", "by", "from", "until", "after", "at"]
    pieces = [*words, "5", "11", ":", "30", ".", "p", "a", "m", "noon", "midnight", "-", "–", ",", "x"]
    pieces += ["Label", "PM", "\n", "\xa0", "\t", "\u0131", "\u0130", "\u017f", "unt\u0131l"]
    rng = random.Random(5)
    for _ in range(12000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", "  "]) for _ in range(rng.randint(0, 10)))
        assert sentences.strip_row_tail(text) == sentences._ROW_TAIL.sub("", text), text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_month_check_equals_the_month_hint(text: str) -> None:
    assert dates._has_month(text, 0, len(text)) == (dates._MONTH_HINT.search(text) is not None)
    assert dates._has_month(text, 1, len(text) - 1) == (
        dates._MONTH_HINT.search(text, 1, len(text) - 1) is not None
    )


ORDINAL_PIECES = [
    "first",
    "First",
    "FIRST",
    "fourth",
    "fifth",
    "second",
    "sixth",
    "seventh",
    "third",
    "tenth",
]
ORDINAL_PIECES += [
    "twelfth",
    "twentieth",
    "twenty-first",
    "eighth",
    "eleventh",
    "ninth",
    "nineteenth",
    "often",
]
ORDINAL_PIECES += [
    "section",
    "nomination",
    "the",
    " ",
    "-",
    "st",
    "th",
    "x",
    "\u0131",
    "\u0130",
    "s\u0131xth",
    "\u017f",
]


def test_ordinal_word_finder_equals_finditer() -> None:
    rng = random.Random(13)
    for _ in range(20000):
        text = "".join(rng.choice(ORDINAL_PIECES) for _ in range(rng.randint(0, 10)))
        lo, hi = rng.randint(0, 2), len(text) - rng.randint(0, 2)
        found = dates._ORDINAL_FINDER.finditer(text, lo, hi)
        assert _spans(found) == _spans(list(dates._ORDINAL_WORD.finditer(text, lo, hi))), text


def test_sentence_end_equals_the_pattern_without_its_first_check() -> None:
    abbreviation = sentences._ABBREVIATION
    plain = re.compile(
        rf"\s(?:(?<=[^\s\d.][.!?]\s){abbreviation}\s*(?=[A-Z\"“(])|(?<=\d{{4}}[.]\s)\s*(?=[A-Z])"
        r"|(?:(?<=\s\d[.]\s)|(?<=\s\d\d[.]\s))\s*(?=[A-Z][a-z])|(?<=다\.\s)\s*|(?<=\n)\n*)"
    )
    pieces = [" ", "  ", "\n", "\n\n", ".", "!", "?", "a", "A", "Ab", "5", "2024", "12", "p.m.", "a.m."]
    pieces += ["Mr", "No", "Mon", "Nov", "다", "(", '"', "“", "\t", "x", "\xa0"]
    rng = random.Random(3)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert [m.span() for m in sentences._SENTENCE_END.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], text

"""Short titles for records, taken from a timetable row's label or the words of the sentence."""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_WORDS = 9
MAX_CHARS = 70
HEAD_CHARS = 120

# "The deadline to register is ...", "Last day for postal vote applications"
_NAMED = re.compile(
    r"(?i:\b(?P<t>(?:the\s+)?(?:deadline|last\s+(?:day|date)|closing\s+date|cut-?off)\s+(?:to|for)\s+[^,.;:()]{3,80}?))"
    r"\s*(?:\b(?:is|was|will\s+be|falls)\b|:|,|\bat\b|\bon\b|$)"
)
# The subject before the verb that carries the date: "Postal vote applications must be received by".
_SUBJECT = re.compile(
    r"(?i:^(?P<t>[^,.;:()]{3,90}?)\s+(?:must|will|shall|can|may|should|is|are|was|were|opens?|closes?|begins?|"
    r"starts?|ends?|runs?|takes?\s+place|take\s+effect|takes\s+effect|has|have|need|needs)\b)"
)
# "must apply for overseas voter registration by": the action a deadline is about.
_ACTION = re.compile(
    r"(?i:\b(?:must|should|need\s+to|needs\s+to|have\s+to|has\s+to|can|may|will|to)\s+"
    r"(?P<t>(?!be\b)[a-z]+(?:\s+[\w'-]+){1,8}?)\s+(?:by|from|until|till|before|no\s+later\s+than|on|between)\s*$)"
)
_CUT = re.compile(r"(?i:\s+(?:in\s+order\s+to|so\s+that|so\s+as\s+to|and|or|if|when|which|who)\s+|,)")
# Where a clause starts: ", ", " - ", "that", "where", "said", "and", "but". Written to start with
# a character class (each word's boundary checked after its first letter), so the regex engine
# skips to candidates in C.
_CLAUSE_START = re.compile(
    r"[,\sTtWwSsAaBb](?:(?<=,)\s+|(?<=\s)[-–—]\s|(?<=[Tt])(?<!\w[Tt])(?i:hat\s+)|(?<=[Ww])(?<!\w[Ww])(?i:here\s+)"
    r"|(?<=[Ss])(?<!\w[Ss])(?i:aid\s+)|(?<=[Aa])(?<!\w[Aa])(?i:nd\s+)|(?<=[Bb])(?<!\w[Bb])(?i:ut\s+))"
)
# Words one of which every _NAMED title holds, and the words an _ACTION clause ends with: cheap
# substring checks that spare most sentences those searches.
_NAMED_WORDS = ("deadline", "last", "closing", "cut")
_ACTION_ENDS = ("by", "from", "until", "till", "before", "than", "on", "between")
_HANGUL = re.compile(r"[가-힣]")
_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[A-Za-z]")
# A subject holding a date is not a title: a month name beside a number ("2024 Primary" is fine).
# Written to start with a class (ſ is the one other letter that folds to one of theirs), so the regex
# engine skips to candidates in C: (?i:\d\s*(?:jan|...|dec)|(?:jan|...|dec)[a-z.]*\s+\d).
_DATE_WORDS = re.compile(
    "[\\dJjFfMmAaSs\u017fOoNnDd](?:(?<=\\d)(?i:\\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"
    "|(?:(?<=[Jj])(?i:an|un|ul)|(?<=[Ff])(?i:eb)|(?<=[Mm])(?i:ar|ay)|(?<=[Aa])(?i:pr|ug)|(?<=[Ss\u017f])(?i:ep)"
    "|(?<=[Oo])(?i:ct)|(?<=[Nn])(?i:ov)|(?<=[Dd])(?i:ec))(?i:[a-z.]*\\s+\\d))"
)
_PRONOUN = re.compile(r"(?i:(?:it|this|that|they|we|you|there|those|these|he|she|anyone|everyone|people)\b)")
_LEADING = re.compile(
    r"(?i:^(?:meanwhile|however|also|additionally|in\s+addition|please\s+note|note|reminder|and|but|so|then"
    r"|한편|또한|아울러|특히|이와\s*함께|그리고)[,\s]+)"
)
_ARTICLE = re.compile(r"(?i:^(?:the|a|an|all|any|your|our)\s+)")
# Korean: the noun phrase before the topic or subject particle: "국외부재자 신고는", "사전투표가".
_KO_TOPIC = re.compile(r"(?P<t>[가-힣A-Za-z0-9·ㆍ\s]{2,40}?)(?:은|는|이|가|을|를)\s")
_KO_NOUNS = re.compile(r"[가-힣A-Za-z0-9·ㆍ]+(?:\s+[가-힣A-Za-z0-9·ㆍ]+){0,3}")
# Dates and bracketed asides, but not the numbers of names ("제22대", "21st").
_DATE_NOISE = re.compile(
    r"\(\s*[^)]{0,20}\)|(?<!제)\d[\d.\s~～\-–—:/년월일]*(?!\d*\s*(?:대|회|차|st|nd|rd|th))"
)
_KO_SUBJECT_NOISE = re.compile(
    r"^(?:중앙선거관리위원회|중앙선관위|선관위|위원회)(?:\(이하[^)]*\))?(?:는|은|가)?\s+"
)
_KO_DROP = ("(이하", "이하 ")
_HEREAFTER = re.compile(r"\(이하[^)]*\)")
# The characters that match a Latin letter only when case is ignored (İ ı ſ K): a text holding one
# goes to the plain regex instead of the substring checks below. İ is also the one character whose
# lower case is longer than itself, which would shift positions in a lower-cased copy.
_FOLDS = ("\u0130", "\u0131", "\u017f", "\u212a")
_CLAUSE_WORDS = ("that", "where", "said", "and", "but")
_DASHES = ("-", "–", "—")
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _folds(text: str) -> bool:
    if text.isascii():
        return False
    for c in _FOLDS:  # noqa: SIM110 - a plain loop costs less than a generator here
        if c in text:
            return True
    return False


def _clause_pieces(text: str) -> list[str]:
    """`_CLAUSE_START.split(text)`, with the pattern tried only where `str.find` sees one can start
    (a comma, the space before a dash, one of the words): its class of first characters is common
    enough that the plain split costs more than the rest of a title."""
    if _folds(text):
        return _CLAUSE_START.split(text)
    starts: set[int] = set()
    lowered = text.lower()
    for literal in (",", *_DASHES, *_CLAUSE_WORDS):
        at = lowered.find(literal)
        while at >= 0:
            # A dash is matched from the whitespace before it.
            starts.add(at - 1 if literal in _DASHES else at)
            at = lowered.find(literal, at + 1)
    pieces: list[str] = []
    last = 0
    for at in sorted(starts):
        if at < last or at < 0:
            continue
        m = _CLAUSE_START.match(text, at)
        if m is not None:
            pieces.append(text[last:at])
            last = m.end()
    pieces.append(text[last:])
    return pieces


# A connecting word left at the end of a title's words; it matches the whole last word of a stripped
# text (no space follows), at most seven characters ("between"), so it is searched for only there.
_LAST_CONNECTOR = re.compile(r"(?i:\b(?:on|by|from|until|before|between|the|is|are|will|be|must)\s*$)")


def _drop_last_word(text: str) -> str:
    """`_LAST_CONNECTOR.sub("", text)` for a stripped text."""
    m = _LAST_CONNECTOR.search(text, max(0, len(text) - 7))
    return text[: m.start()] if m else text


def _has_date_words(text: str) -> bool:
    """`_DATE_WORDS.search(text)`, searched only where a digit and a month name occur (every match
    holds both)."""
    if _DIGIT.search(text) is None:
        return False
    if not _folds(text):
        lowered = text.lower()
        for stem in _MONTH_STEMS:
            if stem in lowered:
                break
        else:
            return False
    return _DATE_WORDS.search(text) is not None


def _drop(pattern: re.Pattern[str], text: str) -> str:
    """`pattern.sub("", text)` for a pattern anchored at the start with `^` (no MULTILINE), which can
    match only there: one match attempt instead of a search through the whole text."""
    m = pattern.match(text)
    return text[m.end() :] if m else text


def _trim(words: str) -> str:
    parts = words.split()
    text = " ".join(parts[:MAX_WORDS])
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit(" ", 1)[0]
    return text.strip(" ,;:-–—|")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text and text[0].islower() else text


def row_title(label: str) -> str | None:
    """A timetable row's label, without its trailing separators."""
    label = _DATE_NOISE.sub(" ", label) if re.search(r"\d", label[-12:]) else label
    text = _trim(label)
    return _capital(text) if len(text) >= 3 else None


def title(
    sentence: str, date_offset: int, headline: str | None, topic: Callable[[], str | None] | None = None
) -> str | None:
    """A short label for the record whose date starts at `date_offset` in `sentence`.

    `topic` gives the sentence's Korean topic (`korean_topic(sentence)`) when the caller keeps it
    for all the dates of one sentence: it reads the whole sentence."""
    # A title stands near its date: reading a bounded stretch keeps long sentences cheap.
    start = max(0, date_offset - HEAD_CHARS)
    if start:
        start = sentence.find(" ", start, date_offset) + 1 or start
    head = sentence[start:date_offset]
    window = sentence[start : date_offset + 80].lower()
    m = None
    for word in _NAMED_WORDS:  # a plain loop: this runs for every record
        if word in window:
            m = _NAMED.search(sentence, start, date_offset + 80)
            break
    if m:
        return _capital(_trim(_drop(_ARTICLE, m["t"])))
    if (not head.isascii() and _HANGUL.search(head)) or not _LATIN.search(head):
        korean = (topic or (lambda: korean_topic(sentence)))() or _korean_head(head)
        if korean:
            return korean
    clean = _drop(_LEADING, head.strip())
    # The clause the date belongs to: the last piece (after a comma, "that", "and") with a subject.
    subject = ""
    for piece in [*reversed(_clause_pieces(clean)[-3:]), clean]:
        m = _SUBJECT.match(_drop(_LEADING, piece.strip()))
        if m and not _has_date_words(m["t"]):
            subject = _drop(_ARTICLE, m["t"].strip())
            break
    if subject and _PRONOUN.match(subject):
        subject = ""
    wants_action = not subject or len(subject.split()) > MAX_WORDS
    action = _ACTION.search(clean) if wants_action and clean.rstrip().lower().endswith(_ACTION_ENDS) else None
    if action:
        verb_phrase = _CUT.split(action["t"])[0].strip()
        if len(verb_phrase.split()) >= 3 or not subject:
            return _capital(_trim(verb_phrase))
    if subject and len(subject.split()) <= MAX_WORDS + 3:
        return _capital(_trim(subject))
    words = _DATE_NOISE.sub(" ", clean)
    words = _drop_last_word(words.strip())
    if len(words.split()) >= 2:
        return _capital(_trim(_drop(_ARTICLE, words.strip())))
    return _trim(headline) if headline else None


def korean_topic(sentence: str) -> str | None:
    """The noun phrase a Korean sentence is about: "국외부재자 신고" of "국외부재자 신고는 ..."."""
    text = _drop(_KO_SUBJECT_NOISE, _drop(_LEADING, sentence.strip()))
    if "(이하" in text:  # "(이하 선관위)": what the notice calls it from here on
        text = _HEREAFTER.sub("", text)
    m = _KO_TOPIC.match(_DATE_NOISE.sub(" ", text))
    if m:
        candidate = " ".join(m["t"].split())
        if len(candidate) >= 2 and not candidate.isdigit():
            return _trim(candidate)
    return None


def _korean_head(head: str) -> str | None:
    m = _KO_NOUNS.search(_DATE_NOISE.sub(" ", head))
    if m and len(m.group(0)) >= 2:
        return _trim(m.group(0))
    return None

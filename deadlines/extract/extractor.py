"""The extractor: notice text in, draft records out. Pure: no clock, no database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from itertools import pairwise

from deadlines.errors import NoticeError
from deadlines.extract.dates import (
    MONTHS,
    WEEKDAY_NAMES,
    DateMention,
    TimeMention,
    continuation,
    find_dates,
    find_times,
    find_zone,
)
from deadlines.extract.document import Document, to_document
from deadlines.extract.model import ExtractedKind, ExtractedNotice, ExtractedRecord

_PAGE_DATE_US = re.compile(r"\bDate\s*:?\s*(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?!\d)")
_PAGE_DATE_ISO = re.compile(
    r"(?:\bDate|\bPublished|\bPosted|작성일|등록일|게시일|보도일시?|배포일시?)\s*[:：]?\s*"
    r"((?:19|20)\d{2})\s*[.\-/년]\s*(\d{1,2})\s*[.\-/월]\s*(\d{1,2})"
)
_ITEM_HEAD = re.compile(
    r"^[ \t]*(?:(?P<d>\d{1,2})[ \t]+(?P<mon>[A-Z][a-z]{2,8})|(?P<mon2>[A-Z][a-z]{2,8})[ \t]+(?P<d2>\d{1,2})"
    r"|(?P<km>\d{1,2})월[ \t]*(?P<kd>\d{1,2})일)[ \t]*[:：][ \t]*(?P<title>\S.*)$",
    re.M,
)
_SENTENCE_END = re.compile(r"(?<=[^\s\d.][.!?])\s+(?=[A-Z\"“(])|(?<=\d{4}[.])\s+(?=[A-Z])|(?<=다\.)\s+|\n+")

_PREFIX_DEADLINE = re.compile(
    r"(?:\bby|\buntil|\btill|\bno later than|\bnot later than|\bbefore|\bdeadline(?:\s+is|\s+of)?"
    r"|\bclos(?:es|ing)(?:\s+on)?|\bends?(?:\s+on)?|\bdue(?:\s+on|\s+by)?)[\s,:]*(?:the\s+)?(?:on\s+)?$",
    re.I,
)
_PREFIX_START = re.compile(
    r"(?:\bfrom|\bstarting(?:\s+on)?|\bstarts?(?:\s+on)?|\bbegins?(?:\s+on)?|\bbeginning(?:\s+on)?"
    r"|\bopens?(?:\s+on)?|\beffective(?:\s+from|\s+on)?|\btakes?\s+effect(?:\s+from|\s+on)?"
    r"|\bas\s+from|\bcommencing(?:\s+on)?|\bsince)[\s,:]*(?:the\s+)?$",
    re.I,
)
_TIME_WORDS = r"(?:at\s+)?(?:\d{1,2}(?::\d{2})?\s*[ap]\.?\s?m\.?|\d{1,2}:\d{2}|noon|midnight)"
# "opens at 9 am on 12 Nov": the cue stands before the time, so look past a trailing time.
_TRAILING_TIME = re.compile(rf"\s*{_TIME_WORDS}\s*(?:KST\s*|\(Seoul time\)\s*)?(?:on\s+)?$", re.I)
_PREFIX_SINCE = re.compile(r"\bsince\s*$", re.I)
_PREFIX_RANGE = re.compile(r"(?:\bfrom|\bbetween)\s*(?:the\s+)?$", re.I)
_PREFIX_ON = re.compile(r"(?:^|\b)(?:on|held on|scheduled for|will be held on)\s*$", re.I)
_PREFIX_STATISTIC = re.compile(r"\bas\s+of\b[^.;]{0,30}$", re.I)
_SUFFIX_STATISTIC = re.compile(r"\s*(?:\([^)]{0,6}\))?\s*(?:기준|현재)")
_SUFFIX_DEADLINE = re.compile(r"\s*(?:\([^)]{0,6}\))?\s*(?:까지|마감|이내|한)")
_SUFFIX_START = re.compile(r"\s*(?:\([^)]{0,6}\))?\s*(?:부터|시작|개시|시행|from\b)")
# "A to B", allowing the time of A in between: "27 Mar, 2024 09:00 to 1 Apr, 2024".
_RANGE_JOIN = re.compile(
    rf"^\s*,?\s*(?:{_TIME_WORDS}\s*)?(?:to|through|thru|until|till|and|[-–—~～〜]|부터|에서)\s*(?:the\s+)?$",
    re.I,
)
_PAST_CUE = re.compile(
    r"\b(?:was|were|had been|has been)\s+held\b|\bheld\b|\btook place\b|\bwas\s+(?:carried out|conducted)"
    r"|개최(?:했|하였|됐|되었)|실시(?:했|하였|됐|되었)|열렸",
    re.I,
)

_AUDIENCE_CUES = [
    ("overseas", re.compile(r"overseas|abroad|absentee|expatriate|diaspora|재외|국외|해외|귀국", re.I)),
    ("candidates", re.compile(r"candidate|후보", re.I)),
    ("media", re.compile(r"\bpolls?\b|opinion poll|\bpress\b|\bmedia\b|broadcast|여론조사|언론|보도", re.I)),
]


@dataclass(frozen=True)
class _Context:
    """What a notice tells us about when it was written: used to infer missing years."""

    reference: date | None
    reference_source: str


def _month_number(name: str | None) -> int | None:
    if not name:
        return None
    return MONTHS.get(name[:3].lower())


def _page_date(text: str) -> tuple[date | None, tuple[int, int] | None]:
    m = _PAGE_DATE_US.search(text)
    if m:
        try:
            return date(int(m[3]), int(m[1]), int(m[2])), m.span()
        except ValueError:
            pass
    m = _PAGE_DATE_ISO.search(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])), m.span()
        except ValueError:
            pass
    return None, None


def _parse_meta_date(value: str | None) -> date | None:
    if not value:
        return None
    m = re.match(r"\s*((?:19|20)\d{2})-(\d{2})-(\d{2})", value)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _closest_year(month: int, day: int, reference: date) -> date | None:
    """The year that puts month/day closest to the reference (Jan in a December notice: next year)."""
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - reference).days), d))


def _item_date(m: re.Match[str], page: date | None) -> date | None:
    if m["km"]:
        month, day = int(m["km"]), int(m["kd"])
    else:
        month = _month_number(m["mon"] or m["mon2"])  # type: ignore[assignment]
        day = int(m["d"] or m["d2"])
    if month is None or page is None:
        return None
    try:
        item = date(page.year, month, day)
    except ValueError:
        return None
    # Items are listed on a page published after them: a later date belongs to the year before.
    if item > page:
        try:
            item = date(page.year - 1, month, day)
        except ValueError:
            return None
    return item


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if pos < end:
        yield pos, end


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True)
class _Sentence:
    """The sentence a date was found in: its quote and span, and what it says about who and when."""

    quote: str
    span: tuple[int, int]
    audiences: tuple[str, ...]
    zone: str | None
    times: list[TimeMention]


@dataclass
class _Resolved:
    day: date
    warnings: list[str]
    inferred: bool


def _resolve(mention: DateMention, year: int | None, ctx: _Context) -> _Resolved | None:
    warnings: list[str] = []
    inferred = False
    if mention.year is not None:
        day = mention.resolve(mention.year)
    elif year is not None:
        day = mention.resolve(year)
        inferred = True
    elif ctx.reference is not None:
        day = _closest_year(mention.month, mention.day, ctx.reference)
        inferred = True
        if day is not None:
            warnings.append(
                f"year of {mention.text.strip()!r} inferred as {day.year} from {ctx.reference_source}"
            )
    else:
        return None
    if day is None:
        return None
    if mention.weekday is not None and day.weekday() != mention.weekday:
        stated = WEEKDAY_NAMES[mention.weekday]
        hint = ""
        if mention.year is None:
            others = [
                d
                for d in (mention.resolve(day.year - 1), mention.resolve(day.year + 1))
                if d is not None and d.weekday() == mention.weekday
            ]
            if others:
                hint = f"; {others[0].isoformat()} would be a {stated}"
        warnings.append(
            f"stated weekday {stated} does not match {day.isoformat()}, a {WEEKDAY_NAMES[day.weekday()]}{hint}"
        )
    return _Resolved(day, warnings, inferred)


def _audiences(text: str) -> tuple[str, ...]:
    found = tuple(name for name, cue in _AUDIENCE_CUES if cue.search(text))
    return found or ("all",)


class _NoticeExtractor:
    def __init__(
        self, text: str, ctx: _Context, headline: str | None, headline_span: tuple[int, int] | None
    ) -> None:
        self.text = text
        self.ctx = ctx
        self.headline = headline
        self.headline_span = headline_span
        self.warnings: list[str] = []

    def sentence_records(self, s_start: int, s_end: int, context_text: str) -> list[ExtractedRecord]:
        text = self.text
        mentions = find_dates(text, s_start, s_end)
        records: list[ExtractedRecord] = []
        i = 0
        quote_start, quote_end = _strip_span(text, s_start, s_end)
        quote = text[quote_start:quote_end]
        sentence = _Sentence(
            quote,
            (quote_start, quote_end),
            _audiences(quote + " " + context_text),
            find_zone(quote),
            find_times(text, s_start, s_end),
        )
        while i < len(mentions):
            first = mentions[i]
            before = text[s_start : first.start]
            if _PREFIX_STATISTIC.search(before) or _SUFFIX_STATISTIC.match(text, first.end, s_end):
                i += 1
                continue
            second: DateMention | None = None
            if i + 1 < len(mentions) and _RANGE_JOIN.match(text[first.end : mentions[i + 1].start]):
                joined = text[first.end : mentions[i + 1].start].strip().lower()
                if joined != "and" or _PREFIX_RANGE.search(before):
                    second = mentions[i + 1]
            if second is None:
                second = continuation(text, first, s_end)
                if second is not None and i + 1 < len(mentions) and mentions[i + 1].start < second.end:
                    second = None
            if second is not None:
                record = self._range(first, second, before, sentence)
                i += 2 if second in mentions else 1
            else:
                record = self._single(first, before, sentence)
                i += 1
            if record is not None:
                records.append(record)
        return records

    def _warn_unresolved(self, mention: DateMention) -> None:
        if mention.resolve(mention.year or 2000) is None and mention.resolve(2004) is None:
            self.warnings.append(f"not a valid date: {mention.text.strip()!r} at {mention.start}")
        else:
            self.warnings.append(
                f"no year for {mention.text.strip()!r} at {mention.start} and no publication date"
                " to infer it from (pass --published)"
            )

    def _range(
        self, a: DateMention, b: DateMention, before: str, sentence: _Sentence
    ) -> ExtractedRecord | None:
        # A year given on one end decides the other: "from 12 Nov to 10 Feb, 2024".
        start_year = end_year = None
        if a.year is None and b.year is not None:
            start_year = b.year if (a.month, a.day) <= (b.month, b.day) else b.year - 1
        if b.year is None and a.year is not None:
            end_year = a.year if (b.month, b.day) >= (a.month, a.day) else a.year + 1
        ra = _resolve(a, start_year, self.ctx)
        if ra is not None and b.year is None and end_year is None:
            end_year = ra.day.year if (b.month, b.day) >= (a.month, a.day) else ra.day.year + 1
        rb = _resolve(b, end_year, self.ctx)
        if ra is None or rb is None:
            self._warn_unresolved(a if ra is None else b)
            return None
        warnings = ra.warnings + [w for w in rb.warnings if w not in ra.warnings]
        confidence = 0.95
        if ra.inferred or rb.inferred:
            confidence -= 0.15
        if rb.day < ra.day:
            warnings.append(f"range ends {rb.day} before it starts {ra.day}")
            confidence -= 0.4
        t_start, t_end = self._times(sentence.times, a.end, b.start, b.end)
        return self._record(
            "period", ra.day, rb.day, (a, b), sentence, (t_start, t_end), confidence, warnings, before
        )

    def _single(self, a: DateMention, before: str, sentence: _Sentence) -> ExtractedRecord | None:
        ra = _resolve(a, None, self.ctx)
        if ra is None:
            self._warn_unresolved(a)
            return None
        after = self.text[a.end : sentence.span[1]]
        before = _TRAILING_TIME.sub(" ", before)
        kind: ExtractedKind
        confidence = 0.9
        if _PREFIX_DEADLINE.search(before) or _SUFFIX_DEADLINE.match(after):
            kind = "deadline"
            if re.search(r"\bbefore\s*$", before, re.I):
                ra.warnings.append("'before' may mean the day itself is excluded; check the deadline")
                confidence -= 0.2
        elif _PREFIX_START.search(before) or _SUFFIX_START.match(after):
            kind = "start"
        elif _PREFIX_ON.search(before):
            kind = "event"
        else:
            kind = "event"
            confidence -= 0.25
        if ra.inferred:
            confidence -= 0.15
        t_start, t_end = self._times(sentence.times, None, a.start, a.end)
        if kind == "deadline" and t_start and not t_end:
            t_start, t_end = None, t_start
        starts = ra.day if kind in ("start", "event") else None
        ends = ra.day if kind in ("deadline", "event") else None
        return self._record(
            kind, starts, ends, (a, a), sentence, (t_start, t_end), confidence, ra.warnings, before
        )

    def _times(
        self,
        times: list[TimeMention],
        between_from: int | None,
        end_start: int,
        end_end: int,
    ) -> tuple[time | None, time | None]:
        """Times that belong to a date: a pair 'from 9 am to 6 pm', or one near the date."""
        if not times:
            return None, None
        pairs = [
            (t1, t2)
            for t1, t2 in pairwise(times)
            if _RANGE_JOIN.match(self.text[t1.end : t2.start])
            or re.match(r"^\s*부터\s*$", self.text[t1.end : t2.start])
        ]
        if pairs:
            t1, t2 = pairs[0]
            return t1.value, t2.value
        near = [t for t in times if abs(t.start - end_end) <= 40 or abs(end_start - t.end) <= 40]
        if not near:
            return None, None
        t = near[0]
        if between_from is not None and between_from <= t.start < end_start:
            return t.value, None
        if between_from is not None or t.start >= end_end:
            return None, t.value
        return t.value, None

    def _record(
        self,
        kind: ExtractedKind,
        starts: date | None,
        ends: date | None,
        dates: tuple[DateMention, DateMention],
        sentence: _Sentence,
        times: tuple[time | None, time | None],
        confidence: float,
        warnings: list[str],
        before: str,
    ) -> ExtractedRecord:
        quote = sentence.quote
        past = False
        last = ends or starts
        if self.ctx.reference is not None and last is not None:
            if last < self.ctx.reference or (last == self.ctx.reference and _PAST_CUE.search(quote)):
                past = True
        elif _PAST_CUE.search(quote):
            past = True
        if _PREFIX_SINCE.search(before):
            past = True
        if kind == "event" and _PREFIX_ON.search(before) is None and _PAST_CUE.search(quote):
            confidence += 0.1
        if any("does not match" in w for w in warnings):
            confidence -= 0.3
        return ExtractedRecord(
            kind=kind,
            starts=starts,
            ends=ends,
            quote=quote,
            span=sentence.span,
            date_span=(dates[0].start, dates[1].end),
            confidence=round(max(0.05, min(0.99, confidence)), 2),
            audiences=sentence.audiences,
            time_starts=times[0],
            time_ends=times[1],
            timezone=sentence.zone,
            past=past,
            warnings=tuple(warnings),
            headline=self.headline,
        )


def _covered(record: ExtractedRecord, others: list[ExtractedRecord]) -> bool:
    """A headline record that only repeats a body record ("Begins on 12 Nov")."""
    for other in others:
        if record.starts and record.starts in (other.starts, other.ends):
            return True
        if record.ends and record.ends in (other.starts, other.ends):
            return True
    return False


def _extract_notice(
    text: str,
    start: int,
    end: int,
    ctx: _Context,
    headline: str | None,
    headline_span: tuple[int, int] | None,
    skip: list[tuple[int, int]],
) -> ExtractedNotice:
    ex = _NoticeExtractor(text, ctx, headline, headline_span)
    context = headline or ""
    head_records: list[ExtractedRecord] = []
    if headline_span:
        head_records = ex.sentence_records(headline_span[0], headline_span[1], "")
    body: list[ExtractedRecord] = []
    body_start = headline_span[1] if headline_span else start
    for s_start, s_end in _sentences(text, body_start, end):
        if any(a <= s_start < b or s_start <= a < s_end for a, b in skip):
            continue
        body += ex.sentence_records(s_start, s_end, context)
    records = [r for r in head_records if not _covered(r, body)] + body
    records.sort(key=lambda r: r.date_span)
    return ExtractedNotice(
        headline=headline,
        published=ctx.reference,
        span=(start, end),
        records=tuple(records),
        warnings=tuple(ex.warnings),
    )


def extract_document(doc: Document, *, published: date | None = None) -> list[ExtractedNotice]:
    """Extract every notice of a document. `published` is used when the notice gives no date."""
    text = doc.text
    page, page_span = _page_date(text)
    page = page or _parse_meta_date(doc.published) or published
    source = "the page date" if page and page != published else "the publication date"
    skip = [page_span] if page_span else []
    heads = list(_ITEM_HEAD.finditer(text))
    heads = [m for m in heads if _item_date(m, page) is not None]
    if not heads:
        headline = doc.title or next((ln.strip() for ln in text.splitlines() if ln.strip()), None)
        ctx = _Context(page, source)
        return [_extract_notice(text, 0, len(text), ctx, headline, None, skip)]
    notices: list[ExtractedNotice] = []
    for n, m in enumerate(heads):
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        item = _item_date(m, page)
        ctx = _Context(item, f"the item date {item}")
        title_span = m.span("title")
        notices.append(_extract_notice(text, m.start(), end, ctx, m["title"].strip(), title_span, skip))
    return notices


def extract(text: str, *, published: date | None = None, name: str = "<notice>") -> list[ExtractedNotice]:
    """Extract draft records from notice text or HTML. Raises NoticeError for unusable input."""
    doc = to_document(text, name)
    try:
        return extract_document(doc, published=published)
    except RecursionError as e:  # pragma: no cover - defensive: pathological nesting in HTML
        raise NoticeError(f"{name}: notice too deeply nested to read") from e


def notices_to_json(notices: list[ExtractedNotice]) -> dict[str, object]:
    return {"notices": [n.to_json() for n in notices]}


__all__ = ["extract", "extract_document", "notices_to_json"]

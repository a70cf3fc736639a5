"""The extractor: notice text in, draft records out. Pure: no clock, no database.

The work is split three ways: `dates.py` finds date expressions, `cues.py` reads the words
around them, `resolve.py` finds the publication date and resolves years and relative days
(`numeric.py` settles, per notice, whether 05/11/2024 puts the day or the month first).
This module walks the notice (items, sentences, timetable rows) and joins the three.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time
from itertools import pairwise

from deadlines.errors import NoticeError
from deadlines.extract import cues
from deadlines.extract.dates import find_dates_in
from deadlines.extract.document import Document, to_document
from deadlines.extract.forms import DateExpression, DateMention
from deadlines.extract.model import ExtractedKind, ExtractedNotice, ExtractedRecord
from deadlines.extract.numeric import orient
from deadlines.extract.ranges import find_expressions
from deadlines.extract.resolve import Resolved, day_after, find_stamps, is_valid, publication, resolve
from deadlines.extract.sentences import ITEM_HEAD, headline_like, item_date, row_label, sentences, strip_span
from deadlines.extract.spans import Spans
from deadlines.extract.times import TimeMention, find_times, find_zone
from deadlines.extract.titles import korean_topic, row_title, title


class _Sentence:
    """The sentence a date was found in: its quote and span, and what it says about who and when
    (a plain slotted class, cheap to make; the Korean topic and the past tense are read on first use)."""

    __slots__ = ("_past", "_topic", "_topic_read", "audiences", "quote", "row_label", "span", "times", "zone")

    def __init__(
        self,
        quote: str,
        span: tuple[int, int],
        audiences: tuple[str, ...],
        zone: str | None,
        times: list[TimeMention],
        row_label: str | None,
    ) -> None:
        self.quote = quote
        self.span = span
        self.audiences = audiences
        self.zone = zone
        self.times = times
        self.row_label = row_label
        self._topic: str | None = None
        self._topic_read = False
        self._past: bool | None = None

    def korean_topic(self) -> str | None:
        """What a Korean sentence is about, for the titles of all its dates: read once."""
        if not self._topic_read:
            self._topic, self._topic_read = korean_topic(self.quote), True
        return self._topic

    @property
    def past(self) -> bool:
        """Whether the sentence speaks of something done ("was held"): read once, not per date."""
        if self._past is None:
            self._past = cues.is_past(self.quote)
        return self._past


class _NoticeExtractor:
    def __init__(self, text: str, reference: date | None, source: str, headline: str | None) -> None:
        self.text = text
        self.reference = reference
        self.source = source
        self.headline = headline
        self.warnings: list[str] = []
        self.year_hint: int | None = None

    def sentence_records(
        self,
        s_start: int,
        s_end: int,
        context_text: str,
        skip: Spans,
        mentions: list[DateMention],
    ) -> list[ExtractedRecord]:
        if not mentions:
            return []
        text = self.text
        expressions = find_expressions(text, s_start, s_end, mentions)
        if skip:
            expressions = [e for e in expressions if not skip.covers(e.start)]
        if not expressions:
            return []
        quote_start, quote_end = strip_span(text, s_start, s_end)
        quote = text[quote_start:quote_end]
        times = find_times(text, s_start, s_end)
        sentence = _Sentence(
            quote,
            (quote_start, quote_end),
            cues.audiences(quote, context_text),
            find_zone(quote),
            times,
            row_label(text, quote_start, expressions[0].start, times),
        )
        records: list[ExtractedRecord] = []
        prev_end = s_start
        previous: ExtractedRecord | None = None
        for n, expr in enumerate(expressions):
            next_start = expressions[n + 1].start if n + 1 < len(expressions) else s_end
            before = text[max(prev_end, expr.start - cues.BEFORE) : expr.start]
            after = text[expr.end : min(next_start, expr.end + cues.AFTER)]
            prev_end = expr.end
            lead = text[max(s_start, expr.start - cues.BEFORE) : expr.start]
            if self.reference is None:  # the hint is read only then (see _single)
                self.year_hint = next((e.first.year for e in expressions[n + 1 :] if e.first.year), None)
            record = self._expression(expr, before, after, lead, sentence)
            if record is not None and previous is not None and _SHARES_VERB.match(before):
                record = _same_kind(record, previous)
            if record is not None:
                records.append(record)
                previous = record
        return records

    def _expression(
        self, expr: DateExpression, before: str, after: str, lead: str, sentence: _Sentence
    ) -> ExtractedRecord | None:
        if expr.second is None:
            return self._single(expr.first, before, after, lead, sentence)
        if cues.is_not_record(before, after):
            return None
        return self._range(expr.first, expr.second, before, sentence)

    def _warn_unresolved(self, mention: DateMention) -> None:
        if not is_valid(mention):
            self.warnings.append(f"not a valid date: {mention.text.strip()!r} at {mention.start}")
        else:
            self.warnings.append(
                f"no year for {mention.text.strip()!r} at {mention.start} and no publication date"
                " to infer it from (pass --published)"
            )

    def _resolve(self, mention: DateMention, year: int | None) -> Resolved | None:
        return resolve(mention, year, self.reference, self.source)

    def _range(
        self, a: DateMention, b: DateMention, before: str, sentence: _Sentence
    ) -> ExtractedRecord | None:
        # A year given on one end decides the other: "from 12 Nov to 10 Feb, 2024".
        start_year = end_year = None
        if a.year is None and b.year is not None and a.month:
            start_year = b.year if (a.month, a.day) <= (b.month, b.day) else b.year - 1
        if b.year is None and a.year is not None and b.month:
            end_year = a.year if (b.month, b.day) >= (a.month, a.day) else a.year + 1
        ra = self._resolve(a, start_year)
        if ra is not None and b.year is None and end_year is None and b.month and not b.relative:
            end_year = ra.day.year if (b.month, b.day) >= (a.month, a.day) else ra.day.year + 1
        rb = self._resolve(b, end_year)
        if ra is not None and b.month == 0 and b.day and not b.month_end:
            rb = day_after(ra, b.day)
        if ra is None or rb is None:
            self._warn_unresolved(a if ra is None else b)
            return None
        if a.weekday is not None and a.weekday == rb.day.weekday() != ra.day.weekday():
            # "Friday, Saturday, Sunday and Monday, October 11 to 14": the weekday names the end.
            ra.warnings = [w for w in ra.warnings if "does not match" not in w]
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

    def _single(
        self, a: DateMention, before: str, after: str, lead: str, sentence: _Sentence
    ) -> ExtractedRecord | None:
        reading = cues.read_single(before, after, lead, sentence.row_label)
        if reading.reading in ("statistic", "eligibility"):
            return None
        # "open on 1 July and close on 31 July 2024": with no publication date, a later date of
        # the sentence gives the year.
        hint = self.year_hint if self.reference is None and a.month and not a.relative else None
        ra = self._resolve(a, hint)
        if ra is None:
            self._warn_unresolved(a)
            return None
        kind: ExtractedKind = reading.reading  # type: ignore[assignment]
        confidence = 0.9 if reading.strong else 0.65
        if reading.before_caveat:
            ra.warnings.append("'before' may mean the day itself is excluded; check the deadline")
            confidence -= 0.2
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
        for t1, t2 in pairwise(times):
            gap = self.text[t1.end : t2.start]
            if len(gap) < 12 and _TIME_JOIN.fullmatch(gap):
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
        if self.reference is not None and last is not None:
            if last < self.reference or (last == self.reference and sentence.past):
                past = True
        elif sentence.past or dates[0].two_digit_year:
            past = True
        if cues.follows_since(before):
            past = True
        if kind == "event" and sentence.past:
            confidence += 0.1
        if warnings and any("does not match" in w for w in warnings):
            confidence -= 0.3
        offset = dates[0].start - sentence.span[0]
        label = row_title(sentence.row_label) if sentence.row_label else None
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
            title=label or title(quote, max(0, offset), self.headline, sentence.korean_topic),
        )


# What joins two times of one span: "9 am to 6 pm", "오전 9시부터 오후 6시".
_TIME_JOIN = re.compile(r"\s*(?:to|until|till|and|[-–—~～〜]|부터|에서)\s*(?:the\s+)?", re.I)
# "opens on Wednesday 27 September and in New Zealand on Monday 2 October": the second date
# shares the first one's verb, and so its kind.
_SHARES_VERB = re.compile(r"\s*,?\s*(?:and|or)\s+(?:(?:in|at|for|to|from)\b[^.;,]{0,40}?)?(?:on\s+)?$", re.I)


def _same_kind(record: ExtractedRecord, previous: ExtractedRecord) -> ExtractedRecord:
    if record.kind != "event" or previous.kind not in ("start", "deadline"):
        return record
    day = record.starts or record.ends
    if previous.kind == "start":
        return replace(record, kind="start", starts=day, ends=None)
    return replace(record, kind="deadline", starts=None, ends=day)


def _trim_words(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


def _covered(record: ExtractedRecord, others: list[ExtractedRecord]) -> bool:
    """A headline record that only repeats a body record ("Begins on 12 Nov")."""
    days = {d for other in others for d in (other.starts, other.ends) if d is not None}
    return bool({record.starts, record.ends} & days)


def _extract_notice(
    text: str,
    span: tuple[int, int],
    reference: tuple[date | None, str],
    headline: str | None,
    headline_span: tuple[int, int] | None,
    skip: list[tuple[int, int]],
    warnings: list[str],
) -> ExtractedNotice:
    ex = _NoticeExtractor(text, reference[0], reference[1], headline)
    start, end = span
    context = headline or ""
    head_records: list[ExtractedRecord] = []
    body_start = headline_span[1] if headline_span else start
    spans = list(sentences(text, body_start, end))
    found_dates = find_dates_in(text, ([headline_span] if headline_span else []) + spans)
    stamps = Spans(skip)
    numeric_warnings = orient(text, (start, end), found_dates, stamps.covers)
    if headline_span:
        head_records = ex.sentence_records(*headline_span, "", stamps, found_dates.pop(0))
    local_skip = Spans([s for s in skip if s[1] > start and s[0] < end])  # sorted, as `skip` is
    body: list[ExtractedRecord] = []
    for (s_start, s_end), mentions in zip(spans, found_dates, strict=True):
        found = ex.sentence_records(s_start, s_end, context, local_skip, mentions)
        if found and headline_like(text, s_start, s_end, start):
            head_records += found
        else:
            body += found
    records = [r for r in head_records if not _covered(r, body)] + body
    records.sort(key=lambda r: r.date_span)
    return ExtractedNotice(
        headline=headline,
        published=reference[0],
        span=(start, end),
        records=tuple(records),
        warnings=tuple(warnings + numeric_warnings + ex.warnings),
    )


def extract_document(doc: Document, *, published: date | None = None) -> list[ExtractedNotice]:
    """Extract every notice of a document. `published` is used when the notice gives no date."""
    text = doc.text
    stamps = find_stamps(text)
    pub = publication(stamps, list(doc.dates), published)
    page = pub.day
    source = pub.source if page and page != published else "the publication date"
    skip = sorted(s.span for s in stamps)
    heads = [m for m in ITEM_HEAD.finditer(text) if item_date(m, page) is not None]
    if not heads:
        first_line = re.search(r"\S[^\n]*", text[:5000])
        headline = doc.title or (_trim_words(first_line.group(0).strip(), 200) if first_line else None)
        return [_extract_notice(text, (0, len(text)), (page, source), headline, None, skip, pub.warnings)]
    notices: list[ExtractedNotice] = []
    # What comes before the first item (a page's own introduction) is kept when it says anything.
    lead = _extract_notice(text, (0, heads[0].start()), (page, source), doc.title, None, skip, pub.warnings)
    if lead.records:
        notices.append(lead)
    for n, m in enumerate(heads):
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        item = item_date(m, page)
        notices.append(
            _extract_notice(
                text,
                (m.start(), end),
                (item, f"the item date {item}"),
                m["title"].strip(),
                m.span("title"),
                skip,
                [],
            )
        )
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

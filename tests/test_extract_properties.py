"""Property tests: extraction never escapes with an untyped error, every record quotes the text it
came from and runs forwards (or says why not); written dates parse back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deadlines.errors import NoticeError
from deadlines.extract.document import to_document
from deadlines.extract.extractor import extract_document
from deadlines.extract.model import ExtractedNotice

NOTICES = Path(__file__).resolve().parent / "notices"
KO_DAYS = "월화수목금토일"
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))


def formats(d: date) -> list[str]:
    wd = KO_DAYS[d.weekday()]
    return [
        f"{d.year}. {d.month}. {d.day}.({wd})",
        f"′{d.year % 100:02d}. {d.month}. {d.day}.({wd})",
        f"{d.year}년 {d.month}월 {d.day}일",
        f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}",
        f"{d.day} {EN_MONTHS[d.month - 1][:3]}, {d.year}",
        f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}",
        f"{d:%A}, {d.day} {EN_MONTHS[d.month - 1]} {d.year}",
        d.isoformat(),
    ]


def check_invariants(text: str) -> list[ExtractedNotice]:
    """Extract `text` and check what every record must hold; a NoticeError is a fine answer."""
    try:
        doc = to_document(text)
        notices = extract_document(doc)
    except NoticeError:
        return []
    n = len(doc.text)
    for notice in notices:
        assert 0 <= notice.span[0] <= notice.span[1] <= n
        for r in notice.records:
            assert r.starts or r.ends
            assert 0.0 < r.confidence < 1.0
            # Provenance: the quote is the extracted text at its span, the date inside the quote.
            start, end = r.span
            assert 0 <= start < end <= n, r
            assert r.quote == doc.text[start:end], r
            assert start <= r.date_span[0] <= r.date_span[1] <= end, r
            # A period runs forwards, or the record says it does not.
            if r.starts and r.ends and r.starts > r.ends:
                assert r.warnings, r
            if r.kind == "period":
                assert r.starts and r.ends, r
    return notices


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_gives_records_or_a_typed_error(text: str) -> None:
    check_invariants(text)


date_words = st.sampled_from(
    [
        "1 Dec",
        "Friday, 1 Dec",
        "2024. 2. 10.(토)",
        "5월 10일(토)",
        " ~ ",
        " to ",
        "from ",
        "by ",
        "until ",
        "부터 ",
        "까지",
        "′24. 2. 10.",
        "Nov 3,",
        "as of ",
        "9 am",
        "18:00",
        "\n",
        "31 Feb, 2024",
        "Date :12/13/2023",
        "<p>",
        "</p>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(date_words, st.text(max_size=8)), max_size=30))
def test_date_like_noise_keeps_the_invariants(parts: list[str]) -> None:
    check_invariants("".join(parts))


@pytest.mark.parametrize(
    "path", sorted(p for p in NOTICES.iterdir() if p.suffix in (".txt", ".html")), ids=lambda p: p.name
)
def test_every_test_notice_keeps_the_invariants(path: Path) -> None:
    check_invariants(path.read_text(encoding="utf-8"))


@settings(max_examples=200, deadline=None)
@given(dates, st.integers(min_value=0, max_value=7))
def test_written_dates_parse_back(d: date, which: int) -> None:
    written = formats(d)[which]
    if which == 1 and not 2000 <= d.year <= 2069:
        return  # a two-digit year means 20YY up to '69, 19YY from '70 ('98. 6. 4. is a past local election)
    [notice] = check_invariants(f"Applications close by {written}.")
    [record] = notice.records
    assert record.ends == d, written
    assert not record.warnings


@settings(max_examples=100, deadline=None)
@given(dates, st.integers(min_value=1, max_value=120))
def test_written_ranges_parse_back(start: date, length: int) -> None:
    from datetime import timedelta

    end = start + timedelta(days=length)
    if end.year > 2099:
        return
    text = f"신고기간은 {formats(start)[0]} ~ {formats(end)[0]}입니다."
    [notice] = check_invariants(text)
    [record] = notice.records
    assert (record.kind, record.starts, record.ends) == ("period", start, end)

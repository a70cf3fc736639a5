"""Korean words in English text are marked lang="ko"; Korean pages and markup stay as they are."""

from __future__ import annotations

from deadlines.lang_marks import mark_korean


def test_korean_runs_in_english_text_are_marked_and_the_rest_escaped() -> None:
    text = "For citizens abroad (재외선거인) & residents (주민등록 국외부재자) <b>"
    assert str(mark_korean(text, "en")) == (
        'For citizens abroad (<span lang="ko">재외선거인</span>) &amp; residents '
        '(<span lang="ko">주민등록 국외부재자</span>) &lt;b&gt;'
    )


def test_korean_pages_are_left_alone() -> None:
    assert str(mark_korean("재외선거인 <b>", "ko")) == "재외선거인 &lt;b&gt;"
    assert str(mark_korean("no Korean here", "en")) == "no Korean here"

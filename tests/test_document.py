"""Reading notice bytes: encodings, binary files, sizes, and HTML flattening."""

from __future__ import annotations

import pytest

from deadlines.errors import NoticeError
from deadlines.extract import read_notice_bytes
from deadlines.extract.document import html_to_document


def test_utf8_with_bom_and_cp949_are_read() -> None:
    text = "재외선거 신고는 2024. 2. 10.(토)까지"
    assert read_notice_bytes(("\ufeff" + text).encode("utf-8")).text == text
    assert read_notice_bytes(text.encode("cp949")).text == text


def test_binary_is_refused_with_the_name() -> None:
    with pytest.raises(NoticeError, match=r"^photo.png: looks like a binary file"):
        read_notice_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png")


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(NoticeError, match="cannot decode"):
        read_notice_bytes(bytes([0xFF, 0xFE, 0xFD]) * 10, "x.txt")


def test_oversized_notice_is_refused() -> None:
    with pytest.raises(NoticeError, match="over the limit of 1,000"):
        read_notice_bytes(b"a" * 1001, "big.txt", max_bytes=1000)


def test_empty_notice_is_refused() -> None:
    with pytest.raises(NoticeError, match="empty"):
        read_notice_bytes(b"\n \n", "empty.txt")


def test_crlf_is_normalised() -> None:
    assert read_notice_bytes(b"a\r\nb\rc").text == "a\nb\nc"


def test_html_blocks_become_lines_and_chrome_is_dropped() -> None:
    doc = html_to_document(
        "<html><head><title>Site</title><style>p{}</style></head><body><header>Menu</header>"
        "<h1>Notice &amp; News</h1><p>First<br>second</p><aside>ad</aside><footer>foot</footer></body></html>"
    )
    assert doc.text == "Notice & News\n\nFirst\n\nsecond"
    assert doc.title == "Notice & News" and doc.was_html

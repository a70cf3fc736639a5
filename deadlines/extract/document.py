"""Turns notice bytes into plain text: decoding, refusing binary input, and flattening HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from deadlines.errors import NoticeError

DEFAULT_MAX_BYTES = 2_000_000
_HTML_HINT = re.compile(r"<(?:!doctype\s+html|html|body|p|div|h[1-6]|br|table|article|section)\b", re.I)
_BLOCK = {
    "address",
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
}
# Content that is never part of the notice itself: code, styling and site chrome.
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "select",
    "button",
    "svg",
    "iframe",
}
_HEADINGS = {"h1", "h2", "h3", "title"}
# Control characters other than tab, newline, carriage return and form feed: a sign of binary input.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_META_DATE_NAMES = {"date", "article:published_time", "dc.date", "dcterms.date", "pubdate"}


@dataclass(frozen=True)
class Document:
    """Plain text of a notice, with what the HTML structure told us (title, a date field)."""

    text: str
    title: str | None = None
    published: str | None = None
    was_html: bool = False
    # Dates the HTML gives the page: ("meta date", value), ("time", datetime attribute), in page order.
    dates: tuple[tuple[str, str], ...] = ()


def decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise NoticeError(f"{name}: looks like a binary file (NUL bytes), not notice text")
    # Korean government sites still serve CP949 (a superset of EUC-KR) besides UTF-8.
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NoticeError(f"{name}: cannot decode as UTF-8 or CP949 (EUC-KR) text")


def read_notice_bytes(data: bytes, name: str = "<notice>", *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Validate and normalise raw notice bytes; raises NoticeError with a one-line reason."""
    if len(data) > max_bytes:
        raise NoticeError(
            f"{name}: notice is {len(data):,} bytes, over the limit of {max_bytes:,}"
            " (DEADLINES_MAX_NOTICE_BYTES)"
        )
    text = decode(data, name)
    return to_document(text, name)


def to_document(text: str, name: str = "<notice>") -> Document:
    if not text.strip():
        raise NoticeError(f"{name}: notice is empty")
    controls = len(_CONTROLS.findall(text, 0, 8192))
    if controls > 8:
        raise NoticeError(f"{name}: looks like a binary file ({controls} control characters)")
    if _HTML_HINT.search(text[:20000]):
        return html_to_document(text)
    return Document(text=text.replace("\r\n", "\n").replace("\r", "\n"))


class _Flattener(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.heading: list[str] | None = None
        self.headings: dict[str, str] = {}
        self.published: str | None = None
        self.dates: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if tag == "meta":
            values = dict(attrs)
            key = (values.get("name") or values.get("property") or "").lower()
            content = values.get("content")
            if key in _META_DATE_NAMES and content:
                self.published = self.published or content
                self.dates.append((f"meta {key}", content))
            return
        if tag == "time" and self.skip_depth == 0:
            stamp = dict(attrs).get("datetime")
            if stamp:
                self.dates.append(("time element", stamp))
        if tag in ("td", "th"):
            # Cells of one row stay on one line, so a timetable row reads as label | date.
            self.parts.append(" | ")
            return
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag in _HEADINGS and self.skip_depth == 0:
            self.heading = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in _HEADINGS and self.heading is not None:
            text = " ".join("".join(self.heading).split())
            if text and tag not in self.headings:
                self.headings[tag] = text
            self.heading = None
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.heading is not None:
            self.heading.append(data)
        # The <title> is usually the site's name as much as the notice's: keep it out of the text.
        if self.lasttag != "title":
            self.parts.append(data)


def html_to_document(html: str) -> Document:
    """Flatten HTML to text: one line per block, scripts, styles and navigation dropped."""
    parser = _Flattener()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()).strip(" |") for line in "".join(parser.parts).split("\n"))
    text = "\n\n".join(line for line in lines if line)
    title = parser.headings.get("h1") or parser.headings.get("title") or parser.headings.get("h2")
    return Document(
        text=text, title=title, published=parser.published, was_html=True, dates=tuple(parser.dates)
    )

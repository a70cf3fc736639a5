"""A page's text read as its reader sees it: on a Korean page, runs of three or more English words
outside elements marked lang="en" (names and quotes are marked so), code and scripts; on an
English page, any Korean outside elements marked lang="ko"."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Three or more ASCII words in a row, separated by spaces (and a comma or full stop).
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[,.;:]?\s+[A-Za-z][A-Za-z'’-]*){2,}")
HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+(?:[\s·]+[\uac00-\ud7a3]+)*")
SKIPPED = {"script", "style", "code", "pre", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SPOKEN_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")


class _Reader(HTMLParser):
    def __init__(self, other: str) -> None:
        super().__init__(convert_charrefs=True)
        self.other = other
        # One entry per open element: is its text exempt (another language, or code)?
        self.stack: list[bool] = [False]
        self.found: list[str] = []

    def _check(self, text: str) -> None:
        pattern = ENGLISH_RUN if self.other == "en" else HANGUL_RUN
        self.found.extend(m.group(0) for m in pattern.finditer(text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        lang = (given.get("lang") or "").lower()
        exempt = self.stack[-1] or tag in SKIPPED or lang.startswith(self.other)
        if lang and not lang.startswith(self.other):
            exempt = tag in SKIPPED
        if not exempt:
            for name in SPOKEN_ATTRIBUTES:
                self._check(given.get(name) or "")
        if tag not in VOID:
            self.stack.append(exempt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.stack[-1]:
            self._check(data)


def foreign_runs(html: str, other: str = "en") -> list[str]:
    """Runs of words in `other` (English or Korean) on a page, outside passages marked so."""
    reader = _Reader(other)
    reader.feed(html)
    reader.close()
    return reader.found

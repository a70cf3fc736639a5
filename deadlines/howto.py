"""How to act on a deadline, in words: the record's `how` with its `{link}` made the
`action_url` (an address in text, a link on pages). Pure."""

from __future__ import annotations

from dataclasses import dataclass

from deadlines.records import DeadlineRecord

LINK = "{link}"  # where the rule file's `how` puts `action_url` (rules/wording.py)

LABEL = {"en": "How to act", "ko": "방법"}


@dataclass(frozen=True)
class How:
    """`before` + link + `after`; `url` is None when the record has no page to act on."""

    before: str
    url: str | None
    after: str

    @property
    def label(self) -> str:
        """The link's text: the address without its scheme (`ok.nec.go.kr`)."""
        return (self.url or "").removeprefix("https://").rstrip("/")

    def text(self) -> str:
        return f"{self.before}{self.url or ''}{self.after}"


def how(record: DeadlineRecord, lang: str) -> How | None:
    """What a voter does and where, in `lang` (English when the record has no `lang` text)."""
    sentence = record.how.get(lang) or record.how.get("en") or ""
    url = record.action_url
    if not sentence:
        return How("", url, "") if url else None
    if url is None:
        return How(sentence.replace(LINK, "").strip(), None, "")
    if LINK not in sentence:
        return How(sentence + " ", url, "")
    before, _, after = sentence.partition(LINK)
    return How(before, url, after.replace(LINK, url))


def how_line(record: DeadlineRecord, lang: str) -> str | None:
    """`How to act: Report online at https://ok.nec.go.kr, ...` for feeds and plain text."""
    found = how(record, lang)
    return f"{LABEL.get(lang, LABEL['en'])}: {found.text()}" if found else None

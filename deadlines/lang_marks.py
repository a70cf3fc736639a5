"""Korean words inside English text marked for screen readers and translation (pure): a Jinja
filter `marked` that escapes a text and, on an English page, wraps each run of Hangul in
<span lang="ko"> (the words a voter meets in Korean, such as 재외선거인)."""

from __future__ import annotations

import re
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup, escape

HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+(?:[\s·]+[\uac00-\ud7a3]+)*")


def mark_korean(text: str, page_lang: str) -> Markup:
    """`text` escaped, its Korean runs marked when the page is not in Korean."""
    if page_lang == "ko":
        return escape(text)
    out, pos = [], 0
    for m in HANGUL_RUN.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(Markup('<span lang="ko">{}</span>').format(m.group(0)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


@pass_context
def marked(context: Any, text: object) -> Markup:
    return mark_korean(str(text), str(context.get("lang", "en")))

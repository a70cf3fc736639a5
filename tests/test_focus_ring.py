"""The focus ring is visible: its colour has at least 3:1 contrast (WCAG 2.2, 1.4.11 and 2.4.13)
against every background it is drawn on, read from the stylesheet itself."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

CSS = ROOT / "deadlines" / "web" / "static" / "site.css"


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of #rgb or #rrggbb."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)

    def channel(text: str) -> float:
        c = int(text, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(hex_digits[i : i + 2]) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#000", "#fff", 21.0), ("#fff", "#fff", 1.0), ("#f5a623", "#ffffff", 2.03), ("#767676", "#fff", 4.54)],
)
def test_contrast_ratio_matches_known_values(a: str, b: str, ratio: float) -> None:
    assert contrast_ratio(a, b) == pytest.approx(ratio, abs=0.01)


def _variables(css: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", css))


def test_focus_ring_has_3_to_1_against_every_background() -> None:
    css = CSS.read_text(encoding="utf-8")
    rule = re.search(r"a:focus[^{]*\{([^}]*)\}", css)
    assert rule, "no focus rule"
    outline = re.search(r"outline:\s*(\d+)px solid (var\(--[\w-]+\)|#[0-9a-fA-F]{3,6})", rule.group(1))
    assert outline and int(outline.group(1)) >= 2
    colour = outline.group(2)
    names = _variables(css)
    if colour.startswith("var("):
        colour = names[colour[6:-1]]
    # Drawn outside the element (offset), so on the page's backgrounds: white, the flash, marks.
    assert "outline-offset: 2px" in rule.group(1)
    backgrounds = {"#fff", names["bg"], *re.findall(r"\.flash \{ background: (#[0-9a-fA-F]{3,6})", css)}
    backgrounds |= set(re.findall(r"mark \{ background: (#[0-9a-fA-F]{3,6})", css))
    for background in backgrounds:
        assert contrast_ratio(colour, background) >= 3, (colour, background)

"""Queries, keys and values have one colour each, the same in diagrams, equations and figures (issue 13)."""

import json
import re
from pathlib import Path

import pytest

from attn_course.plots import QKV_COLOURS

ROOT = Path(__file__).resolve().parents[2]
BACKGROUNDS = {"light": "#ffffff", "dark": "#121212"}  # the book's page backgrounds (pydata-sphinx-theme)
CLASS_OF = {"q": "query", "k": "key", "v": "value"}
LETTER_OF = {"Q": "query", "K": "key", "V": "value"}


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def book_texts() -> dict[str, str]:
    """The markdown of every chapter (markdown cells) and page of the book."""
    texts = {str(p.relative_to(ROOT)): p.read_text() for p in sorted((ROOT / "book").glob("*.md"))}
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        texts[str(path.relative_to(ROOT))] = "\n".join(markdown)
    return texts


def test_contrast_helper_matches_known_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("mode", sorted(BACKGROUNDS))
def test_each_colour_reads_on_both_page_backgrounds(mode):
    for role, colour in QKV_COLOURS.items():
        assert contrast(colour, BACKGROUNDS[mode]) >= 3, (role, colour, mode)


def test_the_three_colours_differ():
    assert len({c.lower() for c in QKV_COLOURS.values()}) == 3


def test_diagrams_and_equations_use_the_palette():
    class_defs, coloured = [], []
    for name, text in book_texts().items():
        for block in re.findall(r"```mermaid\n(.*?)```", text, re.S):
            for cls, style in re.findall(r"classDef\s+([qkv])\s+(\S+)", block):
                class_defs.append((name, cls, style))
        coloured += [(name, colour, letter) for colour, letter in re.findall(r"\\color\{(#\w{6})\}([QKV])", text)]
    assert {cls for _, cls, _ in class_defs} == {"q", "k", "v"}, "the 03 flow chart colours Q, K and V"
    for name, cls, style in class_defs:
        colour = QKV_COLOURS[CLASS_OF[cls]]
        assert f"stroke:{colour}" in style and f"fill:{colour}" in style, (name, cls, style)
    assert {letter for _, _, letter in coloured} == {"Q", "K", "V"}, "the key formula colours Q, K and V"
    for name, colour, letter in coloured:
        assert colour.upper() == QKV_COLOURS[LETTER_OF[letter]].upper(), (name, letter, colour)

"""The book's figure style: drawn for the text column, sharp on high-density screens.

The book's text column is about 688 px wide at a 1280 px window. Figures are drawn at 100 px per
inch, so :data:`COLUMN_WIDTH` (6.8 in) fills the column at 100 %, and 8 pt text is 11 px on
screen. They are sent as PNGs at twice that density ("retina": the PNG has 2 px per screen pixel,
and its stored width tells the page the size to show), so lines and text stay sharp.
"""

from __future__ import annotations

#: Widest figure, in inches, that the text column shows at full size.
COLUMN_WIDTH = 6.8
#: Screen pixels per inch of figure.
SCREEN_DPI = 100
#: Smallest font size, in points, that stays >= 11 px on screen at SCREEN_DPI.
MIN_FONT_PT = 8
#: One colour each for queries, keys and values, used alike in figures, the chapters' mermaid
#: diagrams (``classDef q/k/v``) and the key formula (``{\color{#D55E00}Q}`` in MathJax). Okabe-Ito colours
#: (distinguishable with colour-blindness), each with a contrast ratio >= 3 against both the book's
#: light (#ffffff) and dark (#121212) backgrounds.
QKV_COLOURS = {"query": "#D55E00", "key": "#0072B2", "value": "#009E73"}


def use_book_style() -> None:
    """Set matplotlib up for the chapters: 100 px per inch, 2x PNGs, 10 pt text, 8 pt at the smallest.

    Call it once in a chapter's setup cell. In a plain Python process (no IPython) only the
    rcParams change.
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt  # noqa: F401  - the inline backend applies its own rc on import; override it

    mpl.rcParams.update({
        "figure.dpi": SCREEN_DPI,
        "font.size": 10,
        "axes.titlesize": 10,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 9,
        "figure.titlesize": 11,
    })
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # not in Jupyter
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")

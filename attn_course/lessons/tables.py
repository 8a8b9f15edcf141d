"""Results as tables: an HTML table in the book, aligned plain text where HTML is not shown.

The book shows ``text/html``; nbval compares the ``text/plain`` version, so both are
built from the same rows, with numbers formatted once.
"""

from __future__ import annotations

import html
from collections.abc import Sequence


class Table:
    """``Table(header, rows, caption=None)``; cells are formatted with ``str`` (floats with ``float_format``)."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[object]], *, caption: str | None = None,
                 float_format: str = "{:.4f}") -> None:
        if not header or any(len(row) != len(header) for row in rows):
            raise ValueError(f"every row must have one cell per header column ({len(header)})")
        self.header = [str(h) for h in header]
        self.rows = [[float_format.format(c) if isinstance(c, float) else str(c) for c in row] for row in rows]
        self.caption = caption

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join(
            "<tr>" + "".join(f'<td style="text-align:{"right" if _numeric(c) else "left"}">{html.escape(c)}</td>'
                             for c in row) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f'<table class="table">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def __repr__(self) -> str:
        widths = [max(len(r[i]) for r in [self.header, *self.rows]) for i in range(len(self.header))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                 for row in [self.header, *self.rows]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(([self.caption] if self.caption else []) + lines)


def _numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True

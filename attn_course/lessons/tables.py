"""A table of results, shown as an HTML table in Jupyter and in the book, and as aligned text elsewhere.

The book renders a cell's ``text/html`` output; nbval compares the ``text/plain``
one, so both say the same thing.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """Rows of strings under a header; the first column names each row.

    ``Table(header=("", "a", "b"), rows=(("size", "1", "2"),), caption="Sizes")``
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.header, str) or not isinstance(self.header, Sequence) or not self.header:
            raise TypeError(f"header must be a non-empty sequence of strings, got {self.header!r}")
        for index, row in enumerate(self.rows):
            if isinstance(row, str) or not isinstance(row, Sequence) or len(row) != len(self.header):
                raise ValueError(f"rows[{index}] must have {len(self.header)} cells like the header, got {row!r}")
        for cell in (*self.header, *(cell for row in self.rows for cell in row), self.caption):
            if not isinstance(cell, str):
                raise TypeError(f"every cell must be a str, got {cell!r} ({type(cell).__name__})")

    def _repr_html_(self) -> str:
        head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in self.header)
        body = "".join(
            "<tr>" + f'<th scope="row">{html.escape(row[0])}</th>'
            + "".join(f"<td>{html.escape(cell)}</td>" for cell in row[1:]) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f'<table class="table">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def __repr__(self) -> str:
        lines = [self.header, *self.rows]
        widths = [max(len(line[i]) for line in lines) for i in range(len(self.header))]
        text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
                for line in lines]
        return "\n".join(([self.caption] if self.caption else []) + text)

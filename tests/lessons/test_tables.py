"""Table: the same rows as HTML (for the book) and as aligned text (what nbval compares)."""

import pytest

from attn_course.lessons.tables import Table


def test_table_renders_html_and_text_from_the_same_cells():
    table = Table(["model", "bits"], [["bigram", 3.34171], ["a <b>", 2]], caption="Results")
    html = table._repr_html_()
    assert "<caption>Results</caption>" in html and "<th>model</th>" in html
    assert '<td style="text-align:right">3.3417</td>' in html and "a &lt;b&gt;" in html
    assert repr(table).splitlines() == ["Results", "model   bits", "------  ------", "bigram  3.3417", "a <b>   2"]
    with pytest.raises(ValueError, match="one cell per header column"):
        Table(["a", "b"], [[1]])

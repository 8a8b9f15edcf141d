"""Table: the same rows as an HTML table (escaped) and as aligned text; malformed rows are refused."""

import pytest

from attn_course.lessons.tables import Table


def test_html_and_text_say_the_same():
    table = Table(header=("", "a<b", "c"), rows=(("x & y", "1", "22"), ("z", "333", "4")), caption="Sizes")
    html = table._repr_html_()
    assert html.startswith('<table class="table"><caption>Sizes</caption>')
    assert '<th scope="col">a&lt;b</th>' in html and '<th scope="row">x &amp; y</th><td>1</td><td>22</td>' in html
    assert html.count("<tr>") == 3
    assert repr(table).splitlines() == ["Sizes", "       a<b  c", "x & y  1    22", "z      333  4"]


def test_malformed_tables_are_refused():
    with pytest.raises(TypeError, match="header must be a non-empty sequence of strings"):
        Table(header="abc", rows=())
    with pytest.raises(ValueError, match=r"rows\[1\] must have 2 cells like the header"):
        Table(header=("", "a"), rows=(("x", "1"), ("y",)))
    with pytest.raises(TypeError, match=r"every cell must be a str, got 1 \(int\)"):
        Table(header=("", "a"), rows=(("x", 1),))

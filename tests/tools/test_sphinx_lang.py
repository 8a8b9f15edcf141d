"""Chinese text in a page's body gets a language tag; attributes, scripts and code do not change.
Each page links to itself in the other edition."""

from tools.sphinx_lang import LANG, other_edition, tag_chinese


def test_a_run_of_chinese_is_wrapped_once():
    html = "<td>加性注意力</td><td>additive attention</td>"
    assert tag_chinese(html) == f'<td><span lang="{LANG}">加性注意力</span></td><td>additive attention</td>'


def test_mixed_text_wraps_only_the_chinese_and_keeps_inner_spaces():
    html = "<h1>Glossary · 术语表</h1><p>English ↔ 中文 terms, 简体 中文.</p>"
    tagged = tag_chinese(html)
    assert tagged == (f'<h1>Glossary · <span lang="{LANG}">术语表</span></h1>'
                      f'<p>English ↔ <span lang="{LANG}">中文</span> terms, <span lang="{LANG}">简体 中文</span>.</p>')


def test_attributes_scripts_and_code_are_left_alone():
    html = ('<a title="术语表" href="glossary.html">x</a><script>var s = "中文";</script>'
            '<pre>print("中文")</pre><style>/* 中文 */</style>')
    assert tag_chinese(html) == html


def test_text_without_chinese_is_unchanged_and_tagging_is_stable():
    html = "<p>softmax(QKᵀ/√dₖ)V — “quotes” and × signs</p>"
    assert tag_chinese(html) == html
    once = tag_chinese("<p>注意力</p>")
    assert once.count("<span") == 1 and tag_chinese(once) == once


def test_each_page_links_to_the_same_page_in_the_other_edition():
    assert other_edition("book/03_algorithm", "", "zh")["url"] == "../zh/book/03_algorithm.html"
    assert other_edition("index", "", "zh")["url"] == "zh/index.html"
    nested = other_edition("book/student_exercises/index", "", "zh")
    assert nested["url"] == "../../zh/book/student_exercises/index.html"
    chinese = other_edition("book/03_algorithm", "zh", "")
    assert chinese["url"] == "../../book/03_algorithm.html" and chinese["lang"] == "en"
    assert other_edition("index", "zh", "")["url"] == "../index.html"
    assert other_edition("index", "", "") is None  # a book without a translation links nowhere

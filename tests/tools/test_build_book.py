"""tools/build_book.py: a chapter that raises stops the build and its execution report is printed."""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from tools import build_book

ROOT = Path(__file__).resolve().parents[2]


def test_failing_chapter_prints_its_execution_report(tmp_path):
    """The book's execution when _config.yml turns it on (the course's shows the committed outputs)."""
    config = (ROOT / "_config.yml").read_text()
    assert 'execute_notebooks: "off"' in config
    (tmp_path / "_config.yml").write_text(config.replace('execute_notebooks: "off"', "execute_notebooks: cache"))
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    (tmp_path / "tools").symlink_to(ROOT / "tools", target_is_directory=True)
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n  - file: book/bad\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "intro.md").write_text("# Intro\n")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Bad"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('deliberate failure for the report')"),
    ]
    nbformat.write(nb, tmp_path / "book" / "bad.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "tools.build_book", "--root", str(tmp_path), "--jobs", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "===== execution report: book/bad.ipynb" in result.stdout
    assert "ValueError: deliberate failure for the report" in result.stdout
    assert "1 notebook(s) raised" in result.stdout
    assert (tmp_path / "_build" / "html" / "reports" / "book" / "bad.err.log").exists()
    assert not (tmp_path / "_build" / ".inputs.sha256").exists(), "a failed build must not be marked up to date"


def test_toc_notebooks_follow_the_toc_and_execute_exclude_patterns(tmp_path):
    (tmp_path / "book" / "student_exercises").mkdir(parents=True)
    for name in ("book/a.ipynb", "book/b.ipynb", "book/student_exercises/e.ipynb", "book/not_in_toc.ipynb"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n  - chapters:\n    - file: book/b\n      sections:\n"
        "      - file: book/a\n    - file: book/student_exercises/e\n"
    )
    (tmp_path / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n")
    names = [p.relative_to(tmp_path).as_posix() for p in build_book.toc_notebooks(tmp_path)]
    assert names == ["book/b.ipynb", "book/a.ipynb", "book/student_exercises/e.ipynb"]
    (tmp_path / "_config.yml").write_text("execute:\n  exclude_patterns: ['student_exercises/*']\n")
    assert [p.name for p in build_book.toc_notebooks(tmp_path)] == ["b.ipynb", "a.ipynb"]
    (tmp_path / "_config.yml").write_text("execute:\n  execute_notebooks: 'off'\n")
    assert build_book.toc_notebooks(tmp_path) == []


def test_bytecode_caches_and_checkpoints_under_book_are_not_sources(tmp_path):
    """pytest writes book/__pycache__/ when it loads book/conftest.py: that must not make the book, or the
    templates `make book` extracted for the catalogues' gate, look out of date."""
    from tools import i18n
    from tools.toc import book_files

    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "intro.md").write_text("# Intro\n")
    (tmp_path / "book" / "conftest.py").write_text("")
    before = build_book.inputs_fingerprint(tmp_path), i18n.sources_fingerprint(tmp_path)
    for folder, name in (("__pycache__", "conftest.cpython-311-pytest-9.2.0.pyc"), (".ipynb_checkpoints", "a.ipynb")):
        (tmp_path / "book" / folder).mkdir()
        (tmp_path / "book" / folder / name).write_text("x")
    assert [p.name for p in book_files(tmp_path)] == ["conftest.py", "intro.md"]
    assert (build_book.inputs_fingerprint(tmp_path), i18n.sources_fingerprint(tmp_path)) == before
    (tmp_path / "book" / "intro.md").write_text("# Intro, edited\n")
    after = build_book.inputs_fingerprint(tmp_path), i18n.sources_fingerprint(tmp_path)
    assert after[0] != before[0] and after[1] != before[1]

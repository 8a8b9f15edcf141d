"""tools/build_book.py: a chapter that raises stops the build and its execution report is printed."""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def test_failing_chapter_prints_its_execution_report(tmp_path):
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
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
        [sys.executable, str(ROOT / "tools" / "build_book.py"), "--root", str(tmp_path), "--jobs", "1"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "===== execution report: book/bad.ipynb" in result.stdout
    assert "ValueError: deliberate failure for the report" in result.stdout
    assert "1 notebook(s) raised" in result.stdout
    assert (tmp_path / "_build" / "html" / "reports" / "book" / "bad.err.log").exists()
    assert not (tmp_path / "_build" / ".inputs.sha256").exists(), "a failed build must not be marked up to date"

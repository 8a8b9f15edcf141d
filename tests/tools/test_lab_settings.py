"""What make lab (tools/lab.py) sets up besides the browser test's checks: the settings overrides it points
JupyterLab at, and the note on a Python version other than the notebooks'."""

from __future__ import annotations

import json
import platform
from pathlib import Path

from tools import lab


def test_the_settings_overrides_turn_the_news_question_and_update_check_off():
    overrides = json.loads((lab.SETTINGS / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}


def _notebooks(folder: Path, *versions: str) -> Path:
    for index, version in enumerate(versions):
        (folder / f"{index:02d}.ipynb").write_text(json.dumps({"metadata": {"language_info": {"version": version}}}))
    return folder


def test_no_note_when_the_notebooks_were_saved_with_this_python(tmp_path):
    assert lab.version_note(_notebooks(tmp_path, platform.python_version())) is None
    assert lab.version_note(tmp_path / "empty") is None


def test_a_note_names_both_versions_when_they_differ(tmp_path, monkeypatch):
    monkeypatch.setattr(platform, "python_version", lambda: "3.12.9")
    note = lab.version_note(_notebooks(tmp_path, "3.11.7", "3.11.7"))
    assert "saved with Python 3.11.7, this is 3.12.9" in note and "git checkout -- book/" in note


"""Launch buttons, Binder/Colab requirements and the Pages workflow are configured and consistent."""

import re
from pathlib import Path

import yaml

from tools import launch_requirements

ROOT = Path(__file__).resolve().parents[2]


def test_config_has_launch_repository_and_download_buttons():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    launch = config["launch_buttons"]
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert launch["colab_url"] == "https://colab.research.google.com"
    assert config["repository"]["url"].startswith("https://github.com/")
    assert config["html"]["use_repository_button"] is True
    assert config["html"]["use_download_button"] is True


def test_binder_requirements_are_current_and_pinned_like_constraints():
    text = (ROOT / "binder" / "requirements.txt").read_text()
    assert text == launch_requirements.render(), "run .venv/bin/python tools/launch_requirements.py"
    pins = launch_requirements.constraints()
    lines = [line for line in text.splitlines() if line and not line.startswith(("#", "--"))]
    assert lines[0] == "torch==2.13.0"
    for line in lines:
        name, version = line.split("==")
        assert pins[launch_requirements.canonical(name)] == version, line
    assert {"numpy", "matplotlib", "ipywidgets"} <= {line.split("==")[0] for line in lines}


def test_binder_installs_the_package_and_python_matches():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps" in post_build and "-e ." in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    assert re.fullmatch(r"python-3\.\d+\n", (ROOT / "binder" / "runtime.txt").read_text())


def test_binder_installs_jupyterlab_myst_at_the_pinned_version():
    """Binder renders the chapters' MyST as make lab does: postBuild installs the constraints.txt pin."""
    from importlib.metadata import version

    post_build = (ROOT / "binder" / "postBuild").read_text()
    pattern = re.search(r'grep -i "(\^jupyterlab\[-_\]myst==)"', post_build)
    assert pattern, "postBuild no longer installs jupyterlab_myst from constraints.txt"
    pins = [line for line in (ROOT / "constraints.txt").read_text().splitlines()
            if re.match(pattern.group(1), line, re.IGNORECASE)]
    assert pins == [f"jupyterlab_myst=={version('jupyterlab_myst')}"], pins


def test_pages_workflow_builds_with_warnings_as_errors_and_publishes_html():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = " ".join(step.get("run", "") for step in steps)
    uses = [step.get("uses", "") for step in steps]
    assert "make book" in runs  # tools/build_book.py: jupyter-book build -n -W --keep-going
    build_cmd = (ROOT / "tools" / "build_book.py").read_text()
    assert '"-n", "-W", "--keep-going"' in build_cmd
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"

"""``attn-course gradescope --out ZIP``: a Gradescope autograder for a course.

Follows Gradescope's autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): the zip holds ``setup.sh``
and ``run_autograder`` at its root; Gradescope unpacks it into ``/autograder/source``, runs
``setup.sh`` once as root when it builds the image, and ``run_autograder`` (from
``/autograder``) for every submission, which is in ``/autograder/submission``; the result
goes to ``/autograder/results/results.json``. Here:

- ``setup.sh`` installs Python's venv support and this package with the pinned requirements;
- ``requirements.txt`` pins every runtime dependency at the version installed here (the tested one);
- ``attn-course/`` is this package's source, ``course/`` the course folder (notebooks, ``sets/``);
- ``run_autograder`` grades every ``.ipynb`` submitted and writes ``results.json`` even when
  nothing gradable was submitted or the grader failed (a result with score 0 and the reason).

``AUTOGRADER_ROOT`` and ``ATTN_COURSE_PYTHON`` override ``/autograder`` and the Python that
``setup.sh`` installs, for a local dry run (the tests do that).
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

from .. import __version__
from .course import Course

RUNTIME = ("torch", "numpy", "matplotlib", "ipywidgets", "nbformat")
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
VENV = "/opt/attn-course"

SETUP = f"""#!/usr/bin/env bash
# Runs once, as root, when Gradescope builds the autograder image.
set -euo pipefail
cd "$(dirname "$0")"
PY=python3  # the pins in requirements.txt were tested with Python 3.11
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  apt-get install -y python3.11 python3.11-venv >/dev/null
  PY=python3.11
fi
apt-get install -y python3-venv >/dev/null || true
"$PY" -m venv {VENV}
{VENV}/bin/pip install --quiet --upgrade pip
{VENV}/bin/pip install --quiet --extra-index-url {TORCH_INDEX} -r requirements.txt ./attn-course
"""

RUN = f"""#!/usr/bin/env bash
# Runs for every submission, from /autograder: grade the notebooks, write results/results.json.
set -u
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{ATTN_COURSE_PYTHON:-{VENV}/bin/python}}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
shopt -s nullglob globstar
notebooks=("$ROOT"/submission/**/*.ipynb)
fail() {{
  printf '{{"score": 0, "output": "%s", "visibility": "visible", "stdout_visibility": "hidden", "tests": []}}\\n' \\
    "$1" > "$RESULTS"
}}
if [ ${{#notebooks[@]}} -eq 0 ]; then
  fail "No .ipynb notebook was submitted: upload your exercise notebook."
  exit 0
fi
"$PYTHON" -m attn_course.grading.cli grade "${{notebooks[@]}}" --course "$ROOT/source/course" \\
  --gradescope "$RESULTS" --timeout {{timeout}} --jobs 1
if [ ! -s "$RESULTS" ]; then
  fail "The grader could not run (see the autograder output). Please tell your instructor."
fi
exit 0
"""

PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "attn-course"
version = "{version}"
requires-python = ">=3.10"
dependencies = {dependencies}

[project.scripts]
attn-course = "attn_course.cli:main"

[tool.setuptools.packages.find]
include = ["attn_course*"]
"""


def _version(name: str) -> str:
    return metadata.version(name).split("+")[0]  # torch 2.13.0+cpu -> 2.13.0 (the CPU index serves it)


def pinned_requirements(roots: tuple[str, ...] = RUNTIME) -> list[str]:
    """``name==version`` for ``roots`` and everything they need, at the versions installed here."""
    seen: dict[str, str] = {}
    todo = list(roots)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        try:
            seen[name] = _version(name)
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return [f"{name}=={version}" for name, version in sorted(seen.items())]


def build(course: Course, out: Path, *, timeout: float = 10.0) -> Path:
    """Write the autograder zip for ``course`` to ``out``; returns ``out``."""
    package = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(package, root / "attn-course" / "attn_course", ignore=ignore)
        pins = [p for p in pinned_requirements() if p.split("==")[0] in RUNTIME]
        (root / "attn-course" / "pyproject.toml").write_text(PYPROJECT.format(version=__version__,
                                                                              dependencies=repr(pins)))
        shutil.copytree(course.folder, root / "course", ignore=ignore)
        if course.sets_folder and not (root / "course" / "sets").exists():
            shutil.copytree(course.sets_folder, root / "course" / "sets", ignore=ignore)
        (root / "requirements.txt").write_text("\n".join(pinned_requirements()) + "\n")
        (root / "setup.sh").write_text(SETUP)
        (root / "run_autograder").write_text(RUN.replace("{timeout}", f"{timeout:g}"))
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(str(path.relative_to(root)), date_time=(2024, 1, 1, 0, 0, 0))
                executable = path.name in ("setup.sh", "run_autograder")
                info.external_attr = (0o755 if executable else 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return out

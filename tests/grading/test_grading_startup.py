"""Start-up order of ``attn-course grade`` (issue 14): the zygote, which imports torch for the sandboxes,
is asked for before the grader imports torch, nbformat or the course, so the two imports overlap.
These are properties of what is imported when, not timings (benchmarks/grading.py measures those)."""

import json
import subprocess
import sys

from grading_cases import INSTRUCTOR, REPO, solved

HEAVY = ("torch", "numpy", "nbformat", "jsonschema")


def _run(code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_cli_imports_neither_torch_nor_nbformat():
    loaded = _run(
        "import json, sys\n"
        "import attn_course.cli, attn_course.grading.cli, attn_course.grading.sandbox\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n")
    assert loaded == []


def test_grade_asks_for_the_zygote_before_importing_torch_nbformat_or_the_course(tmp_path):
    # start_zygote is replaced by one that notes what is imported when grade calls it, then stops the command
    notebook = tmp_path / "01_scores_softmax.ipynb"
    notebook.write_text(json.dumps(solved("01_scores_softmax")))
    seen = _run(
        "import json, sys\n"
        "from attn_course.grading import cli, sandbox\n"
        "def noted():\n"
        f"    print(json.dumps(sorted(m for m in [*{HEAVY!r}, 'attn_course.grading.course'] if m in sys.modules)))\n"
        "    raise SystemExit(0)\n"
        "sandbox.start_zygote = noted\n"
        f"cli.main(['grade', {str(notebook)!r}, '--course', {str(INSTRUCTOR)!r}])\n")
    assert seen == []

"""`attn-course grade` on real notebooks, each run in a sandbox: scores, cheats, reports, exit codes.

One batch run grades every case below (``--jobs 2``); the tests then read its reports. It runs
outside the repository, against a copy of the instructor folder, so no path inside the
checkout is assumed.
"""

import copy
import hashlib
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import nbformat
import pytest
from grading_cases import INSTRUCTOR, add_cell, replace_function, solved, student

from attn_course.grading import batch as grading_batch
from attn_course.grading import sandbox
from attn_course.grading.cli import main
from attn_course.grading.notebook import check_part
from attn_course.grading.spec import get_set

# Each case is graded in its own sandboxes (about 20 s in all): `make test` runs these, `make unit` does not.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "attn_course" / "grading" / "schemas"
CLI = [sys.executable, "-m", "attn_course.grading.cli"]


def _read(name: str, role: str) -> nbformat.NotebookNode:
    """The student notebook, or ("solution") the student notebook as a student who solved it hands it in."""
    return solved(name) if role == "solution" else student(name)


ZEROS_01 = {
    "scaled_scores": "def scaled_scores(query, key):\n    return torch.zeros(query.shape[:-1] + (key.shape[-2],))",
    "stable_softmax": "def stable_softmax(scores):\n    return torch.zeros_like(scores)",
    "attention_weights": (
        "def attention_weights(query, key):\n    return torch.zeros(query.shape[:-1] + (key.shape[-2],))"
    ),
}


def _cases() -> dict[str, nbformat.NotebookNode]:
    solution, student = _read("01_scores_softmax", "solution"), _read("01_scores_softmax", "student")
    expected_lines = "\n".join(
        o.get("text", "") for c in solution.cells if check_part(c) for o in c.outputs
    )
    cases = {"solution_01": solution, "fresh_01": student}
    # 1. Print the expected feedback from a cell of one's own.
    cases["cheat_print_01"] = add_cell(student, f"print({expected_lines!r})")
    # 2. Paste the instructor's outputs into the stored notebook.
    pasted = copy.deepcopy(student)
    for cell, ref in zip([c for c in pasted.cells if check_part(c)], [c for c in solution.cells if check_part(c)],
                         strict=True):
        cell.outputs, cell.execution_count = copy.deepcopy(ref.outputs), ref.execution_count
    cases["cheat_pasted_01"] = pasted
    # 3. Monkeypatch the comparisons and the course's checker inside the kernel.
    patched = student
    for function, source in ZEROS_01.items():
        patched = replace_function(patched, function, source)
    cases["cheat_patch_01"] = add_cell(patched, (
        "import torch\nimport torch.testing\nimport attn_course.grading.checks as checks\n"
        "torch.allclose = lambda *args, **kwargs: True\n"
        "torch.testing.assert_close = lambda *args, **kwargs: None\n"
        "def check_close(part, actual, expected, **kwargs):\n"
        "    print(f'✓ part ({part}): shape {tuple(expected.shape)}, values match the reference')\n"
        "def check_true(part, condition, what):\n"
        "    print(f'✓ part ({part}): {what}')\n"
        "checks.check_close, checks.check_true = check_close, check_true\n"
    ))
    # 4. Redefine NotImplementedError so that the stubs "pass".
    cases["cheat_nie_01"] = add_cell(student, (
        "class NotImplementedError(Exception):\n"
        "    def __new__(cls, *args):\n"
        "        return StopIteration()\n"
        "import builtins\nbuiltins.NotImplementedError = NotImplementedError\n"
    ), at=2)
    # 5. A forbidden shortcut that gives the right numbers.
    cases["shortcut_02"] = replace_function(_read("02_attention_masks", "solution"), "attention", (
        "import torch.nn.functional as F\n"
        "def attention(query, key, value, mask=None):\n"
        "    scores = query @ key.transpose(-2, -1) / math.sqrt(query.shape[-1])\n"
        "    allowed = mask if mask is not None else torch.tensor(True)\n"
        "    weights = torch.softmax(apply_mask(scores, allowed), -1).nan_to_num(0.0)\n"
        "    return F.scaled_dot_product_attention(query, key, value, attn_mask=mask).nan_to_num(0.0), weights\n"
    ))
    # 6. An infinite loop in a function and in a top-level cell.
    looping = replace_function(solution, "stable_softmax",
                                "def stable_softmax(scores):\n    while True:\n        pass")
    cases["loop_01"] = add_cell(looping, "while True:\n    pass", at=2)
    # 7. A syntax error in one cell.
    cases["syntax_03"] = replace_function(_read("03_causal_padding", "solution"), "build_padding_mask",
                                           "def build_padding_mask(lengths, max_len:\n    return None")
    # 8. A solution graded against the copied instructor folder, whose expected output of
    #    check (a) was edited there (see `instructor_copy`).
    cases["solution_05"] = _read("05_additive", "solution")
    return cases


EDITED_CHECK = ("05_additive", "a", "✓ part (a): shape (1, 2, 5), values match the reference\n")


def instructor_copy(folder: Path) -> Path:
    """The instructor notebooks copied to ``folder``, with one expected check output edited
    (:data:`EDITED_CHECK`): a grader that read the repository's notebooks would not see the edit."""
    copy_dir = folder / "instructor"
    shutil.copytree(INSTRUCTOR, copy_dir)
    name, part, text = EDITED_CHECK
    nb = nbformat.read(copy_dir / f"{name}.ipynb", as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and check_part(c) == part]
    (output,) = cell.outputs
    assert output.text != text
    output.text = text
    nbformat.write(nb, copy_dir / f"{name}.ipynb")
    return copy_dir


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    paths = {}
    for name, nb in _cases().items():
        path = folder / f"{name}.ipynb"
        nbformat.write(nb, path)
        paths[name] = path
    digests = {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in paths.items()}
    out = tmp_path_factory.mktemp("reports")
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # the working directory: no instructor_exercises/ here
    instructor = instructor_copy(tmp_path_factory.mktemp("course"))
    done = subprocess.run(
        [*CLI, "grade", "--instructor", str(instructor), *map(str, paths.values()), "--jobs", "2", "--timeout", "4",
         "--json", str(out / "r.json"), "--junit", str(out / "r.xml"), "--gradescope", str(out / "gs.json"),
         "--progress"],
        capture_output=True, text=True, timeout=600, cwd=elsewhere,
    )
    reports = {Path(r["path"]).stem: r for r in json.loads((out / "r.json").read_text())}
    return {"done": done, "reports": reports, "out": out, "paths": paths, "digests": digests}


def _scores(report) -> dict[str, float]:
    return {t["name"].split(") ")[0].split("(")[-1] + ":" + t["name"].rsplit(": ", 1)[-1]: t["score"]
            for t in report["tests"]}


def _part_score(report, part: str) -> float:
    return sum(t["score"] for t in report["tests"] if f"({part})" in t["name"])


def test_a_solution_gets_full_marks_and_a_fresh_notebook_zero(batch):
    solved, fresh = batch["reports"]["solution_01"], batch["reports"]["fresh_01"]
    assert solved["score"] == solved["max_score"] == get_set("01_scores_softmax").points, solved
    assert fresh["score"] == 0
    assert all("NotImplementedError" in t["message"] for t in fresh["tests"])


def test_the_batch_is_graded_against_the_instructor_folder_it_is_given(batch):
    name, part, _ = EDITED_CHECK
    report = batch["reports"]["solution_05"]
    scores = _scores(report)
    assert scores.pop(f"{part}:visible check") == 0
    exercise = get_set(name)
    assert report["score"] == exercise.points - exercise.part(part).visible_points
    assert scores == {f"{p.id}:hidden tests": p.hidden_points for p in exercise.parts} | {
        f"{p.id}:visible check": p.visible_points for p in exercise.parts if p.id != part}
    messages = {t["name"]: t["message"] for t in report["tests"]}
    assert "differs from the expected output" in messages[f"{name} ({part}) additive_scores: visible check"]


@pytest.mark.parametrize("case", ["cheat_print_01", "cheat_pasted_01", "cheat_patch_01", "cheat_nie_01"])
def test_cheats_score_zero(batch, case):
    report = batch["reports"][case]
    assert report["score"] == 0, [(t["name"], t["score"], t["message"]) for t in report["tests"]]


def test_monkeypatching_is_reported_as_tampering(batch):
    report = batch["reports"]["cheat_patch_01"]
    notes = "\n".join(report["notes"])
    assert "assigns to torch.allclose" in notes and "assigns to torch.testing.assert_close" in notes
    assert "redefines check_close" in notes
    visible = [t for t in report["tests"] if t["name"].endswith("visible check")]
    assert visible and all("hidden tests failed" in t["message"] or "tampers" in t["message"] for t in visible)
    nie = "\n".join(batch["reports"]["cheat_nie_01"]["notes"])
    assert "redefines NotImplementedError" in nie and "imports builtins" in nie


def test_a_forbidden_shortcut_scores_zero_for_its_part_only(batch):
    report = batch["reports"]["shortcut_02"]
    exercise = get_set("02_attention_masks")
    assert _part_score(report, "a") == exercise.part("a").points
    assert _part_score(report, "b") == 0
    hidden_b = next(t for t in report["tests"] if "(b)" in t["name"] and t["name"].endswith("hidden tests"))
    assert "forbidden shortcut" in hidden_b["message"] and "scaled_dot_product_attention" in hidden_b["message"]


def test_an_infinite_loop_times_out_and_is_reported(batch):
    report = batch["reports"]["loop_01"]
    exercise = get_set("01_scores_softmax")
    assert _part_score(report, "a") == exercise.part("a").points
    assert _part_score(report, "b") == _part_score(report, "c") == 0  # (c) calls (b)
    messages = {t["name"]: t["message"] for t in report["tests"]}
    assert "timed out" in messages["01_scores_softmax (b) stable_softmax: hidden tests"]
    assert "timed out" in messages["01_scores_softmax (b) stable_softmax: visible check"]
    assert any(note.startswith("cell 3 failed when run") and "Timeout" in note for note in report["notes"]), report


def test_a_syntax_error_costs_only_the_parts_that_need_the_cell(batch):
    report = batch["reports"]["syntax_03"]
    exercise = get_set("03_causal_padding")
    assert _part_score(report, "a") == exercise.part("a").points
    assert _part_score(report, "b") == 0
    assert any("SyntaxError" in note for note in report["notes"])


def test_submissions_are_never_modified(batch):
    for name, path in batch["paths"].items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == batch["digests"][name], name


def test_exit_code_is_1_when_a_submission_lacks_marks(batch):
    assert batch["done"].returncode == 1, batch["done"].stderr
    assert "0 / 9 points" in batch["done"].stdout and "9 / 9 points" in batch["done"].stdout


def test_a_batch_shows_a_progress_bar_on_stderr_when_asked(batch):
    count = len(batch["paths"])
    assert f"grading [{'#' * 30}] {count}/{count}" in batch["done"].stderr
    assert "grading [" not in batch["done"].stdout


def test_reports_validate_against_their_schemas(batch):
    out = batch["out"]
    report = json.loads((out / "r.json").read_text())
    jsonschema.validate(report, json.loads((SCHEMAS / "report.schema.json").read_text()))
    assert len(report) == len(batch["paths"])
    gradescope = json.loads((out / "gs.json").read_text())
    jsonschema.validate(gradescope, json.loads((SCHEMAS / "gradescope.schema.json").read_text()))
    assert gradescope["score"] == sum(r["score"] for r in report)
    root = ET.parse(out / "r.xml").getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == len(report)
    for suite, item in zip(suites, report, strict=True):
        cases = suite.findall("testcase")
        assert len(cases) == len(item["tests"]) == int(suite.get("tests"))
        failed = sum(1 for t in item["tests"] if t["status"] == "failed")
        assert sum(1 for c in cases if c.find("failure") is not None) == failed == int(suite.get("failures"))


def test_an_unreadable_notebook_exits_2_naming_the_file(tmp_path, capsys, monkeypatch):
    # `main` returns the exit status, so this runs in the test's process (the batch above and the attacks
    # check the status of a real grader process); neither notebook needs a sandbox, so no zygote is started
    for module in (sandbox, grading_batch):
        monkeypatch.setattr(module, "start_zygote", lambda: None)
    bad = tmp_path / "broken submission.ipynb"
    bad.write_text("{ not json")
    assert main(["grade", "--instructor", str(INSTRUCTOR), str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "not a valid Jupyter notebook" in err
    unknown = tmp_path / "homework.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), unknown)
    assert main(["grade", "--instructor", str(INSTRUCTOR), str(unknown)]) == 2
    err = capsys.readouterr().err
    assert str(unknown) in err and "which exercise set" in err

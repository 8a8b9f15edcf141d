"""The exercise sets, `attn-course release` and `attn-course exercises` (no kernels started here)."""

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from attn_course.grading.cli import main
from attn_course.grading.notebook import check_part, tags
from attn_course.grading.release import MarkerError, same_sources, strip_source, student_notebook
from attn_course.grading.spec import INSTRUCTOR_ENV, MissingFolder, all_sets, instructor_dir, students_dir

SETS = all_sets()
REPO = Path(__file__).resolve().parents[2]
INSTRUCTOR, STUDENTS = REPO / "instructor_exercises", REPO / "book" / "student_exercises"


def test_there_are_at_least_six_sets_each_with_several_parts():
    assert len(SETS) >= 6
    for exercise in SETS:
        assert len(exercise.parts) >= 2, exercise.name
        assert len({p.id for p in exercise.parts}) == len(exercise.parts)
        assert all(p.visible_points > 0 and p.hidden_points > 0 for p in exercise.parts)


@pytest.mark.parametrize("exercise", SETS, ids=lambda s: s.name)
def test_release_output_equals_the_committed_student_notebook(exercise):
    committed = nbformat.read(exercise.student(STUDENTS), as_version=4)
    assert same_sources(student_notebook(exercise, INSTRUCTOR), committed), (
        f"{exercise.student(STUDENTS)} is stale: run `attn-course release {exercise.name}`"
    )
    # same_sources ignores outputs; these must come from running exactly that notebook
    # (nbval checks them), i.e. every check cell reports its part as not implemented yet.
    for cell in committed.cells:
        if cell.cell_type == "code" and check_part(cell):
            printed = "".join(o.get("text", "") for o in cell.outputs)
            assert printed == f"… part ({check_part(cell)}): not implemented yet\n"


@pytest.mark.parametrize("exercise", SETS, ids=lambda s: s.name)
def test_student_notebook_hides_solutions_and_hidden_tests(exercise):
    solution = nbformat.read(exercise.solution(INSTRUCTOR), as_version=4)
    student = nbformat.read(exercise.student(STUDENTS), as_version=4)
    text = "\n".join(c.source for c in student.cells)
    assert "### BEGIN" not in text and "### END" not in text and "### HINT" not in text
    code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    assert code.count("raise NotImplementedError(") == len(exercise.parts)
    for part in exercise.parts:
        assert f"def {part.function}(" in text
    checks = [check_part(c) for c in student.cells if c.cell_type == "code" and check_part(c)]
    assert checks == [p.id for p in exercise.parts], "one check cell per part, in order"
    for cell in student.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, "the student notebook is committed executed"
        assert all(o.output_type != "error" for o in cell.outputs), "no error output is committed"
        if check_part(cell):
            assert f'with pending("{check_part(cell)}"):' in cell.source
            assert "raises-exception" not in tags(cell)
    assert student.metadata["attn_course"] == {"exercise": exercise.name}
    # The instructor notebook holds solution and hidden-test markers, and is executed cleanly.
    source = "\n".join(c.source for c in solution.cells)
    assert source.count("### BEGIN SOLUTION") == len(exercise.parts)
    for cell in solution.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None
            assert all(o.output_type != "error" for o in cell.outputs)
            if check_part(cell):
                assert "✗" not in "".join(o.get("text", "") for o in cell.outputs)
                assert "✓" in "".join(o.get("text", "") for o in cell.outputs)


def test_strip_source_replaces_solutions_with_a_hint_and_drops_hidden_tests():
    source = (
        "def f(x):\n"
        "    '''doc'''\n"
        "    ### BEGIN SOLUTION\n"
        "    ### HINT: double it\n"
        "    return 2 * x\n"
        "    ### END SOLUTION\n"
        "print(f(1))\n"
        "### BEGIN HIDDEN TESTS\n"
        "assert f(2) == 4\n"
        "### END HIDDEN TESTS\n"
    )
    assert strip_source(source, "b") == (
        "def f(x):\n    '''doc'''\n    # Hint: double it\n    raise NotImplementedError(\"part (b)\")\nprint(f(1))\n"
    )
    assert strip_source("### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS\n", "a") == ""


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1\n", "unterminated solution block"),
    ("### END SOLUTION\n", "unexpected '### END SOLUTION'"),
    ("### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n", "unexpected '### BEGIN HIDDEN TESTS'"),
])
def test_strip_source_rejects_broken_markers(source, message):
    with pytest.raises(MarkerError, match=message):
        strip_source(source, "a")


def test_exercises_lists_sets_with_paths_and_points(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv(INSTRUCTOR_ENV, raising=False)
    assert main(["exercises", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == [s.name for s in SETS]
    for row, exercise in zip(rows, SETS, strict=True):
        assert row["student"] == f"book/student_exercises/{exercise.name}.ipynb"
        assert row["solution"] == f"instructor_exercises/{exercise.name}.ipynb"
        assert row["points"] == sum(p["points"] for p in row["parts"]) == exercise.points
    assert main(["exercises"]) == 0
    assert f"{len(SETS)} sets, {sum(s.points for s in SETS)} points" in capsys.readouterr().out


def test_exercises_outside_a_checkout_lists_points_and_the_folders_it_is_given(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(INSTRUCTOR_ENV, raising=False)
    assert main(["exercises", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["points"], r["student"], r["solution"]) for r in rows] == [(s.points, None, None) for s in SETS]
    assert main(["exercises", "--json", "--instructor", str(INSTRUCTOR)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["solution"] for r in rows] == [str(INSTRUCTOR / f"{s.name}.ipynb") for s in SETS]
    assert main(["exercises", "--instructor", str(tmp_path / "missing")]) == 2
    assert "missing is not a directory" in capsys.readouterr().err


def test_the_instructor_folder_is_the_option_else_the_variable_else_the_current_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(INSTRUCTOR_ENV, raising=False)
    with pytest.raises(MissingFolder, match="--course DIR"):
        instructor_dir()
    with pytest.raises(MissingFolder, match="--students DIR"):
        students_dir()
    local = tmp_path / "instructor_exercises"
    local.mkdir()
    assert instructor_dir().resolve() == local.resolve()
    monkeypatch.setenv(INSTRUCTOR_ENV, str(INSTRUCTOR))
    assert instructor_dir() == INSTRUCTOR
    assert instructor_dir(tmp_path) == tmp_path
    monkeypatch.setenv(INSTRUCTOR_ENV, str(tmp_path / "missing"))
    with pytest.raises(MissingFolder, match="is not a directory"):
        instructor_dir()


def test_grade_and_release_without_an_instructor_folder_exit_2_naming_the_option(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(INSTRUCTOR_ENV, raising=False)
    submission = tmp_path / "06_positional.ipynb"
    shutil.copy(STUDENTS / "06_positional.ipynb", submission)
    assert main(["grade", str(submission)]) == 2
    assert "--course DIR" in capsys.readouterr().err
    assert main(["release", "06_positional", "--students", str(tmp_path / "out")]) == 2
    assert "--course DIR" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_book_lists_every_student_notebook_under_exercises_with_its_points():
    import re

    import yaml

    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    (part,) = [p for p in toc["parts"] if p["caption"] == "Exercises"]
    files = [c["file"] for c in part["chapters"]]
    assert files == ["book/student_exercises/index"] + [f"book/student_exercises/{s.name}" for s in SETS]
    index = (STUDENTS / "index.md").read_text()
    listed = re.findall(r"<(\d\d_\w+)>` [^|]*\| (\d+) \|", index)
    assert listed == [(s.name, str(s.points)) for s in SETS]


def test_pending_turns_not_implemented_into_a_note_and_lets_other_errors_through(capsys):
    from attn_course.grading.checks import pending

    with pending("a"):
        raise NotImplementedError("part (a)")
    assert capsys.readouterr().out == "… part (a): not implemented yet\n"
    with pending("a"):  # a message beyond the part is kept, once
        raise NotImplementedError("part (a): use a matrix product")
    assert capsys.readouterr().out == "… part (a): not implemented yet (use a matrix product)\n"
    with pytest.raises(ValueError), pending("b"):
        raise ValueError("a real bug still shows")

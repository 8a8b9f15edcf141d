"""The data path and the smaller commands: wire codec, message cleaning, `check`, `--course`, `--resume`."""

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import hypothesis.strategies as st
import nbformat
import pytest
import torch
from grading_cases import INSTRUCTOR, REPO, solved, student
from hypothesis import given

from attn_course.grading import sandbox
from attn_course.grading.check import PASSED, check
from attn_course.grading.cli import interrupts_deferred, main
from attn_course.grading.course import CourseError, load_course
from attn_course.grading.reports import clean
from attn_course.grading.sandboxed import wire
from attn_course.grading.spec import all_sets

CLI = [sys.executable, "-m", "attn_course.grading.cli"]
DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.int8, torch.bool,
          torch.complex64]


@given(dtype=st.sampled_from(DTYPES), shape=st.lists(st.integers(0, 4), max_size=4), seed=st.integers(0, 2**16))
def test_a_tensor_survives_the_wire_bit_for_bit(dtype, shape, seed):
    g = torch.Generator().manual_seed(seed)
    tensor = (torch.randn(shape, generator=g) * 100).to(dtype) if dtype != torch.bool else \
        torch.rand(shape, generator=g) < 0.5
    value = (tensor, [1, 2.5, None, "text"], {"k": True}, float("nan"))
    back = wire.decode(json.loads(json.dumps(wire.encode(value))))
    assert type(back[0]) is torch.Tensor and back[0].dtype == dtype and back[0].shape == tensor.shape
    def raw(t):
        return t if t.dtype == torch.bool else t.reshape(-1).view(torch.uint8)

    assert torch.equal(raw(back[0]), raw(tensor))
    assert back[1:3] == ([1, 2.5, None, "text"], {"k": True}) and math.isnan(back[3])


@pytest.mark.parametrize("payload, message", [
    ({"t": "tensor", "dtype": "float32", "shape": [2], "data": "AAAA"}, "with 3 bytes"),
    ({"t": "tensor", "dtype": "object", "shape": [1], "data": ""}, "bad dtype"),
    ({"t": "tensor", "dtype": "float32", "shape": [-1], "data": ""}, "bad shape"),
    ({"t": "pickle", "data": "gASV"}, "unknown value kind"),
    ([1, 2], "not an encoded value"),
])
def test_the_grader_decodes_plain_data_only(payload, message):
    with pytest.raises(wire.ProtocolError, match=message):
        wire.decode(payload)
    assert isinstance(wire.decode({"t": "object", "type": "Liar"}), wire.Opaque)


def test_objects_and_subclasses_cross_as_their_type_name_only():
    class Liar(torch.Tensor):
        pass

    encoded = wire.encode([torch.zeros(2).as_subclass(Liar), object(), torch.zeros(2).to_sparse()])
    assert [item["type"] for item in encoded["items"]] == ["Liar", "object", "tensor of dtype float32"]


@given(st.text())
def test_a_cleaned_message_is_one_printable_line(text):
    line = clean(text, limit=200)
    assert "\n" not in line and "\r" not in line and len(line) <= 200
    assert all(ch.isprintable() or ch == " " for ch in line)
    line.encode("utf-8")  # no lone surrogate left


def test_check_says_public_checks_passed_and_never_all_tests(tmp_path, capsys):
    good, fresh = tmp_path / "01_scores_softmax.ipynb", tmp_path / "02_attention_masks.ipynb"
    nbformat.write(solved("01_scores_softmax"), good)
    nbformat.write(student("02_attention_masks"), fresh)
    assert check(good) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(PASSED) and "all tests passed" not in out
    assert check(fresh) == 1
    out = capsys.readouterr().out
    assert "✗ part (a) check cell: … part (a): not implemented yet" in out and PASSED not in out
    shortcut = tmp_path / "shortcut" / "01_scores_softmax.ipynb"
    shortcut.parent.mkdir()
    nb = solved("01_scores_softmax")
    (cell,) = [c for c in nb.cells if "def stable_softmax(" in c.source]
    cell.source = "def stable_softmax(scores):\n    return torch.softmax(scores, -1)"
    nb.cells.insert(2, nbformat.v4.new_code_cell("!echo hi"))
    nbformat.write(nb, shortcut)
    assert check(shortcut) == 1
    out = capsys.readouterr().out
    assert "✗ part (b) forbidden shortcut: stable_softmax uses torch.softmax" in out
    assert "cell 3 is refused at grading and was not run" in out
    private = tmp_path / "private" / "homework.ipynb"  # a set this package does not know: its checks still run
    private.parent.mkdir()
    nb = solved("01_scores_softmax")
    nb.metadata["attn_course"] = {"exercise": "99_private_set"}
    nbformat.write(nb, private)
    assert check(private) == 0
    assert "[a set of your course]" in capsys.readouterr().out


def _course_copy(tmp_path: Path) -> Path:
    """The bundled course as a private course folder: notebooks plus sets/, with one part worth 5 more points."""
    course = tmp_path / "my-course"
    shutil.copytree(INSTRUCTOR, course)
    sets = course / "sets"
    shutil.copytree(REPO / "attn_course" / "grading" / "sets", sets, ignore=shutil.ignore_patterns("__pycache__"))
    (sets / "__init__.py").unlink()
    source = (sets / "s06_positional.py").read_text()
    (sets / "s06_positional.py").write_text(source.replace("visible_points=1, hidden_points=1,",
                                                           "visible_points=1, hidden_points=6,"))
    return course


def test_a_course_folder_brings_its_own_sets(tmp_path, capsys):
    course = load_course(_course_copy(tmp_path))
    assert [s.name for s in course.sets] == [s.name for s in all_sets()]
    assert course.get("06_positional").points == all_sets()[5].points + 5
    assert course.sets_folder in course.private and course.folder in course.private
    assert main(["exercises", "--json", "--course", str(course.folder)]) == 0
    rows = {r["name"]: r["points"] for r in json.loads(capsys.readouterr().out)}
    assert rows["06_positional"] == course.get("06_positional").points
    broken = tmp_path / "broken"
    (broken / "sets").mkdir(parents=True)
    (broken / "sets" / "s01_oops.py").write_text("raise ImportError('no such thing')\n")
    with pytest.raises(CourseError, match="failed to load: ImportError: no such thing"):
        load_course(broken)


@pytest.mark.slow
def test_a_private_course_grades_with_its_own_hidden_tests_exits_0_and_writes_one_gradescope_result(tmp_path):
    # one grader process for both: a solution scores the private course's points (its part (b) is worth 5 more),
    # the grader exits 0 on full marks, and --gradescope writes a single result for the single notebook
    course = _course_copy(tmp_path)
    path = tmp_path / "06_positional.ipynb"
    nbformat.write(solved("06_positional"), path)
    gradescope = tmp_path / "results.json"
    done = subprocess.run([*CLI, "grade", str(path), "--course", str(course), "--json", str(tmp_path / "r.json"),
                           "--gradescope", str(gradescope)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (report,) = json.loads((tmp_path / "r.json").read_text())
    assert report["score"] == report["max_score"] == all_sets()[5].points + 5
    result = json.loads(gradescope.read_text())
    assert result["score"] == result["max_score"] == report["score"]
    assert len(result["tests"]) == len(report["tests"])
    assert all(t["status"] == "passed" and not t["name"].startswith(str(path)) for t in result["tests"])


def test_a_ctrl_c_while_reports_are_written_waits_until_all_are_written():
    written, usual = [], signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        with interrupts_deferred():
            written.append("json")
            signal.raise_signal(signal.SIGINT)  # Ctrl-C between the JSON and the CSV report
            written.append("csv")
    assert written == ["json", "csv"]
    assert signal.getsignal(signal.SIGINT) is usual, "the usual Ctrl-C is back"
    with interrupts_deferred():  # no Ctrl-C: nothing raised
        written.append("again")
    assert written[-1] == "again"


def test_after_a_ctrl_c_a_running_grading_starts_no_new_sandbox(monkeypatch):
    monkeypatch.setattr(sandbox._Zygote, "_instance", None)  # this worker's zygote, if any, is left alone
    monkeypatch.setattr(sandbox._Zygote, "_refusing", False)
    sandbox.stop_zygote(refuse_new=True)  # what a Ctrl-C during a batch does
    with pytest.raises(sandbox.SandboxError, match="interrupted: no new sandbox starts"):
        sandbox.Sandbox("runner", {})
    assert sandbox._Zygote._instance is None, "no zygote was started for it"
    seen = []
    monkeypatch.setattr(sandbox._Zygote, "get", classmethod(lambda cls: seen.append(cls._refusing)))
    sandbox.start_zygote()  # the next batch
    assert seen == [False], "sandboxes may start again"


@pytest.mark.slow
def test_an_interrupted_batch_keeps_its_reports_and_resumes(tmp_path):
    paths = []
    for i in range(4):
        paths.append(tmp_path / f"s{i}_06_positional.ipynb")
        nbformat.write(solved("06_positional") if i % 2 == 0 else student("06_positional"), paths[-1])
    out = tmp_path / "r.json"
    cmd = [*CLI, "grade", *map(str, paths), "--course", str(INSTRUCTOR), "--json", str(out), "--csv",
           str(tmp_path / "r.csv")]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    first = {r["path"]: r for r in json.loads(out.read_text())}
    assert 1 <= len(first) < 4 and "--resume" in err
    assert len((tmp_path / "r.csv").read_text().splitlines()) == len(first) + 1
    changed, kept = list(first)[0], list(first)[1:]
    was_solved = first[changed]["score"] > 0
    nbformat.write(student("06_positional") if was_solved else solved("06_positional"), changed)  # new content
    os.utime(paths[3], None)  # a new time stamp alone changes nothing
    done = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    final = {r["path"]: r for r in json.loads(out.read_text())}
    assert list(final) == list(map(str, paths))
    assert all(final[path] == first[path] for path in kept), "kept as they were: same seed, same score"
    assert final[changed]["sha256"] != first[changed]["sha256"], "graded again"
    expected = [(i % 2 == 0) != (str(p) == changed) for i, p in enumerate(paths)]  # solved, but for the change
    assert [final[str(p)]["score"] for p in paths] == [6 if full else 0 for full in expected]


@pytest.mark.slow
def test_the_gradescope_zip_grades_a_submission_in_an_autograder_tree(tmp_path):
    import zipfile

    import jsonschema

    course = tmp_path / "course"
    shutil.copytree(INSTRUCTOR, course)
    archive = tmp_path / "autograder.zip"
    assert main(["gradescope", "--out", str(archive), "--course", str(course), "--timeout", "8"]) == 0
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
        assert {"setup.sh", "run_autograder", "requirements.txt", "attn-course/pyproject.toml",
                "attn-course/attn_course/grading/cli.py", "course/06_positional.ipynb"} <= names
        assert zipped.getinfo("run_autograder").external_attr >> 16 & 0o111
        root = tmp_path / "autograder"  # the layout Gradescope builds: the zip in source/, the script copied up
        zipped.extractall(root / "source")
    requirements = (root / "source" / "requirements.txt").read_text().split()
    assert "torch==2.13.0" in requirements and all("==" in line for line in requirements)
    for script in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", str(root / "source" / script)]).returncode == 0
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "ATTN_COURSE_PYTHON": sys.executable}
    schema = json.loads((REPO / "attn_course" / "grading" / "schemas" / "gradescope.schema.json").read_text())

    def run_autograder() -> dict:
        done = subprocess.run(["bash", str(root / "run_autograder")], cwd=root, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        result = json.loads((root / "results" / "results.json").read_text())
        jsonschema.validate(result, schema)
        return result

    empty = run_autograder()
    assert empty["score"] == 0 and "No .ipynb notebook was submitted" in empty["output"]
    nbformat.write(solved("06_positional"), root / "submission" / "my work.ipynb")
    result = run_autograder()
    assert result["score"] == result["max_score"] == all_sets()[5].points
    assert len(result["tests"]) == 2 * len(all_sets()[5].parts)
    assert all(t["status"] == "passed" for t in result["tests"])

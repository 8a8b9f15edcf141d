"""The attacks of issue 14, each a submission notebook (``grading_cases.ATTACKS``), graded in one batch.

Each must score 0 on the parts it attacks; the batch must finish with every report; afterwards
the grader's files are byte-identical, no process of a submission is alive, and an untouched
notebook graded next still scores 0. Runs outside the repository, against a copy of the
instructor folder.
"""

import hashlib
import json
import shutil
import site
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import nbformat
import pytest
from grading_cases import ATTACKS, INSTRUCTOR, NEEDS_NAMESPACES, REPO, isolation, solved, student, write_all

from attn_course.grading.sandboxed.confine import UID_BASE

pytestmark = pytest.mark.slow  # about 30 s of grading

CLI = [sys.executable, "-m", "attn_course.grading.cli"]
SCHEMAS = REPO / "attn_course" / "grading" / "schemas"


def _digests(folders: list[Path]) -> dict[str, str]:
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    for folder in map(Path, site.getsitepackages()):  # no new .pth or package in the venv
        found |= {f"{folder}/{p.name}": "listed" for p in folder.iterdir()}
    return found


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/status").read_text().split("PPid:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return None


def _in_a_running_grader(uid: int) -> bool:
    """Whether the sandbox of ``uid`` (UID_BASE + its supervisor's PID) is one a grader still running holds.

    Its supervisor is then alive, a child of a live sandbox zygote. The grader under test has exited and
    waited for its zygote, so none of its sandboxes passes this: what does belongs to another grader that
    runs at the same time (another pytest worker's, or another test run on this machine).
    """
    zygote = _parent(uid - UID_BASE)
    try:
        return zygote is not None and b"sandboxed.zygote" in Path(f"/proc/{zygote}/cmdline").read_bytes()
    except OSError:
        return False


def _leftovers() -> list[str]:
    """Processes that belong to a sandbox: a sandbox uid (run as root), or the attacks' daemon name;
    not those of a sandbox another grader, still running, holds."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit():
                continue
            uid = int((entry / "status").read_text().split("Uid:")[1].split()[0])
            comm = (entry / "comm").read_text().strip()
        except (OSError, IndexError, ValueError):
            continue
        sandboxed = UID_BASE <= uid < UID_BASE + (1 << 23) and not _in_a_running_grader(uid)
        if sandboxed or comm == "attn-daemon":
            found.append(f"{entry.name} ({comm}, uid {uid})")
    return found


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attacks")
    paths = write_all(folder)
    confined = not isolation().startswith("no namespaces")
    for name in [] if confined else NEEDS_NAMESPACES:  # they would reach this machine: not run here
        paths.pop(name).unlink()
    nbformat.write(solved("01_scores_softmax"), folder / "solved_01_scores_softmax.ipynb")
    out, course = tmp_path_factory.mktemp("reports"), tmp_path_factory.mktemp("course") / "instructor"
    shutil.copytree(INSTRUCTOR, course)
    guarded = [REPO / "attn_course", INSTRUCTOR, course]
    before = _digests(guarded)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    done = subprocess.run(
        [*CLI, "grade", *map(str, sorted(folder.glob("*.ipynb"))), "--course", str(course), "--jobs", "2",
         "--timeout", "5", "--json", str(out / "r.json"), "--junit", str(out / "r.xml"), "--csv", str(out / "r.csv"),
         "--gradescope", str(out / "gs.json")],
        capture_output=True, text=True, timeout=900, cwd=elsewhere)
    right_after = _leftovers()
    report_text = (out / "r.json").read_text()
    time.sleep(2)  # a daemon would rewrite the report now
    untouched = folder.parent / "untouched" / "01_scores_softmax.ipynb"
    untouched.parent.mkdir()
    nbformat.write(student("01_scores_softmax"), untouched)
    second = subprocess.run([*CLI, "grade", str(untouched), "--course", str(course), "--json", str(out / "u.json")],
                            capture_output=True, text=True, timeout=300, cwd=elsewhere)
    reports = {Path(r["path"]).name: r for r in json.loads(report_text)}
    return {"done": done, "reports": reports, "paths": paths, "out": out, "before": before, "report_text": report_text,
            "confined": confined,
            "after": _digests(guarded), "right_after": right_after, "second": second,
            "untouched": json.loads((out / "u.json").read_text())[0]}


def _report(attacked, name):
    if name not in attacked["paths"]:
        pytest.skip(f"{name} needs the namespaces this machine does not give (see the isolation field)")
    return attacked["reports"][attacked["paths"][name].name]


def _score(report, parts) -> float:
    return sum(t["score"] for t in report["tests"] if any(f"({p})" in t["name"] for p in parts))


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_every_attack_scores_zero_on_the_parts_it_attacks(attacked, name):
    report = _report(attacked, name)
    assert _score(report, ATTACKS[name].parts) == 0, (ATTACKS[name].note, report["tests"], report["notes"])


def test_the_sandboxes_were_confined_by_namespaces_and_limits(attacked, namespaces):
    found = {r["isolation"] for r in attacked["reports"].values() if not r["error"]}
    assert len(found) == 1 and namespaces.split(";")[0] == next(iter(found)).split(";")[0], (found, namespaces)
    (text,) = found
    assert "namespaces (pid, mount, network, ipc, uts)" in text and "read-only filesystem" in text
    assert "limits: address space" in text


def test_the_grader_files_are_byte_identical_after_the_attack_suite(attacked, namespaces):
    changed = {k for k in attacked["before"].keys() | attacked["after"].keys()
               if attacked["before"].get(k) != attacked["after"].get(k)}
    assert not changed
    notes = " ".join(_report(attacked, "tamper_files")["notes"])
    assert "Read-only file system" in notes and "wrote" not in notes, notes


def test_a_tampering_submission_cannot_change_the_next_submissions_score(attacked):
    assert attacked["untouched"]["score"] == 0, attacked["untouched"]
    assert attacked["second"].returncode == 1


def test_no_process_of_a_graded_submission_outlives_its_report(attacked, namespaces):
    assert attacked["right_after"] == [], "alive right after the grader exited"
    assert _leftovers() == []
    assert json.loads(attacked["report_text"]) == json.loads((attacked["out"] / "r.json").read_text())


def test_signals_to_the_grader_and_a_bad_notebook_cost_no_report(attacked):
    done = attacked["done"]
    assert done.returncode == 2, done.stderr[-3000:]  # 2: the bad notebook could not be graded
    assert len(attacked["reports"]) == len(attacked["paths"]) + 1
    assert attacked["reports"]["solved_01_scores_softmax.ipynb"]["score"] == 9
    bad = _report(attacked, "bad_metadata")
    assert "cannot tell which exercise set" in bad["error"] and bad["tests"] == []
    assert "could not be graded" in done.stderr and "homework_bad_metadata.ipynb" in done.stderr


def test_messages_are_sanitised_in_every_report_format(attacked):
    out = attacked["out"]
    root = ET.parse(out / "r.xml").getroot()  # valid XML despite NUL, ESC, BEL and FF in a message
    assert len(root.findall("testsuite")) == len(attacked["reports"])
    blocks = attacked["done"].stdout.split("\n/")  # one block per submission: its header, then indented lines
    (block,) = [b for b in blocks if "forge_report_01_scores_softmax.ipynb" in b.splitlines()[0]]
    marks = [ln for ln in block.splitlines()[1:] if ln.startswith(("  ✓", "  ✗"))]
    assert len(marks) == 6 and all(ln.startswith("  ") for ln in block.splitlines()[1:]), block
    (hidden_b,) = [ln for ln in marks if ln[9:].startswith("01_scores_softmax (b) stable_softmax: hidden tests")]
    assert hidden_b.startswith("  ✗ 0/3  ") and "raised ValueError: no   ✓ 3/3  01_scores" in hidden_b, hidden_b
    assert not any(ch in block for ch in "\x1b\x00\x07\x0c"), "no control character reaches the text report"
    forged = [t for t in _report(attacked, "forge_report")["tests"] if "(b)" in t["name"]]
    assert all(ch.isprintable() for t in forged for ch in t["message"])
    gradescope = json.loads((out / "gs.json").read_text())
    jsonschema.validate(gradescope, json.loads((SCHEMAS / "gradescope.schema.json").read_text()))
    jsonschema.validate(json.loads(attacked["report_text"]),
                        json.loads((SCHEMAS / "report.schema.json").read_text()))
    rows = (out / "r.csv").read_text().splitlines()
    assert rows[0].startswith("path,exercise,score,max_score") and len(rows) == len(attacked["reports"]) + 1


def test_magic_cells_are_refused_and_the_rest_is_graded(attacked):
    report = _report(attacked, "magic_shell")
    assert report["score"] == report["max_score"]
    refused = [n for n in report["notes"] if "refused and not run" in n]
    assert len(refused) == 3 and any("get_ipython" in n for n in refused)
    assert any("%time" in n for n in _report(attacked, "magic_time_tamper")["notes"])


def test_the_limits_hold(attacked):
    hog = [t for t in _report(attacked, "memory_hog")["tests"] if "(b)" in t["name"] and "hidden" in t["name"]]
    assert "can't allocate memory" in hog[0]["message"], hog
    assert _score(_report(attacked, "memory_hog"), ("a",)) == 3  # (c) calls (b); (a) is unaffected
    bomb = " ".join(_report(attacked, "fork_bomb")["notes"])
    forked = int(bomb.split("forked ")[1].split()[0])
    assert 0 < forked < 400, bomb
    flood = _report(attacked, "output_flood")
    assert not any("stopped" in n for n in flood["notes"]), flood["notes"]
    assert all("not implemented" in t["message"] or "NotImplementedError" in t["message"] for t in flood["tests"])

"""The Colab install cell (tools/colab_cell.py): the URL from _config.yml, idempotent, silent outside Colab,
and in a clean virtual environment it really installs attn_course (slow)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import types
import venv
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from tools import colab_cell

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "book" / "03_algorithm.ipynb"


def make_book(tmp_path: Path, url: str = "https://github.com/someone/attn-course", branch: str = "trunk") -> Path:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["repository"] = {**config["repository"], "url": url, "branch": branch}
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    (tmp_path / "book").mkdir()
    chapter = json.loads(CHAPTER.read_text())  # as it was before the tool ran: without the install cell
    chapter["cells"] = [c for c in chapter["cells"] if not colab_cell.is_install_cell(c)]
    (tmp_path / "book" / CHAPTER.name).write_text(json.dumps(chapter, indent=1, ensure_ascii=False) + "\n")
    return tmp_path


def install_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text())["cells"] if colab_cell.is_install_cell(c)]


def test_the_repository_url_is_read_from_config(tmp_path):
    root = make_book(tmp_path)
    assert colab_cell.install_spec(root) == "git+https://github.com/someone/attn-course.git@trunk"
    assert colab_cell.install_spec(ROOT).startswith(
        "git+" + yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"])
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["repository"]["url"] = "attn-course/attn-course"
    (root / "_config.yml").write_text(yaml.safe_dump(config))
    with pytest.raises(ValueError, match="repository.url"):
        colab_cell.install_spec(root)


def test_insert_is_idempotent_and_placed_before_the_first_code_cell(tmp_path):
    root = make_book(tmp_path)
    chapter = root / "book" / CHAPTER.name
    original = json.loads(chapter.read_text())
    assert colab_cell.main(["--root", str(root), "--check"]) == 1
    assert colab_cell.main(["--root", str(root)]) == 0
    once = chapter.read_text()
    assert colab_cell.main(["--root", str(root)]) == 0
    assert chapter.read_text() == once  # a second run changes nothing
    assert colab_cell.main(["--root", str(root), "--check"]) == 0
    cells = json.loads(once)["cells"]
    (cell,) = install_cells(chapter)
    first_code = next(i for i, c in enumerate(original["cells"]) if c["cell_type"] == "code")
    assert cells[first_code] == cell and cells[:first_code] == original["cells"][:first_code]
    assert cells[first_code + 1:] == original["cells"][first_code:]
    assert cell["metadata"]["tags"] == ["remove-cell"] and cell["outputs"] == []
    assert "git+https://github.com/someone/attn-course.git@trunk" in "".join(cell["source"])


def test_a_new_url_updates_the_cell_in_place(tmp_path):
    root = make_book(tmp_path)
    chapter = root / "book" / CHAPTER.name
    colab_cell.main(["--root", str(root)])
    make_book_config = yaml.safe_load((root / "_config.yml").read_text())
    make_book_config["repository"]["url"] = "https://github.com/other/fork"
    (root / "_config.yml").write_text(yaml.safe_dump(make_book_config))
    assert colab_cell.main(["--root", str(root), "--check"]) == 1
    colab_cell.main(["--root", str(root)])
    (cell,) = install_cells(chapter)
    source = "".join(cell["source"])
    assert "github.com/other/fork.git@trunk" in source and "someone" not in source


def run_cell(source: str, colab: bool, monkeypatch) -> tuple[str, list]:
    """Execute the cell's code as a kernel would; record pip calls instead of running them."""
    calls: list = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        exec(compile(source, "<colab cell>", "exec"), {})
    return out.getvalue(), calls


def test_the_cell_does_nothing_and_prints_nothing_unless_colab_lacks_the_package(monkeypatch):
    source = colab_cell.cell_source("git+https://example.invalid/x.git@main")
    assert run_cell(source, colab=False, monkeypatch=monkeypatch) == ("", [])  # local, Binder, nbval, the book
    assert run_cell(source, colab=True, monkeypatch=monkeypatch) == ("", [])  # Colab, package already there
    monkeypatch.setitem(sys.modules, "attn_course", None)  # `import attn_course` now raises ModuleNotFoundError
    assert run_cell(source, colab=False, monkeypatch=monkeypatch) == ("", [])  # missing, but not Colab
    output, calls = run_cell(source, colab=True, monkeypatch=monkeypatch)
    ((args, kwargs),) = calls
    assert output == "" and kwargs == {"check": True}
    assert args[0][1:] == ["-m", "pip", "install", "--quiet", "--no-deps",
                           "git+https://example.invalid/x.git@main"]


#: What Colab already has and the package imports: the runtime dependencies, at the pinned versions.
RUNTIME = ["torch", "numpy", "matplotlib", "ipywidgets"]


def runtime_closure(names: list[str]) -> list[metadata.Distribution]:
    """The installed distributions ``names`` need at run time (their dependencies, without extras), each once."""
    found: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        dist = metadata.distribution(todo.pop())
        key = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        if key not in found:
            found[key] = dist
            todo += [req.name for req in map(Requirement, dist.requires or [])
                     if req.marker is None or req.marker.evaluate({"extra": ""})]
    return list(found.values())


def link_runtime(folder: Path) -> None:
    """Symlink into ``folder`` the top-level files of pip and of the runtime closure of RUNTIME, as installed here.

    A Colab runtime has these in its system site-packages, installed long before the cell runs; this
    is that folder. Installing them again (torch alone is 200 MB of wheel) would take minutes and
    test pip, not the cell. attn_course is not in the closure, so it stays missing.
    """
    folder.mkdir()
    for dist in runtime_closure([*RUNTIME, "pip"]):
        assert dist.metadata["Name"] != "attn-course"
        for top in {file.parts[0] for file in dist.files or [] if file.parts[0] not in ("..", "__pycache__")}:
            source = Path(dist.locate_file(top))
            if source.exists() and not (folder / top).exists():
                (folder / top).symlink_to(source)


@pytest.mark.slow
def test_the_cell_installs_the_package_in_a_clean_venv(tmp_path):
    """A fresh venv that sees the pinned runtime dependencies (a site folder as Colab's) and no attn_course;
    the cell, told it runs in Colab (a fake google.colab module), installs the package from a git URL (a
    clone of this repository in place of GitHub) into the venv, and then ``import attn_course`` works."""
    env_dir, repo, runtime = tmp_path / "venv", tmp_path / "repo", tmp_path / "colab-site-packages"
    venv.create(env_dir)  # no --system-site-packages: only the runtime folder below (with pip) is shared
    python = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    link_runtime(runtime)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True, env=env).stdout.strip()
    (Path(site) / "colab_runtime.pth").write_text(f"{runtime}\n")
    missing = subprocess.run([str(python), "-c", "import attn_course"], capture_output=True, text=True, env=env,
                             cwd=tmp_path)
    assert "No module named 'attn_course'" in missing.stderr
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)  # committed HEAD, full history
    # Served as GitHub serves it: pip asks for a partial clone (--filter=blob:none) and gets one; a local
    # transfer needs no compression (a repository of loose objects would otherwise be packed for seconds)
    for key, value in [("uploadpack.allowFilter", "true"), ("pack.window", "0"), ("pack.compression", "0")]:
        subprocess.run(["git", "-C", str(repo), "config", key, value], check=True)
    spec = colab_cell.install_spec(ROOT)
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    local = f"git+file://{repo}@{commit}"
    source = colab_cell.cell_source(spec).replace(repr(spec), repr(local))
    assert repr(local) in source
    runner = ("import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n"
              f"exec(compile({source!r}, '<colab cell>', 'exec'), {{}})\n"
              "import attn_course, attn_course.plots\nprint(attn_course.__file__)\n"
              "import torch, numpy, matplotlib, ipywidgets as w\n"
              "print(torch.__version__, numpy.__version__, matplotlib.__version__, w.__version__)")
    result = subprocess.run([str(python), "-c", runner], capture_output=True, text=True, env=env, cwd=tmp_path,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    installed, versions = result.stdout.strip().splitlines()
    assert installed.startswith(str(env_dir)), result.stdout  # installed into the venv, not ROOT
    # the runtime is Colab's stand-in, at the pinned versions, and the cell (--no-deps) left it as it was
    assert versions.split() == [metadata.version(name) for name in RUNTIME], result.stdout


def test_every_chapter_carries_the_current_install_cell():
    assert colab_cell.main(["--check"]) == 0, "run tools/colab_cell.py"

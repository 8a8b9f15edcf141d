"""Start JupyterLab on the course's notebooks, as a learner runs them: ``make lab`` runs this.

    .venv/bin/python -m tools.lab                      # JupyterLab on book/, opens a browser
    .venv/bin/python -m tools.lab --port 8899 --no-browser --notebook-dir /tmp/copy   # as the browser test does

Before JupyterLab starts:

1. The course's own notebooks (the chapters and the exercise notebooks under the notebook folder) are
   trusted, as ``jupyter trust`` does, so their stored outputs (the explorers' kernel-free HTML)
   render before anything runs.
2. The venv's ``bin/`` goes first on ``PATH``, and JupyterLab's terminals start a non-login shell
   that keeps it (a login shell would re-read ``/etc/profile``, which resets ``PATH``): ``attn-course``
   and ``python`` in a terminal are the venv's.
3. One line says how to grade an exercise.
4. JupyterLab fetches nothing from the internet (no news feed, no update check): the course runs offline.

Every other argument goes to ``jupyter lab`` unchanged.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The notebooks that are the course's own, relative to the notebook folder.
COURSE_NOTEBOOKS = ("*.ipynb", "student_exercises/*.ipynb")
#: A terminal opens in the folder the file browser shows; JupyterLab sets JUPYTER_SERVER_ROOT in it.
GRADING_HINT = (
    "To grade an exercise: save it (Ctrl+S), then in a JupyterLab terminal (File > New > Terminal): "
    'attn-course check "$JUPYTER_SERVER_ROOT/student_exercises/NN_name.ipynb"'
)


def trust(folder: Path) -> list[Path]:
    """Sign the course's notebooks in ``folder`` with the user's notary (``jupyter trust``); returns them."""
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary()
    paths = sorted(p for pattern in COURSE_NOTEBOOKS for p in folder.glob(pattern))
    for path in paths:
        notary.sign(nbformat.read(path, as_version=4))
    return paths


def terminal_shell() -> str:
    """The user's shell, not as a login shell, so that it keeps the ``PATH`` JupyterLab was started with."""
    return os.environ.get("SHELL") or shutil.which("bash") or shutil.which("sh") or "/bin/sh"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebook-dir", type=Path, default=ROOT / "book", help="the folder JupyterLab opens")
    args, lab_args = parser.parse_known_args(argv)
    folder = args.notebook_dir.resolve()
    venv_bin = str(Path(sys.executable).parent)  # not resolved: .venv/bin/python is a link to the base Python
    os.environ["PATH"] = os.pathsep.join([venv_bin, os.environ.get("PATH", "")])
    os.environ["VIRTUAL_ENV"] = str(Path(venv_bin).parent)
    print(f"trusted {len(trust(folder))} course notebooks in {folder}", flush=True)
    print(GRADING_HINT, flush=True)

    from jupyterlab.labapp import LabApp

    server = [
        f"--notebook-dir={folder}",
        f"--ServerApp.terminado_settings=shell_command={terminal_shell()}",
        "--LabApp.news_url=None",  # offline: no news feed and no update check from jupyter.org
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "getuid") and os.getuid() == 0:
        server.append("--allow-root")  # Jupyter refuses root without it (common in containers)
    LabApp.launch_instance(argv=[*server, *lab_args])

if __name__ == "__main__":
    main(sys.argv[1:])

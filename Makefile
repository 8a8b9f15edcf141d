# The course's commands. Each works from a fresh clone with only python3 >= 3.10.
#   make venv   create/update .venv with attn_course (editable) and every pinned dependency
#   make book   build the HTML book into _build/html (notebooks executed in parallel and cached, -n -W)
#   make test   make book, then ruff, unit tests, nbval over every notebook under book/, the
#               instructor notebooks in instructor_exercises/ and the
#               browser tests (headless Chromium over every page; screenshots in _build/screenshots)
#   make unit   ruff and the fast unit tests (not marked slow or browser), 2 workers; no book build
#   make nbval  nbval over the notebooks under book/ and instructor_exercises/, 2 workers (needs no book build)
#   make lab    JupyterLab in the venv, for running the chapters locally
#   make lint   ruff over the package, tests and notebooks
#   make bench  time and memory of flash_attention and attention() vs SDPA: the ratio table of
#               benchmarks/attention.py, then masked attention() vs SDPA's math backend
#               (benchmarks/masked_attention.py); JSON in benchmarks/results/. BENCH_ARGS=--publish
#               also writes the run the efficiency chapter quotes (attn_course/lessons/data/)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
PYTEST := $(BIN)/python -m pytest $(PYTEST_ARGS)
# python3-fork: the notebooks' python3 kernel, forked from a process that has imported torch and the course
# (tools/fork_kernel; the notebooks keep their python3 kernelspec).
NBVAL  := --nbval book instructor_exercises --nbval-sanitize-with book/nbval_sanitize.cfg --nbval-cell-timeout=120 \
          --nbval-kernel-name=python3-fork

.PHONY: venv assets book test unit nbval lint lab lock clean bench

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "python3 >= 3.10 is required, found " + sys.version)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -c constraints.txt -e '.[dev]'
	@# pip compiles the bytecode on one core; compileall uses them all (it writes the .pyc files even when
	@# PYTHONDONTWRITEBYTECODE is set). Like pip, it ignores a file that does not compile (a template, a test
	@# written for another Python), so its exit status is not checked.
	$(BIN)/python -m compileall -q -q -j 0 $(VENV)/lib || true
	@touch $(STAMP)

# MathJax and mermaid from the npm registry (tools/web/package-lock.json), served by the book itself.
assets: $(STAMP)
	$(BIN)/python tools/fetch_web_assets.py

book: assets
	$(BIN)/python -m tools.build_book

# Two workers; --dist loadfile keeps each file on one worker: a notebook's cells share one kernel
# under nbval, and a module's expensive module-scoped fixture (the grader's batch, the fixture book) runs once.
# The book's pages (tests/browser/test_book.py) are the exception: each may run on any worker (tests/conftest.py).
test: book
	$(BIN)/ruff check .
	$(PYTEST) -n 2 --dist loadfile tests $(NBVAL)

unit: $(STAMP)
	$(BIN)/ruff check .
	$(PYTEST) -n 2 -m "not slow and not browser" tests

nbval: $(STAMP)
	$(PYTEST) -n 2 --dist loadfile $(NBVAL)

lint: $(STAMP)
	$(BIN)/ruff check .

BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/attention.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/masked_attention.py

# tools/lab.py: trusts the course's notebooks, puts .venv/bin first on PATH in JupyterLab's terminals,
# prints how to grade, then starts JupyterLab on book/ (with --allow-root only when run as root).
lab: $(STAMP)
	$(BIN)/python -m tools.lab

# Re-resolve the newest versions that fit pyproject.toml and rewrite constraints.txt.
lock:
	rm -rf /tmp/attn-course-lock && $(PYTHON) -m venv /tmp/attn-course-lock
	/tmp/attn-course-lock/bin/pip install --quiet -e '.[dev]'
	{ sed -n '1,3p' constraints.txt; /tmp/attn-course-lock/bin/pip freeze --exclude-editable | sed 's/+cpu$$//'; } > constraints.new
	mv constraints.new constraints.txt

clean:
	rm -rf _build .pytest_cache .hypothesis

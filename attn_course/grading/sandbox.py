"""The grader's side of the sandbox: one zygote per grader, one confined process tree per run.

:class:`Sandbox` starts a notebook executor or a function runner (see :mod:`.sandboxed`) by
asking the zygote, which forks it already holding torch. The grader talks to it only in frames
(:mod:`.sandboxed.wire`) with deadlines, and :meth:`Sandbox.close` kills its PID 1 through a
pidfd and waits until the kernel has ended every process of the namespace: only then does the
grader go on to write a report. What a sandbox may see (:func:`sandbox_config`): a read-only
filesystem without the course folder, the instructor notebooks, the submissions and the hidden
tests; the runner does not see :mod:`attn_course` at all.
"""

from __future__ import annotations

import atexit
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from .sandboxed import wire

GRADING = Path(__file__).resolve().parent
PACKAGE = GRADING.parent
_BOOT = "import sys; sys.path.insert(0, {path!r}); from sandboxed.zygote import main; main({fd})"
LIMITS = {"memory_mib": 2048, "file_mib": 64, "processes": 128}
TMP_MIB = 256
ALLOWED_IMPORTS = ("__future__", "abc", "cmath", "collections", "dataclasses", "enum", "functools", "itertools",
                   "math", "numbers", "numpy", "operator", "statistics", "torch", "typing", "typing_extensions")


class SandboxError(Exception):
    """The sandbox could not be started, or stopped answering."""


class _Zygote:
    _lock = threading.Lock()
    _instance: _Zygote | None = None
    _refusing = False  # after stop_zygote(refuse_new=True), until start_zygote()

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        keep_stderr = os.environ.get("ATTN_COURSE_SANDBOX_DEBUG") == "1"
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT.format(path=str(GRADING), fd=theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=None if keep_stderr else subprocess.DEVNULL, cwd="/", start_new_session=True,
        )
        theirs.close()
        self.control = ours
        self.send_lock = threading.Lock()

    @classmethod
    def get(cls) -> _Zygote:
        with cls._lock:
            if cls._refusing:
                raise SandboxError("the grader was interrupted: no new sandbox starts")
            if cls._instance is None or cls._instance.process.poll() is not None:
                cls._instance = _Zygote()
                atexit.register(cls._instance.stop)
            return cls._instance

    def request(self, role: str, config: dict, fd: int) -> None:
        with self.send_lock:
            wire.send(self.control, {"role": role, "config": config}, fds=(fd,))

    def stop(self) -> None:
        self.control.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_zygote() -> None:
    """Start the zygote now (it imports torch while the grader does its own work); sandboxes may start again."""
    with _Zygote._lock:
        _Zygote._refusing = False
    _Zygote.get()


def stop_zygote(*, refuse_new: bool = False) -> None:
    """Stop the zygote: every sandbox dies with it (supervisors and their PID 1 have a parent-death signal).

    ``refuse_new`` (a Ctrl-C): until :func:`start_zygote`, a sandbox asked for raises :class:`SandboxError`
    instead of starting another zygote, so a grading still running ends at once rather than carry on."""
    with _Zygote._lock:
        _Zygote._refusing = refuse_new
        if _Zygote._instance is not None:
            _Zygote._instance.stop()
            _Zygote._instance = None


def _needed() -> list[Path]:
    """What a sandbox needs to see: Python, its packages, and the folder this package is imported from."""
    return [Path(p).resolve() for p in (sys.prefix, sys.base_prefix, PACKAGE.parent, *sys.path) if p]


def _hiding(paths: list[Path]) -> tuple[set[str], set[str]]:
    """Folders and files to hide for ``paths``: a folder that holds what the sandbox needs (a submission
    next to the venv or the package) is not hidden whole; its notebooks and its ``sets/`` are."""
    folders, files, needed = set(), set(), _needed()
    for path in map(lambda p: Path(p).resolve(), paths):
        if path.is_file():
            files.add(str(path))
        elif path.is_dir() and not any(n == path or path in n.parents for n in needed):
            folders.add(str(path))
        elif path.is_dir():
            files.update(str(p) for p in path.glob("*.ipynb"))
            folders.update(str(p) for p in (path / "sets",) if p.is_dir())
    return folders, files


def sandbox_config(*, hide: list[Path], cpu_seconds: float, executor: bool) -> dict:
    """What one sandbox may see, and its limits. ``hide``: folders and files it must not see (the
    course, the instructor notebooks, the submissions); the hidden tests are never visible either."""
    hidden, files = _hiding(hide)
    config = {"limits": {**LIMITS, "cpu_seconds": max(1, int(cpu_seconds + 1))}, "tmp_mib": TMP_MIB,
              "drop_paths": [str(GRADING)], "hide_files": sorted(files)}
    if executor:  # check cells import attn_course, grading.checks and grading.references: nothing else of the grader
        files = {name: (GRADING / name).read_text() for name in ("__init__.py", "checks.py", "references.py")}
        config |= {"overlays": {str(GRADING): files}, "add_paths": [str(PACKAGE.parent)]}
    else:
        hidden.add(str(PACKAGE))
    config["hide"] = sorted(hidden)
    return config


class Sandbox:
    """A started sandbox: send frames, receive frames with a deadline, close (kill everything, wait)."""

    def __init__(self, role: str, config: dict, start_timeout: float = 120.0) -> None:
        ours, theirs = socket.socketpair()
        self.sock, self.pidfd, self.pgids = ours, -1, []
        try:
            _Zygote.get().request(role, config, theirs.fileno())
            theirs.close()
            deadline = time.monotonic() + start_timeout
            started, fds = wire.recv(ours, deadline, with_fds=1)
            if not fds or not isinstance(started, dict):
                raise SandboxError("the zygote did not start a sandbox")
            self.pidfd = fds[0]
            ready, _ = wire.recv(ours, deadline)
            self.isolation = str(ready["ready"])
            self.pgids = [int(g) for g in (started["pgid"], ready["pgid"]) if g is not None]
        except (OSError, EOFError, TimeoutError, KeyError, TypeError, wire.ProtocolError, SandboxError) as exc:
            self.close()
            raise SandboxError(f"the sandbox did not start ({type(exc).__name__}: {exc})") from exc
        finally:
            theirs.close()

    def send(self, message: object) -> None:
        try:
            wire.send(self.sock, message)
        except OSError as exc:
            raise EOFError(f"the sandbox is gone ({exc})") from exc

    def recv(self, deadline: float, max_frame: int = wire.MAX_FRAME) -> dict:
        message, _ = wire.recv(self.sock, deadline, max_frame=max_frame)
        if not isinstance(message, dict):
            raise wire.ProtocolError(f"a {type(message).__name__} where a message was expected")
        return message

    def close(self) -> None:
        """Kill the sandbox's PID 1 (the kernel then kills every process in its namespace) and wait."""
        if self.pidfd >= 0:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass
            for pgid in self.pgids:  # no PID namespace: the process groups are what is left to kill
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            select.select([self.pidfd], [], [], 10.0)  # readable once the process has exited
            os.close(self.pidfd)
            self.pidfd = -1
        self.sock.close()

"""The zygote: imports torch once, then forks one confined sandbox per request.

Started by the grader as ``python -I -c "...; zygote.main(FD)"`` (no ``PYTHONPATH``, no
current directory on ``sys.path``, nothing from :mod:`attn_course` imported), so a sandbox
forked from it holds no grader, reference or solution in memory. It never runs student code.

A request is one frame on the control socket, ``{"role": "runner" | "executor", "config": {...}}``,
with the sandbox's socket beside it. The process tree of one sandbox::

    zygote ── supervisor (S) ── init (I, PID 1 of new namespaces) ── workload (W: student code)

S enters the namespaces (:mod:`.confine`), forks I and sends the grader I's PID with a *pidfd*
for it, then waits. I confines the filesystem, forks W and exits when W does, which ends the namespace and every
process in it. W drops its privileges, sets its limits and sends ``{"ready": isolation}`` before
it runs any student code, so the first two frames on the socket cannot come from student code. Killing I through the
pidfd ends the sandbox at once; S dies with the zygote, I with S (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import os
import signal
import socket
import sys

from . import confine, executor, runner, wire  # all loaded before any sandbox hides their folder

_DEBUG = os.environ.get("ATTN_COURSE_SANDBOX_DEBUG") == "1"  # keep the sandboxes' stderr, print their errors


def main(control_fd: int) -> None:
    import numpy  # noqa: F401 - preloaded, so that every sandbox starts with it
    import torch  # noqa: F401

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped automatically
    control = socket.socket(fileno=control_fd)
    while True:
        try:
            request, fds = wire.recv(control, with_fds=1)
        except (EOFError, OSError, wire.ProtocolError):
            os._exit(0)  # the grader is gone: supervisors die with us, and their sandboxes with them
        if not fds:
            continue
        if os.fork() == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            code = 1
            try:
                _supervise(request, socket.socket(fileno=fds[0]))
                code = 0
            finally:
                os._exit(code)
        for fd in fds:
            os.close(fd)


def _supervise(request: dict, sock: socket.socket) -> None:
    confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
    confine.prctl(confine.PR_SET_DUMPABLE, 0)
    os.setsid()
    kind, why_not = confine.enter_namespaces()
    uid = confine.UID_BASE + os.getpid()
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(go_write)
        code = 1
        try:
            confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
            os.read(go_read, 1)
            _init(request, sock, kind, why_not, uid)
            code = 0
        finally:
            os._exit(code)
    os.close(go_read)
    pidfd = os.pidfd_open(pid)
    wire.send(sock, {"pid": pid, "pgid": None if kind else os.getpgid(0)}, fds=(pidfd,))
    os.close(pidfd)
    sock.close()
    os.write(go_write, b"g")
    os.waitpid(pid, 0)


def _init(request: dict, sock: socket.socket, kind: str, why_not: str, uid: int) -> None:
    config = request["config"]
    if kind:
        confine.prctl(confine.PR_SET_DUMPABLE, 0)
        where = confine.confine_filesystem(config["hide"], config.get("hide_files", []), config.get("overlays", {}),
                                           config["tmp_mib"])
        isolation = f"namespaces (pid, mount, network, ipc, uts); {where}"
    else:
        isolation = f"no namespaces ({why_not}); process group kill only"
    worker = os.fork()
    if worker == 0:
        code = 1
        try:
            _workload(request, sock, kind, uid, isolation)
            code = 0
        except BaseException:  # noqa: BLE001 - the grader sees the closed socket
            code = 3
            if _DEBUG:
                import traceback

                traceback.print_exc()
        finally:
            os._exit(code)
    sock.close()
    while True:  # PID 1 reaps every orphan until the workload itself ends
        try:
            done, status = os.wait()
        except ChildProcessError:
            return
        if done == worker:
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _workload(request: dict, sock: socket.socket, kind: str, uid: int, isolation: str) -> None:
    config = request["config"]
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1) if _DEBUG else (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, sock.fileno())
    os.closerange(sock.fileno() + 1, 1 << 16)
    if not kind:
        os.setsid()
    who = confine.drop_privileges(kind, uid)
    limits = confine.set_limits(**config["limits"])
    os.chdir("/tmp" if os.path.isdir("/tmp") else "/")
    os.environ.clear()
    os.environ.update({"HOME": os.getcwd(), "TMPDIR": os.getcwd(), "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1",
                       "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    sys.dont_write_bytecode = True
    sys.path[:] = [p for p in sys.path if p not in config["drop_paths"]] + config.get("add_paths", [])
    group = None if kind else os.getpgid(0)  # without a PID namespace the grader kills by process group
    wire.send(sock, {"ready": f"{isolation}; {who}; {limits}", "pgid": group})
    (runner if request["role"] == "runner" else executor).serve(sock)

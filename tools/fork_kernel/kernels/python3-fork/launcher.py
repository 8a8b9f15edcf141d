"""The ``python3-fork`` kernel's process: asks the zygote for a kernel, and stands in for it until it ends.

Standard library only, so it starts in a few hundredths of a second. jupyter_client starts this
script as it would ``python -m ipykernel_launcher -f CONNECTION_FILE`` and signals its process
group to interrupt or stop the kernel; this script forwards those signals to the forked kernel's
group and exits as the kernel did (with its code, or by the same signal), so jupyter_client's
interrupt, shutdown, restart and ``is_alive`` work unchanged. If this script is killed, the zygote
kills the kernel. It follows ``JPY_PARENT_PID`` as ipykernel's ParentPollerUnix does.

With no zygote (``ATTN_KERNEL_ZYGOTE`` unset, nothing listening, no answer within ``WAIT``
seconds) or one that refuses (see tools/fork_kernel/zygote.py), it execs a normal ipykernel.
"""

import json
import os
import select
import signal
import socket
import sys

SOCKET_ENV = "ATTN_KERNEL_ZYGOTE"
WAIT = 30.0  # seconds for the zygote's answer (it may still be importing torch)
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def ask_zygote(path, argv):
    """(connection, the forked kernel's pid, bytes read past its line), or (None, why not, b"")."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(WAIT)
        sock.connect(path)
        request = {"argv": argv, "cwd": os.getcwd(), "umask": os.umask(0o022), "env": dict(os.environ),
                   "executable": sys.executable}
        os.umask(request["umask"])  # reading the umask sets it: put it back
        socket.send_fds(sock, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
        buffer = b""
        while b"\n" not in buffer:
            chunk = sock.recv(4096)
            if not chunk:
                raise ValueError("the zygote hung up")
            buffer += chunk
        reply, _, rest = buffer.partition(b"\n")  # rest: the exit message, if the kernel ended already
        answer = json.loads(reply)
    except (OSError, ValueError) as exc:
        sock.close()
        return None, f"no zygote ({exc})", b""
    if "pid" not in answer:
        sock.close()
        return None, answer.get("refused", "no answer"), b""
    sock.settimeout(None)
    return sock, int(answer["pid"]), rest


def stand_in(sock, pid, buffer):
    """Forward signals to the kernel's process group until the zygote reports its exit; return that code."""
    def forward(signum, frame):
        try:
            os.killpg(pid, signum)
        except ProcessLookupError:
            pass

    for signum in FORWARDED:
        signal.signal(signum, forward)
    parent = int(os.environ.get("JPY_PARENT_PID") or 0)
    watch = parent not in (0, 1)  # as ipykernel's ParentPollerUnix: a parent that is not ours is only followed
    if os.getppid() != parent:  # until we are orphaned
        parent = 0
    while not buffer.endswith(b"\n"):
        readable, _, _ = select.select([sock], [], [], 1.0)
        ppid = os.getppid()
        if watch and (ppid != parent if parent else ppid == 1):
            return 1  # our parent died: exiting closes the connection, and the zygote kills the kernel
        if readable:
            chunk = sock.recv(4096)
            if not chunk:
                return 1  # the zygote died (its kernels die with it)
            buffer += chunk
    return int(json.loads(buffer)["exit"])


def log(line):
    """One line in the file ``ATTN_KERNEL_ZYGOTE_LOG`` names, if any (the zygote writes there too)."""
    if os.environ.get("ATTN_KERNEL_ZYGOTE_LOG"):
        with open(os.environ["ATTN_KERNEL_ZYGOTE_LOG"], "a") as file:
            file.write(line + "\n")


def main(argv):
    path = os.environ.get(SOCKET_ENV)
    usable = path and hasattr(socket, "send_fds")
    sock, pid_or_reason, rest = ask_zygote(path, argv) if usable else (None, "no zygote", b"")
    if sock is None:
        log(f"launcher {os.getpid()}: a normal kernel: {pid_or_reason}")
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])
    code = stand_in(sock, pid_or_reason, rest)
    if code < 0:  # killed by a signal: end the same way
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    main(sys.argv[1:])

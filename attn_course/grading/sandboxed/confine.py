"""OS containment of one sandbox, on Linux: namespaces, a read-only filesystem, an unprivileged uid, rlimits.

The supervisor (a fork of the zygote) calls :func:`enter_namespaces`; its child becomes PID 1 of
the new PID namespace and calls :func:`confine_filesystem`; the workload it forks calls
:func:`drop_privileges` and :func:`set_limits` before any student code runs. When PID 1 exits
(or the grader kills it) the kernel kills every process left in the namespace, daemons and
``setsid()`` escapes included. Processes outside the namespace, the grader among them, have no
PID inside it, so student code cannot signal them.

- Run as root (a CI runner, Gradescope): new PID, mount, network, IPC and UTS namespaces; the
  workload then runs as a uid of its own (``UID_BASE`` + the supervisor's PID), with no
  capabilities and ``no_new_privs``.
- Run as a normal user: the same inside a new user namespace; the workload enters a second,
  nested one, which locks every mount (it cannot be unmounted or made writable again).
- Where neither is permitted (macOS, some containers): no namespaces; the workload gets its own
  session and the rlimits, and is killed by process group. The reason is in ``isolation``.
"""

from __future__ import annotations

import ctypes
import os
import resource

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = (
    1, 2, 4, 8, 32, 4096, 16384, 1 << 18)
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38
_SYS_MOUNT_SETATTR, _AT_FDCWD, _AT_RECURSIVE, _MOUNT_ATTR_RDONLY = 442, -100, 0x8000, 0x1
UID_BASE = 1_000_000  # sandbox uids: UID_BASE + a PID, unused by any account
NESTED_UID = 1000  # the workload's uid inside the nested user namespace (unprivileged mode)
_SPACES = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), "prctl")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def raw(text: str | None) -> bytes | None:
        return None if text is None else text.encode()

    _check(_libc.mount(raw(source), raw(target), raw(fstype), ctypes.c_ulong(flags), raw(data)), f"mount {target}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _map_ids(inner: int, outer_uid: int, outer_gid: int) -> None:
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{inner} {outer_uid} 1")
    _write("/proc/self/gid_map", f"{inner} {outer_gid} 1")


def enter_namespaces() -> tuple[str, str]:
    """Unshare PID, mount, network, IPC, UTS (and user, unless root). ``(kind, why_not)``:
    kind is ``"root"``, ``"userns"`` or ``""`` when neither was permitted."""
    why = ""
    if os.geteuid() == 0:
        try:
            _check(_libc.unshare(_SPACES), "unshare")
            return "root", ""
        except OSError as exc:
            why = str(exc)
    uid, gid = os.geteuid(), os.getegid()
    try:
        _check(_libc.unshare(CLONE_NEWUSER | _SPACES), "unshare(user)")
        _map_ids(0, uid, gid)
        return "userns", ""
    except OSError as exc:
        return "", "; ".join(filter(None, [why, str(exc)]))


def _readonly_everywhere() -> None:
    attr = (ctypes.c_uint64 * 4)(_MOUNT_ATTR_RDONLY, 0, 0, 0)  # struct mount_attr
    syscall = _libc.syscall
    if syscall(_SYS_MOUNT_SETATTR, _AT_FDCWD, b"/", _AT_RECURSIVE, ctypes.byref(attr), ctypes.sizeof(attr)) == 0:
        return
    keep = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC}  # kernels before 5.12
    with open("/proc/self/mountinfo") as handle:
        rows = [line.split() for line in handle]
    for row in rows:
        target = row[4].replace("\\040", " ")
        flags = sum(keep.get(opt, 0) for opt in row[5].split(","))
        try:
            _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | flags)
        except OSError:
            if target == "/":
                raise


def confine_filesystem(hide: list[str], hide_files: list[str], overlays: dict[str, dict[str, str]],
                       tmp_mib: int) -> str:
    """In PID 1 of the new namespaces: everything read-only, a private /tmp, ``hide`` covered by
    empty folders and ``hide_files`` by /dev/null, each overlay folder replaced by a read-only one
    holding only the given files."""
    notes = []
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _readonly_everywhere()
    try:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:
        notes.append("host /proc kept")
    for path in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_mib}m,mode=1777")
    for path in hide:
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=555")
    for path in hide_files:
        if os.path.isfile(path):
            _mount("/dev/null", path, None, MS_BIND)
    for path, files in overlays.items():
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
            for name, text in files.items():
                _write(os.path.join(path, os.path.basename(name)), text)
            _mount(None, path, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    hidden = f"{len(hide) + len(overlays)} folders and {len(hide_files)} files hidden"
    return "; ".join(["read-only filesystem, private /tmp", hidden, *notes])


def drop_privileges(kind: str, uid: int) -> str:
    """In the workload, before student code: an unprivileged uid with no capabilities."""
    if kind == "userns":
        _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare(nested user)")
        _map_ids(NESTED_UID, 0, 0)
        uid = NESTED_UID
    elif os.geteuid() == 0:
        os.setgroups([])
    if kind == "userns" or os.geteuid() == 0:
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    else:  # no namespaces, run by a normal user: stays that user
        uid = os.geteuid()
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    if kind == "userns":
        return f"uid {uid} in a nested user namespace, no capabilities"
    return "a uid of its own, no capabilities" if kind else f"uid {uid}, the grader's own"


def _mapped_bytes() -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def set_limits(memory_mib: int, cpu_seconds: int, file_mib: int, processes: int) -> str:
    """rlimits: address space (what is mapped now, torch included, + ``memory_mib``), CPU time,
    file size, processes (and threads) of the sandbox's uid, open files, no core dumps."""
    limits = {
        resource.RLIMIT_AS: _mapped_bytes() + memory_mib * 1024 * 1024,
        resource.RLIMIT_CPU: cpu_seconds,
        resource.RLIMIT_FSIZE: file_mib * 1024 * 1024,
        resource.RLIMIT_NPROC: processes,
        resource.RLIMIT_NOFILE: 256,
        resource.RLIMIT_CORE: 0,
    }
    for which, value in limits.items():
        hard = resource.getrlimit(which)[1]
        soft = value if hard == resource.RLIM_INFINITY else min(value, hard)
        # CPU: SIGXCPU at the soft limit, SIGKILL a second later
        resource.setrlimit(which, (soft, soft + 1 if which == resource.RLIMIT_CPU and soft != hard else soft))
    return (f"limits: address space +{memory_mib} MiB, CPU {cpu_seconds} s, files {file_mib} MiB, "
            f"{processes} processes")

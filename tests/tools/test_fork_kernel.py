"""tools/fork_kernel: a kernel forked from a pre-warmed zygote behaves as a fresh ``python3`` kernel."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from attn_course._kernels import AsyncIPCKernelManager, IPCKernelManager
from tools import fork_kernel
from tools.fork_kernel import pytest_plugin
from tools.fork_kernel.zygote import Server

pytestmark = pytest.mark.skipif(not fork_kernel.supported(), reason="the zygote needs Linux (pidfds)")
WIDGET = "application/vnd.jupyter.widget-view+json"
# What a kernel reports about itself; the test compares a forked kernel's answer with a fresh one's.
STATE = """\
import json, os, signal, sys, warnings
import matplotlib, numpy, torch
import attn_course.plots
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
print(json.dumps({
    "cwd": os.getcwd(), "path": sys.path, "argv0": sys.argv[0], "argc": len(sys.argv), "main": __name__,
    "env": sorted(k for k in os.environ if k != "JPY_SESSION_NAME"), "umask": os.umask(0o22),
    "sigint": str(signal.getsignal(signal.SIGINT)), "excepthook": repr(sys.excepthook)[:40],
    "parent_handle": app.parent_handle, "poller": type(app.poller).__name__,
    "backend": matplotlib.get_backend(), "rc": {k: str(v) for k, v in matplotlib.rcParams.items()},
    "warnings": [str(f) for f in warnings.filters],
    "threads": [torch.get_num_threads(), torch.get_num_interop_threads()],
}, sort_keys=True))
"""


@pytest.fixture(scope="module")
def zygote(pytestconfig):
    """The zygote nbval's kernels come from in this process, if the plugin started one; else one of our own."""
    shared = pytest_plugin.serving_zygote(pytestconfig)
    if shared is not None and os.environ.get(fork_kernel.SOCKET_ENV) == shared.path:
        yield shared
        return
    with fork_kernel.serving() as running:
        yield running


def _start(kernel_name, cwd):
    km = IPCKernelManager(kernel_name=kernel_name)
    km.start_kernel(cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    return km, kc


def _run(kc, code, timeout=120):
    """(reply content, stdout text) of one cell."""
    out = []
    reply = kc.execute_interactive(code, timeout=timeout,
                                   output_hook=lambda msg: out.append(msg["content"].get("text", "")))
    return reply["content"], "".join(out)


def _reply_to(kc, msg_id, timeout=30):
    """The shell reply to ``msg_id``, past replies to earlier requests: kc.wait_for_ready asks for kernel_info once
    a second until one is answered, so a kernel slow to start (a cold zygote, a loaded machine) leaves more replies."""
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply
        assert reply["msg_type"] == "kernel_info_reply", reply


def _stop(km, kc, now=False):
    kc.stop_channels()
    km.shutdown_kernel(now=now)


def _gone(pid, seconds=15.0):
    """Whether ``pid`` ends (or is a zombie: a container's PID 1 may never reap an orphan) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rpartition(")")[2].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def _notebook():
    cells = ["print('hello', 6 * 7)\n1 + 1",
             "raise ValueError('on purpose')",
             "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 1))\nax.plot([0, 1])\nplt.show()",
             "import ipywidgets\nipywidgets.IntSlider(value=3, description='n')",
             "import os\nprint(os.getppid())"]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])


def _executed(kernel_name, workdir):
    nb = _notebook()
    NotebookClient(nb, kernel_name=kernel_name, allow_errors=True, kernel_manager_class=AsyncIPCKernelManager,
                   resources={"metadata": {"path": str(workdir)}}).execute()
    for output in nb.cells[3].outputs:
        output.get("data", {}).get(WIDGET, {}).pop("model_id", None)  # random in both
    *compared, ppid = [cell.outputs for cell in nb.cells]
    return compared, int(ppid[0]["text"])


@pytest.mark.slow
def test_a_notebook_gives_the_same_outputs_as_in_a_fresh_kernel(zygote, tmp_path):
    forked, forked_parent = _executed(fork_kernel.KERNEL_NAME, tmp_path)
    fresh, fresh_parent = _executed("python3", tmp_path)
    assert (forked_parent, fresh_parent) == (zygote.process.pid, os.getpid())  # one forked, one not
    assert [o.output_type for o in forked[1]] == ["error"] and "image/png" in forked[2][0].data
    assert WIDGET in forked[3][0].data
    assert forked == fresh


@pytest.mark.slow
def test_process_state_rng_and_threads_are_those_of_a_fresh_kernel(zygote, tmp_path):
    states = []
    for name in (fork_kernel.KERNEL_NAME, "python3"):
        km, kc = _start(name, tmp_path)
        reply, text = _run(kc, STATE)
        _stop(km, kc)
        assert reply["status"] == "ok", reply
        states.append(json.loads(text))
    forked, fresh = states
    assert forked == fresh


def _fresh_draws():
    """torch's and numpy's first unseeded draws in a fresh interpreter."""
    code = "import numpy, torch; print(torch.rand(1).item(), numpy.random.rand())"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_two_kernels_from_one_zygote_share_no_state(zygote, tmp_path):
    (km1, kc1), (km2, kc2) = _start(fork_kernel.KERNEL_NAME, tmp_path), _start(fork_kernel.KERNEL_NAME, tmp_path)
    try:
        _run(kc1, "import attn_course\nattn_course.mark = x = 1")
        _, text = _run(kc2, "import attn_course\nprint('x' in globals(), hasattr(attn_course, 'mark'))")
        assert text == "False False\n"
        draw = "import numpy, torch\nprint(torch.rand(1).item(), numpy.random.rand())"
        forked = [_run(kc, draw)[1].split() for kc in (kc1, kc2)]
        fresh = [_fresh_draws().split() for _ in range(2)]
        # each generator is seeded per process, as in fresh ones (which differ here: seeded from the OS)
        assert [a != b for a, b in zip(*forked, strict=True)] == [a != b for a, b in zip(*fresh, strict=True)]
    finally:
        _stop(km1, kc1)
        _stop(km2, kc2)


@pytest.mark.slow
def test_interrupt_raises_keyboard_interrupt_and_the_kernel_lives_on(zygote, tmp_path):
    km, kc = _start(fork_kernel.KERNEL_NAME, tmp_path)
    try:
        msg_id = kc.execute("import time\nfor _ in range(1200):\n    time.sleep(0.05)")
        time.sleep(1.0)
        km.interrupt_kernel()
        reply = _reply_to(kc, msg_id)
        assert (reply["content"]["status"], reply["content"]["ename"]) == ("error", "KeyboardInterrupt")
        assert _run(kc, "print('alive')")[1] == "alive\n"
    finally:
        _stop(km, kc)


@pytest.mark.slow
@pytest.mark.parametrize("now", [False, True], ids=["shutdown", "kill"])
def test_shutdown_leaves_no_process_behind(zygote, tmp_path, now):
    km, kc = _start(fork_kernel.KERNEL_NAME, tmp_path)
    launcher = km.provisioner.process.pid
    _, text = _run(kc, "import os, subprocess\nchild = subprocess.Popen(['sleep', '600'])\n"
                       "print(os.getpid(), child.pid)")
    kernel, child = map(int, text.split())
    assert kernel != launcher  # forked, not exec'd
    _stop(km, kc, now=now)
    assert not km.is_alive()
    assert _gone(launcher) and _gone(kernel)
    if now:  # killing the kernel's stand-in kills its process group, as for a fresh kernel
        assert _gone(child)
    else:  # tidy up the child, if it is still there: a kernel slow to exit (under load) is sent SIGTERM on its
        # process group after half of jupyter_client's shutdown_wait_time, which ends the child too, as it
        # would a fresh kernel's
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, 9)


@pytest.mark.slow
@pytest.mark.parametrize(("ending", "status"), [("os._exit(3)", 3), ("os.kill(os.getpid(), signal.SIGTERM)", -15)])
def test_the_launcher_ends_as_its_kernel_did(zygote, tmp_path, ending, status):
    km, kc = _start(fork_kernel.KERNEL_NAME, tmp_path)
    launcher = km.provisioner.process
    kc.execute(f"import os, signal\n{ending}")
    try:
        assert launcher.wait(timeout=30) == status  # what jupyter_client sees of a fresh kernel ending so
    finally:
        _stop(km, kc, now=True)


@pytest.mark.slow
@pytest.mark.parametrize("socket_path", [None, "/nonexistent/zygote.sock"], ids=["unset", "nothing-listening"])
def test_without_a_zygote_the_launcher_execs_a_normal_kernel(monkeypatch, tmp_path, socket_path):
    monkeypatch.setenv("JUPYTER_PATH", str(fork_kernel.JUPYTER_DIR))
    if socket_path is None:
        monkeypatch.delenv(fork_kernel.SOCKET_ENV, raising=False)
    else:
        monkeypatch.setenv(fork_kernel.SOCKET_ENV, socket_path)
    km, kc = _start(fork_kernel.KERNEL_NAME, tmp_path)
    try:
        _, text = _run(kc, "import os\nprint(os.getpid(), os.getppid())")
        assert list(map(int, text.split())) == [km.provisioner.process.pid, os.getpid()]
    finally:
        _stop(km, kc)


@pytest.mark.slow
def test_a_kernel_the_zygote_cannot_match_is_a_normal_one(zygote, monkeypatch, tmp_path):
    monkeypatch.setenv("ATTN_TEST_SOMETHING_NEW", "1")  # imports could read it: the zygote refuses
    km, kc = _start(fork_kernel.KERNEL_NAME, tmp_path)
    try:
        _, text = _run(kc, "import os\nprint(os.getpid(), os.environ['ATTN_TEST_SOMETHING_NEW'])")
        assert text.split() == [str(km.provisioner.process.pid), "1"]
    finally:
        _stop(km, kc)


def _server(env, printed=""):
    server = Server.__new__(Server)  # only the refusal rules: nothing imported, nothing started
    server.env, server.modules, server.preloaded, server.printed = env, ["torch"], {"torch", "attn_course"}, printed
    return server


def _request(env, cwd, executable=None):
    return {"executable": executable or sys.executable, "env": env, "cwd": str(cwd), "argv": [], "umask": 0o22}


def test_refusals_name_what_a_fresh_kernel_would_see_differently(tmp_path):
    env = {"PATH": "/bin", "PYTHONPATH": "/abs"}
    server = _server(env)
    volatile = {**env, "JPY_PARENT_PID": "1", "PYTEST_CURRENT_TEST": "t", fork_kernel.SOCKET_ENV: "/s"}
    assert server.refusal(_request(volatile, tmp_path)) is None
    assert "another Python" in server.refusal(_request(env, tmp_path, executable="/usr/bin/python9"))
    assert server.refusal(_request({**env, "MPLBACKEND": "Agg"}, tmp_path)) == \
        "another environment: MPLBACKEND='Agg', not None"
    relative = _server({**env, "PYTHONPATH": "src"})
    assert relative.refusal(_request({**env, "PYTHONPATH": "src"}, tmp_path)) == "a relative PYTHONPATH entry"
    assert _server(env, printed="UserWarning: x").refusal(_request(env, tmp_path)) == \
        "importing torch prints 'UserWarning: x'"  # a fresh kernel would show it in the notebook
    (tmp_path / "torch").mkdir()
    (tmp_path / "matplotlibrc").write_text("")
    assert server.refusal(_request(env, tmp_path)) == "the cwd holds matplotlibrc, torch"


def test_kernelspec_is_found_on_jupyter_path_and_names_the_launcher(monkeypatch):
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    fork_kernel.use_kernelspec()
    specs = KernelSpecManager()
    spec, python3 = specs.get_kernel_spec(fork_kernel.KERNEL_NAME), specs.get_kernel_spec("python3")
    assert spec.argv[1:] == ["{resource_dir}/launcher.py", "-f", "{connection_file}"]
    assert os.path.isfile(os.path.join(spec.resource_dir, "launcher.py"))
    different = {"argv", "display_name"}  # the rest as ipykernel's own spec: metadata, interrupt mode, protocol
    assert {k: v for k, v in spec.to_dict().items() if k not in different} == \
        {k: v for k, v in python3.to_dict().items() if k not in different}

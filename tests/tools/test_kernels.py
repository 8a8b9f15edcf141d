"""Kernels on private Unix sockets (attn_course._kernels): why make book and nbval cannot race for TCP ports."""

from __future__ import annotations

import glob
import os

import nbformat
import pytest

from attn_course import _kernels
from attn_course._notebooks import execute

pytestmark = pytest.mark.skipif(os.name == "nt", reason="no ipc transport on Windows")


def test_each_manager_gets_its_own_socket_prefix():
    first, second = _kernels.IPCKernelManager(), _kernels.AsyncIPCKernelManager()
    assert first.transport == second.transport == "ipc"
    assert first.ip != second.ip
    assert all(os.path.isabs(km.ip) for km in (first, second))


def test_caller_choice_of_transport_is_kept():
    assert _kernels.IPCKernelManager(transport="tcp").transport == "tcp"


def test_too_long_a_socket_path_falls_back_to_tcp(monkeypatch, tmp_path):
    long_dir = tmp_path / ("x" * 120)
    long_dir.mkdir()
    monkeypatch.setattr(_kernels.tempfile, "gettempdir", lambda: str(long_dir))
    assert _kernels.IPCKernelManager().transport == "tcp"


def test_pyproject_plugin_gives_nbval_the_ipc_manager():
    import nbval.kernel

    assert nbval.kernel.KernelManager is _kernels.IPCKernelManager


@pytest.mark.slow
def test_kernel_runs_over_sockets_and_removes_them(tmp_path):
    km = _kernels.IPCKernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(tmp_path))
    try:
        client = km.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        assert len(glob.glob(f"{km.ip}-*")) == 5  # shell, iopub, stdin, control, heartbeat
        reply = client.execute_interactive("print(6 * 7)", timeout=60, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok"
        client.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    assert glob.glob(f"{km.ip}-*") == []


@pytest.mark.slow
def test_execute_runs_a_notebook_over_ipc(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    execute(nb, tmp_path)
    assert nb.cells[0].outputs[0]["text"] == "42\n"

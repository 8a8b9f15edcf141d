"""Kernels that talk over private Unix sockets, so that kernels started side by side cannot collide.

Internal. jupyter_client's default TCP transport picks five free ports by binding to port 0 and
closing the sockets; the kernel binds them a moment later. Two kernels started at the same time
in different processes (``make book`` runs two chapters at once, ``pytest -n 2 --nbval`` two
notebooks) can be handed the same port in that gap. The
kernel then dies in ``init_sockets`` ("Address already in use") or reads the other kernel's
messages ("Invalid Signature"). A CI run of ``make book`` failed this way.

:class:`IPCKernelManager` (nbval's blocking manager) and :class:`AsyncIPCKernelManager`
(nbclient's) use the ``ipc`` transport instead, with a socket prefix that holds a
fresh UUID, so no two kernels can share a channel. jupyter_client removes the socket files when
the kernel shuts down. Windows has no ``ipc`` transport; there the manager keeps TCP.

The grader does not use it: it starts no Jupyter kernel, and runs each submission's cells in a
sandbox of its own that talks to it over a private socket pair (see :mod:`attn_course.grading.sandbox`).

Also a pytest plugin (``-p attn_course._kernels``, in pyproject's ``addopts``): it makes nbval
start its kernels with this manager. nbval 0.11 builds them in ``nbval.kernel.start_new_kernel``
from the module's ``KernelManager`` name, which is what :func:`pytest_configure` replaces.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from typing import Any

from jupyter_client.manager import AsyncKernelManager, KernelManager

#: A Unix socket path must fit in ``sun_path`` (108 bytes on Linux, 104 on macOS).
_MAX_SOCKET_PATH = 100


def _socket_prefix() -> str | None:
    """A fresh absolute prefix for the kernel's five sockets, or None when TCP must be kept."""
    if os.name == "nt":
        return None
    prefix = os.path.join(tempfile.gettempdir(), f"attn-kernel-{uuid.uuid4().hex}")
    return prefix if len(prefix) + len("-65535") <= _MAX_SOCKET_PATH else None


def _ipc_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` plus the ``ipc`` transport and a fresh socket prefix, unless the caller chose either."""
    prefix = _socket_prefix()
    if prefix is not None and "transport" not in kwargs and "ip" not in kwargs:
        kwargs = {**kwargs, "transport": "ipc", "ip": prefix}
    return kwargs


class IPCKernelManager(KernelManager):
    """A :class:`jupyter_client.manager.KernelManager` on the ``ipc`` transport, with unique socket paths."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**_ipc_kwargs(kwargs))


class AsyncIPCKernelManager(AsyncKernelManager):
    """The same for nbclient, which drives an :class:`~jupyter_client.manager.AsyncKernelManager`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**_ipc_kwargs(kwargs))


def pytest_configure(config: Any) -> None:
    """Make nbval start every kernel through :class:`IPCKernelManager`."""
    try:
        import nbval.kernel
    except ImportError:  # nbval not installed: nothing to patch
        return
    if getattr(nbval.kernel, "KernelManager", None) is KernelManager:
        nbval.kernel.KernelManager = IPCKernelManager

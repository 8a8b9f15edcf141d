"""Run-time guards for the hidden-test process.

- :class:`Tripwires` wraps the shortcuts a part forbids (``F.scaled_dot_product_attention``,
  ``torch.softmax``, every ``attn_course`` function, ...) so that calling them *while the
  student's function runs* is recorded, however the student reached them (``getattr``,
  aliases, ``importlib``). The wrapped function still returns its result, so a student who
  catches exceptions cannot hide the call.
- :class:`Integrity` snapshots the attributes of ``torch``, ``torch.Tensor``, ``builtins`` and
  the course's modules, and reports any that a student call replaced or deleted
  (``torch.allclose = lambda *a: True`` and the like).
"""

from __future__ import annotations

import builtins
import functools
import math
import sys
import types
from collections.abc import Callable, Iterator

import torch
import torch.nn.functional as F

import attn_course


def _torch_targets(name: str) -> list[tuple[object, str]]:
    table = {
        "scaled_dot_product_attention": [(F, name), (torch._C._nn, name)],
        "softmax": [(torch, name), (F, name), (torch.Tensor, name), (torch.special, name)],
        "log_softmax": [(torch, name), (F, name), (torch.Tensor, name), (torch.special, name)],
        "logsumexp": [(torch, name), (torch.Tensor, name), (torch.special, name)],
        "MultiheadAttention": [(torch.nn.MultiheadAttention, "forward")],
        "multi_head_attention_forward": [(F, name)],
        "AdditiveAttention": [(attn_course.AdditiveAttention, "forward"), (attn_course.AdditiveAttention, "score")],
    }
    return [(owner, attr) for owner, attr in table.get(name, []) if hasattr(owner, attr)]


def _course_targets() -> Iterator[tuple[object, str]]:
    modules = [m for n, m in sorted(sys.modules.items()) if n == "attn_course" or
               (n.startswith("attn_course.") and not n.startswith("attn_course.grading"))]
    for module in modules:
        for attr, value in vars(module).items():
            if isinstance(value, types.FunctionType) and getattr(value, "__module__", "").startswith("attn_course"):
                if not value.__module__.startswith("attn_course.grading"):
                    yield module, attr
    for cls in (attn_course.MultiHeadAttention, attn_course.AdditiveAttention, attn_course.GeneralAttention):
        yield cls, "forward"


class Tripwires:
    """Record calls to forbidden functions made while :attr:`armed` is true."""

    def __init__(self) -> None:
        self.armed = False
        self.calls: list[tuple[str, str]] = []  # (forbidden name, function called)
        self._installed: dict[tuple[int, str], tuple[object, str, object]] = {}
        self._names: dict[tuple[int, str], set[str]] = {}

    def install(self, forbidden: tuple[str, ...]) -> None:
        for name in forbidden:
            targets = list(_course_targets()) if name == "attn_course" else _torch_targets(name)
            for owner, attr in targets:
                key = (id(owner), attr)
                if key in self._installed:
                    self._names[key].add(name)
                    continue
                original = getattr(owner, attr)
                label = f"{getattr(owner, '__name__', type(owner).__name__)}.{attr}"
                self._installed[key] = (owner, attr, original)
                self._names[key] = {name}
                setattr(owner, attr, self._wrap(original, label, self._names[key]))

    def _wrap(self, original: Callable, label: str, names: set[str]) -> Callable:
        @functools.wraps(original)
        def tripwire(*args, **kwargs):
            if self.armed:
                self.calls.extend((name, label) for name in names)
            return original(*args, **kwargs)

        return tripwire

    def uninstall(self) -> None:
        for owner, attr, original in self._installed.values():
            setattr(owner, attr, original)
        self._installed.clear()


class Integrity:
    """Identity snapshot of the attributes the grader's comparisons rely on."""

    def __init__(self) -> None:
        import numpy

        self._spaces: list[tuple[str, object, bool]] = [
            ("torch", torch, False), ("torch.testing", torch.testing, False), ("torch.nn.functional", F, False),
            ("torch.Tensor", torch.Tensor, True), ("torch._C.TensorBase", torch._C.TensorBase, True),
            ("builtins", builtins, False), ("math", math, False), ("numpy", numpy, False),
        ]
        self._spaces += [(n, m, False) for n, m in sorted(sys.modules.items()) if n.startswith("attn_course")]
        self._snapshot = {name: dict(vars(space)) for name, space, _ in self._spaces}

    def changes(self) -> list[str]:
        found = []
        for name, space, is_class in self._spaces:
            now, before = vars(space), self._snapshot[name]
            for attr, value in before.items():
                if attr not in now:
                    found.append(f"deleted {name}.{attr}")
                elif now[attr] is not value and not (attr.startswith("__") and attr.endswith("__") and not is_class):
                    found.append(f"replaced {name}.{attr}")
            if is_class:
                found += [f"added {name}.{attr}" for attr in now if attr not in before]
        return found

"""Forbidden shortcuts are not available in the runner: refused in the dispatcher, whatever name reached them.

A part's ``forbidden`` names (``"softmax"``, ``"scaled_dot_product_attention"``, ...) map to
ATen operators. For every overload of each, at every dispatch key that has a kernel (CPU,
MkldnnCPU, NestedTensorCPU, SparseCPU, the autograd and composite keys, ...), :func:`install`
registers a kernel that reports the attempt and raises. So ``torch.softmax``, ``x.softmax``,
``torch._softmax``, ``torch.ops.aten._softmax.out``, ``F.gumbel_softmax``, ``nn.MultiheadAttention``,
nested, sparse or mkldnn tensors, ``vmap`` and ``torch.jit`` all end in the refusal: there is no
Python name to rename around, and the original kernel is not reachable from Python.

The registrations belong to a C++ ``torch::Library`` whose Python handle is leaked on purpose
(one extra reference, then every Python reference dropped): nothing reachable from Python,
``gc.get_objects()`` included, can destroy it and so restore the original kernels. A few
shortcuts are Python functions (``F.multi_head_attention_forward``); their code object is
replaced in place, so every alias and ``__wrapped__`` of them is refused too.
"""

from __future__ import annotations

import ctypes
import re
import types
import warnings
from collections.abc import Callable

_ATTENTION = re.compile(r"scaled_dot_product|_attention_forward|flash_attention_for_cpu|multi_head_attention|"
                        r"_transformer_encoder_layer_fwd|_triton_scaled_dot_attention")
_PACKETS = {
    "softmax": re.compile(r"^(_?softmax|_safe_softmax|_masked_softmax|_sparse_softmax|special_softmax|"
                          r"_nested_tensor_softmax_with_shape)$"),
    "log_softmax": re.compile(r"^(_?log_softmax|special_log_softmax|_sparse_log_softmax)$"),
    "logsumexp": re.compile(r"^(logsumexp|special_logsumexp|_?logcumsumexp)$"),
    # any of these normalises a row when the tensor is reshaped for it
    "layer_norm": re.compile(r"^(native_|_native_)?(layer|group|batch|instance)_norm|^_batch_norm|^_native_batch_norm"),
}
# SDPA with an identity `value` returns the softmax weights, so refusing softmax refuses attention kernels too.
_WITH_ATTENTION = {"softmax", "scaled_dot_product_attention", "MultiheadAttention", "multi_head_attention_forward",
                   "TransformerEncoderLayer"}
_PYTHON = {  # Python functions that compute a shortcut from allowed operators: torch's own and its references
    "MultiheadAttention": (("torch.nn.functional", "multi_head_attention_forward"),
                           ("torch.nn.modules.activation", "MultiheadAttention.forward")),
    "multi_head_attention_forward": (("torch.nn.functional", "multi_head_attention_forward"),),
    "TransformerEncoderLayer": (("torch.nn.modules.transformer", "TransformerEncoderLayer.forward"),),
    "softmax": (("torch._refs", "softmax"), ("torch._refs.special", "softmax"),
                ("torch._refs.nn.functional", "softmax"), ("torch._refs.nn.functional", "softmin")),
    "log_softmax": (("torch._refs", "log_softmax"), ("torch._refs.special", "log_softmax"),
                    ("torch._refs.nn.functional", "log_softmax")),
    "logsumexp": (("torch._refs", "logsumexp"), ("torch._refs.special", "logsumexp")),
    "layer_norm": (("torch._refs.nn.functional", "layer_norm"), ("torch._refs", "native_layer_norm"),
                   ("torch._refs.nn.functional", "group_norm")),
}
_SKIP_KEYS = {"debug", "Meta"}  # Meta computes shapes only


def aten_packets(forbidden: tuple[str, ...] | list[str]) -> list[str]:
    """The ATen operator names (without overload) that ``forbidden`` refuses."""
    import torch

    names = {n.split("::", 1)[1].split(".")[0] for n in torch._C._dispatch_get_all_op_names() if n.startswith("aten::")}
    chosen = set()
    for name in names:
        if name.endswith("_backward") or name.endswith("_backward_data"):
            continue
        if any(key in _PACKETS and _PACKETS[key].match(name) for key in forbidden):
            chosen.add(name)
        elif _WITH_ATTENTION & set(forbidden) and _ATTENTION.search(name):
            chosen.add(name)
    return sorted(chosen)


def _keys(qualified: str) -> list[str]:
    import torch

    keys = []
    for line in torch._C._dispatch_dump(qualified).splitlines():
        match = re.match(r"^(\w+)(\[alias\])?: registered", line)
        if match and match.group(1) not in _SKIP_KEYS:
            keys.append(match.group(1))
    return keys


def install(forbidden: tuple[str, ...] | list[str], report: Callable[[str], None]) -> list[str]:
    """Refuse every operator and function that ``forbidden`` names; returns the ATen names refused."""
    import torch

    library = torch._C._dispatch_library("IMPL", "aten", "", "<attn-course grader>", 0)
    packets = aten_packets(forbidden)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Overriding a previously registered kernel": the point
        for packet_name in packets:
            packet = getattr(torch.ops.aten, packet_name, None)
            for overload in packet.overloads() if packet is not None else ():
                schema = getattr(packet, overload)._schema
                qualified = schema.name + (f".{schema.overload_name}" if schema.overload_name else "")
                label = qualified
                for key in _keys(qualified):
                    library.impl(qualified.split("::", 1)[1], key, _refusal(label, report), False)
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(library))  # leaked: the registrations outlive every Python name
    del library
    for name in forbidden:
        for module_name, path in _PYTHON.get(name, ()):
            target = _resolve(module_name, path)
            if target is not None:
                _refuse_function(target, f"{module_name}.{path}", report, set())
    from torch._decomp import decomposition_table  # Python decompositions of the refused operators

    for op, function in list(decomposition_table.items()):
        if op.name().split("::", 1)[-1].split(".")[0] in packets:
            _refuse_function(function, f"the decomposition of {op.name()}", report, set())
    return packets


def _refusal(label: str, report: Callable[[str], None]) -> Callable:
    def refused(*args, **kwargs):
        report(label)
        raise RuntimeError(f"{label} is a forbidden shortcut in this part")

    return refused


def _resolve(module_name: str, path: str) -> object | None:
    import importlib

    try:
        target: object = importlib.import_module(module_name)
        for attr in path.split("."):
            target = getattr(target, attr)
    except (ImportError, AttributeError):
        return None
    return target


def _stub_code(freevars: tuple[str, ...]) -> types.CodeType | None:
    """A refusing code object with exactly ``freevars`` (a closure's code can only be swapped for a like one)."""
    lines = ["def outer():", *(f"    {name} = None" for name in freevars),
             "    def refused(*args, _grader_report=None, _grader_label='', **kwargs):",
             *([f"        ({', '.join(freevars)},)"] if freevars else []),
             "        _grader_report(_grader_label)",
             "        raise RuntimeError(_grader_label + ' is a forbidden shortcut in this part')",
             "    return refused"]
    namespace: dict = {}
    exec(compile("\n".join(lines), "<grader>", "exec"), namespace)  # noqa: S102 - our own fixed source
    code = namespace["outer"]().__code__
    return code if code.co_freevars == freevars else None


def _refuse_function(target: object, label: str, report: Callable[[str], None], seen: set[int]) -> None:
    """Swap the code of ``target`` and of every function it wraps (``__wrapped__``) for a refusal, in place:
    every alias and reference to these function objects is refused too."""
    while isinstance(target, types.FunctionType) and id(target) not in seen:
        seen.add(id(target))
        code = _stub_code(target.__code__.co_freevars)
        if code is not None:
            target.__code__ = code
            target.__defaults__ = None
            target.__kwdefaults__ = {"_grader_report": report, "_grader_label": label}
        target = getattr(target, "__wrapped__", None)

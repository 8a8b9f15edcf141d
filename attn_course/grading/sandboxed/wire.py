"""Frames and values between the grader and a sandbox: JSON only, tensors as bytes + dtype + shape.

A frame is a 4-byte big-endian length and that many bytes of UTF-8 JSON. File descriptors
(a pidfd, a sandbox's socket) travel beside a frame as ``SCM_RIGHTS``. Values are encoded by
:func:`encode` and rebuilt by :func:`decode`, which accepts only plain data: ``None``, bools,
numbers, strings, lists, tuples, dicts with string keys, and tensors of an allow-listed dtype
whose byte count matches their shape. Anything else is :class:`Opaque` (its type name only), so
a value from a sandbox can never become an object with behaviour in the grader.
"""

from __future__ import annotations

import base64
import json
import math
import socket
import struct
import time

MAX_FRAME = 64 * 1024 * 1024  # bytes; a larger frame ends the conversation
MAX_DEPTH = 8
MAX_ELEMENTS = 20_000_000  # per tensor
_DTYPES = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
           "complex64", "complex128")
_HEADER = struct.Struct(">I")


class ProtocolError(Exception):
    """The other side sent something that is not a valid frame or value."""


class Opaque:
    """A returned object that is not plain data: only its type name crosses the boundary."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


def send(sock: socket.socket, message: object, fds: tuple[int, ...] = ()) -> None:
    body = json.dumps(message, allow_nan=True).encode()
    data = _HEADER.pack(len(body)) + body
    if fds:
        socket.send_fds(sock, [data[:1]], list(fds))
        data = data[1:]
    sock.sendall(data)


def _recv_exact(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer in time")
            sock.settimeout(remaining)
        try:
            chunk = sock.recv(min(left, 1 << 20))  # socket.timeout is TimeoutError
        except ConnectionError as exc:
            raise EOFError(f"the connection broke ({exc})") from exc
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def recv(sock: socket.socket, deadline: float | None = None, *, max_frame: int = MAX_FRAME,
         with_fds: int = 0) -> tuple[object, list[int]]:
    """One frame: ``(message, fds)``. Raises EOFError, TimeoutError or :class:`ProtocolError`."""
    fds: list[int] = []
    if with_fds:
        if deadline is not None:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
        first, fds, _, _ = socket.recv_fds(sock, 1, with_fds)
        if not first:
            raise EOFError("the other side closed the connection")
        header = first + _recv_exact(sock, _HEADER.size - 1, deadline)
    else:
        header = _recv_exact(sock, _HEADER.size, deadline)
    (size,) = _HEADER.unpack(header)
    if size > max_frame:
        raise ProtocolError(f"a frame of {size} bytes (the limit is {max_frame})")
    body = _recv_exact(sock, size, deadline)
    try:
        return json.loads(body), fds
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"not JSON: {type(exc).__name__}") from exc


def encode(value: object, depth: int = 0) -> object:
    """``value`` as JSON-able plain data (used on the sandbox side)."""
    import torch

    if depth > MAX_DEPTH:
        return {"t": "object", "type": "too deeply nested"}
    if value is None or isinstance(value, (bool, str)) or type(value) in (int, float):
        return value
    if type(value) in (torch.Tensor, torch.nn.Parameter):
        name = str(value.dtype).removeprefix("torch.")
        if name not in _DTYPES or value.layout != torch.strided or value.is_quantized or value.is_nested:
            return {"t": "object", "type": f"tensor of dtype {name}"}
        tensor = value.detach().cpu().contiguous()
        raw = tensor.reshape(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b""
        return {"t": "tensor", "dtype": name, "shape": list(tensor.shape), "data": base64.b64encode(raw).decode()}
    if isinstance(value, tuple):  # torch.Size and named tuples too: they compare equal to tuples
        return {"t": "tuple", "items": [encode(v, depth + 1) for v in value]}
    if type(value) is list:
        return {"t": "list", "items": [encode(v, depth + 1) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"t": "dict", "items": {k: encode(v, depth + 1) for k, v in value.items()}}
    return {"t": "object", "type": type(value).__name__[:80]}


def decode(data: object, depth: int = 0) -> object:
    """Rebuild a value from :func:`encode`'s output, refusing anything else (used by the grader)."""
    if depth > MAX_DEPTH + 1:
        raise ProtocolError("a value nested too deeply")
    if data is None or isinstance(data, (bool, str)):
        return data
    if isinstance(data, (int, float)):
        return data if not isinstance(data, float) or not math.isnan(data) else math.nan
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise ProtocolError(f"not an encoded value: {type(data).__name__}")
    kind = data["t"]
    if kind == "tensor":
        return _tensor(data)
    if kind in ("tuple", "list") and isinstance(data.get("items"), list):
        items = [decode(v, depth + 1) for v in data["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict" and isinstance(data.get("items"), dict):
        return {str(k): decode(v, depth + 1) for k, v in data["items"].items()}
    if kind == "object" and isinstance(data.get("type"), str):
        return Opaque(data["type"][:80])
    raise ProtocolError(f"unknown value kind {kind!r}"[:100])


def _tensor(data: dict):
    import torch

    dtype, shape, payload = data.get("dtype"), data.get("shape"), data.get("data")
    if dtype not in _DTYPES or not isinstance(payload, str) or not isinstance(shape, list):
        raise ProtocolError("a tensor with a bad dtype, shape or payload")
    if len(shape) > 16 or not all(type(n) is int and 0 <= n <= MAX_ELEMENTS for n in shape):
        raise ProtocolError("a tensor with a bad shape")
    numel = math.prod(shape)
    torch_dtype = getattr(torch, dtype)
    itemsize = torch.empty((), dtype=torch_dtype).element_size()
    try:
        raw = base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise ProtocolError("a tensor payload that is not base64") from exc
    if numel > MAX_ELEMENTS or len(raw) != numel * itemsize:
        raise ProtocolError(f"a tensor of shape {shape} and dtype {dtype} with {len(raw)} bytes")
    if numel == 0:
        return torch.empty(shape, dtype=torch_dtype)
    flat = torch.frombuffer(bytearray(raw), dtype=torch.uint8)
    if torch_dtype == torch.bool:  # any non-zero byte is True, as in C: no bool with a stray bit pattern
        return (flat != 0).reshape(shape)
    return flat.view(torch_dtype).reshape(shape).clone()

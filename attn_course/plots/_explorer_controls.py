"""How an explorer's controls are checked and shown: kind, display label per value (see :mod:`.explorer`)."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any


def format_value(value: Any) -> str:
    """How a control value is shown: ``1.0`` as ``1`` (``:g``), ``True``/``False`` as ``on``/``off``."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return f"{float(value):g}"
    return str(value)


def is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def check_names(argument: str, names: Sequence[str] | Mapping[str, Any], controls: dict[str, list]) -> list[str]:
    names = list(names)
    unknown = [name for name in names if name not in controls]
    if unknown:
        raise ValueError(f"{argument} names unknown controls {unknown}; controls are {list(controls)}")
    return names


def control_kinds(controls: dict[str, list], kinds: Mapping[str, str]) -> dict[str, str]:
    check_names("kinds", kinds, controls)
    for name, kind in kinds.items():
        if kind not in ("slider", "buttons"):
            raise ValueError(f"kinds[{name!r}] must be 'slider' or 'buttons', got {kind!r}")
    return {name: kinds.get(name, "slider" if all(map(is_number, values)) else "buttons")
            for name, values in controls.items()}


def display_labels(controls: dict[str, list], given: Mapping[str, Sequence[str] | Mapping[Any, str]]
                  ) -> dict[str, list[str]]:
    check_names("value_labels", given, controls)
    result = {}
    for name, values in controls.items():
        shown = given.get(name)
        if shown is None:
            labels = [format_value(v) for v in values]
        elif isinstance(shown, Mapping):
            labels = [str(shown[v]) if v in shown else format_value(v) for v in values]
        elif isinstance(shown, str) or len(shown) != len(values):
            raise ValueError(f"value_labels[{name!r}] must give one label per value ({len(values)}), got {shown!r}")
        else:
            labels = [str(label) for label in shown]
        if len(set(labels)) != len(labels):
            raise ValueError(f"value_labels[{name!r}]: two values of control {name!r} share a label: {labels}")
        result[name] = labels
    return result

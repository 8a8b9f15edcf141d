"""``nbformat``, imported without building jsonschema's IRI parser at import time (internal).

``import nbformat`` imports ``jsonschema``, whose format checkers import ``rfc3987_syntax`` when it
is installed (JupyterLab brings it, through jupyter-events). That module builds an Earley parser for
the IRI grammar of RFC 3987 as it is imported: 2-5 s of CPU here, for the ``iri`` format, which no
notebook schema uses. Before nbformat is imported, :func:`defer_iri_parser` puts a stand-in for
``rfc3987_syntax`` in ``sys.modules`` that imports the real module on first use, so an IRI check
still gets the real parser, only later. :mod:`attn_course.lessons.glue` avoids nbformat for the
same reason.

    from attn_course._nbformat import nbformat
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

IRI_MODULE = "rfc3987_syntax"


def defer_iri_parser(name: str = IRI_MODULE) -> None:
    """Stand in for module ``name`` until one of its attributes is used; nothing to do when it is
    imported already or not installed."""
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return
    stand_in = types.ModuleType(name, f"imports the real {name} on first use ({__name__})")

    def real() -> types.ModuleType:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return importlib.import_module(name)

    def is_valid_syntax(term: str, value: str) -> bool:  # jsonschema binds this name at its import
        return real().is_valid_syntax(term, value)

    def attribute(attr: str) -> object:  # any other name (PEP 562); the import system asks for __path__ & co.
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(real(), attr)

    stand_in.is_valid_syntax = is_valid_syntax
    stand_in.__getattr__ = attribute
    sys.modules[name] = stand_in


defer_iri_parser()

import nbformat  # noqa: E402 - after the stand-in

__all__ = ["defer_iri_parser", "nbformat"]

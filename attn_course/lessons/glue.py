"""``glue(name, value)``: myst-nb's glue, without importing nbformat.

The chapters quote every measured number through myst-nb's ``{glue:text}`` role, which reads a
display output carrying ``scrapbook`` metadata. ``myst_nb.glue`` writes that output, but importing
it imports ``nbformat``, whose schema validator pulls in ``jsonschema`` format checkers that take
seconds to import. This writes the same display output with IPython alone
(``tests/lessons/test_glue.py`` checks it is identical to myst-nb's).
"""

from __future__ import annotations

from typing import Any

#: myst-nb's prefix for glued data that is stored but not shown (``myst_nb.ext.glue.GLUE_PREFIX``).
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Store ``variable``'s display data under ``name`` for ``{glue}`` roles; show it only if ``display``."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    mimebundle, metadata = format_display_data(variable)
    mime_prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": mime_prefix}
    ipy_display({mime_prefix + key: value for key, value in mimebundle.items()}, raw=True, metadata=metadata)

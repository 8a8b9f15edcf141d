"""Sphinx extension: glued numbers in translated prose.

A chapter quotes its computed numbers with ``{glue:text}`key```. myst-nb resolves the key from the
notebook being parsed. In the Chinese edition (tools/i18n.py) Sphinx parses each translated
paragraph again, as a small Markdown document of its own, which has no notebook behind it, so
every glued number would be lost with "No key ... found in glue data". This lets such a lookup
fall back to the glue data myst-nb saved for the page while parsing its notebook
(``<output folder>/<page>.glue.json``): the same numbers, from the same execution.
Only ``{glue:text}`` is supported there, the one glue role the chapters use in prose.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from myst_nb.core.variables import RetrievalError, VariableOutput
from myst_nb.ext.glue import roles, utils
from sphinx.application import Sphinx

_retrieve = utils.retrieve_glue_data


def saved_glue(output_folder: str | Path, docname: str) -> dict[str, Any]:
    """The glue data myst-nb wrote for ``docname`` while parsing its notebook ({} if none)."""
    path = Path(output_folder, *docname.split("/")[:-1], f"{docname.split('/')[-1]}.glue.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def retrieve_glue_data(document: nodes.document, key: str) -> VariableOutput:
    try:
        return _retrieve(document, key)
    except RetrievalError:
        env = getattr(document.settings, "env", None)
        if env is None or "nb_renderer" in document:  # a real notebook without that key: myst-nb's error stands
            raise
        data = saved_glue(env.mystnb_config.output_folder, env.docname)
        if key not in data:
            raise
        return VariableOutput(data=data[key]["data"], metadata=data[key].get("metadata", {}),
                              nb_renderer=None, vtype="glue")  # type: ignore[arg-type] - text needs no renderer


def setup(app: Sphinx) -> dict[str, Any]:
    roles.retrieve_glue_data = retrieve_glue_data
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

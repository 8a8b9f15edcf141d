"""Glued numbers in translated prose come from the page's own saved glue data, and only then."""

import json
from types import SimpleNamespace

import pytest
from docutils.utils import new_document
from myst_nb.core.variables import RetrievalError

from tools.sphinx_glue_i18n import retrieve_glue_data, saved_glue


def _document(tmp_path, docname="book/03_algorithm"):
    document = new_document("translated paragraph")
    document.settings.env = SimpleNamespace(mystnb_config=SimpleNamespace(output_folder=str(tmp_path)), docname=docname)
    return document


def test_a_translated_paragraph_finds_its_page_glue(tmp_path):
    (tmp_path / "book").mkdir()
    glue = {"weight": {"data": {"text/plain": "0.8808"}, "metadata": {}}}
    (tmp_path / "book" / "03_algorithm.glue.json").write_text(json.dumps(glue))
    assert saved_glue(tmp_path, "book/03_algorithm") == glue
    assert retrieve_glue_data(_document(tmp_path), "weight").data == {"text/plain": "0.8808"}
    with pytest.raises(RetrievalError, match="'missing'"):
        retrieve_glue_data(_document(tmp_path), "missing")
    with pytest.raises(RetrievalError):  # another page's glue is not this page's
        retrieve_glue_data(_document(tmp_path, "book/04_formula"), "weight")


def test_a_notebook_without_the_key_keeps_myst_nbs_error(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "03_algorithm.glue.json").write_text(json.dumps({"weight": {"data": {}, "metadata": {}}}))
    document = _document(tmp_path)
    document["nb_renderer"] = SimpleNamespace(renderer=SimpleNamespace(nb_client=SimpleNamespace(glue_data={})))
    with pytest.raises(RetrievalError):
        retrieve_glue_data(document, "weight")

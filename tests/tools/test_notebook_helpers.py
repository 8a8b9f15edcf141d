"""attn_course._notebooks: the normalisation and execution that tools/ and the grader's release share."""

import nbformat
import pytest

from attn_course._notebooks import KERNELSPEC, LANGUAGE_INFO, NotebookError, execute, normalise, strip_ansi
from tools.execute_notebooks import main as execute_notebooks


def _messy_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata = nbformat.NotebookNode(kernelspec={"name": "other", "display_name": "x", "language": "python"},
                                        widgets={"state": {}}, toc={"x": 1})
    timing = {"shell.execute_reply": "2024-01-01T00:00:00Z"}
    code = nbformat.v4.new_code_cell("1", metadata={"tags": ["t"], "mystnb": {"a": 1}, "jupyter": {"x": 1},
                                                    "editable": False, "execution": timing, "collapsed": True})
    output = nbformat.v4.new_output("execute_result", {"text/plain": "1"}, execution_count=1)
    output.metadata = nbformat.NotebookNode(execution={"t": 1}, keep={"x": 1})
    code.outputs = [output]
    nb.cells = [nbformat.v4.new_markdown_cell("# T", metadata={"deletable": False, "slideshow": {}}), code]
    return nb


def test_normalise_keeps_the_chapter_metadata_and_stable_ids():
    nb = _messy_notebook()
    normalise(nb)
    assert nb.metadata == {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    assert [c.id for c in nb.cells] == ["cell-000", "cell-001"]
    assert nb.cells[0].metadata == {"deletable": False}
    assert nb.cells[1].metadata == {"tags": ["t"], "mystnb": {"a": 1}, "jupyter": {"x": 1}, "editable": False}
    assert nb.cells[1].outputs[0].metadata == {"keep": {"x": 1}}
    nbformat.validate(nb)


def test_normalise_drops_widget_views_that_have_a_kernel_free_fallback():
    view = {"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0}}
    with_html = nbformat.v4.new_output("display_data", {**view, "text/html": "<div>card</div>", "text/plain": "x"})
    alone = nbformat.v4.new_output("display_data", {**view, "text/plain": "y"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("e", outputs=[with_html, alone])])
    normalise(nb)
    assert set(nb.cells[0].outputs[0].data) == {"text/html", "text/plain"}  # JupyterLab shows the card
    assert set(nb.cells[0].outputs[1].data) == set(view) | {"text/plain"}  # nothing else to show: kept
    nbformat.validate(nb)


def test_normalise_with_extra_metadata_and_fewer_cell_keys_as_release_does():
    nb = _messy_notebook()
    normalise(nb, extra_metadata={"attn_course": {"exercise": "01_x"}}, keep_cell_metadata=("tags", "editable"))
    assert nb.metadata["attn_course"] == {"exercise": "01_x"} and "widgets" not in nb.metadata
    assert nb.cells[1].metadata == {"tags": ["t"], "editable": False}


def test_execute_runs_in_workdir_and_raises_on_an_allowed_error(tmp_path):
    (tmp_path / "data.txt").write_text("42")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(open('data.txt').read())")])
    normalise(nb)
    nb.metadata.pop("language_info")
    assert execute(nb, tmp_path, timeout=60) > 0
    assert nb.cells[0].outputs[0].text == "42\n"
    # nbclient stores the kernel's language_info, as JupyterLab does on opening: normalise writes the same
    assert nb.metadata.language_info == LANGUAGE_INFO
    # nbclient does not stop at a cell tagged raises-exception; execute still refuses the error output.
    bad = nbformat.v4.new_code_cell("raise ValueError('x')", metadata={"tags": ["raises-exception"]})
    nb.cells.append(bad)
    with pytest.raises(NotebookError, match=r"1 cell\(s\) produced errors \(cell index 1\)"):
        execute(nb, tmp_path, timeout=60)


def test_strip_ansi_removes_colour_codes_only():
    assert strip_ansi("\x1b[0;31mValueError\x1b[0m: x [1]") == "ValueError: x [1]"


def test_normalise_only_rewrites_metadata_and_keeps_outputs(tmp_path, capsys):
    nb = _messy_notebook()
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert execute_notebooks(["--normalise-only", str(path)]) == 0
    written = nbformat.read(path, as_version=4)
    assert written.metadata == {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    assert written.cells[1].outputs[0].data == {"text/plain": "1"} and written.cells[1].execution_count is None
    first = path.read_bytes()
    assert execute_notebooks(["--normalise-only", str(path)]) == 0
    assert path.read_bytes() == first, "a normalised notebook is left as it is"
    assert capsys.readouterr().out.split() == ["normalised", str(path), "unchanged", str(path)]

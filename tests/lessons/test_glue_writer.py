"""attn_course.lessons.glue writes exactly what myst_nb.glue writes, so the book's {glue} roles read it."""

import subprocess
import sys

import pytest

from attn_course.lessons.glue import GLUE_PREFIX, glue

_CAPTURE = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
InteractiveShell.instance()
from {module} import glue
with capture_output() as captured:
    glue("ratio", 0.1234, display=False)
    glue("label", "attention was faster", display=True)
print(json.dumps([[o.data, o.metadata] for o in captured.outputs], sort_keys=True))
"""


def _outputs(module: str) -> str:
    return subprocess.run([sys.executable, "-c", _CAPTURE.format(module=module)], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.slow  # imports myst_nb, hence nbformat and jsonschema: seconds
def test_same_display_data_as_myst_nb():
    ours = _outputs("attn_course.lessons.glue")
    assert ours == _outputs("myst_nb")
    assert GLUE_PREFIX + "text/plain" in ours and '"scrapbook"' in ours


def test_does_not_import_nbformat():
    code = ("import sys; from attn_course.lessons.glue import glue; glue('x', 1, display=False); "
            "print('nbformat' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_bad_name():
    with pytest.raises(TypeError, match="name must be a non-empty str, got 3"):
        glue(3, 1.0)

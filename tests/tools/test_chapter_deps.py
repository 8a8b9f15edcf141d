"""tools/chapter_deps.py: a chapter depends on the attn_course modules it imports, transitively."""

from pathlib import Path

import pytest

from tools.chapter_deps import WHOLE, Package, chapter_modules, outputs_fingerprint


@pytest.fixture
def package(tmp_path):
    pkg = tmp_path / "attn_course"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "from .attention import attention\nfrom .masks import causal_mask\nfrom .walk import step_explorer\n"
        "VERSION = '1'\n"
    )
    (pkg / "softmax.py").write_text("def masked_softmax(x):\n    return x\n")
    (pkg / "attention.py").write_text("from .softmax import masked_softmax\n\ndef attention(q):\n    return q\n")
    (pkg / "masks.py").write_text("def causal_mask(n):\n    return n\n")
    (pkg / "explorer.py").write_text("class Explorer:\n    pass\n")
    (pkg / "viz.py").write_text("import numpy\n\ndef plot_attention(w):\n    return w\n")
    (pkg / "walk.py").write_text("from attn_course.explorer import Explorer\nfrom . import viz\n\n"
                                 "def step_explorer():\n    return Explorer()\n")
    return Package(tmp_path)


def test_names_map_to_their_modules_and_what_those_import(package):
    assert chapter_modules(["from attn_course import attention"], package) == {"attention", "softmax"}
    assert chapter_modules(["from attn_course import causal_mask\nimport torch"], package) == {"masks"}
    assert chapter_modules(["from attn_course import step_explorer"], package) == {"walk", "explorer", "viz"}
    assert chapter_modules(["from attn_course.viz import plot_attention"], package) == {"viz"}


def test_module_attribute_use_and_unresolvable_imports(package):
    assert chapter_modules(["import attn_course as ac\nac.causal_mask(3)"], package) == {"masks"}
    assert chapter_modules(["import attn_course.viz\nattn_course.viz.plot_attention(1)"], package) == {"viz"}
    assert chapter_modules(["import attn_course\nimport inspect\ninspect.getsource(attn_course)"], package) == {WHOLE}
    assert chapter_modules(["from attn_course import VERSION"], package) == {WHOLE}
    assert chapter_modules(["from attn_course import *"], package) == {WHOLE}
    assert chapter_modules(["%matplotlib inline\nimport numpy"], package) == set()


def test_fingerprint_changes_only_with_the_modules_used(package, tmp_path):
    uses_masks = chapter_modules(["from attn_course import causal_mask"], package)
    uses_attention = chapter_modules(["from attn_course import attention"], package)
    before = package.fingerprint(uses_masks), package.fingerprint(uses_attention)
    (tmp_path / "attn_course" / "softmax.py").write_text("def masked_softmax(x):\n    return -x\n")
    after = package.fingerprint(uses_masks), package.fingerprint(uses_attention)
    assert after[0] == before[0] and after[1] != before[1]
    assert package.fingerprint({WHOLE}) != package.fingerprint({WHOLE}, extra=b"torch==2.13.0")


def test_subpackages_resolve_to_their_init_and_its_relative_imports(package, tmp_path):
    sub = tmp_path / "attn_course" / "models"
    sub.mkdir()
    (sub / "__init__.py").write_text("from .vit import TinyViT\n")
    (sub / "vit.py").write_text("from ..masks import causal_mask\n\nclass TinyViT:\n    pass\n")
    init = tmp_path / "attn_course" / "__init__.py"
    init.write_text(init.read_text() + "from . import models\nfrom .models import TinyViT\n")
    package = Package(tmp_path)
    assert chapter_modules(["from attn_course import TinyViT"], package) == {"models", "models.vit", "masks"}
    assert chapter_modules(["from attn_course.models import TinyViT"], package) == {"models", "models.vit", "masks"}
    assert chapter_modules(["from attn_course import models"], package) == {"models", "models.vit", "masks"}


def test_every_real_chapter_resolves():
    """Regression: a subpackage (attn_course/models/) once raised KeyError in the build."""
    import json

    root = Path(__file__).resolve().parents[2]
    real = Package(root)
    for path in sorted((root / "book").rglob("*.ipynb")):
        cells = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        assert chapter_modules(cells, real), path.name


def test_a_module_s_data_files_are_part_of_its_fingerprint(package, tmp_path):
    data = tmp_path / "attn_course" / "lessons"
    (data / "data").mkdir(parents=True)
    (data / "__init__.py").write_text("")
    (data / "bench.py").write_text("import json\n")
    (data / "data" / "run.json").write_text("{}")
    package = Package(tmp_path)
    assert package.data_files("lessons.bench") == [data / "data" / "run.json"]
    assert package.data_files("masks") == []  # lessons/ is a package of its own: its data is not masks'
    before = package.fingerprint({"lessons.bench"}), package.fingerprint({"masks"})
    (data / "data" / "run.json").write_text('{"ratio": 1.3}')
    after = package.fingerprint({"lessons.bench"}), package.fingerprint({"masks"})
    assert after[0] != before[0] and after[1] == before[1]


def test_outputs_fingerprint_follows_code_modules_and_pins_not_prose(package, tmp_path):
    import json

    def notebook(*cells: tuple[str, str]) -> Path:
        path = tmp_path / "chapter.ipynb"
        path.write_text(json.dumps({"cells": [{"cell_type": t, "source": [s]} for t, s in cells]}))
        return path

    code = ("code", "from attn_course import causal_mask\ncausal_mask(3)")
    first = outputs_fingerprint(notebook(("markdown", "# A"), code), package, b"torch==2.13.0")
    assert outputs_fingerprint(notebook(("markdown", "# B, reworded"), code), package, b"torch==2.13.0") == first
    assert outputs_fingerprint(notebook(("markdown", "# A"), code), package, b"torch==2.14.0") != first
    edited = ("code", "from attn_course import causal_mask\ncausal_mask(4)")
    assert outputs_fingerprint(notebook(("markdown", "# A"), edited), package, b"torch==2.13.0") != first
    (tmp_path / "attn_course" / "attention.py").write_text("def attention(q):\n    return -q\n")  # not used
    assert outputs_fingerprint(notebook(("markdown", "# A"), code), package, b"torch==2.13.0") == first
    (tmp_path / "attn_course" / "masks.py").write_text("def causal_mask(n):\n    return -n\n")  # used
    assert outputs_fingerprint(notebook(("markdown", "# A"), code), package, b"torch==2.13.0") != first

"""Hidden tests without a notebook run: extraction, magics, shortcuts, and the sandboxed function runner."""

import ast
from pathlib import Path
from textwrap import dedent

import nbformat
import pytest

from attn_course.grading.extract import extract, find_magics, find_shortcuts, find_tampering
from attn_course.grading.hidden import run_hidden
from attn_course.grading.notebook import Submission
from attn_course.grading.spec import all_sets, get_set

REPO = Path(__file__).resolve().parents[2]
INSTRUCTOR, STUDENTS = REPO / "instructor_exercises", REPO / "book" / "student_exercises"


def _cells(exercise_name: str, role: str = "solution") -> list[tuple[int, str]]:
    exercise = get_set(exercise_name)
    path = exercise.solution(INSTRUCTOR) if role == "solution" else exercise.student(STUDENTS)
    return Submission(path=path, notebook=nbformat.read(path, as_version=4), exercise=exercise).own_code_cells()


def _hidden(exercise_name: str, cells: list[tuple[int, str]], seed: int = 1234, timeout: float = 10.0):
    return run_hidden(get_set(exercise_name), extract(cells), seed, timeout, [INSTRUCTOR])


def _passed(result) -> dict[str, bool]:
    return {part: passed for part, (passed, _) in result.parts.items()}


def _with(name: str, function: str, body: str) -> list[tuple[int, str]]:
    """The solution's cells with ``function`` replaced by ``body``."""
    return [(i, s) for i, s in _cells(name) if f"def {function}(" not in s] + [(99, body)]


@pytest.mark.parametrize("name", [s.name for s in all_sets()])
def test_solutions_pass_and_stubs_fail_the_hidden_tests(name):
    solved = _hidden(name, _cells(name))
    assert all(_passed(solved).values()), solved
    assert solved.isolation.startswith(("namespaces (pid, mount, network", "no namespaces (")), solved.isolation
    stub = _hidden(name, _cells(name, "student"))
    assert not any(_passed(stub).values())
    assert all("NotImplementedError" in message for _, message in stub.parts.values()), stub


def test_extract_keeps_definitions_with_their_line_numbers_and_drops_side_effects():
    cells = [
        (0, "import torch\nX = 3\nY = float('-inf')\nZ = torch.randn(3)\nprint('hi')"),
        (1, "def f(x):\n    return x + X\ntorch.allclose = lambda *a, **k: True\n"
            "class NotImplementedError(Exception):\n    pass"),
        (2, "def broken(:\n"),
        (3, "from attn_course.grading.checks import check_close\n\n@staticmethod\ndef g(): pass"),
    ]
    result = extract(cells)
    assert [(i, s.strip()) for i, s in result.statements] == [
        (0, "import torch"), (0, "X = 3"), (0, "Y = float('-inf')"), (1, "def f(x):\n    return x + X"),
        (3, "@staticmethod\ndef g(): pass")]
    assert result.statements[4][1].startswith("\n\n@staticmethod"), "line 3 of its cell, as in the notebook"
    assert result.errors == ["cell 3: SyntaxError on line 1: invalid syntax"]
    assert "cell 2: assigns to torch.allclose" in result.tampering
    assert "cell 2: redefines NotImplementedError" in result.tampering


@pytest.mark.parametrize("source, refused", [
    ("!ls", True), ("%%bash\nls", True), ("%time x = 1", True), ("x = !ls", True), ("f?", True),
    ("get_ipython().system('ls')", True), ("ip = get_ipython\nip().getoutput('ls')", True),
    ("s = '%d' % 3\nprint(s != '!')", False), ("x = 1  # !ls and %time in a comment", False),
    ("text = '''\n!not a shell escape\n'''", False),
])
def test_magics_and_shell_escapes_are_refused_but_not_look_alikes(source, refused):
    assert (find_magics(source) is not None) == refused
    result = extract([(0, "def f():\n    return 1"), (1, source)])
    assert (1 in result.refused) == refused
    assert result.statements[0] == (0, "def f():\n    return 1")


@pytest.mark.parametrize("source, found", [
    ("import torch.testing\ntorch.testing.assert_close = print", "assigns to torch.testing.assert_close"),
    ("import attn_course.grading.checks as checks\nchecks.check_close = print", "assigns to checks.check_close"),
    ("def check_close(*a):\n    print('✓')", "redefines check_close"),
    ("NotImplementedError = AssertionError", "rebinds the name NotImplementedError"),
    ("import builtins", "imports builtins"),
    ("import torch\nsetattr(torch, 'allclose', print)", "calls setattr()"),
])
def test_find_tampering(source, found):
    assert any(found in t for t in find_tampering(ast.parse(source), "cell 1"))


def test_find_shortcuts_follows_helpers_aliases_and_strings():
    source = (
        "import torch.nn.functional as F\n"
        "from torch.nn.functional import scaled_dot_product_attention as sdpa\n"
        "def helper(q, k, v):\n    return F.scaled_dot_product_attention(q, k, v)\n"
        "def attention(q, k, v, mask=None):\n    return helper(q, k, v)\n"
        "def other(q, k, v):\n    return sdpa(q, k, v)\n"
        "def sneaky(q, k, v):\n    return getattr(F, 'scaled_dot_product_attention')(q, k, v)\n"
        "def clean(q):\n    return q.softmax(-1)\n"
    )
    extracted = extract([(0, source)])
    forbidden = ("attn_course", "scaled_dot_product_attention")
    assert find_shortcuts(extracted, "attention", forbidden, extracted.imports) == [
        "helper uses F.scaled_dot_product_attention"]
    assert find_shortcuts(extracted, "other", forbidden, extracted.imports) == [
        "other uses sdpa (imported scaled_dot_product_attention)"]
    assert find_shortcuts(extracted, "sneaky", forbidden, extracted.imports)
    assert find_shortcuts(extracted, "clean", forbidden, extracted.imports) == []


# Written so that the static check does not see them (it would name `.softmax` first): the runner refuses them.
SOFTMAX_SHORTCUTS = [
    "torch.ops.aten._softmax(scores, -1, False)",
    "torch._softmax(scores, -1, False)",
    "getattr(torch, 'soft' + 'max')(scores, -1)",
    "(lambda f: getattr(f, '__wrapped__', f))(getattr(torch, 'soft' + 'max'))(scores, dim=-1)",
    "torch.ops.aten._softmax.out(scores, -1, False, out=torch.empty_like(scores))",
    "getattr(torch.nested.nested_tensor([r for r in scores]), 'soft' + 'max')(-1).to_padded_tensor(0.0)",
    "torch._softmax(scores.to_mkldnn(), -1, False).to_dense()",
    "getattr(torch.sparse, 'soft' + 'max')(scores.to_sparse(), -1).to_dense()",
    "torch.nn.functional.softmin(-scores, -1)",
    "torch.vmap(lambda row: getattr(row, 'soft' + 'max')(-1))(scores)",
    "getattr(torch._refs, 'soft' + 'max')(scores, -1)",  # torch's Python reference: allowed operators only
    "torch._decomp.decomposition_table[getattr(torch.ops.aten, '_soft' + 'max').default](scores, -1, False)",
    "torch.ops.aten._scaled_dot_product_attention_math(scores[None, :, None], scores[None, :, None] * 0 + 1, "
    "torch.eye(scores.shape[-1])[None].expand(scores.shape[0], -1, -1), scale=1.0)[1].squeeze(-2)",
]


@pytest.mark.parametrize("expression", SOFTMAX_SHORTCUTS)
def test_a_forbidden_operator_is_refused_whatever_name_reached_it(expression):
    body = f"import torch\ndef stable_softmax(scores):\n    try:\n        return {expression}\n" \
           "    except RuntimeError:\n        return scores.exp() / scores.exp().sum(-1, keepdim=True)\n"
    result = _hidden("01_scores_softmax", _with("01_scores_softmax", "stable_softmax", body))
    passed, message = result.parts["b"]
    assert not passed
    assert message.startswith("forbidden shortcut: stable_softmax reached ") and "refused at run time" in message
    assert result.parts["a"][0], "the other parts are not affected"


def test_the_runner_cannot_reach_the_grader_the_course_or_the_references(namespaces):
    probe = dedent("""\
        import torch
        def scaled_scores(query, key):
            os, sys = torch.os, torch.sys
            seen = [name for name in sys.modules if name.startswith(("attn_course", "sets", "spec"))]
            seen += [p for p in (INSTRUCTOR, PACKAGE) if os.path.exists(p) and os.listdir(p)]
            seen += [p for p in (OTHER,) if open_(p)]  # another submission of the batch reads as empty
            seen += [line for line in open_('/proc/1/cmdline').split() if 'attn_course.grading.cli' in line]
            seen += [pid for pid in os.listdir('/proc') if pid.isdigit() and int(pid) > 2 and pid != str(os.getpid())]
            if seen:
                raise ValueError(repr(seen))
            return query @ key.transpose(-2, -1) / query.shape[-1] ** 0.5
        def open_(path):
            return torch.sys.modules['builtins'].open(path).read()
    """).replace("INSTRUCTOR", repr(str(INSTRUCTOR))).replace("PACKAGE", repr(str(REPO / "attn_course")))
    other = STUDENTS / "02_attention_masks.ipynb"  # a file outside /tmp, in a folder the sandbox may see
    cells = _with("01_scores_softmax", "scaled_scores", probe.replace("OTHER", repr(str(other))))
    result = run_hidden(get_set("01_scores_softmax"), extract(cells), 1234, 10.0, [INSTRUCTOR, other])
    assert result.parts["a"] == (True, "passed on random inputs and property checks"), result.parts["a"]


def test_a_tensor_subclass_or_a_numpy_array_is_not_a_tensor():
    body = dedent("""\
        import numpy as np
        import torch
        class Liar(torch.Tensor):
            def __eq__(self, other):
                return True
        def build_causal_mask(n):
            return torch.zeros(n, n, dtype=torch.bool).as_subclass(Liar)
        def build_padding_mask(lengths, max_len):
            return np.zeros((len(lengths), 1, max_len), dtype=bool)
    """)
    cells = [(i, s) for i, s in _cells("03_causal_padding") if "def build_causal_mask(" not in s
             and "def build_padding_mask(" not in s] + [(99, body)]
    result = _hidden("03_causal_padding", cells)
    assert result.parts["a"] == (False, "build_causal_mask(1): expected a torch.Tensor, got Liar")
    assert not result.parts["b"][0] and "expected a torch.Tensor, got ndarray" in result.parts["b"][1]


def test_a_numpy_solution_passes():
    body = dedent("""\
        import numpy as np
        import torch
        def stable_softmax(scores):
            x = scores.numpy()
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            return torch.from_numpy(e / e.sum(axis=-1, keepdims=True))
    """)
    result = _hidden("01_scores_softmax", _with("01_scores_softmax", "stable_softmax", body))
    assert all(_passed(result).values()), result


def test_an_infinite_loop_times_out_and_costs_only_its_part():
    body = "def stable_softmax(scores):\n    while True:\n        pass\n"
    result = _hidden("01_scores_softmax", _with("01_scores_softmax", "stable_softmax", body), timeout=1.0)
    assert _passed(result) == {"a": True, "b": False, "c": False}  # (c) calls (b)
    assert result.parts["b"][1] == "timed out after 1 s (an infinite loop?)"


def test_the_seed_changes_the_inputs_but_not_the_verdict():
    cells = _cells("05_additive")
    assert all(_passed(_hidden("05_additive", cells, seed=1)).values())
    assert all(_passed(_hidden("05_additive", cells, seed=987654)).values())


@pytest.mark.parametrize(("mistake", "body"), [
    ("ignores the temperature", "def sample_next(logits, temperature, k=None, seed=0):\n"
     "    if temperature == 0:\n        return logits.argmax(-1)\n"
     "    probs = torch.softmax(top_k_logits(logits, k) if k else logits, -1)\n"
     "    return torch.multinomial(probs, 1, generator=torch.Generator().manual_seed(seed))[:, 0]\n"),
    ("ignores the seed", "def sample_next(logits, temperature, k=None, seed=0):\n"
     "    if temperature == 0:\n        return logits.argmax(-1)\n"
     "    probs = temperature_softmax(top_k_logits(logits, k) if k else logits, temperature)\n"
     "    return torch.multinomial(probs, 1)[:, 0]\n"),
    ("ignores k", "def sample_next(logits, temperature, k=None, seed=0):\n"
     "    if temperature == 0:\n        return logits.argmax(-1)\n"
     "    probs = temperature_softmax(logits, temperature)\n"
     "    return torch.multinomial(probs, 1, generator=torch.Generator().manual_seed(seed))[:, 0]\n"),
])
def test_a_sampler_with_a_mistake_fails_only_its_part(mistake, body):
    result = _hidden("11_sampling", _with("11_sampling", "sample_next", body))
    assert _passed(result) == {"a": True, "b": True, "c": False}, (mistake, result)


OTHER_SHORTCUTS = [  # (set, part, function, body): each reaches a forbidden module or operator by a computed name
    ("08_multihead", "b", "mha_forward", """
def mha_forward(query, key, value, w_in, b_in, w_out, b_out, num_heads, mask=None):
    module = getattr(torch.nn, 'Multihead' + 'Attention')(query.shape[-1], num_heads, batch_first=True)
    with torch.no_grad():
        module.in_proj_weight.copy_(w_in)
        module.in_proj_bias.copy_(b_in)
        module.out_proj.weight.copy_(w_out)
        module.out_proj.bias.copy_(b_out)
        blocked = None if mask is None else ~mask.expand(-1, query.shape[1], -1).repeat_interleave(num_heads, 0)
        return module(query, key, value, attn_mask=blocked, average_attn_weights=False)
"""),
    ("09_encoder_block", "a", "layer_norm", """
def layer_norm(x, weight, bias, eps=1e-5):
    rows = getattr(torch.nn.functional, 'group' + '_norm')(x.reshape(-1, 1, x.shape[-1]), 1, eps=eps)
    return rows.reshape(x.shape) * weight + bias
"""),
    ("09_encoder_block", "b", "encoder_block", """
def encoder_block(x, params, num_heads, norm_first, mask=None):
    d = x.shape[-1]
    layer = getattr(torch.nn, 'TransformerEncoder' + 'Layer')(d, num_heads, params['linear1.weight'].shape[0],
                                                              dropout=0.0, batch_first=True, norm_first=norm_first)
    layer.load_state_dict(params)
    with torch.no_grad():
        return layer.eval()(x, src_key_padding_mask=None if mask is None else ~mask[:, 0])
"""),
]


@pytest.mark.parametrize("name, part, function, body", OTHER_SHORTCUTS, ids=[f"{s[0]}-{s[1]}" for s in OTHER_SHORTCUTS])
def test_forbidden_modules_and_norms_are_refused_too(name, part, function, body):
    result = _hidden(name, _with(name, function, "import torch\n" + dedent(body)))
    passed, message = result.parts[part]
    assert not passed and message.startswith(f"forbidden shortcut: {function} reached "), message

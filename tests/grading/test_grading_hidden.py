"""Hidden tests and static checks, without a kernel: extraction, shortcuts, tampering, run-time guards."""

from pathlib import Path
from textwrap import dedent

import nbformat
import pytest

from attn_course.grading.extract import extract, find_shortcuts, find_tampering
from attn_course.grading.hidden_runner import run_child
from attn_course.grading.notebook import Submission
from attn_course.grading.spec import get_set
from attn_course.grading.workers import run_isolated

REPO = Path(__file__).resolve().parents[2]
INSTRUCTOR, STUDENTS = REPO / "instructor_exercises", REPO / "book" / "student_exercises"


def _cells(exercise_name: str, role: str = "solution") -> list[tuple[int, str]]:
    exercise = get_set(exercise_name)
    path = exercise.solution(INSTRUCTOR) if role == "solution" else exercise.student(STUDENTS)
    return Submission(path=path, notebook=nbformat.read(path, as_version=4), exercise=exercise).own_code_cells()


def _hidden(exercise_name: str, cells: list[tuple[int, str]], seed: int = 1234, timeout: float = 5.0) -> dict:
    request = {"set": exercise_name, "seed": seed, "cells": cells, "part_timeout": timeout}
    result, _, _ = run_isolated(run_child, (request,), 60)
    assert isinstance(result, dict), result
    return result


def _passed(result: dict) -> dict[str, bool]:
    return {part: outcome["passed"] for part, outcome in result["parts"].items()}


@pytest.mark.parametrize("name", ["01_scores_softmax", "02_attention_masks", "03_causal_padding", "04_heads",
                                  "05_additive", "06_positional", "07_online_softmax",
                                  "08_sampling"])
def test_solutions_pass_and_stubs_fail_the_hidden_tests(name):
    solved = _hidden(name, _cells(name))
    assert all(_passed(solved).values()), solved
    stub = _hidden(name, _cells(name, "student"))
    assert not any(_passed(stub).values())
    assert all("NotImplementedError" in o["message"] for o in stub["parts"].values())


def test_extract_keeps_definitions_and_drops_side_effects():
    cells = [
        (0, "import torch\n%matplotlib inline\nX = 3\nY = float('-inf')\nZ = torch.randn(3)\nprint('hi')"),
        (1, "def f(x):\n    return x + X\ntorch.allclose = lambda *a, **k: True\n"
            "class NotImplementedError(Exception):\n    pass"),
        (2, "def broken(:\n"),
    ]
    result = extract(cells)
    assert result.statements == ["import torch", "X = 3", "Y = float('-inf')", "def f(x):\n    return x + X"]
    assert result.errors == ["cell 3: SyntaxError on line 1: invalid syntax"]
    assert "cell 2: assigns to torch.allclose" in result.tampering
    assert "cell 2: redefines NotImplementedError" in result.tampering


@pytest.mark.parametrize("source, found", [
    ("import torch.testing\ntorch.testing.assert_close = print", "assigns to torch.testing.assert_close"),
    ("import attn_course.grading.checks as checks\nchecks.check_close = print", "assigns to checks.check_close"),
    ("def check_close(*a):\n    print('✓')", "redefines check_close"),
    ("NotImplementedError = AssertionError", "rebinds the name NotImplementedError"),
    ("import builtins", "imports builtins"),
    ("import torch\nsetattr(torch, 'allclose', print)", "calls setattr()"),
])
def test_find_tampering(source, found):
    import ast

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
    imports = "\n".join(s for s in extracted.statements if s.startswith(("import", "from")))
    forbidden = ("attn_course", "scaled_dot_product_attention")
    assert find_shortcuts(extracted, "attention", forbidden, imports) == [
        "helper uses F.scaled_dot_product_attention"]
    assert find_shortcuts(extracted, "other", forbidden, imports) == [
        "other uses sdpa (imported scaled_dot_product_attention)"]
    assert find_shortcuts(extracted, "sneaky", forbidden, imports)
    assert find_shortcuts(extracted, "clean", forbidden, imports) == []


def _with(name: str, function: str, body: str) -> list[tuple[int, str]]:
    """The solution's cells with ``function`` replaced by ``body``."""
    cells = [(i, s) for i, s in _cells(name) if f"def {function}(" not in s]
    return [*cells, (99, body)]


def test_runtime_tripwire_catches_a_shortcut_the_ast_cannot_see():
    body = dedent("""\
        import math
        import torch
        def attention(query, key, value, mask=None):
            scores = query @ key.transpose(-2, -1) / math.sqrt(query.shape[-1])
            if mask is not None:
                scores = scores.masked_fill(~mask, float('-inf'))
            weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
            fn = getattr(torch.nn.functional, 'scaled_dot_' + 'product_attention')
            return fn(query, key, value, attn_mask=mask).nan_to_num(0.0), weights
    """)
    result = _hidden("02_attention_masks", _with("02_attention_masks", "attention", body))
    assert _passed(result) == {"a": True, "b": False}
    assert "scaled_dot_product_attention" in result["parts"]["b"]["message"]


def test_course_function_reached_dynamically_is_a_shortcut():
    body = dedent("""\
        import importlib
        import torch
        def attention(query, key, value, mask=None):
            course = __import__('attn' + '_course')
            return course.attention(query, key, value, mask)
    """)
    result = _hidden("02_attention_masks", _with("02_attention_masks", "attention", body))
    assert not _passed(result)["b"]
    assert "forbidden shortcut" in result["parts"]["b"]["message"]
    assert any("importlib" in e for e in result["errors"])


def test_patching_torch_inside_the_function_is_caught():
    body = dedent("""\
        import torch
        def scaled_scores(query, key):
            torch.isclose = lambda a, b, **k: torch.ones_like(a, dtype=torch.bool)
            return torch.zeros(query.shape[:-1] + (key.shape[-2],))
    """)
    result = _hidden("01_scores_softmax", _with("01_scores_softmax", "scaled_scores", body))
    assert not any(_passed(result).values()), "after tampering, no later part can be trusted either"
    assert "replaced torch.isclose" in result["parts"]["a"]["message"]


def test_a_tensor_subclass_cannot_pass_for_a_tensor():
    body = dedent("""\
        import torch
        class Liar(torch.Tensor):
            def __eq__(self, other):
                return True
        def build_causal_mask(n):
            return torch.zeros(n, n, dtype=torch.bool).as_subclass(Liar)
    """)
    result = _hidden("03_causal_padding", _with("03_causal_padding", "build_causal_mask", body))
    assert not _passed(result)["a"]
    assert "expected a torch.Tensor, got Liar" in result["parts"]["a"]["message"]


def test_an_infinite_loop_times_out_and_costs_only_its_part():
    body = "def stable_softmax(scores):\n    while True:\n        pass\n"
    result = _hidden("01_scores_softmax", _with("01_scores_softmax", "stable_softmax", body), timeout=1.0)
    assert _passed(result) == {"a": True, "b": False, "c": False}  # (c) calls (b)
    assert "timed out after 1 s" in result["parts"]["b"]["message"]


def test_the_seed_changes_the_inputs_but_not_the_verdict():
    cells = _cells("05_additive")
    assert all(_passed(_hidden("05_additive", cells, seed=1)).values())
    assert all(_passed(_hidden("05_additive", cells, seed=987654)).values())


@pytest.mark.parametrize(("mistake", "body"), [
    ("ignores the temperature", "def sample_next(logits, temperature, k=None, generator=None):\n"
     "    if temperature == 0:\n        return logits.argmax(-1)\n"
     "    probs = torch.softmax(top_k_logits(logits, k) if k else logits, -1)\n"
     "    return torch.multinomial(probs, 1, generator=generator)[:, 0]\n"),
    ("ignores the generator", "def sample_next(logits, temperature, k=None, generator=None):\n"
     "    if temperature == 0:\n        return logits.argmax(-1)\n"
     "    probs = temperature_softmax(top_k_logits(logits, k) if k else logits, temperature)\n"
     "    return torch.multinomial(probs, 1)[:, 0]\n"),
    ("ignores k", "def sample_next(logits, temperature, k=None, generator=None):\n"
     "    if temperature == 0:\n        return logits.argmax(-1)\n"
     "    return torch.multinomial(temperature_softmax(logits, temperature), 1, generator=generator)[:, 0]\n"),
])
def test_a_sampler_with_a_mistake_fails_only_its_part(mistake, body):
    result = _hidden("08_sampling", _with("08_sampling", "sample_next", body))
    assert _passed(result) == {"a": True, "b": True, "c": False}, (mistake, result)

"""The four scorers' costs: the formulas equal what the package's scorers are counted doing."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from attn_course.lessons.op_count import Work
from attn_course.lessons.scoring_cost import SCORERS, comparison_table, cost_formula, make_scorer, measure_cost


def test_worked_example_costs_by_hand():
    size = dict(num_queries=3, num_keys=3, d_query=2, d_key=2, d_hidden=4)
    assert cost_formula("dot", **size) == Work(3 * 3 * 2, {}, 9, 0)
    assert cost_formula("scaled dot", **size) == Work(18, {"div": 3 * 2}, 9, 0)
    assert cost_formula("general", **size) == Work(3 * 2 * 2 + 3 * 3 * 2, {}, 9, 2 * 2)
    assert cost_formula("additive", **size) == Work(4 * (6 + 6 + 9), {"add": 36, "tanh": 36}, 36, 4 * 5)
    for name in SCORERS:
        assert measure_cost(name, **size) == cost_formula(name, **size)


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(SCORERS), l_q=st.integers(1, 7), l_k=st.integers(1, 7), d_q=st.integers(1, 9),
       d_k=st.integers(1, 9), h=st.integers(1, 6))
def test_formula_equals_count(name, l_q, l_k, d_q, d_k, h):
    if name in ("dot", "scaled dot"):
        d_k = d_q
    size = dict(num_queries=l_q, num_keys=l_k, d_query=d_q, d_key=d_k, d_hidden=h)
    assert measure_cost(name, **size) == cost_formula(name, **size)


def test_make_scorer_is_seeded_and_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    a, b = make_scorer("additive", 3, 5, 4, seed=1), make_scorer("additive", 3, 5, 4, seed=1)
    assert torch.equal(torch.random.get_rng_state(), state)
    q, k = torch.randn(2, 3), torch.randn(4, 5)
    torch.testing.assert_close(a.score(q, k), b.score(q, k))
    assert not torch.allclose(make_scorer("additive", 3, 5, 4, seed=2).score(q, k), a.score(q, k))
    assert a.parameters == 4 * (3 + 5 + 1)
    assert make_scorer("general", 3, 5, 4).parameters == 15
    assert make_scorer("dot", 3, 3, 4).parameters == 0


def test_bad_inputs():
    with pytest.raises(ValueError, match="dot scores need d_query == d_key, got d_query=2, d_key=3"):
        cost_formula("dot", num_queries=1, num_keys=1, d_query=2, d_key=3, d_hidden=1)
    with pytest.raises(ValueError, match="name must be one of"):
        make_scorer("cosine", 2, 2, 2)
    with pytest.raises(ValueError, match="num_keys must be positive, got 0"):
        measure_cost("general", num_queries=1, num_keys=0, d_query=2, d_key=3, d_hidden=1)
    with pytest.raises(TypeError, match="d_hidden must be an int, got float"):
        cost_formula("additive", num_queries=1, num_keys=1, d_query=2, d_key=3, d_hidden=1.5)


def test_comparison_table():
    size = dict(num_queries=3, num_keys=3, d_query=2, d_key=2, d_hidden=4)
    counted = {"small": {n: cost_formula(n, **size) for n in SCORERS},
               "big": {n: cost_formula(n, **{**size, "num_keys": 1000}) for n in SCORERS}}
    table = comparison_table(counted, {"ok": dict.fromkeys(SCORERS, True)})
    assert table.header == ("", *SCORERS)
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["multiply-adds, counted"] == ("18 / 6,000", "18 / 6,000", "30 / 10,000", "84 / 20,024")
    assert rows["other operations, counted"] == ("0 / 0", "6 / 6", "0 / 0", "72 / 24,000")
    assert table.caption == "Rows marked “counted”: small / big."
    assert rows["ok"] == ("yes",) * 4
    with pytest.raises(ValueError, match="row 'ok' must have one entry per scorer"):
        comparison_table(counted, {"ok": {"dot": True}})

"""kernel_regression: lookups, Nadaraya–Watson as attention, and the 2-D query explorer."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from attn_course import attention
from attn_course.lessons.kernel_regression import (
    gaussian_kernel_as_dot_product,
    gaussian_kernel_scores,
    hard_lookup,
    make_regression_toy,
    nadaraya_watson,
    query_explorer,
    soft_lookup,
    toy_function,
)

KEYS = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [-1.5, 1.0]], dtype=torch.float64)
VALUES = torch.tensor([[10.0, 1.0], [20.0, 2.0], [30.0, 3.0], [40.0, 4.0]], dtype=torch.float64)


def test_hard_lookup_returns_the_matching_value():
    output, weights = hard_lookup(KEYS[[2, 0, 2]], KEYS, VALUES)
    torch.testing.assert_close(output, VALUES[[2, 0, 2]])
    assert weights.tolist() == [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 1, 0]]


def test_hard_lookup_takes_the_first_of_duplicate_keys():
    keys = torch.tensor([[1.0], [1.0]])
    output, _ = hard_lookup(torch.tensor([[1.0]]), keys, torch.tensor([[5.0], [6.0]]))
    assert output.item() == 5.0


def test_hard_lookup_refuses_a_missing_key():
    with pytest.raises(KeyError, match=r"query row 1 = \[0.5, 0.5\] matches no key"):
        hard_lookup(torch.tensor([[0.0, 0.0], [0.5, 0.5]], dtype=torch.float64), KEYS, VALUES)


def test_soft_lookup_becomes_hard_lookup_as_temperature_goes_to_zero():
    queries = KEYS[[3, 1, 0, 2]]
    hard_out, hard_w = hard_lookup(queries, KEYS, VALUES)
    errors = []
    for temperature in (1.0, 0.1, 0.01):
        soft_out, soft_w = soft_lookup(queries, KEYS, VALUES, temperature=temperature)
        errors.append(float((soft_out - hard_out).abs().max()))
    assert errors[0] > errors[1] > errors[2]
    soft_out, soft_w = soft_lookup(queries, KEYS, VALUES, temperature=1e-3)
    torch.testing.assert_close(soft_w, hard_w)
    torch.testing.assert_close(soft_out, hard_out)


def test_soft_lookup_picks_the_nearest_key_when_the_query_is_not_a_key():
    output, weights = soft_lookup(torch.tensor([[0.9, 0.2]], dtype=torch.float64), KEYS, VALUES, temperature=1e-3)
    torch.testing.assert_close(output, VALUES[[1]])


def test_soft_lookup_becomes_the_mean_as_temperature_grows():
    output, weights = soft_lookup(KEYS[:1], KEYS, VALUES, temperature=1e9)
    torch.testing.assert_close(output, VALUES.mean(dim=0, keepdim=True))


def test_nadaraya_watson_matches_the_textbook_formula():
    toy = make_regression_toy(n_train=15, seed=4)
    h = 0.4
    prediction, weights = nadaraya_watson(toy.x_test[:7].double(), toy.x_train.double(), toy.y_train.double(),
                                          bandwidth=h)
    for i, x in enumerate(toy.x_test[:7].double().tolist()):
        kernel = [math.exp(-((x - xi) ** 2) / (2 * h * h)) for xi in toy.x_train.double().tolist()]
        expected = sum(k * y for k, y in zip(kernel, toy.y_train.double().tolist(), strict=True)) / sum(kernel)
        assert prediction[i].item() == pytest.approx(expected, rel=1e-10)
        assert weights[i].tolist() == pytest.approx([k / sum(kernel) for k in kernel], rel=1e-10)


def test_nadaraya_watson_is_scaled_dot_product_attention():
    toy = make_regression_toy(n_train=30, seed=1)
    for bandwidth in (0.2, 0.5, 2.0):
        prediction, weights = nadaraya_watson(toy.x_test.double(), toy.x_train.double(), toy.y_train.double(),
                                              bandwidth=bandwidth)
        q_aug, k_aug = gaussian_kernel_as_dot_product(toy.x_test.double(), toy.x_train.double(), bandwidth)
        output, attn_weights = attention(q_aug, k_aug, toy.y_train.double()[:, None])
        torch.testing.assert_close(output[:, 0], prediction)
        torch.testing.assert_close(attn_weights, weights)


def test_nadaraya_watson_in_two_dimensions_is_soft_lookup():
    out_nw, w_nw = nadaraya_watson(KEYS + 0.3, KEYS, VALUES, bandwidth=0.5)
    out_soft, w_soft = soft_lookup(KEYS + 0.3, KEYS, VALUES, temperature=2 * 0.5**2)
    torch.testing.assert_close(out_nw, out_soft)
    torch.testing.assert_close(w_nw, w_soft)


def test_gaussian_scores_are_the_log_kernel():
    scores = gaussian_kernel_scores(KEYS, KEYS + 1.0, bandwidth=2.0)
    torch.testing.assert_close(scores.diagonal(), torch.full((4,), -2.0 / 8.0, dtype=torch.float64))


def test_small_bandwidth_interpolates_and_large_bandwidth_averages():
    toy = make_regression_toy(n_train=20, seed=0)
    sharp, _ = nadaraya_watson(toy.x_train.double(), toy.x_train.double(), toy.y_train.double(), bandwidth=1e-3)
    torch.testing.assert_close(sharp, toy.y_train.double())
    flat, _ = nadaraya_watson(toy.x_test, toy.x_train, toy.y_train, bandwidth=1e4)
    torch.testing.assert_close(flat, toy.y_train.mean().expand_as(flat))


def test_a_good_bandwidth_beats_both_extremes():
    toy = make_regression_toy(seed=0)
    errors = {}
    for h in (0.02, 0.25, 5.0):
        prediction, _ = nadaraya_watson(toy.x_test, toy.x_train, toy.y_train, bandwidth=h)
        errors[h] = float((prediction - toy.y_test).pow(2).mean())
    assert errors[0.25] < errors[0.02] and errors[0.25] < errors[5.0]


def test_nadaraya_watson_gradcheck():
    q = torch.randn(3, dtype=torch.float64, requires_grad=True)
    k = torch.randn(5, dtype=torch.float64)
    v = torch.randn(5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda q, v: nadaraya_watson(q, k, v, bandwidth=0.7)[0], (q, v))


@given(
    st.lists(st.floats(-5, 5), min_size=1, max_size=6),
    st.lists(st.tuples(st.floats(-5, 5), st.floats(-10, 10)), min_size=1, max_size=8),
    st.floats(0.05, 10.0),
)
def test_weights_are_distributions_and_outputs_are_convex_combinations(queries, pairs, bandwidth):
    q = torch.tensor(queries, dtype=torch.float64)
    k = torch.tensor([p[0] for p in pairs], dtype=torch.float64)
    v = torch.tensor([p[1] for p in pairs], dtype=torch.float64)
    prediction, weights = nadaraya_watson(q, k, v, bandwidth=bandwidth)
    assert weights.shape == (len(queries), len(pairs))
    assert (weights >= 0).all()
    torch.testing.assert_close(weights.sum(-1), torch.ones(len(queries), dtype=torch.float64))
    assert (prediction >= v.min() - 1e-9).all() and (prediction <= v.max() + 1e-9).all()


def test_regression_toy_is_seeded_sorted_and_noisy():
    a, b, c = make_regression_toy(seed=0), make_regression_toy(seed=0), make_regression_toy(seed=1)
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_train, b.y_train)
    assert not torch.equal(a.x_train, c.x_train)
    assert (a.x_train[1:] >= a.x_train[:-1]).all()
    torch.testing.assert_close(a.y_test, toy_function(a.x_test))
    residual = a.y_train - toy_function(a.x_train)
    assert 0.15 < float(residual.std()) < 0.45  # noise=0.3
    clean = make_regression_toy(noise=0.0)
    torch.testing.assert_close(clean.y_train, toy_function(clean.x_train))


def test_query_explorer_redraws_when_the_query_moves(move_slider):
    explorer = query_explorer()
    assert len(explorer.frames()) == 25
    box = explorer.widget()
    for name, value in (("x", 2.0), ("y", -1.0), ("temperature", 2.0)):
        before, after = move_slider(box, name, value)
        assert after != before, name


def test_query_explorer_shows_the_weighted_average():
    explorer = query_explorer()
    fig = explorer.figure(x=1.0, y=1.0)
    bars = fig.axes[1]
    heights = torch.tensor([p.get_height() for p in bars.patches])
    _, weights = soft_lookup(torch.tensor([[1.0, 1.0]]), explorer.draw.keywords["keys"],
                             explorer.draw.keywords["values"][:, None], temperature=0.5)
    torch.testing.assert_close(heights.float(), weights[0])
    assert bars.get_title().startswith("output = Σ w·v = ")
    assert [t.get_text() for t in bars.get_xticklabels()][0] == "k0\nv=1"


def test_query_explorer_alt_text_names_the_heaviest_key_and_the_output():
    # two frames, not the book's 5 x 5: static_html draws every frame, and neither check depends on the grid
    explorer = query_explorer(x_values=(0.0, 1.0), y_values=(1.0,))
    keys, values = explorer.draw.keywords["keys"], explorer.draw.keywords["values"]
    output, weights = soft_lookup(torch.tensor([[1.0, 1.0]]), keys, values[:, None], temperature=0.5)
    top = int(weights[0].argmax())
    assert explorer.alt_text({"x": 1.0, "y": 1.0}).endswith(
        f"is on k{top}; the output is {float(output):.2f}.")
    assert "Held at temperature T = 0.5 here" in explorer.static_html()  # live-only control, named in the book


def test_query_explorer_precomputes_one_frame_per_grid_point():
    explorer = query_explorer(x_values=(-1.0, 0.0, 1.0), y_values=(0.0, 1.0))
    assert len(explorer.frames()) == 6
    assert {(f["x"], f["y"]) for f in explorer.frames()} == {(x, y) for x in (-1.0, 0.0, 1.0) for y in (0.0, 1.0)}


@pytest.mark.parametrize(
    ("call", "error", "msg"),
    [
        (lambda: hard_lookup(KEYS[:, :1], KEYS, VALUES), ValueError,
         r"must share d: got query \(4, 1\), keys \(4, 2\)"),
        (lambda: soft_lookup(KEYS, KEYS, VALUES[:3]), ValueError, "must have the same L_k"),
        (lambda: soft_lookup(KEYS, KEYS, VALUES, temperature=0.0), ValueError, "temperature must be a positive"),
        (lambda: soft_lookup(KEYS[0], KEYS, VALUES), ValueError,
         r"query must have at least 2 dimensions, got shape \(2\)"),
        (lambda: nadaraya_watson(KEYS, KEYS, VALUES, bandwidth=-1), ValueError, "bandwidth must be a positive"),
        (lambda: nadaraya_watson(torch.zeros(2, 2, 2), KEYS, VALUES), ValueError, "query must be 1-D"),
        (lambda: nadaraya_watson([1.0], KEYS, VALUES), TypeError, "query must be a torch.Tensor"),
        (lambda: make_regression_toy(noise=-1.0), ValueError, "noise must be a non-negative"),
        (lambda: query_explorer(keys=torch.zeros(3, 3)), ValueError, r"keys must be \(L_k, 2\)"),
    ],
)
def test_bad_inputs(call, error, msg):
    with pytest.raises(error, match=msg):
        call()

"""Dot, scaled dot, general and additive scores, compared on one worked example.

The scorers are the package's own (:mod:`attn_course.scoring`,
:func:`attn_course.attention.scaled_dot_product_scores`):

========== ============================ =====================================================
name       score(q, k)                  origin
========== ============================ =====================================================
dot        qᵀk                          Luong et al. (2015), "dot"
scaled dot qᵀk / √d_k                   Vaswani et al. (2017), §3.2.1
general    qᵀW k                        Luong et al. (2015), "general"
additive   vᵀ tanh(W_q q + W_k k)       Bahdanau et al. (2015); Luong's "concat" is the same function
========== ============================ =====================================================

* :data:`WORKED_VECTORS`: three 2-D vectors that score each other (Q = K), small enough to check by hand;
* :func:`general_scorer`, :func:`nearest_key_additive`: the example's hand-set weights, and
  :func:`worked_scores`, the four (3, 3) score matrices;
* :func:`ranks_first`, :func:`prefers_itself`, :func:`bilinear_search`, :func:`accepts_different_widths`:
  what each form can and cannot express;
* :func:`score_surface`: one query's scores over a grid of 2-D keys (the chapter's figure).

What each costs is in :mod:`.scoring_cost`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .._validation import check_positive_int, check_tensor, shape_str
from ..attention import scaled_dot_product_scores
from ..scoring import AdditiveAttention, GeneralAttention, dot_product_scores
from .scoring_cost import ScoreFn, Scorer, check_scorer_name, make_scorer, new_module

WORKED_TOKENS = ("x1", "x2", "x3")
#: x2 = 3·x1 is aligned with x1 but longer; x3 is as close to x1 as x1 is to the origin.
WORKED_VECTORS = ((1.0, 1.0), (3.0, 3.0), (2.0, 0.0))
#: W of the general score qᵀW k in the worked example: not symmetric, so neither is the score.
GENERAL_WEIGHT = ((1.0, 1.0), (0.0, 1.0))
WORKED_HIDDEN = 4
# nearest_key_additive: with c = (q1 + q2)/2 the four hidden units see k1 - q1 ± c and k2 - q2 ± c.
_NEAR_W_QUERY = ((-0.5, 0.5), (-1.5, -0.5), (0.5, -0.5), (-0.5, -1.5))
_NEAR_W_KEY = ((1.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.0, 1.0))
_NEAR_V = (1.0, -1.0, 1.0, -1.0)


def _array(name: str, value: object, shape: tuple[int | None, ...]) -> torch.Tensor:
    """``value`` (a tensor, or nested tuples of floats) checked against ``shape`` (None: any size)."""
    t = check_tensor(name, torch.tensor(value) if isinstance(value, tuple) else value)
    if t.dim() != len(shape) or any(want is not None and got != want for got, want in zip(t.shape, shape, strict=True)):
        want = "(" + ", ".join("any" if n is None else str(n) for n in shape) + ")"
        raise ValueError(f"{name} must have shape {want}, got {shape_str(t)}")
    return t


def general_scorer(weight: torch.Tensor | tuple = GENERAL_WEIGHT) -> GeneralAttention:
    """``GeneralAttention`` whose W (d_query, d_key) is ``weight``: score(q, k) = qᵀ W k."""
    w = _array("weight", weight, (None, None))
    module = new_module(GeneralAttention, d_query=w.shape[0], d_key=w.shape[1])
    with torch.no_grad():
        module.bilinear.weight.copy_(w)  # nn.Linear(d_key, d_query) stores W as (d_query, d_key)
    return module


def additive_scorer(w_query: torch.Tensor | tuple, w_key: torch.Tensor | tuple,
                    v: torch.Tensor | tuple) -> AdditiveAttention:
    """``AdditiveAttention`` with W_q (h, d_query), W_k (h, d_key) and v (h,) given."""
    wq = _array("w_query", w_query, (None, None))  # (h, d_query)
    wk = _array("w_key", w_key, (wq.shape[0], None))  # (h, d_key)
    vv = _array("v", v, (wq.shape[0],))  # (h,)
    module = new_module(AdditiveAttention, d_query=wq.shape[1], d_key=wk.shape[1], d_hidden=wq.shape[0])
    with torch.no_grad():
        module.query_proj.weight.copy_(wq)
        module.key_proj.weight.copy_(wk)
        module.v.weight.copy_(vv.unsqueeze(0))  # nn.Linear(h, 1) stores vᵀ as (1, h)
    return module


def nearest_key_additive() -> AdditiveAttention:
    """Hand-set additive weights (d = 2, h = 4) whose score peaks where the key equals the query.

    With c = (q1 + q2)/2 the score is f_c(k1 - q1) + f_c(k2 - q2), where
    f_c(t) = tanh(t + c) - tanh(t - c) is even and, for c > 0, strictly
    decreasing in |t|. So for every query with q1 + q2 > 0 the best key is the
    query itself: s(q, q) = 4 tanh(c). The module has no biases (nor has the
    score of Bahdanau et al., 2015): the offset c comes from the query, so the
    peak widens with q1 + q2 and turns into a dip when q1 + q2 < 0. An
    illustration of what the form can express, not a trained model.
    """
    return additive_scorer(_NEAR_W_QUERY, _NEAR_W_KEY, _NEAR_V)


def worked_scorers() -> dict[str, Scorer]:
    """The four scorers of the worked example (d = 2), with the hand-set weights above."""
    return {
        "dot": Scorer("dot", dot_product_scores),
        "scaled dot": Scorer("scaled dot", scaled_dot_product_scores),
        "general": Scorer("general", (general := general_scorer()).score, general),
        "additive": Scorer("additive", (additive := nearest_key_additive()).score, additive),
    }


def worked_scores() -> dict[str, torch.Tensor]:
    """Each scorer's (3, 3) score matrix for Q = K = :data:`WORKED_VECTORS` (row: query, column: key)."""
    x = torch.tensor(WORKED_VECTORS)  # (3, 2)
    with torch.no_grad():
        return {name: scorer.score(x, x) for name, scorer in worked_scorers().items()}


def ranks_first(scores: torch.Tensor, wanted: Sequence[int] | None = None) -> torch.Tensor:
    """For each query (row) of a (L_q, L_k) score matrix: is key ``wanted[i]`` scored strictly above all others?

    ``wanted`` defaults to ``range(L_q)``, which for Q = K asks: does every vector prefer itself?
    """
    s = check_tensor("scores", scores, min_dim=2)
    if s.dim() != 2:
        raise ValueError(f"scores must be a (L_q, L_k) matrix, got shape {shape_str(s)}")
    want = torch.arange(s.shape[0]) if wanted is None else torch.as_tensor(list(wanted))
    if want.shape != (s.shape[0],) or want.dtype != torch.int64 or not ((want >= 0) & (want < s.shape[1])).all():
        raise ValueError(f"wanted must hold one key index in [0, {s.shape[1]}) per query ({s.shape[0]}), "
                         f"got {wanted!r}")
    chosen = s.gather(-1, want.unsqueeze(-1)).squeeze(-1)  # (L_q,)
    others = s.scatter(-1, want.unsqueeze(-1), float("-inf"))  # (L_q, L_k), the wanted keys blocked
    return chosen > others.amax(dim=-1)  # (L_q,)


def prefers_itself(scores: torch.Tensor) -> torch.Tensor:
    """For a square (L, L) score matrix of Q = K: does row i score key i strictly above every other key?"""
    s = check_tensor("scores", scores, min_dim=2)
    if s.dim() != 2 or s.shape[0] != s.shape[1]:
        raise ValueError(f"scores must be a square (L, L) matrix, got shape {shape_str(s)}")
    return ranks_first(s)


def bilinear_search(vectors: torch.Tensor | tuple = WORKED_VECTORS, wanted: Sequence[int] | None = None,
                    num_trials: int = 1000, seed: int = 0) -> int:
    """How many of ``num_trials`` random W (N(0, 1) entries) make every vector rank key ``wanted[i]`` first.

    The scores are qᵀW k with Q = K = ``vectors``, from the package's ``GeneralAttention``;
    ``wanted`` defaults to each vector itself. For the worked example the answer is 0 whatever W,
    because x2 = 3·x1 and every bilinear score has s(q, a·k) = a·s(q, k) (see the chapter).
    """
    x = _array("vectors", vectors, (None, None))
    check_positive_int("num_trials", num_trials)
    ranks_first(torch.zeros(len(x), len(x)), wanted)  # check wanted once, before the loop
    generator = torch.Generator().manual_seed(seed)
    module = new_module(GeneralAttention, x.shape[1], x.shape[1])
    successes = 0
    with torch.no_grad():
        for _ in range(num_trials):
            module.bilinear.weight.copy_(torch.randn(x.shape[1], x.shape[1], generator=generator))
            successes += int(ranks_first(module.score(x, x), wanted).all())
    return successes


def accepts_different_widths(name: str, d_query: int = 2, d_key: int = 3) -> bool:
    """Can the package's ``name`` scorer score a (1, d_query) query against a (1, d_key) key?"""
    check_scorer_name(name)
    query, key = torch.ones(1, d_query), torch.ones(1, d_key)
    score = {"dot": dot_product_scores, "scaled dot": scaled_dot_product_scores}.get(name)
    if score is None:
        score = make_scorer(name, d_query, d_key, WORKED_HIDDEN).score
    try:
        return score(query, key).shape == (1, 1)
    except ValueError:
        return False


def score_surface(score: ScoreFn, query: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
    """Scores of one 2-D query against every key (x, y) of a grid: (len(ys), len(xs)), rows are y."""
    q = check_tensor("query", query)
    if q.shape != (2,):
        raise ValueError(f"query must be a single 2-D vector of shape (2), got {shape_str(q)}")
    for name, axis in (("xs", xs), ("ys", ys)):
        if check_tensor(name, axis).dim() != 1 or axis.numel() == 0:
            raise ValueError(f"{name} must be a non-empty 1-D tensor of coordinates, got {shape_str(axis)}")
    grid_y, grid_x = torch.meshgrid(ys.to(q.dtype), xs.to(q.dtype), indexing="ij")  # (n_y, n_x) each
    keys = torch.stack([grid_x, grid_y], dim=-1).reshape(-1, 2)  # (n_y·n_x, 2)
    with torch.no_grad():
        return score(q.unsqueeze(0), keys).reshape(len(ys), len(xs))  # (n_y, n_x)

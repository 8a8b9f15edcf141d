"""What the four scorers cost: multiply-adds, other operations, largest tensor and parameters.

For L_q queries of width d_q scored against L_k keys of width d_k (d = d_q = d_k
for the dot products) with h hidden units in the additive scorer:

========== ===================================== ============================ ==================
name       multiply-adds (matrix products)       other operations             parameters
========== ===================================== ============================ ==================
dot        L_q·L_k·d                             none                         0
scaled dot L_q·L_k·d                             L_q·d divisions              0
general    L_k·d_k·d_q + L_q·L_k·d_q             none                         d_q·d_k
additive   h·(L_q·d_q + L_k·d_k + L_q·L_k)       L_q·L_k·h additions and tanh h·(d_q + d_k + 1)
========== ===================================== ============================ ==================

:func:`cost_formula` states these; :func:`measure_cost` counts them by running the
package's scorers (:func:`attn_course.lessons.op_count.count_work`). Vaswani et al.
(2017, §3.2.1) call additive and dot-product attention "similar in theoretical
complexity"; the additive one also builds an (L_q, L_k, h) tensor, h times the
(L_q, L_k) score matrix.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import torch
from torch import nn

from .._validation import check_positive_int
from ..attention import scaled_dot_product_scores
from ..models import count_parameters
from ..scoring import AdditiveAttention, GeneralAttention, dot_product_scores
from .op_count import Work, count_work
from .tables import Table

ScoreFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (L_q, d_q), (L_k, d_k) -> (L_q, L_k)

SCORERS = ("dot", "scaled dot", "general", "additive")
M = TypeVar("M", bound=nn.Module)


@dataclass(frozen=True)
class Scorer:
    """A named score function and the module holding its parameters (``None`` for dot products)."""

    name: str
    score: ScoreFn
    module: nn.Module | None = None

    @property
    def parameters(self) -> int:
        return 0 if self.module is None else count_parameters(self.module)


def check_scorer_name(name: object) -> str:
    """Check that ``name`` is one of :data:`SCORERS`."""
    if name not in SCORERS:
        raise ValueError(f"name must be one of {SCORERS}, got {name!r}")
    return name  # type: ignore[return-value]


def new_module(cls: type[M], *args: int, **kwargs: int) -> M:
    """``cls(*args, **kwargs)`` without drawing from the global RNG (nn.Linear initialises itself from it)."""
    with torch.random.fork_rng(devices=[]):
        return cls(*args, **kwargs)


def make_scorer(name: str, d_query: int, d_key: int, d_hidden: int, seed: int = 0) -> Scorer:
    """A scorer of the given sizes with seeded random weights (N(0, 1/fan_in)); the global RNG is untouched."""
    check_scorer_name(name)
    for arg, n in (("d_query", d_query), ("d_key", d_key), ("d_hidden", d_hidden)):
        check_positive_int(arg, n)
    if name in ("dot", "scaled dot"):
        if d_query != d_key:
            raise ValueError(f"{name} scores need d_query == d_key, got d_query={d_query}, d_key={d_key}")
        return Scorer(name, dot_product_scores if name == "dot" else scaled_dot_product_scores)
    module = new_module(GeneralAttention, d_query, d_key) if name == "general" else \
        new_module(AdditiveAttention, d_query, d_key, d_hidden)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) / math.sqrt(p.shape[-1]))
    return Scorer(name, module.score, module)


def cost_formula(name: str, *, num_queries: int, num_keys: int, d_query: int, d_key: int, d_hidden: int) -> Work:
    """The :class:`~.op_count.Work` of scoring L_q queries against L_k keys, by formula.

    dot:        L_q·L_k·d multiply-adds;  scaled dot: the same, plus L_q·d divisions (the package scales q);
    general:    L_k·d_k·d_q (W k, once per key) + L_q·L_k·d_q;  d_q·d_k parameters;
    additive:   h·(L_q·d_q + L_k·d_k + L_q·L_k) multiply-adds, L_q·L_k·h additions and as many tanh,
                an (L_q, L_k, h) intermediate;  h·(d_q + d_k + 1) parameters.
    """
    make_scorer(name, d_query, d_key, d_hidden)  # the same checks
    check_positive_int("num_queries", num_queries)
    check_positive_int("num_keys", num_keys)
    lq, lk, dq, dk, h = num_queries, num_keys, d_query, d_key, d_hidden
    if name == "dot":
        return Work(lq * lk * dk, {}, lq * lk, 0)
    if name == "scaled dot":
        return Work(lq * lk * dk, {"div": lq * dk}, max(lq * lk, lq * dk), 0)
    if name == "general":
        return Work(lk * dk * dq + lq * lk * dq, {}, max(lq * lk, lk * dq), dq * dk)
    return Work(h * (lq * dq + lk * dk + lq * lk), {"add": lq * lk * h, "tanh": lq * lk * h},
                max(lq * lk * h, lq * h, lk * h), h * (dq + dk + 1))


def measure_cost(name: str, *, num_queries: int, num_keys: int, d_query: int, d_key: int, d_hidden: int,
                 seed: int = 0) -> Work:
    """The same :class:`~.op_count.Work`, counted by running the package's scorer once on random inputs."""
    scorer = make_scorer(name, d_query, d_key, d_hidden, seed)
    check_positive_int("num_queries", num_queries)
    check_positive_int("num_keys", num_keys)
    generator = torch.Generator().manual_seed(seed)
    query = torch.randn(num_queries, d_query, generator=generator)  # (L_q, d_q)
    key = torch.randn(num_keys, d_key, generator=generator)  # (L_k, d_k)
    return count_work(scorer.score, query, key, parameters=scorer.parameters)


#: The formula rows of the comparison table, one cell per scorer (plain text: HTML tables are not typeset).
FORMULAS = {
    "score(q, k)": ("qᵀk", "qᵀk / √d_k", "qᵀ W k", "vᵀ tanh(W_q q + W_k k)"),
    "source": ("Luong et al. (2015), “dot”", "Vaswani et al. (2017)", "Luong et al. (2015), “general”",
               "Bahdanau et al. (2015); Luong’s “concat”"),
    "parameters": ("0", "0", "d_q·d_k", "h·(d_q + d_k + 1)"),
    "multiply-adds": ("L_q·L_k·d", "L_q·L_k·d", "L_k·d_k·d_q + L_q·L_k·d_q", "h·(L_q·d_q + L_k·d_k + L_q·L_k)"),
    "other operations": ("none", "L_q·d divisions", "none", "L_q·L_k·h additions, L_q·L_k·h tanh"),
    "largest tensor": ("L_q·L_k", "L_q·L_k", "max(L_q·L_k, L_k·d_q)", "L_q·L_k·h"),
}


def comparison_table(counted: dict[str, dict[str, Work]], properties: dict[str, dict[str, bool]]) -> Table:
    """The chapter's table: :data:`FORMULAS`, then counts and checked properties, one column per scorer.

    Args:
        counted: size label -> scorer name -> the :class:`~.op_count.Work` counted at that size;
            several sizes are shown side by side in each cell, separated by " / " (the caption says which).
        properties: row label -> scorer name -> whether the scorer has it (checked by code).
    """
    for label, row in (*counted.items(), *properties.items()):
        if set(row) != set(SCORERS):
            raise ValueError(f"row {label!r} must have one entry per scorer {SCORERS}, got {sorted(row)}")
    rows = [(label, *cells) for label, cells in FORMULAS.items()]
    measures = {
        "parameters": lambda w: w.parameters,
        "multiply-adds": lambda w: w.multiply_adds,
        "other operations": lambda w: w.elementwise_total,
        "largest tensor": lambda w: w.largest_tensor,
    }
    for what, measure in measures.items():
        rows.append((f"{what}, counted",
                     *(" / ".join(f"{measure(works[name]):,}" for works in counted.values()) for name in SCORERS)))
    rows += [(label, *("yes" if row[name] else "no" for name in SCORERS)) for label, row in properties.items()]
    caption = f"Rows marked “counted”: {' / '.join(counted)}." if counted else ""
    return Table(header=("", *SCORERS), rows=tuple(rows), caption=caption)

"""The algorithm, one step at a time: a hand-checkable example and a shape trace.

Scaled dot-product attention (Vaswani et al., 2017, eq. 1) in the three steps
numbered in :mod:`attn_course.attention`:

1. scores  = Q Kᵀ / √d_k
2. weights = softmax(scores)
3. output  = weights V

:func:`worked_example` keeps every intermediate matrix of a 3-token, d = 2
example so a reader can redo it with a pocket calculator;
:func:`shape_trace` records the tensor shape after every step of multi-head
attention; :func:`step_explorer` draws the worked example step by step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .._validation import check_positive_int, check_qkv
from ..attention import scaled_dot_product_scores
from ..multihead import MultiHeadAttention, merge_heads, split_heads
from ..plots.explorer import Explorer
from ..plots.heatmaps import plot_attention
from ..plots.style import QKV_COLOURS
from ..softmax import masked_softmax

#: The default tokens of the worked example.
TOKENS = ("the", "cat", "sat")


@dataclass(frozen=True)
class WorkedExample:
    """Every intermediate of ``attention(Q, K, V)`` for one small example."""

    tokens: tuple[str, ...]  # one label per query / key position
    query: torch.Tensor  # Q: (L_q, d_k)
    key: torch.Tensor  # K: (L_k, d_k)
    value: torch.Tensor  # V: (L_k, d_v)
    raw_scores: torch.Tensor  # Q Kᵀ: (L_q, L_k)
    scores: torch.Tensor  # step 1, Q Kᵀ / √d_k: (L_q, L_k)
    exp_scores: torch.Tensor  # exp(scores): the softmax numerators, (L_q, L_k)
    row_sums: torch.Tensor  # Σ_j exp(scores): the softmax denominators, (L_q, 1)
    weights: torch.Tensor  # step 2, softmax(scores): (L_q, L_k)
    output: torch.Tensor  # step 3, weights V: (L_q, d_v)

    @property
    def d_k(self) -> int:
        return int(self.query.shape[-1])


def default_inputs() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Q, K, V of the worked example: small integers, so Q Kᵀ is an integer matrix.

    The third query scores all keys equally (a uniform row), and V's rows are
    (1, 0), (0, 1), (1, 1), so output row i is (w_i0 + w_i2, w_i1 + w_i2).
    """
    query = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # (3, 2)
    key = torch.tensor([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0]])  # (3, 2)
    value = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # (3, 2)
    return query, key, value


def worked_example(
    query: torch.Tensor | None = None,
    key: torch.Tensor | None = None,
    value: torch.Tensor | None = None,
    tokens: tuple[str, ...] | None = None,
) -> WorkedExample:
    """Run attention on 2-D (L, d) inputs and keep every intermediate.

    Args:
        query: (L_q, d_k); key: (L_k, d_k); value: (L_k, d_v). All three default
            to :func:`default_inputs` (3 tokens, d = 2); give all three or none.
        tokens: labels for the positions (default ``TOKENS`` when L_q = L_k = 3).

    The weights come from :func:`attn_course.masked_softmax`, and the explicit
    numerators and denominators are kept beside them for checking by hand.
    """
    given = [t is not None for t in (query, key, value)]
    if any(given) and not all(given):
        raise ValueError("give query, key and value together, or none of them for the default example")
    if query is None or key is None or value is None:
        query, key, value = default_inputs()
    check_qkv(query, key, value)
    for name, tensor in (("query", query), ("key", key), ("value", value)):
        if tensor.dim() != 2:
            raise ValueError(f"{name} must be 2-D (L, d) for the worked example, got shape {tuple(tensor.shape)}")
    if tokens is None:
        tokens = TOKENS if query.shape[0] == key.shape[0] == len(TOKENS) else tuple(str(i) for i in range(key.shape[0]))
    tokens = tuple(tokens)
    if len(tokens) != key.shape[0]:
        raise ValueError(f"tokens must have one label per key (L_k={key.shape[0]}), got {len(tokens)}: {tokens}")
    raw_scores = query @ key.T  # (L_q, L_k)
    scores = scaled_dot_product_scores(query, key)  # (L_q, L_k)    step 1
    exp_scores = torch.exp(scores)  # (L_q, L_k)
    row_sums = exp_scores.sum(dim=-1, keepdim=True)  # (L_q, 1)
    weights = masked_softmax(scores)  # (L_q, L_k)    step 2
    output = weights @ value  # (L_q, d_v)    step 3
    return WorkedExample(tokens, query, key, value, raw_scores, scores, exp_scores, row_sums, weights, output)


@dataclass(frozen=True)
class TraceStep:
    """One row of the shape trace."""

    step: str  # what happens, e.g. "1. scores"
    expression: str  # the code or formula of the step
    symbolic: str  # the shape in letters, e.g. "(B, h, L, L)"
    shape: tuple[int, ...]  # the shape actually observed


def shape_trace(
    batch: int = 2, length: int = 5, d_model: int = 8, num_heads: int = 2, seed: int = 0
) -> list[TraceStep]:
    """Trace the tensor shapes through every step of multi-head self-attention.

    Builds a seeded :class:`attn_course.MultiHeadAttention`, feeds it a random
    (B, L, d_model) input, and replays its forward pass step by step
    (Vaswani et al., 2017, §3.2.2), recording each intermediate's shape. The
    replayed output equals the module's own output (checked in the tests).
    """
    for name, value in (("batch", batch), ("length", length), ("d_model", d_model), ("num_heads", num_heads)):
        check_positive_int(name, value)
    if d_model % num_heads:
        raise ValueError(f"d_model={d_model} must be divisible by num_heads={num_heads}")
    trace, _ = _replay(batch, length, d_model, num_heads, seed)
    return trace


def _replay(batch: int, length: int, d_model: int, num_heads: int, seed: int) -> tuple[list[TraceStep], dict]:
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):  # nn.Linear draws its initial weights from the global generator
        torch.manual_seed(seed)
        module = MultiHeadAttention(d_model, num_heads).eval()
    x = torch.randn(batch, length, d_model, generator=generator)  # (B, L, d_model)
    steps: list[TraceStep] = []

    def record(step: str, expression: str, symbolic: str, tensor: torch.Tensor) -> torch.Tensor:
        steps.append(TraceStep(step, expression, symbolic, tuple(tensor.shape)))
        return tensor

    with torch.no_grad():
        record("input", "x", "(B, L, d_model)", x)
        q = record("project", "x @ W_Q", "(B, L, d_model)", module.q_proj(x))
        q = record("split heads", "split_heads(Q, h)", "(B, h, L, d_head)", split_heads(q, num_heads))
        k = split_heads(module.k_proj(x), num_heads)  # (B, h, L, d_head)
        v = split_heads(module.v_proj(x), num_heads)  # (B, h, L, d_head)
        k_t = record("transpose K", "K.transpose(-2, -1)", "(B, h, d_head, L)", k.transpose(-2, -1))
        scores = record("1. scores", "Q @ Kᵀ / √d_head", "(B, h, L, L)", q @ k_t / math.sqrt(q.shape[-1]))
        weights = record("2. softmax", "softmax(scores, -1)", "(B, h, L, L)", masked_softmax(scores))
        heads = record("3. weighted sum", "weights @ V", "(B, h, L, d_head)", weights @ v)
        merged = record("merge heads", "merge_heads(heads)", "(B, L, d_model)", merge_heads(heads))
        out = record("output projection", "merged @ W_O", "(B, L, d_model)", module.out_proj(merged))
        expected, _ = module(x, x, x)
    return steps, {"output": out, "module_output": expected, "weights": weights}


def format_shape_trace(steps: list[TraceStep]) -> str:
    """Render a shape trace as a fixed-width text table."""
    if not steps or not all(isinstance(s, TraceStep) for s in steps):
        raise TypeError("steps must be a non-empty list of TraceStep, as returned by shape_trace()")
    rows = [("step", "expression", "symbolic", "observed")]
    rows += [(s.step, s.expression, s.symbolic, str(s.shape)) for s in steps]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


STEP_NAMES = ("1 scores", "2 weights", "3 output")


def step_explorer(example: WorkedExample | None = None) -> Explorer:
    """An explorer that reveals the worked example one step at a time.

    Controls: ``step`` (1 scores, 2 weights, 3 output; a slider with a play
    button) and ``query`` (which row to highlight; a button per token). Panels
    of steps not reached yet are left blank.
    """
    example = worked_example() if example is None else example
    if not isinstance(example, WorkedExample):
        raise TypeError(f"example must be a WorkedExample, got {type(example).__name__}")
    rows = list(range(example.query.shape[0]))

    def draw(fig: Figure, step: str, query: int) -> None:
        reached = STEP_NAMES.index(step) + 1
        axes = fig.subplots(1, 3)
        panels = (
            (example.scores, "1. scores = QKᵀ/√d"),
            (example.weights, "2. weights = softmax"),
            (example.output, "3. output = weights·V"),
        )
        for index, (ax, (matrix, title)) in enumerate(zip(axes, panels, strict=True)):
            if index >= reached:
                ax.set_axis_off()
                ax.set_title(f"{title}\n(not yet)", color="0.6", fontsize=9)
                continue
            columns = example.tokens if index < 2 else [f"dim {j}" for j in range(matrix.shape[1])]
            plot_attention(matrix, queries=example.tokens, keys=columns, ax=ax, colorbar=False, annotate=True)
            ax.add_patch(Rectangle((-0.5, query - 0.5), matrix.shape[1], 1, fill=False, lw=3, ec=QKV_COLOURS["query"]))
            ax.set_title(title, fontsize=9)
            if index == 2:
                ax.set_xlabel("value dimension")
        weights = ", ".join(f"{float(w):.2f}" for w in example.weights[query])
        fig.suptitle(f"query '{example.tokens[query]}': weights [{weights}]" if reached > 1 else
                     f"query '{example.tokens[query]}': compare it with every key", fontsize=10)

    def describe(params: dict) -> str:
        weights = ", ".join(f"{float(w):.2f}" for w in example.weights[params["query"]])
        return (f"Steps 1 to {STEP_NAMES.index(params['step']) + 1} for the query '{example.tokens[params['query']]}', "
                f"whose weights are [{weights}].")

    # The step is a slider with a play button; the query is one of the tokens, so buttons that name them.
    return Explorer(
        draw, {"step": list(STEP_NAMES), "query": rows}, initial={"step": STEP_NAMES[0], "query": 0},
        labels={"step": "step", "query": "query"}, figsize=(6.8, 2.8), title="Step through the algorithm",
        kinds={"step": "slider", "query": "buttons"}, play="step", value_labels={"query": list(example.tokens)},
        describe=describe,
    )

"""Exact attention without the L_q x L_k matrix: tiling plus an online softmax.

``attention()`` builds the whole (L_q, L_k) score matrix, so its memory grows
with L². :func:`flash_attention` computes *the same* output block by block
(Milakov & Gimelshein, 2018; Rabe & Staats, 2021; Dao et al., 2022):

1. cut the queries into blocks of ``block_q`` rows and the keys/values into
   blocks of ``block_k`` rows;
2. for one query block, visit the key blocks in turn, keeping per query row a
   running maximum ``m``, a running sum ``l`` of exponentials and an
   unnormalised output ``acc``;
3. each new score tile S rescales the old state by ``exp(m_old - m_new)``
   (in place), then adds ``exp(S - m_new)`` to ``l`` and ``exp(S - m_new) V``
   to ``acc``;
4. after the last key block the output row is ``acc / l``.

Only one (N, block_q, block_k) tile of scores exists at a time, so the extra
memory is O(L) (the output and per-row statistics) instead of O(L²).

**Backward.** The forward pass saves only its inputs, the output O and one
number per query row, the log-sum-exp ``lse = m + log(l)``. The backward
pass recomputes each score tile and its probabilities ``P = exp(S - lse)``
from them, then accumulates the gradients tile by tile with
``dP = dO Vᵀ`` and ``dS = P ⊙ (dP - rowsum(dO ⊙ O))`` (Dao et al., 2022,
Alg. 4), so training is O(L) in memory too.

**Speed on CPU.** Every ATen call is one pass over the tile and one parallel
region, so the loop keeps calls few: the scale is fused into the score GEMM
(``baddbmm(alpha=scale)``), the backward folds ``- lse`` and ``- delta`` into its
GEMMs' added input, exp runs in place in one scratch tile reused by every tile,
and GEMMs write only contiguous blocks (a GEMM into a slice of an (N, L, d)
tensor falls back to one small product per batch element).
"""

from __future__ import annotations

import math

import torch

from .._validation import check_mask, check_qkv
from ._tiles import MaskTiles

#: Default tile: 256 query rows x 512 key rows, the sizes of ATen's CPU flash kernel for L >= 768.
#: Interleaved at L=1024 (31 repeats, load 3): 1.6x SDPA's time, vs 2.2x for (256, 1024) and 3.3x
#: for (1024, 1024); under heavier load (5-7) fewer, larger tiles won (see benchmarks/attention.py).
DEFAULT_BLOCK = (256, 512)


def _tile(scratch: torch.Tensor, n: int, rows: int, cols: int) -> torch.Tensor:
    """A contiguous (n, rows, cols) view of the front of a flat scratch buffer (BLAS writes it at full speed)."""
    return scratch[: n * rows * cols].view(n, rows, cols)


def _forward(q, k, v, tiles: MaskTiles, block_q: int, block_k: int):
    """Tiled forward pass on (N, L, d) tensors. Returns output (N, L_q, d_v) and lse (N, L_q)."""
    n, len_q, d_k = q.shape
    len_k, d_v = k.shape[1], v.shape[2]
    scale = 1.0 / math.sqrt(d_k)
    out = q.new_empty(n, len_q, d_v)
    lse = q.new_empty(n, len_q)
    key_t = k.transpose(1, 2)  # (N, d_k, L_k), a view: BLAS reads it transposed
    scratch = q.new_empty(n * min(block_q, len_q) * min(block_k, len_k))  # one score tile, reused by every tile
    for q0 in range(0, len_q, block_q):
        q1 = min(q0 + block_q, len_q)
        m = q.new_full((n, q1 - q0, 1), -math.inf)  # running max
        row_sum = q.new_zeros(n, q1 - q0, 1)  # running sum l of exp(s - m)
        acc = q.new_empty(n, q1 - q0, d_v)  # running sum of exp(s - m) v; contiguous: BLAS is slow on views
        fresh = True  # acc holds nothing yet (no tile visited)
        k_end = min(len_k, q1) if tiles.causal else len_k  # later key blocks are fully masked
        for k0 in range(0, k_end, block_k):
            k1 = min(k0 + block_k, k_end)
            allowed = tiles.tile(q0, q1, k0, k1)
            if allowed is False:
                continue
            s = _tile(scratch, n, q1 - q0, k1 - k0)  # (N, n_q, n_k)
            torch.baddbmm(s, q[:, q0:q1], key_t[:, :, k0:k1], beta=0, alpha=scale, out=s)  # S = scale Q Kᵀ
            if allowed is not None:
                s.masked_fill_(allowed.logical_not(), -math.inf)
            m_new = torch.maximum(m, s.amax(dim=-1, keepdim=True))  # (N, n_q, 1)
            # A row with no allowed key so far has m_new = -inf; subtract 0 instead (exp(-inf) = 0).
            shift = m_new.masked_fill(m_new == -math.inf, 0.0) if tiles.active else m_new
            s.sub_(shift).exp_()  # P~ = exp(S - m_new), in place
            alpha = m.sub_(shift).exp_()  # exp(m_old - m_new), reuses m's storage
            row_sum.mul_(alpha).add_(s.sum(dim=-1, keepdim=True))
            if fresh:  # acc = P~ V, nothing to rescale yet
                torch.bmm(s, v[:, k0:k1], out=acc)
            else:
                acc.mul_(alpha).baddbmm_(s, v[:, k0:k1])  # acc = alpha * acc + P~ V
            m, fresh = m_new, False
        if fresh:  # every tile of these rows was skipped
            acc.zero_()
        empty = row_sum == 0  # rows whose keys were all masked: zero output, never NaN
        out[:, q0:q1] = acc.div_(row_sum.masked_fill_(empty, 1.0))
        # lse = +inf makes exp(s - lse) = 0 for empty rows in the backward pass.
        lse[:, q0:q1] = (m + row_sum.log()).masked_fill_(empty, math.inf).squeeze(-1)
    return out, lse


def _backward(q, k, v, out, lse, grad_out, tiles: MaskTiles, block_q: int, block_k: int):
    """Tiled backward pass: recompute P from lse, accumulate dQ, dK, dV (Dao et al., 2022, Alg. 4)."""
    n, len_q, d_k = q.shape
    len_k = k.shape[1]
    scale = 1.0 / math.sqrt(d_k)
    neg_delta = (grad_out * out).sum(dim=-1, keepdim=True).neg_()  # (N, L_q, 1) = -rowsum(dO ⊙ O)
    neg_lse = lse.neg().unsqueeze(-1)  # (N, L_q, 1)
    # BLAS accumulates fast only into contiguous blocks, not into slices of (N, L, d) tensors.
    q_starts = range(0, len_q, block_q)
    grad_q_blocks = [q.new_zeros(n, min(block_q, len_q - q0), d_k) for q0 in q_starts]  # (N, n_q, d_k) each
    grad_k_blocks, grad_v_blocks = [], []
    p_scratch = q.new_empty(n * min(block_q, len_q) * min(block_k, len_k))  # P tile, reused
    ds_scratch = torch.empty_like(p_scratch)  # dS tile, reused
    for k0 in range(0, len_k, block_k):
        k1 = min(k0 + block_k, len_k)
        k_block, v_block = k[:, k0:k1], v[:, k0:k1]  # (N, n_k, d_k), (N, n_k, d_v)
        dk_block, dv_block = torch.zeros_like(k_block), torch.zeros_like(v_block)
        grad_k_blocks.append(dk_block)
        grad_v_blocks.append(dv_block)
        q_start = (k0 // block_q) * block_q if tiles.causal else 0  # earlier queries cannot see these keys
        for q0 in range(q_start, len_q, block_q):
            q1 = min(q0 + block_q, len_q)
            allowed = tiles.tile(q0, q1, k0, k1)
            if allowed is False:
                continue
            q_block, do_block = q[:, q0:q1], grad_out[:, q0:q1]
            p = _tile(p_scratch, n, q1 - q0, k1 - k0)  # (N, n_q, n_k)
            torch.baddbmm(neg_lse[:, q0:q1], q_block, k_block.transpose(1, 2), alpha=scale, out=p)  # S - lse
            if allowed is not None:
                p.masked_fill_(allowed.logical_not(), -math.inf)
            p.exp_()  # P = exp(S - lse), exactly the forward's weights
            dv_block.baddbmm_(p.transpose(1, 2), do_block)  # dV += Pᵀ dO
            ds = _tile(ds_scratch, n, q1 - q0, k1 - k0)  # (N, n_q, n_k)
            torch.baddbmm(neg_delta[:, q0:q1], do_block, v_block.transpose(1, 2), out=ds)  # dP - delta
            ds.mul_(p)  # dS = P ⊙ (dP - delta)
            grad_q_blocks[q0 // block_q].baddbmm_(ds, k_block, alpha=scale)  # dQ += scale dS K
            dk_block.baddbmm_(ds.transpose(1, 2), q_block, alpha=scale)  # dK += scale dSᵀ Q
    return torch.cat(grad_q_blocks, dim=1), torch.cat(grad_k_blocks, dim=1), torch.cat(grad_v_blocks, dim=1)


class _FlashAttention(torch.autograd.Function):
    """Autograd wrapper: saves q, k, v, the output and lse (N, L_q); nothing of size L_q x L_k."""

    @staticmethod
    def forward(ctx, q, k, v, tiles, block_q, block_k):
        out, lse = _forward(q, k, v, tiles, block_q, block_k)
        ctx.save_for_backward(q, k, v, out, lse)
        ctx.tiles, ctx.blocks = tiles, (block_q, block_k)
        return out

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_out):
        q, k, v, out, lse = ctx.saved_tensors
        grads = _backward(q, k, v, out, lse, grad_out.contiguous(), ctx.tiles, *ctx.blocks)
        return (*grads, None, None, None)


def _check_blocks(block_size: object) -> tuple[int, int]:
    if block_size is None:
        return DEFAULT_BLOCK
    sizes = block_size if isinstance(block_size, tuple) else (block_size, block_size)
    if len(sizes) != 2 or not all(isinstance(b, int) and not isinstance(b, bool) and b > 0 for b in sizes):
        raise ValueError(
            f"block_size must be a positive int or a tuple (block_q, block_k) of positive ints, got {block_size!r}"
        )
    return sizes


def flash_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None = None,
    *,
    causal: bool = False,
    block_size: int | tuple[int, int] | None = None,
) -> torch.Tensor:
    """Exact scaled dot-product attention, computed tile by tile (Dao et al., 2022).

    Same result as ``attention(query, key, value, mask)[0]``, but it never
    builds the (L_q, L_k) score matrix: memory grows linearly in L.

    Args:
        query: (..., L_q, d_k)
        key: (..., L_k, d_k)
        value: (..., L_k, d_v)
        mask: optional bool/int tensor broadcastable to (..., L_q, L_k);
            True/nonzero = may attend (as in :func:`attention`). A query with
            no allowed key gets a zero output, never NaN. Tiles in which
            nothing may attend are skipped.
        causal: query i attends keys 0..i only (top-left aligned, like SDPA's
            ``is_causal=True``); tiles above the diagonal are skipped and no
            (L_q, L_k) mask is built. Combines with ``mask`` by logical and.
        block_size: rows per tile, an int for both or ``(block_q, block_k)``;
            default :data:`DEFAULT_BLOCK`.

    Returns:
        output: (..., L_q, d_v), in the dtype of the inputs. float16 and
        bfloat16 are accumulated in float32, float64 stays float64.

    Differentiable: the backward pass is tiled too and stores only the inputs,
    the output and one log-sum-exp per query row (see the module docstring).
    """
    check_qkv(query, key, value)
    if not isinstance(causal, bool):
        raise TypeError(f"causal must be a bool, got {type(causal).__name__}")
    block_q, block_k = _check_blocks(block_size)
    len_q, len_k = query.shape[-2], key.shape[-2]
    batch = tuple(torch.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2]))
    if mask is not None:
        mask = check_mask(mask, torch.Size((*batch, len_q, len_k)))
    in_dtype = query.dtype
    work = torch.float64 if in_dtype == torch.float64 else torch.float32

    def flat(x: torch.Tensor, length: int) -> torch.Tensor:  # (..., L, d) -> (N, L, d)
        return x.to(work).expand(*batch, length, x.shape[-1]).reshape(-1, length, x.shape[-1])

    q, k, v = flat(query, len_q), flat(key, len_k), flat(value, len_k)
    tiles = MaskTiles(mask, batch, len_q, len_k, causal)
    out = _FlashAttention.apply(q, k, v, tiles, block_q, block_k)  # (N, L_q, d_v)
    return out.reshape(*batch, len_q, value.shape[-1]).to(in_dtype)

"""CharGPT: shapes, causality, weight tying, seeding, the cached path, attention maps, bad inputs."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from attn_course import MultiHeadAttention
from attn_course.models import CharGPT


def _model(**kwargs):
    sizes = dict(vocab_size=11, d_model=16, num_heads=2, num_layers=2, max_len=20, seed=0)
    return CharGPT(**{**sizes, **kwargs}).eval()


def _ids(batch=3, length=9, seed=0, vocab=11):
    return torch.randint(0, vocab, (batch, length), generator=torch.Generator().manual_seed(seed))


def test_forward_maps_ids_to_logits_and_returns_one_attention_map_per_layer():
    model = _model()
    ids = _ids()
    logits = model(ids)
    assert logits.shape == (3, 9, 11) and logits.dtype == torch.float32
    again, maps = model.forward_with_attention(ids)
    assert torch.equal(again, logits)
    assert [tuple(m.shape) for m in maps] == [(3, 2, 9, 9)] * 2
    for weights in maps:  # causal: nothing above the diagonal, rows sum to 1
        assert torch.equal(weights.triu(diagonal=1), torch.zeros_like(weights))
        torch.testing.assert_close(weights.sum(-1), torch.ones(3, 2, 9))
    assert all(isinstance(block.attn.mha, MultiHeadAttention) for block in model.blocks)


@given(position=st.integers(0, 8), seed=st.integers(0, 2**16))
def test_changing_a_token_never_changes_the_logits_before_it(position, seed):
    model = _model(dropout=0.1)  # dropout is off in eval mode
    ids = _ids(seed=seed)
    changed = ids.clone()
    changed[:, position] = (changed[:, position] + 1) % 11
    before, after = model(ids), model(changed)
    torch.testing.assert_close(before[:, :position], after[:, :position], atol=0, rtol=0)
    assert not torch.allclose(before[:, position], after[:, position])  # the changed position itself does change


def test_output_layer_is_tied_to_the_embedding():
    model = _model()
    assert model.head.weight is model.embed.weight
    names = [name for name, _ in model.named_parameters()]
    assert "head.weight" not in names  # one matrix, counted and trained once
    logits = model(_ids())
    logits.sum().backward()
    assert model.embed.weight.grad is not None
    with torch.no_grad():
        model.embed.weight[3].add_(1.0)  # changing the embedding changes the read-out
    assert torch.equal(model.head.weight[3], model.embed.weight[3])


def test_cached_logits_equal_the_full_forward_pass():
    model = _model()
    ids = _ids(length=12)
    cache = model.new_cache()
    first = model(ids[:, :5], cache)
    rest = [model(ids[:, i:i + 1], cache) for i in range(5, 12)]
    torch.testing.assert_close(torch.cat([first, *rest], dim=1), model(ids), atol=1e-5, rtol=1e-5)
    assert cache.length == 12 and cache.keys[1].shape == (3, 2, 12, 8)  # (B, h, t, d_head)


def test_attention_only_model_has_no_feed_forward_and_seeding_leaves_the_global_rng_alone():
    full, attention_only = _model(), _model(attention_only=True, layer_norm=False)
    assert all(block.ffn is None for block in attention_only.blocks)
    assert not any(isinstance(m, torch.nn.LayerNorm) for m in attention_only.modules())
    assert attention_only(_ids()).shape == (3, 9, 11)
    assert sum(p.numel() for p in attention_only.parameters()) < sum(p.numel() for p in full.parameters())
    state = torch.random.get_rng_state()
    a, b = _model(seed=5), _model(seed=5)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(_model(seed=6).embed.weight, a.embed.weight)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    (dict(d_model=15), ValueError, "d_model=15 must be divisible by num_heads=2"),
    (dict(vocab_size=0), ValueError, "vocab_size must be positive"),
    (dict(max_len=2.5), TypeError, "max_len must be an int"),
    (dict(dropout=1.0), ValueError, "dropout must be a probability"),
    (dict(seed=-1), ValueError, "seed must be >= 0"),
    (dict(embed_std=0.0), ValueError, "embed_std must be a positive finite number"),
    (dict(layer_norm=1), TypeError, "layer_norm must be a bool"),
])
def test_bad_constructor_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        _model(**kwargs)


def test_bad_forward_inputs():
    model = _model()
    with pytest.raises(TypeError, match=r"idx must be a 2-D \(B, T\) LongTensor"):
        model(torch.zeros(2, 3))
    with pytest.raises(TypeError, match=r"LongTensor of token ids, got shape \(3\), dtype torch.int64"):
        model(torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="idx has 21 tokens after 0 cached ones, more than max_len=20"):
        model(_ids(length=21))
    cache = model.new_cache()
    model(_ids(length=15), cache)
    with pytest.raises(ValueError, match="idx has 6 tokens after 15 cached ones"):
        model(_ids(length=6), cache)


def _reference_forward(model, ids):
    """CharGPT written out with torch's own causal attention (F.scaled_dot_product_attention, is_causal=True)."""
    functional = torch.nn.functional
    x = model.embed(ids) + model.positions(torch.arange(ids.shape[1]))  # (B, T, d)
    for block in model.blocks:
        mha = block.attn.mha
        h = block.norm1(x)
        q, k, v = (proj(h).unflatten(-1, (mha.num_heads, -1)).transpose(1, 2)
                   for proj in (mha.q_proj, mha.k_proj, mha.v_proj))  # (B, h, T, d_head)
        heads = functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + mha.out_proj(heads.transpose(1, 2).flatten(2))
        if block.ffn is not None:
            ffn = block.ffn
            x = x + ffn.linear2(functional.gelu(ffn.linear1(block.norm2(x))))
    return model.norm(x) @ model.embed.weight.T  # the tied read-out


@pytest.mark.parametrize("options", [dict(), dict(attention_only=True, layer_norm=False, embed_std=0.3)])
def test_forward_matches_a_reference_built_on_torch_sdpa(options):
    model = _model(**options)
    ids = _ids(length=13)
    with torch.no_grad():
        torch.testing.assert_close(model(ids), _reference_forward(model, ids), atol=1e-5, rtol=1e-5)

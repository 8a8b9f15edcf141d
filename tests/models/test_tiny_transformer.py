"""TinyTransformer: shapes and attention maps, seeded init, bad inputs, and it learns to reverse sequences."""

import pytest
import torch

from attn_course.data import reversal_batch
from attn_course.models import TinyConfig, TinyTransformer, generate, train_reversal


@pytest.mark.parametrize(
    ("call", "error", "msg"),
    [
        (lambda: TinyTransformer(TinyConfig())(torch.zeros(2, 9, dtype=torch.long), torch.zeros(2, 1).long()),
         ValueError, r"source must have shape \(B, L <= 8\), got \(2, 9\)"),
        (lambda: TinyTransformer(TinyConfig())(torch.zeros(2, 8), torch.zeros(2, 1)),
         TypeError, "source must hold integer token ids, got dtype torch.float32"),
    ],
)
def test_bad_inputs(call, error, msg):
    with pytest.raises(error, match=msg):
        call()


def test_tiny_transformer_shapes_and_maps():
    config = TinyConfig(seq_len=6, num_layers=2, num_heads=2)
    model = TinyTransformer(config)
    source, decoder_input, _ = reversal_batch(3, config, torch.Generator().manual_seed(0))
    logits, maps = model(source, decoder_input)
    assert logits.shape == (3, 6, config.num_symbols)
    assert [m.shape for m in maps["cross"]] == [(3, 2, 6, 6)] * 2
    assert len(maps["encoder"]) == len(maps["decoder"]) == 2
    state = torch.random.get_rng_state()
    TinyTransformer(config, seed=3)
    assert torch.equal(state, torch.random.get_rng_state()), "model init must not touch the global RNG"


@pytest.mark.slow
def test_tiny_transformer_learns_to_reverse():
    config = TinyConfig()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # thousands of tiny ops: extra threads only add synchronisation
    try:
        model, losses = train_reversal(config, steps=80, seed=0)
    finally:
        torch.set_num_threads(threads)
    source, _, target = reversal_batch(500, config, torch.Generator().manual_seed(99))
    bos = torch.full((len(source), 1), config.bos)
    prediction = generate(model, bos, config.seq_len, temperature=0, use_cache=False, source=source)[:, 1:]
    accuracy = (prediction == target).float().mean().item()
    assert losses[-1] < 0.1 * losses[0]
    assert accuracy > 0.98


def test_greedy_generation_of_an_encoder_decoder_feeds_back_its_own_argmax():
    config = TinyConfig(seq_len=5, num_layers=1, num_heads=2)
    model = TinyTransformer(config, seed=1).eval()
    source, _, _ = reversal_batch(4, config, torch.Generator().manual_seed(3))
    bos = torch.full((4, 1), config.bos)
    decoded = generate(model, bos, config.seq_len, temperature=0, use_cache=False, source=source)
    assert decoded.shape == (4, 1 + config.seq_len) and torch.equal(decoded[:, :1], bos)
    with torch.no_grad():  # every generated token is the argmax after the tokens before it
        logits, _ = model(source, decoded[:, :-1])
    assert torch.equal(logits.argmax(-1), decoded[:, 1:])
    with pytest.raises(ValueError, match="use_cache=True is for decoder-only models"):
        generate(model, bos, 2, temperature=0, source=source)
    with pytest.raises(TypeError, match=r"idx must be a 2-D \(B, T\) LongTensor of token ids, got shape \(4\)"):
        generate(model, bos[:, 0], 2, temperature=0, use_cache=False, source=source)


def test_train_reversal_reports_one_loss_per_step():
    model, losses = train_reversal(TinyConfig(seq_len=4, num_layers=1), steps=3, batch_size=8, seed=0)
    assert len(losses) == 3 and not model.training

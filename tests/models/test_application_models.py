"""Application models (pooling, seq2seq, sentiment, ViT, audio): shapes, attention that respects padding, learning."""

import pytest
import torch

from attn_course.data import (
    AudioConfig,
    date_split,
    date_vocabs,
    encode_dates,
    encode_sentences,
    frame_span,
    keyword_clips,
    sentiment_sentences,
    sentiment_vocab,
    shape_images,
    spectrogram,
)
from attn_course.models import (
    AttentionPooling,
    FrameAttentionClassifier,
    SentimentClassifier,
    Seq2Seq,
    TinyViT,
    accuracy,
    accuracy_by_length,
    classifier_loss,
    cls_attention,
    seq2seq_loss,
    train,
    translate,
)


def _ids(batch, length, vocab, lengths, seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, vocab, (batch, length), generator=g)
    for row, n in enumerate(lengths):
        ids[row, n:] = 0
    return ids


# ---------------------------------------------------------------- attention pooling


def test_pooling_is_a_masked_weighted_average():
    torch.manual_seed(0)
    pool = AttentionPooling(8)
    x = torch.randn(3, 5, 8)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 0, 0, 0, 0]], dtype=torch.bool)
    pooled, weights = pool(x, mask)
    assert pooled.shape == (3, 8) and weights.shape == (3, 5)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3))
    assert (weights[~mask] == 0).all()
    torch.testing.assert_close(pooled, torch.einsum("bl,bld->bd", weights, x))
    torch.testing.assert_close(pooled[2], x[2, 0])  # one allowed position takes all the weight


def test_pooling_rejects_bad_shapes():
    pool = AttentionPooling(8)
    with pytest.raises(ValueError, match=r"x must have shape \(B, L, d_model=8\)"):
        pool(torch.randn(2, 5, 7))
    with pytest.raises(ValueError, match=r"mask must have shape \(B, L\)=\(2, 5\)"):
        pool(torch.randn(2, 5, 8), torch.ones(2, 4, dtype=torch.bool))


# ---------------------------------------------------------------- seq2seq


@pytest.mark.parametrize("attention", [True, False])
def test_seq2seq_shapes(attention):
    torch.manual_seed(0)
    model = Seq2Seq(20, 14, d_embed=8, d_hidden=16, attention=attention)
    src = _ids(4, 9, 20, [9, 5, 7, 1])
    tgt = _ids(4, 6, 14, [6, 6, 6, 6], seed=1)
    logits, weights = model(src, tgt)
    assert logits.shape == (4, 6, 14)
    ids, gen_weights = model.generate(src, max_len=6)
    assert ids.shape == (4, 6) and ids.dtype == torch.long
    if attention:
        assert weights.shape == (4, 6, 9) and gen_weights.shape == (4, 6, 9)
        torch.testing.assert_close(weights.sum(-1), torch.ones(4, 6))
        assert (weights[src[:, None, :].expand(-1, 6, -1) == 0] == 0).all()  # nothing on padding
    else:
        assert weights is None and gen_weights is None


@pytest.mark.parametrize("attention", [True, False])
def test_seq2seq_ignores_extra_padding(attention):
    torch.manual_seed(0)
    model = Seq2Seq(20, 14, d_embed=8, d_hidden=16, attention=attention)
    src = _ids(3, 6, 20, [6, 4, 2])
    padded = torch.cat([src, torch.zeros(3, 5, dtype=torch.long)], dim=1)
    tgt = _ids(3, 5, 14, [5, 5, 5], seed=2)
    torch.testing.assert_close(model(src, tgt)[0], model(padded, tgt)[0])


@pytest.mark.parametrize("attention", [True, False])
def test_seq2seq_skips_packing_without_padding_and_agrees_with_it(attention, monkeypatch):
    import attn_course.models.seq2seq as seq2seq_module

    packed_calls = []
    pack = seq2seq_module.pack_padded_sequence
    monkeypatch.setattr(seq2seq_module, "pack_padded_sequence", lambda *a, **k: packed_calls.append(1) or pack(*a, **k))
    torch.manual_seed(0)
    model = Seq2Seq(20, 14, d_embed=8, d_hidden=16, attention=attention)
    src = _ids(3, 7, 20, [7, 7, 7])  # no padding: the plain GRU
    tgt = _ids(3, 5, 14, [5, 5, 5], seed=2)
    plain = model(src, tgt)[0]
    assert not packed_calls
    with_short_row = torch.cat([src, _ids(1, 7, 20, [3], seed=3)])  # one padded row: packing
    packed = model(with_short_row, torch.cat([tgt, tgt[:1]]))[0][:3]
    assert packed_calls
    torch.testing.assert_close(plain, packed)


def test_seq2seq_bad_inputs():
    model = Seq2Seq(20, 14, d_embed=8, d_hidden=16)
    with pytest.raises(ValueError, match=r"src must be a long tensor of token ids \(B, L\)"):
        model(torch.zeros(2, 5), torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="same batch size"):
        model(torch.ones(2, 5, dtype=torch.long), torch.ones(3, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="d_hidden must be positive"):
        Seq2Seq(20, 14, d_hidden=0)


def test_accuracy_by_length_bins():
    texts = ["ab", "abcd", "abcdef", "abcdefg"]
    rates = accuracy_by_length(texts, ["x", "y", "z", "w"], ["x", "n", "z", "z"], [0, 3, 6, 8])
    assert rates == [1.0, 0.0, 0.5]
    with pytest.raises(ValueError, match="equal lengths"):
        accuracy_by_length(texts, ["x"], ["x"], [0, 3])


@pytest.mark.slow
def test_translator_fast_config_learns_and_shows_a_proper_alignment():
    train_pairs, test_pairs = date_split(2000, 200, seed=0, formats=["d Mon yyyy", "dd.mm.yyyy", "mm/dd/yy"])
    source, target = date_vocabs()
    src, tgt = encode_dates(train_pairs, source, target)
    torch.manual_seed(0)
    model = Seq2Seq(len(source), len(target), d_embed=16, d_hidden=32)
    history = train(model, seq2seq_loss, (src, tgt), epochs=4, batch_size=128, lr=2e-2, seed=0)
    assert history.loss[-1] < history.loss[0]
    texts = [h for h, _ in test_pairs]
    predictions, alignments = translate(model, texts, source, target)
    exact = sum(p == iso for p, (_, iso) in zip(predictions, test_pairs, strict=True)) / len(test_pairs)
    assert exact >= 0.8
    for text, prediction, weights in zip(texts, predictions, alignments, strict=True):
        assert weights.shape == (len(prediction) + 1, len(text))
        torch.testing.assert_close(weights.sum(-1), torch.ones(len(prediction) + 1))


# ---------------------------------------------------------------- sentiment


def test_sentiment_shapes_and_padding():
    torch.manual_seed(0)
    model = SentimentClassifier(30, d_model=8)
    ids = _ids(3, 7, 30, [7, 3, 5])
    logits, weights = model(ids)
    assert logits.shape == (3, 2) and weights.shape == (3, 7)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3))
    assert (weights[ids == 0] == 0).all()
    padded = torch.cat([ids, torch.zeros(3, 4, dtype=torch.long)], 1)
    torch.testing.assert_close(model(padded)[0], logits)


@pytest.mark.slow
def test_sentiment_fast_config_learns_and_weighs_the_opinion_word():
    vocab = sentiment_vocab()
    train_s, test_s = sentiment_sentences(1500, seed=1), sentiment_sentences(300, seed=2)
    x, y = encode_sentences(train_s, vocab)
    xt, yt = encode_sentences(test_s, vocab)
    torch.manual_seed(0)
    model = SentimentClassifier(len(vocab), d_model=16)
    train(model, classifier_loss, (x, y), epochs=3, batch_size=64, lr=1e-2, seed=0)
    assert accuracy(model, xt, yt) >= 0.9
    with torch.no_grad():
        weights = model(xt)[1]
    on_word = torch.tensor([float(weights[i, s.polarity_index]) for i, s in enumerate(test_s)])
    assert on_word.mean() > 3 / 16  # far more than a uniform share of the longest sentences


# ---------------------------------------------------------------- ViT


def test_vit_shapes_and_attention_rows():
    torch.manual_seed(0)
    model = TinyViT(image_size=12, patch_size=4, d_model=16, num_heads=2, num_layers=2, num_classes=3)
    logits, weights = model(torch.randn(5, 1, 12, 12))
    assert logits.shape == (5, 3)
    assert [tuple(w.shape) for w in weights] == [(5, 2, 10, 10)] * 2
    for w in weights:
        torch.testing.assert_close(w.sum(-1), torch.ones(5, 2, 10))
    last = cls_attention(weights, 3)
    assert last.shape == (5, 3, 3)
    torch.testing.assert_close(last.sum((1, 2)) + weights[-1].mean(1)[:, 0, 0], torch.ones(5))
    rolled = cls_attention(weights, 3, rollout=True)
    assert rolled.shape == (5, 3, 3) and (rolled >= 0).all() and (rolled.sum((1, 2)) <= 1 + 1e-6).all()


def test_vit_bad_inputs():
    with pytest.raises(ValueError, match="must be divisible by patch_size"):
        TinyViT(image_size=10, patch_size=4)
    model = TinyViT(image_size=12, patch_size=4, d_model=16, num_heads=2)
    with pytest.raises(ValueError, match=r"images must have shape \(B, 1, 12, 12\)"):
        model(torch.randn(2, 1, 16, 16))
    with pytest.raises(ValueError, match="grid"):
        cls_attention(model(torch.randn(1, 1, 12, 12))[1], 4)


@pytest.mark.slow
def test_vit_fast_config_learns():
    x, y, _ = shape_images(1500, seed=0)
    xt, yt, _ = shape_images(300, seed=1)
    torch.manual_seed(0)
    model = TinyViT(image_size=24, patch_size=6, d_model=32, num_heads=4, num_layers=1)
    train(model, classifier_loss, (x, y), epochs=4, batch_size=64, lr=3e-3, seed=0)
    assert accuracy(model, xt, yt) >= 0.8


# ---------------------------------------------------------------- audio


def test_frame_classifier_shapes_and_mask():
    torch.manual_seed(0)
    model = FrameAttentionClassifier(n_bins=10, d_model=8, num_classes=4)
    frames = torch.randn(3, 12, 10)
    mask = torch.ones(3, 12, dtype=torch.bool)
    mask[1, 8:] = False
    logits, weights = model(frames, mask)
    assert logits.shape == (3, 4) and weights.shape == (3, 12)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3))
    assert (weights[1, 8:] == 0).all()
    with pytest.raises(ValueError, match=r"frames must have shape \(B, T, n_bins=10\)"):
        model(torch.randn(3, 12, 9))
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        FrameAttentionClassifier(n_bins=10, kernel_size=4)


@pytest.mark.slow
def test_keyword_spotter_fast_config_learns_and_attends_to_the_keyword():
    config = AudioConfig(duration=0.5)  # shorter clips than the chapter's, to keep the test fast
    waves, labels, _ = keyword_clips(600, seed=0, config=config)
    test_waves, test_labels, test_spans = keyword_clips(200, seed=1, config=config)
    frames, test_frames = spectrogram(waves, config), spectrogram(test_waves, config)
    torch.manual_seed(0)
    model = FrameAttentionClassifier(n_bins=frames.shape[-1], d_model=32, num_classes=4)
    train(model, classifier_loss, (frames, labels), epochs=8, batch_size=32, lr=1e-2, seed=0)
    assert accuracy(model, test_frames, test_labels) >= 0.7
    with torch.no_grad():
        weights = model(test_frames)[1]  # (N, T)
    spans = frame_span(test_spans, config)
    has_keyword = (test_labels > 0).nonzero()[:, 0].tolist()
    inside = torch.stack([weights[i, spans[i, 0] : spans[i, 1] + 1].sum() for i in has_keyword])
    share = torch.stack([(spans[i, 1] - spans[i, 0] + 1) / config.n_frames for i in has_keyword])
    assert inside.mean() >= max(0.6, 2 * float(share.mean()))  # twice what uniform attention would put there

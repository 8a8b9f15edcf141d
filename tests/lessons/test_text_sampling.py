"""text_sampling: a seeded continuation, and an explorer whose frames change with the decoding rule."""

import torch

from attn_course.data.corpus import char_vocab
from attn_course.lessons.text_sampling import sample_text, sampling_explorer
from attn_course.models import CharGPT


def _model_and_vocab():
    vocab = char_vocab("abcdefgh ")
    return CharGPT(len(vocab), 16, 2, 1, 32, seed=0).eval(), vocab


def test_sample_text_is_reproducible_and_greedy_ignores_the_seed():
    model, vocab = _model_and_vocab()
    first = sample_text(model, vocab, "abc", 10, seed=1)
    assert len(first) == 10 and set(first) <= set("abcdefgh �")  # specials are shown as �
    assert first == sample_text(model, vocab, "abc", 10, seed=1)
    assert sample_text(model, vocab, "abc", 10, seed=1, temperature=0) == sample_text(model, vocab, "abc", 10,
                                                                                       seed=2, temperature=0)


def test_sampling_explorer_frames_change_with_the_rule(move_slider):
    model, vocab = _model_and_vocab()
    explorer = sampling_explorer(model, vocab, "abc", temperatures=[0.0, 1.0], top_ks=[1, "all"], new_tokens=8)
    assert len(explorer.frames()) == 4
    assert explorer.png(temperature=1.0, top_k="all") != explorer.png(temperature=0.0, top_k="all")
    before, after = move_slider(explorer.widget(), "top_k", 1)
    assert after != before
    html = explorer.static_html()
    assert html.count("data:image/png;base64,") == 4 + 1 and 'class="explorer-control"' in html
    assert torch.is_grad_enabled()  # nothing left switched off

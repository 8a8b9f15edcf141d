"""model_explorers: the retraining explorer uses its cache for the book and retrains live; the attention-map browser."""

import torch

from attn_course.data import reversal_batch
from attn_course.lessons.model_explorers import attention_map_explorer, retrain_explorer
from attn_course.models import TinyConfig, TinyTransformer


def test_retrain_explorer_uses_the_cache_and_retrains_live(move_slider):
    fitted = []

    def fit(width, scale):
        fitted.append((width, scale))
        return width * scale

    def draw(fig, result, width, scale):
        fig.subplots().plot([0, 1], [0, result])

    explorer = retrain_explorer(fit, draw, {"width": [1, 2], "scale": [1, 3]}, cache={(1, 1): 1, (2, 1): 2},
                                static=["width"], initial={"width": 1, "scale": 1}, title="Retrain",
                                kinds={"scale": "buttons"}, value_labels={"width": ["narrow", "wide"]})
    assert explorer.title == "Retrain" and explorer.kinds["scale"] == "buttons"
    assert explorer.display_value("width", 2) == "wide"
    explorer.static_html()
    assert fitted == []  # the book's frames come from the cache
    before, after = move_slider(explorer.widget(), "scale", 3)
    assert fitted == [(1, 3)] and after != before


def test_attention_map_explorer_redraws_when_head_changes(move_slider):
    config = TinyConfig(seq_len=4, num_layers=2, num_heads=2)
    model = TinyTransformer(config)
    source, decoder_input, _ = reversal_batch(1, config, torch.Generator().manual_seed(0))
    with torch.no_grad():
        _, maps = model(source, decoder_input)
    explorer = attention_map_explorer(maps, [str(t) for t in source[0].tolist()], list("BABC"))
    assert len(explorer.frames()) == 3 * 2 * 2
    assert set(explorer.kinds.values()) == {"buttons"}  # attention kind, layer and head are choices
    box = explorer.widget()
    for name, value in (("head", 2), ("kind", "encoder self")):
        before, after = move_slider(box, name, value)
        assert after != before, name

"""Explorer: the live widget redraws when a control moves; the static HTML holds every frame."""

import re

import numpy as np
import pytest

from attn_course.plots import Explorer
from attn_course.plots.explorer import MAX_FRAMES


def _draw(fig, freq, shift):
    ax = fig.subplots()
    x = np.linspace(0, 6, 50)
    ax.plot(x, np.sin(freq * x) + shift)


def _explorer(**kwargs):
    return Explorer(_draw, {"freq": [0.5, 1.0, 2.0], "shift": [0, 1]}, **kwargs)


def test_widget_redraws_when_a_slider_moves(move_slider):
    box = _explorer().widget()
    for name, value in (("freq", 2.0), ("shift", 0)):
        before, after = move_slider(box, name, value)
        assert after != before, name


def test_same_parameters_give_the_same_png():
    e = _explorer()
    assert e.png(freq=1.0, shift=0) == e.png(freq=1.0, shift=0)
    assert e.png(freq=1.0, shift=0) != e.png(freq=2.0, shift=0)


def test_static_html_has_one_frame_per_combination_and_a_range_per_control():
    e = _explorer(static=["freq"])
    page = e.static_html()
    assert len(e.frames()) == 3
    assert len(re.findall(r'type="range"', page)) == 1
    frames = re.search(r"var frames=(\[.*?\]);", page).group(1)
    assert frames.count("data:image/png;base64,") == 3
    assert _explorer().static_html().count('type="range"') == 2


def test_mimebundle_offers_widget_and_html():
    bundle = _explorer()._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(bundle)


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        ({"initial": {"freq": 3.0}}, r"initial\['freq'\]=3.0"),
        ({"static": ["nope"]}, "unknown controls"),
    ],
)
def test_bad_configuration(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        _explorer(**kwargs)


def test_too_many_frames_is_refused():
    with pytest.raises(ValueError, match="MAX_FRAMES"):
        Explorer(_draw, {"freq": list(range(MAX_FRAMES + 1)), "shift": [0]})

"""Explorer: the live widget redraws when a control moves; the static HTML is a finished, accessible card."""

import base64
import io
import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from attn_course.plots import Explorer
from attn_course.plots._explorer_controls import format_value
from attn_course.plots._explorer_html import MAX_TICK_LABELS, NOTE, compress_png, tick_labels
from attn_course.plots.explorer import DENSITY, DISPLAY_DPI, MAX_FRAMES

TOKENS = ["the", "cat", "sat"]


def _draw(fig, freq, shift):
    ax = fig.subplots()
    x = np.linspace(0, 6, 50)
    ax.plot(x, np.sin(freq * x) + shift)


def _explorer(**kwargs):
    return Explorer(_draw, {"freq": [0.5, 1.0, 2.0], "shift": [0, 1]}, **{"figsize": (2.0, 1.5), **kwargs})


def _draw_card(fig, query, temperature, step, uniform):
    ax = fig.subplots()
    ax.bar(range(3), [query, temperature, step])
    ax.set_title(f"{query} {temperature} {step} {uniform}")


def _card(**kwargs):
    """Every feature: buttons (a token per row index), a played step, a live-only on/off, live numbers."""
    options = dict(
        title="Weights of one query", labels={"temperature": "temperature T"}, kinds={"query": "buttons"},
        value_labels={"query": TOKENS}, play="step", static=["query", "temperature", "step"],
        readout=lambda p: {"top weight": 0.123456, "token": TOKENS[p["query"]]},
        describe=lambda p: f"Bars for {TOKENS[p['query']]}.", figsize=(3.0, 2.0),
    )
    return Explorer(_draw_card, {"query": [0, 1, 2], "temperature": [0.5, 1.0, 2.0], "step": [1, 2, 3, 4],
                                 "uniform": [True, False]}, **{**options, **kwargs})


@pytest.fixture(scope="module")
def card():
    """The card and its static HTML, built once (36 frames)."""
    e = _card()
    return e, e.static_html()


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each element that has an id."""

    def __init__(self, page):
        super().__init__()
        self.tags, self.text, self._open = [], {}, []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag not in ("input", "img", "br"):
            self._open.append(attrs.get("id") or attrs.get("class"))

    def handle_endtag(self, tag):
        if tag not in ("input", "img", "br") and self._open:
            self._open.pop()

    def handle_data(self, data):
        for key in self._open:
            if key:
                self.text[key] = self.text.get(key, "") + data

    def find(self, tag=None, **attrs):
        return [a for t, a in self.tags if (tag is None or t == tag)
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def _data(page):
    return json.loads(re.search(r"var D=(\{.*?\}),idx=D\.start", page).group(1))


def test_widget_redraws_when_a_slider_moves(move_slider):
    box = _explorer().widget()
    for name, value in (("freq", 2.0), ("shift", 0)):
        before, after = move_slider(box, name, value)
        assert after != before, name


def test_same_parameters_give_the_same_png_at_twice_the_display_density():
    e = _explorer(figsize=(3.0, 2.0))
    assert e.png(freq=1.0, shift=0) == e.png(freq=1.0, shift=0)
    assert e.png(freq=1.0, shift=0) != e.png(freq=2.0, shift=0)
    assert Image.open(io.BytesIO(e.png())).size == (3 * DISPLAY_DPI * DENSITY, 2 * DISPLAY_DPI * DENSITY)
    assert e.css_size == (3 * DISPLAY_DPI, 2 * DISPLAY_DPI)


def test_static_html_has_one_frame_per_combination_and_a_range_per_control():
    e = _explorer(static=["freq"])
    page = e.static_html()
    assert len(e.frames()) == 3
    assert len(re.findall(r'type="range"', page)) == 1
    assert len(_data(page)["frames"]) == 3
    assert all(f.startswith("data:image/png;base64,") for f in _data(page)["frames"])
    assert _explorer().static_html().count('type="range"') == 2


def test_card_is_a_named_group_with_a_live_region_and_frame_alt_text(card):
    e, page = card
    html = _Elements(page)
    (card,) = html.find("div", role="group")
    assert card["aria-label"] == "Interactive: Weights of one query"
    assert html.text["attn-explorer-badge"] == "Interactive"
    assert html.text["attn-explorer-title"] == "Weights of one query"
    (status,) = html.find(role="status")
    assert status["aria-live"] == "polite"
    assert html.text[status["class"]] == "query: cat, temperature T: 1, step: 1"  # the static controls
    (img,) = html.find("img", **{"class": "explorer-frame"})
    assert img["alt"] == ("Weights of one query (query: cat, temperature T: 1, step: 1, uniform: off). "
                          "Bars for cat.")
    assert (int(img["width"]), int(img["height"])) == e.css_size == (300, 200)
    shown = Image.open(io.BytesIO(base64.b64decode(img["src"].split(",", 1)[1])))
    assert shown.size == (300 * DENSITY, 200 * DENSITY)
    data = _data(page)
    assert data["alts"][_flat(data["start"], data["sizes"])] == img["alt"]


def _flat(indices, sizes):
    k = 0
    for index, size in zip(indices, sizes, strict=True):
        k = k * size + index
    return k


def test_frame_order_matches_the_index_the_script_computes(card):
    e, page = card  # its 36 frames, built once for the module
    data = _data(page)
    names = ["query", "temperature", "step"]
    for indices in np.ndindex(*data["sizes"]):
        alt = data["alts"][_flat(indices, data["sizes"])]
        for name, j in zip(names, indices, strict=True):
            assert f"{e.labels[name]}: {e.value_labels[name][j]}" in alt


def test_categories_are_buttons_numbers_are_sliders_with_a_tick_per_stop(card):
    e, page = card
    html = _Elements(page)
    (group,) = html.find(role="radiogroup")
    assert html.text[group["aria-labelledby"]] == "query"
    radios = html.find("input", type="radio")
    assert [r["value"] for r in radios] == ["0", "1", "2"]
    assert ["checked" in r for r in radios] == [False, True, False]
    ranges = html.find("input", type="range")
    assert [r["aria-valuetext"] for r in ranges] == ["1", "1"]  # temperature 1.0 shown as 1, step 1
    assert [(r["min"], r["max"], r["value"]) for r in ranges] == [("0", "2", "1"), ("0", "3", "0")]
    ticks = re.findall(r'<div class="attn-explorer-ticks" aria-hidden="true">(.*?)</div>', page)
    assert [re.findall(r"<span>(.*?)</span>", t) for t in ticks] == [["0.5", "1", "2"], ["1", "2", "3", "4"]]
    assert re.findall(r'<label class="attn-explorer-choice">.*?<span>(.*?)</span></label>', page) == TOKENS
    assert all("disabled" in c for c in radios + ranges)  # greyed out until the script runs
    assert _explorer().kinds == {"freq": "slider", "shift": "slider"}
    assert Explorer(_draw, {"freq": ["low", "high"], "shift": [True, False]}).kinds == {
        "freq": "buttons", "shift": "buttons"}


def test_play_button_sits_in_the_step_row_and_the_step_starts_at_its_first_stop(card):
    e, page = card
    assert e.initial["step"] == 1 and e.initial["temperature"] == 1.0  # play control: first stop; others: middle
    (button,) = _Elements(page).find("button", **{"class": "attn-explorer-play"})
    assert button["aria-pressed"] == "false" and "disabled" in button
    assert re.search(r'<label for="[\w-]+-c2">step</label><button[^>]*>.*?Play step</span></button></div>', page)
    assert _data(page)["play"] == 2
    assert "<button" not in _explorer().static_html()
    assert _data(_card(static=["query"]).static_html())["play"] == -1


def test_readout_and_value_labels_show_what_the_figure_shows(card):
    e, page = card
    assert e.display_value("query", 2) == "sat" and e.display_value("temperature", 1.0) == "1"
    assert e.display_value("uniform", True) == "on"
    assert e.readout_html({"query": 0}) == (
        '<table><tbody><tr><th scope="row">top weight</th><td>0.123</td></tr>'
        '<tr><th scope="row">token</th><td>the</td></tr></tbody></table>')
    assert '<div class="attn-explorer-readout"><table>' in page and len(_data(page)["readouts"]) == 36
    text = _card(readout=lambda p: "x < y & z").readout_html({})
    assert text == '<p class="attn-explorer-readout-text">x &lt; y &amp; z</p>'
    with pytest.raises(TypeError, match="readout must return a str or a mapping"):
        _card(readout=lambda p: 3).readout_html({})
    assert [format_value(v) for v in (1.0, 0.25, 3, True, False, "a", np.float64(2.0))] == [
        "1", "0.25", "3", "on", "off", "a", "2"]
    assert _card(value_labels={"uniform": {True: "shown"}}).value_labels["uniform"] == ["shown", "off"]


def test_untrusted_view_says_run_the_cell_and_controls_held_fixed_are_named(card):
    _, page = card
    assert NOTE == "Run this cell to explore live."
    assert f'<p class="attn-explorer-note" style="font-weight:bold">{NOTE}</p>' in page
    assert "note.parentNode.removeChild(note)" in page  # where scripts run, the note goes
    assert "Held at uniform = off here; run the notebook to vary it too." in page
    assert "Held at" not in _explorer().static_html()


def test_text_is_escaped_and_cannot_close_the_script():
    e = _card(title="<b>bold</b>", value_labels={"query": ["</script>", "a&b", '"q"']}, static=["query"])
    page = e.static_html()
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert page.count("</script>") == 1
    assert _data(page)["labels"][0] == ["</script>", "a&b", '"q"']


def test_widget_card_has_buttons_a_linked_play_and_a_live_status():
    e = _card()
    box = e.widget()
    query, temperature, step = box.sliders["query"], box.sliders["temperature"], box.sliders["step"]
    assert type(query).__name__ == "ToggleButtons" and query.options == tuple(zip(TOKENS, [0, 1, 2], strict=True))
    assert type(temperature).__name__ == "SelectionSlider" and temperature.label == "1"
    assert type(box.sliders["uniform"]).__name__ == "ToggleButtons" and box.sliders["uniform"].label == "off"
    assert set(box.play) == {"step"}
    before = box.image.value
    box.play["step"].value = 2  # what the Play widget does on each tick
    assert step.value == 3 and box.image.value != before
    assert 'role="status" aria-live="polite"' in box.status.value
    assert "step: 3" in box.status.value
    figure = r'<img class="explorer-frame" src="data:image/png;base64,[^"]+" alt="[^"]*step: 3'
    assert re.search(figure, box.image.value)
    query.value = 2
    assert "token</th><td>sat" in box.readout.value and "query: sat" in box.status.value
    assert "Interactive" in box.children[0].value and "Weights of one query" in box.children[0].value
    assert 'width="300" height="200"' in box.image.value


def test_mimebundle_offers_widget_and_html():
    bundle = _explorer()._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(bundle)


@pytest.mark.parametrize(
    ("kwargs", "error", "msg"),
    [
        ({"initial": {"freq": 3.0}}, ValueError, r"initial\['freq'\]=3.0"),
        ({"static": ["nope"]}, ValueError, "static names unknown controls"),
        ({"labels": {"nope": "x"}}, ValueError, "labels names unknown controls"),
        ({"kinds": {"freq": "dial"}}, ValueError, r"kinds\['freq'\] must be 'slider' or 'buttons'"),
        ({"kinds": {"nope": "slider"}}, ValueError, "kinds names unknown controls"),
        ({"play": "nope"}, ValueError, "play must name one control"),
        ({"value_labels": {"freq": ["a", "b"]}}, ValueError, r"value_labels\['freq'\] must give one label per value"),
        ({"value_labels": {"freq": ["a", "a", "b"]}}, ValueError, "share a label"),
        ({"describe": "text"}, TypeError, "describe must be callable"),
        ({"readout": 3}, TypeError, "readout must be callable"),
    ],
)
def test_bad_configuration(kwargs, error, msg):
    with pytest.raises(error, match=msg):
        _explorer(**kwargs)


def test_too_many_frames_is_refused():
    with pytest.raises(ValueError, match="MAX_FRAMES"):
        Explorer(_draw, {"freq": list(range(MAX_FRAMES + 1)), "shift": [0]})


@given(st.integers(min_value=1, max_value=60))
def test_tick_labels_mark_every_stop_and_label_a_readable_few(n):
    labels = [str(i) for i in range(n)]
    shown = tick_labels(labels)
    assert len(shown) == n and shown[0] == "0" and shown[-1] == str(n - 1)
    kept = [i for i, text in enumerate(shown) if text]
    assert all(shown[i] == labels[i] for i in kept)
    if n <= MAX_TICK_LABELS:
        assert shown == labels
    else:
        assert len(kept) <= MAX_TICK_LABELS
        gaps = np.diff(kept)
        assert gaps.min() >= max(1, (n - 1) // (MAX_TICK_LABELS - 1) // 2)


def test_frames_use_a_palette_only_when_it_stays_faithful():
    e = _explorer(figsize=(3.0, 2.0))
    line = e.png()
    small = compress_png(line)
    assert len(small) < len(line) and Image.open(io.BytesIO(small)).mode == "P"
    assert Image.open(io.BytesIO(small)).convert("RGB").getpixel((0, 0)) == (255, 255, 255)  # white stays white
    original, palette = (np.asarray(Image.open(io.BytesIO(b)).convert("RGB"), dtype=float) for b in (line, small))
    assert np.sqrt(np.mean((original - palette) ** 2)) < 255 / 10 ** (36 / 20)  # PSNR >= 36 dB
    noise = np.random.default_rng(0).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="PNG")
    assert compress_png(buffer.getvalue()) == buffer.getvalue()  # 256 colours cannot hold it: left as it is

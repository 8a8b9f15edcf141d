"""The explorer card in Chromium: named, announced, buttons and play that switch frames, 44 px targets, phone width.

A small page holds the static HTML of two explorers (the card with every feature, and a bare
one with default arguments), served from 127.0.0.1 with the network outside blocked.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from attn_course.plots import Explorer, _explorer_html

from .checks import new_context, serve

TOKENS = ["the", "cat", "sat"]
SCORES = np.array([[2.0, 0.5, -1.0], [0.3, 2.5, 1.0], [-0.5, 1.2, 1.8]])
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>explorers</title></head>
<body style="max-width:760px;margin:0 auto;padding:8px;font-family:sans-serif">{body}</body></html>"""


def _weights(query, temperature, step):
    scores = SCORES[query] * step / 3 / temperature
    return np.exp(scores) / np.exp(scores).sum()


def _static(params):
    return {name: params[name] for name in ("query", "temperature", "step")}


def _draw(fig, query, temperature, step, uniform):
    ax = fig.subplots()
    ax.bar(TOKENS, _weights(query, temperature, step))
    ax.set(ylim=(0, 1), title=f"{TOKENS[query]} T={temperature:g} step {step} {uniform}")


def _bare(fig, scale):
    fig.subplots().plot([0, 1, 2], [0, scale, 2 * scale])


@pytest.fixture(scope="module")
def card_page(tmp_path_factory):
    card = Explorer(
        _draw, {"query": [0, 1, 2], "temperature": [0.5, 1.0, 2.0], "step": [1, 2, 3, 4], "uniform": [True, False]},
        title="Weights of one query", labels={"temperature": "temperature T"}, kinds={"query": "buttons"},
        value_labels={"query": TOKENS}, play="step", static=["query", "temperature", "step"],
        readout=lambda p: dict(zip(TOKENS, _weights(**_static(p)).round(3), strict=True)),
        describe=lambda p: f"The largest weight is on {TOKENS[int(_weights(**_static(p)).argmax())]!r}.",
        figsize=(3.2, 2.0),
    )
    bare = Explorer(_bare, {"scale": [0.5, 1.0, 2.0]}, figsize=(6.5, 2.0))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_explorer_html, "PLAY_INTERVAL_MS", 150)  # play through 4 steps quickly
        body = card.static_html() + bare.static_html()
    folder = tmp_path_factory.mktemp("explorer-card")
    (folder / "index.html").write_text(PAGE.format(body=body))
    (folder / "unscripted.html").write_text(PAGE.format(body=_as_untrusted(body)))
    return folder


def _as_untrusted(body: str) -> str:
    """What JupyterLab's sanitiser leaves of untrusted HTML output: no script, no style, every input disabled."""
    body = re.sub(r"<script>.*?</script>", "", body, flags=re.S)
    return re.sub(r"<style>.*?</style>", "", body, flags=re.S)


@pytest.fixture
def open_page(card_page, browser):
    contexts = []

    def opener(name="index.html", width=1280):
        context = new_context(browser)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + name, wait_until="load")
        page.errors = errors
        return page

    with serve(card_page) as base:
        yield opener
        for context in contexts:
            context.close()


def test_each_card_is_a_named_group_with_a_live_region(open_page):
    page = open_page()
    assert page.get_by_role("group", name="Interactive: Weights of one query").count() == 1
    assert page.get_by_role("group", name="Interactive: Explore scale").count() == 1
    card = page.get_by_role("group", name="Interactive: Weights of one query")
    live = card.locator('[aria-live="polite"]')
    assert live.text_content() == "query: cat, temperature T: 1, step: 1"
    frame = card.get_by_role("img")
    alt, src = frame.get_attribute("alt"), frame.get_attribute("src")
    assert alt == "Weights of one query (query: cat, temperature T: 1, step: 1, uniform: off). " \
                  "The largest weight is on 'cat'."
    slider = card.get_by_role("slider", name="temperature T")
    slider.focus()
    slider.press("ArrowRight")
    assert live.text_content() == "query: cat, temperature T: 2, step: 1"
    assert slider.get_attribute("aria-valuetext") == "2"
    assert frame.get_attribute("src") != src and "temperature T: 2" in frame.get_attribute("alt")
    assert card.locator(".attn-explorer-note").count() == 0  # scripts ran: the untrusted-notebook note is gone
    assert page.errors == []


def test_buttons_switch_frames_and_readout(open_page):
    page = open_page()
    card = page.get_by_role("group", name="Interactive: Weights of one query")
    frame, live = card.get_by_role("img"), card.locator('[aria-live="polite"]')
    src = frame.get_attribute("src")
    card.get_by_role("radiogroup", name="query").get_by_text("sat", exact=True).click()  # the button a reader taps
    assert card.get_by_role("radio", name="sat").is_checked()
    assert frame.get_attribute("src") != src and live.text_content().startswith("query: sat,")
    weights = _weights(2, 1.0, 1).round(3)
    cells = card.locator(".attn-explorer-readout td").all_text_contents()
    assert cells == [f"{w:.3g}" for w in weights]
    radio = card.get_by_role("radio", name="sat")
    radio.focus()
    radio.press("ArrowLeft")  # the keyboard moves between the buttons of a group
    assert card.get_by_role("radio", name="cat").is_checked() and live.text_content().startswith("query: cat,")


def test_play_runs_the_step_through_every_frame_then_stops(open_page):
    page = open_page()
    card = page.get_by_role("group", name="Interactive: Weights of one query")
    card.get_by_role("img").evaluate("""img => { window.seen = [img.src];
        new MutationObserver(() => window.seen.push(img.src)).observe(img, {attributes: true}); }""")
    play = card.get_by_role("button", name="Play step")
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_function("() => window.seen.length >= 4")
    page.wait_for_function("b => b.getAttribute('aria-pressed') === 'false'", arg=play.element_handle())
    assert len(set(page.evaluate("window.seen"))) == 4  # steps 1, 2, 3, 4
    assert card.get_by_role("slider", name="step").get_attribute("aria-valuetext") == "4"
    assert card.locator('[aria-live="polite"]').text_content().endswith("step: 4")
    play.click()  # at the last step, play starts again from the first
    assert card.get_by_role("slider", name="step").get_attribute("aria-valuetext") == "1"


@pytest.mark.parametrize("width", [1280, 390])
def test_touch_targets_are_at_least_44px(open_page, width):
    page = open_page(width=width)
    targets = page.locator("input[type=range], .attn-explorer-choice > span, button.attn-explorer-play")
    assert targets.count() == 2 + 3 + 1 + 1
    small = [box for box in (t.bounding_box() for t in targets.all()) if box["width"] < 44 or box["height"] < 44]
    assert small == []


def test_no_sideways_scrolling_on_a_phone(open_page):
    page = open_page(width=390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for card in page.locator(".attn-explorer").all():
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert card.evaluate("el => el.scrollWidth <= el.clientWidth")
        frame = card.locator("img.explorer-frame").bounding_box()
        assert frame["x"] + frame["width"] <= box["x"] + box["width"]


def test_where_scripts_do_not_run_the_card_says_run_this_cell(open_page):
    page = open_page("unscripted.html")
    notes = page.get_by_text("Run this cell to explore live.")
    assert notes.count() == 2 and all(note.is_visible() for note in notes.all())
    assert all(el.is_disabled() for el in page.locator("input.explorer-control, button").all())
    assert page.locator("img.explorer-frame").count() == 2

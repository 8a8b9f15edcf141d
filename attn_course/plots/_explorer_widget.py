"""The live ipywidgets card of an :class:`~attn_course.plots.Explorer` (see :mod:`.explorer`).

The same card as the kernel-free HTML, built from ipywidgets: a header, one labelled row
per control (a ``SelectionSlider`` with its stops marked underneath for numbers,
``ToggleButtons`` for categories, a ``Play`` linked to a step or epoch control), the figure
redrawn by the kernel whenever a control moves, optional live numbers beside it, and a
``role="status"`` line with the current values. ipywidgets has no alt attribute for
images; the frame's description goes in the image's ``tooltip`` (its ``title``, which a
screen reader uses as the name of an image without alt text).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from ._explorer_assets import ICON
from ._explorer_html import tick_labels
from .explorer import PLAY_INTERVAL_MS

if TYPE_CHECKING:
    from .explorer import Explorer

#: Styles for the live card (JupyterLab variables, with fallbacks); ipywidgets applies them by class.
LIVE_CSS = """<style>
.attn-explorer-live{border:1px solid var(--jp-border-color1,#c9d1d9);
 border-top:4px solid var(--jp-brand-color1,#0a7d91);
 border-radius:8px;padding:8px 12px 12px;margin:8px 0;max-width:100%}
.attn-explorer-live .attn-explorer-header{display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.attn-explorer-live .attn-explorer-badge{display:inline-flex;align-items:center;gap:4px;padding:1px 8px;
 border-radius:999px;background:var(--jp-brand-color1,#0a7d91);color:#fff;font-size:11px;font-weight:700;
 letter-spacing:.05em;text-transform:uppercase}
.attn-explorer-live .attn-explorer-badge svg{width:14px;height:14px;fill:none;stroke:currentColor;stroke-width:2}
.attn-explorer-live .attn-explorer-title{font-weight:600;font-size:14px}
.attn-explorer-live .widget-toggle-button,.attn-explorer-live .jupyter-button{min-height:44px;min-width:44px}
.attn-explorer-live .widget-hslider,.attn-explorer-live .widget-play{min-height:44px}
.attn-explorer-live .attn-explorer-ticks{display:flex;justify-content:space-between;font-size:11px;
 color:var(--jp-ui-font-color2,#59636e);margin:-10px 8px 0}
.attn-explorer-live .attn-explorer-ticks>span{width:0;display:flex;justify-content:center;white-space:nowrap}
.attn-explorer-live .attn-explorer-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
.attn-explorer-live .attn-explorer-readout table{border-collapse:collapse;font-variant-numeric:tabular-nums}
.attn-explorer-live .attn-explorer-readout th,.attn-explorer-live .attn-explorer-readout td{padding:2px 8px;
 border-bottom:1px solid var(--jp-border-color2,#e1e4e8)}
</style>"""

#: Width of the slider track in the live card.
SLIDER_WIDTH = "22em"


def _header(title: str) -> str:
    return (f'{LIVE_CSS}<div class="attn-explorer-header"><span class="attn-explorer-badge">{ICON}Interactive</span>'
            f'<span class="attn-explorer-title">{html.escape(title)}</span></div>')


def _status(text: str) -> str:
    return f'<div class="attn-explorer-sr" role="status" aria-live="polite">{html.escape(text)}</div>'


def build_widget(e: Explorer) -> Any:
    """The live card: a VBox with handles ``sliders`` (every control), ``play``, ``image``, ``readout``, ``status``."""
    import ipywidgets as widgets

    label_width = f"{max(len(label) for label in e.labels.values()) + 2}ch"
    style = {"description_width": label_width}
    controls: dict[str, Any] = {}
    plays: dict[str, Any] = {}
    rows = []
    for name, values in e.controls.items():
        options = list(zip(e.value_labels[name], values, strict=True))
        if e.kinds[name] == "buttons":
            control = widgets.ToggleButtons(options=options, value=e.initial[name], description=e.labels[name],
                                            style={**style, "button_width": "auto"})
        else:
            control = widgets.SelectionSlider(options=options, value=e.initial[name], description=e.labels[name],
                                              continuous_update=False, style=style,
                                              layout=widgets.Layout(width=f"calc({label_width} + {SLIDER_WIDTH})"))
        controls[name] = control
        parts = [control]
        if name == e.play:
            plays[name] = widgets.Play(value=control.index, min=0, max=len(values) - 1, interval=PLAY_INTERVAL_MS,
                                       description=f"Play {e.labels[name]}", show_repeat=False)
            widgets.link((plays[name], "value"), (control, "index"))
            parts.append(plays[name])
        row = widgets.HBox(parts, layout=widgets.Layout(align_items="center", flex_flow="row wrap"))
        if e.kinds[name] == "slider":
            ticks = "".join(f"<span>{html.escape(t)}</span>" for t in tick_labels(e.value_labels[name]))
            marks = widgets.HTML(f'<div class="attn-explorer-ticks" aria-hidden="true">{ticks}</div>',
                                 layout=widgets.Layout(width=SLIDER_WIDTH, margin=f"0 0 4px {label_width}"))
            row = widgets.VBox([row, marks])
        rows.append(row)

    width, _ = e.css_size
    image = widgets.Image(value=e.png(), format="png", width=str(width), tooltip=e.alt_text(e.initial),
                          layout=widgets.Layout(max_width="100%", height="auto"))
    readout = widgets.HTML(f'<div class="attn-explorer-readout">{e.readout_html(e.initial)}</div>',
                           layout=widgets.Layout(min_width="9em"))
    status = widgets.HTML(_status(e.summary(e.initial)))

    def redraw(_change: object = None) -> None:
        params = {name: c.value for name, c in controls.items()}
        image.value = e.png(**params)
        image.tooltip = e.alt_text(params)
        readout.value = f'<div class="attn-explorer-readout">{e.readout_html(params)}</div>'
        status.value = _status(e.summary(params))

    for control in controls.values():
        control.observe(redraw, names="value")
    body = widgets.HBox([image, readout] if e.readout is not None else [image],
                        layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start", grid_gap="12px"))
    box = widgets.VBox([widgets.HTML(_header(e.title)), *rows, body, status])
    box.add_class("attn-explorer-live")
    # handles for tests and curious readers
    box.sliders, box.play, box.image, box.readout, box.status = controls, plays, image, readout, status
    return box

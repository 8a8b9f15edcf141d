"""The live ipywidgets card of an :class:`~attn_course.plots.Explorer` (see :mod:`.explorer`).

The same card as the kernel-free HTML, built from ipywidgets: a header, one labelled row
per control (a ``SelectionSlider`` with its stops marked underneath for numbers,
``ToggleButtons`` for categories, a ``Play`` linked to a step or epoch control), the figure
redrawn by the kernel whenever a control moves, optional live numbers beside it, and a
``role="status"`` line with the current values. The figure is an ``<img>`` with alt text
in an HTML widget (ipywidgets' ``Image`` has no alt text, and a ``tooltip`` on it breaks
its view in ipywidgets 8.1).
"""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING, Any

from ._explorer_assets import ICON
from ._explorer_html import tick_labels
from .explorer import PLAY_INTERVAL_MS

if TYPE_CHECKING:
    from .explorer import Explorer

#: Width of a slider's track (and of the tick marks under it).
TRACK = "16em"
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
.attn-explorer-live .widget-label{text-align:left;font-weight:600}
.attn-explorer-live .widget-toggle-buttons{display:flex;flex-wrap:wrap;align-items:center}
.attn-explorer-live .widget-toggle-buttons .widget-label{display:block;flex:none;margin-right:8px}
.attn-explorer-live .widget-toggle-button,.attn-explorer-live .jupyter-button{min-height:44px;min-width:44px}
.attn-explorer-live .widget-hslider{width:auto;max-width:100%}
.attn-explorer-live .widget-hslider .slider-container{flex:0 1 auto;width:__TRACK__}
.attn-explorer-live .widget-hslider,.attn-explorer-live .widget-play{min-height:44px}
.attn-explorer-live .widget-play{width:auto}
.attn-explorer-live .widget-play .jupyter-button{flex:none;width:44px}
.attn-explorer-live .attn-explorer-ticks{display:flex;justify-content:space-between;width:100%;
 margin-top:-12px;font-size:11px;color:var(--jp-ui-font-color2,#59636e)}
.attn-explorer-live .attn-explorer-ticks>span{width:0;display:flex;justify-content:center;white-space:nowrap}
.attn-explorer-live .attn-explorer-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
.attn-explorer-live .attn-explorer-readout table{border-collapse:collapse;font-variant-numeric:tabular-nums}
.attn-explorer-live .attn-explorer-readout th,.attn-explorer-live .attn-explorer-readout td{padding:2px 8px;
 border-bottom:1px solid var(--jp-border-color2,#e1e4e8)}
</style>""".replace("__TRACK__", TRACK)



def _header(title: str) -> str:
    return (f'{LIVE_CSS}<div class="attn-explorer-header"><span class="attn-explorer-badge">{ICON}Interactive</span>'
            f'<span class="attn-explorer-title">{html.escape(title)}</span></div>')


def _figure(e: Explorer, params: dict[str, Any]) -> str:
    """The frame for ``params`` as an ``<img>``: PNG at DENSITY x, shown at its CSS size, with alt text."""
    width, height = e.css_size
    src = "data:image/png;base64," + base64.b64encode(e.png(**params)).decode()
    return (f'<img class="explorer-frame" src="{src}" alt="{html.escape(e.alt_text(params))}" width="{width}" '
            f'height="{height}" style="max-width:100%;height:auto;background:#fff">')


def _status(text: str) -> str:
    return f'<div class="attn-explorer-sr" role="status" aria-live="polite">{html.escape(text)}</div>'


def build_widget(e: Explorer) -> Any:
    """The live card: a VBox with handles ``sliders`` (every control), ``play``, ``image``, ``readout``, ``status``."""
    import ipywidgets as widgets

    label_width = f"{0.65 * max(len(label) for label in e.labels.values()) + 1:.1f}em"  # bold text: em, not ch
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
                                              continuous_update=False, style=style)
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
            # under the track: past the label (its width, its 8 px margin) and the track's 6 px inset
            marks = widgets.HTML(f'<div class="attn-explorer-ticks" aria-hidden="true">{ticks}</div>',
                                 layout=widgets.Layout(width=TRACK, margin=f"0 0 4px calc({label_width} + 14px)"))
            row = widgets.VBox([row, marks])
        rows.append(row)

    image = widgets.HTML(_figure(e, e.initial), layout=widgets.Layout(max_width="100%"))
    readout = widgets.HTML(f'<div class="attn-explorer-readout">{e.readout_html(e.initial)}</div>',
                           layout=widgets.Layout(min_width="9em"))
    status = widgets.HTML(_status(e.summary(e.initial)))

    def redraw(_change: object = None) -> None:
        params = {name: c.value for name, c in controls.items()}
        image.value = _figure(e, params)
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

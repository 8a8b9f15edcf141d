"""Explorers: a figure driven by controls, live in Jupyter and kernel-free in the book.

An :class:`Explorer` wraps a drawing function ``draw(fig, **params)``:

* in Jupyter, :meth:`Explorer.widget` gives ipywidgets sliders and an image of
  the figure that is redrawn whenever a slider moves;
* in the rendered book (no kernel), :meth:`Explorer.static_html` gives the same
  sliders as plain HTML ``<input type="range">`` elements that flip between
  precomputed PNG frames, so the reader can still explore;
* displaying an ``Explorer`` in a notebook emits both, and each front end
  picks the one it can show (the book prefers the HTML; ``_config.yml`` sets
  ``nb_mime_priority_overrides``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
from collections.abc import Callable, Sequence
from typing import Any

from matplotlib.figure import Figure

DrawFn = Callable[..., None]

#: Upper bound on precomputed frames, to keep a page light.
MAX_FRAMES = 64


def render_png(draw: DrawFn, params: dict[str, Any], figsize: tuple[float, float], dpi: int = 80) -> bytes:
    """Draw ``draw(fig, **params)`` on a fresh figure (no pyplot state) and return PNG bytes."""
    fig = Figure(figsize=figsize, layout="constrained")
    draw(fig, **params)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


class Explorer:
    """A figure with sliders: ``Explorer(draw, controls, ...)``.

    Args:
        draw: ``draw(fig, **params)`` draws onto an empty ``matplotlib.figure.Figure``.
        controls: ordered mapping from parameter name to the values its slider offers.
        initial: starting value of each control (default: the middle value).
        static: the controls the kernel-free HTML version offers (default: all);
            the others stay at their initial value. The product of their value
            counts must not exceed :data:`MAX_FRAMES`.
        labels: optional display label per control.
        figsize: figure size in inches.
    """

    def __init__(
        self,
        draw: DrawFn,
        controls: dict[str, Sequence[Any]],
        *,
        initial: dict[str, Any] | None = None,
        static: Sequence[str] | None = None,
        labels: dict[str, str] | None = None,
        figsize: tuple[float, float] = (6.0, 3.5),
    ) -> None:
        if not callable(draw):
            raise TypeError(f"draw must be callable, got {type(draw).__name__}")
        if not controls or not all(len(v) > 0 for v in controls.values()):
            raise ValueError(f"controls must map each name to a non-empty list of values, got {controls!r}")
        self.draw = draw
        self.controls = {name: list(values) for name, values in controls.items()}
        self.initial = {name: values[len(values) // 2] for name, values in self.controls.items()}
        for name, value in (initial or {}).items():
            if name not in self.controls or value not in self.controls[name]:
                raise ValueError(f"initial[{name!r}]={value!r} is not one of the values of control {name!r}")
            self.initial[name] = value
        self.static = list(static) if static is not None else list(self.controls)
        unknown = [name for name in self.static if name not in self.controls]
        if unknown:
            raise ValueError(f"static names unknown controls {unknown}; controls are {list(self.controls)}")
        n_frames = 1
        for name in self.static:
            n_frames *= len(self.controls[name])
        if n_frames > MAX_FRAMES:
            raise ValueError(
                f"static controls {self.static} need {n_frames} frames, more than MAX_FRAMES={MAX_FRAMES}; "
                "offer fewer values or fewer static controls"
            )
        self.labels = {name: (labels or {}).get(name, name) for name in self.controls}
        self.figsize = figsize

    # -- the same picture, three ways -------------------------------------------------
    def figure(self, **params: Any) -> Figure:
        """Return a new figure drawn with ``params`` (missing ones take their initial value)."""
        fig = Figure(figsize=self.figsize, layout="constrained")
        self.draw(fig, **{**self.initial, **params})
        return fig

    def png(self, **params: Any) -> bytes:
        """PNG bytes of :meth:`figure` for ``params``."""
        return render_png(self.draw, {**self.initial, **params}, self.figsize)

    def widget(self) -> Any:
        """Live ipywidgets version: one slider per control above an image of the figure."""
        import ipywidgets as widgets

        image = widgets.Image(value=self.png(), format="png")
        sliders = {
            name: widgets.SelectionSlider(
                options=values, value=self.initial[name], description=self.labels[name],
                continuous_update=False, style={"description_width": "initial"},
            )
            for name, values in self.controls.items()
        }

        def redraw(_change: object = None) -> None:
            image.value = self.png(**{name: s.value for name, s in sliders.items()})

        for slider in sliders.values():
            slider.observe(redraw, names="value")
        box = widgets.VBox([*sliders.values(), image])
        box.sliders, box.image = sliders, image  # handles for tests and curious readers
        return box

    def frames(self) -> list[dict[str, Any]]:
        """Every parameter combination the static version precomputes."""
        grids = [self.controls[name] for name in self.static]
        return [{**self.initial, **dict(zip(self.static, combo, strict=True))} for combo in itertools.product(*grids)]

    def static_html(self) -> str:
        """Kernel-free HTML: range inputs that switch between precomputed PNG frames."""
        frames = self.frames()
        images = ["data:image/png;base64," + base64.b64encode(self.png(**p)).decode() for p in frames]
        uid = "explorer-" + hashlib.sha1("".join(images).encode()).hexdigest()[:10]
        sizes = [len(self.controls[name]) for name in self.static]
        start = [self.controls[name].index(self.initial[name]) for name in self.static]
        rows = []
        for i, name in enumerate(self.static):
            shown = [html.escape(_fmt(v)) for v in self.controls[name]]
            rows.append(
                f'<label style="display:block;font-family:sans-serif;font-size:0.9em">'
                f"{html.escape(self.labels[name])}: "
                f'<input type="range" class="explorer-control" data-index="{i}" min="0" max="{sizes[i] - 1}" '
                f'step="1" value="{start[i]}" style="vertical-align:middle;width:14em"> '
                f'<output>{shown[start[i]]}</output></label>'
            )
        labels_js = json.dumps([[_fmt(v) for v in self.controls[name]] for name in self.static])
        first = _flat_index(start, sizes)
        return (
            f'<div class="attn-explorer" id="{uid}">{"".join(rows)}'
            f'<img class="explorer-frame" alt="explorer figure" src="{images[first]}" style="max-width:100%">'
            f"<script>(function(){{var root=document.getElementById('{uid}');"
            f"var frames={json.dumps(images)};var sizes={json.dumps(sizes)};var labels={labels_js};"
            "var inputs=root.querySelectorAll('input.explorer-control');"
            "function show(){var k=0;inputs.forEach(function(el,i){k=k*sizes[i]+Number(el.value);"
            "el.nextElementSibling.textContent=labels[i][Number(el.value)];});"
            "root.querySelector('img.explorer-frame').src=frames[k];}"
            "inputs.forEach(function(el){el.addEventListener('input',show);});})();</script></div>"
        )

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        bundle = self.widget()._repr_mimebundle_()
        bundle = dict(bundle[0] if isinstance(bundle, tuple) else bundle)
        bundle["text/html"] = self.static_html()
        bundle["text/plain"] = f"<Explorer: {', '.join(self.controls)}>"
        return bundle


def _flat_index(indices: Sequence[int], sizes: Sequence[int]) -> int:
    flat = 0
    for index, size in zip(indices, sizes, strict=True):
        flat = flat * size + index
    return flat


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)

"""Explorers: a figure driven by controls, live in Jupyter and kernel-free in the book.

An :class:`Explorer` wraps a drawing function ``draw(fig, **params)`` in a titled card
marked "Interactive": one labelled control per parameter, the figure, and optionally live
numbers beside it. Numbers get a slider with a tick per stop; categories (strings,
on/off, a few model kinds) get a row of buttons; a step or epoch control can get a play
button. A screen reader hears the current values (``aria-live``), and the figure's alt
text describes the frame.

* In Jupyter, :meth:`Explorer.widget` builds the card from ipywidgets and redraws the
  figure whenever a control moves (``_explorer_widget.py``).
* In the rendered book (no kernel), :meth:`Explorer.static_html` builds the same card in
  plain HTML whose controls flip between precomputed PNG frames (``_explorer_html.py``).
  In an untrusted notebook, where scripts do not run, that HTML shows greyed-out
  controls and the note "Run this cell to explore live".
* Displaying an ``Explorer`` emits both; the book shows the HTML (``_config.yml`` sets
  ``nb_mime_priority_overrides``), a live Jupyter kernel shows the widget.

Frames are drawn at ``DENSITY`` × ``DISPLAY_DPI`` and shown at ``DISPLAY_DPI`` CSS pixels
per inch, so text stays sharp on high-density screens.

Initial values: a control starts at ``initial[name]`` when given; otherwise a ``play``
control (a step, an epoch) starts at its first stop, so that pressing play runs forward,
and every other control at its middle stop, so that both directions are open to explore.
"""

from __future__ import annotations

import html
import io
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from matplotlib.figure import Figure

from ._explorer_controls import check_names, control_kinds, display_labels, is_number, join_words

DrawFn = Callable[..., None]
Kind = Literal["slider", "buttons"]
Readout = Callable[[dict[str, Any]], "str | Mapping[str, Any]"]

#: Upper bound on precomputed frames, to keep a page light.
MAX_FRAMES = 64
#: CSS pixels per inch of figure: a 6.8 in figure fills the book's ~690 px text column.
DISPLAY_DPI = 100
#: Frames are rendered at this multiple of DISPLAY_DPI (2: sharp on high-density screens).
DENSITY = 2
#: Milliseconds between frames when a play button runs.
PLAY_INTERVAL_MS = 900


def render_png(draw: DrawFn, params: dict[str, Any], figsize: tuple[float, float],
               dpi: int = DISPLAY_DPI * DENSITY) -> bytes:
    """Draw ``draw(fig, **params)`` on a fresh figure (no pyplot state) and return PNG bytes."""
    fig = Figure(figsize=figsize, layout="constrained")
    draw(fig, **params)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


class Explorer:
    """A figure with controls: ``Explorer(draw, controls, ...)``, a finished interactive card.

    Args:
        draw: ``draw(fig, **params)`` draws onto an empty ``matplotlib.figure.Figure``.
        controls: ordered mapping from parameter name to the values its control offers.
        initial: starting value of each control (default: the first stop of the ``play``
            control, the middle stop of the others).
        static: the controls the kernel-free HTML version offers (default: all); the
            others stay at their initial value, and the card says so. The product of
            their value counts must not exceed :data:`MAX_FRAMES`.
        labels: optional display label per control (default: its name).
        figsize: figure size in inches; shown at :data:`DISPLAY_DPI` CSS px per inch.
        title: the card's title (default: "Explore" and the control labels).
        kinds: ``"slider"`` or ``"buttons"`` per control. Default: a slider when every
            value is a number, buttons otherwise (strings, booleans, model kinds).
        play: name of a step or epoch control that gets a play button.
        value_labels: per control, how each value is shown, as a list (one per value)
            or a mapping ``{value: label}`` (default: numbers as ``:g``, so ``1.0``
            shows as ``1``; booleans as on/off). Use it so the controls say what the figure says (a token
            rather than a row index).
        describe: ``describe(params) -> str``, a sentence about the frame, added to its
            alt text after the control values.
        readout: ``readout(params)``, live numbers shown beside the figure: a string, or
            a mapping ``{row label: number or text}`` shown as a two-column table
            (floats as ``:.3g``).
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
        title: str | None = None,
        kinds: dict[str, Kind] | None = None,
        play: str | None = None,
        value_labels: dict[str, Sequence[str] | Mapping[Any, str]] | None = None,
        describe: Callable[[dict[str, Any]], str] | None = None,
        readout: Readout | None = None,
    ) -> None:
        if not callable(draw):
            raise TypeError(f"draw must be callable, got {type(draw).__name__}")
        if not controls or not all(len(v) > 0 for v in controls.values()):
            raise ValueError(f"controls must map each name to a non-empty list of values, got {controls!r}")
        for name, fn in (("describe", describe), ("readout", readout)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name} must be callable or None, got {type(fn).__name__}")
        self.draw, self.describe, self.readout = draw, describe, readout
        self.controls = {name: list(values) for name, values in controls.items()}
        if play is not None and (not isinstance(play, str) or play not in self.controls):
            raise ValueError(f"play must name one control, one of {list(self.controls)}; got {play!r}")
        self.play = play
        self.initial = {name: values[0 if name == self.play else len(values) // 2]
                        for name, values in self.controls.items()}
        for name, value in (initial or {}).items():
            if name not in self.controls or value not in self.controls[name]:
                raise ValueError(f"initial[{name!r}]={value!r} is not one of the values of control {name!r}")
            self.initial[name] = value
        self.static = check_names("static", static, self.controls) if static is not None else list(self.controls)
        n_frames = 1
        for name in self.static:
            n_frames *= len(self.controls[name])
        if n_frames > MAX_FRAMES:
            raise ValueError(
                f"static controls {self.static} need {n_frames} frames, more than MAX_FRAMES={MAX_FRAMES}; "
                "offer fewer values or fewer static controls"
            )
        check_names("labels", labels or {}, self.controls)
        self.labels = {name: (labels or {}).get(name, name) for name in self.controls}
        self.figsize = figsize
        self.title = title if title is not None else "Explore " + join_words([self.labels[n] for n in self.controls])
        self.kinds = control_kinds(self.controls, kinds or {})
        self.value_labels = display_labels(self.controls, value_labels or {})

    # -- what a reader is told ---------------------------------------------------------
    def display_value(self, name: str, value: Any) -> str:
        """The label control ``name`` shows for ``value``."""
        return self.value_labels[name][self.controls[name].index(value)]

    def summary(self, params: dict[str, Any], names: Sequence[str] | None = None) -> str:
        """``"label: value, ..."`` for ``names`` (default: every control), as the controls show them."""
        params = {**self.initial, **params}
        return ", ".join(f"{self.labels[n]}: {self.display_value(n, params[n])}" for n in (names or self.controls))

    def alt_text(self, params: dict[str, Any]) -> str:
        """Alt text of the frame for ``params``: the title, every control value, and ``describe``."""
        params = {**self.initial, **params}
        text = f"{self.title} ({self.summary(params)})"
        return f"{text}. {self.describe(params)}" if self.describe is not None else text

    def readout_html(self, params: dict[str, Any]) -> str:
        """The live numbers for ``params`` as HTML ("" without a ``readout``): escaped text or a table."""
        if self.readout is None:
            return ""
        result = self.readout({**self.initial, **params})
        if isinstance(result, str):
            return f'<p class="attn-explorer-readout-text">{html.escape(result)}</p>'
        if not isinstance(result, Mapping):
            raise TypeError(f"readout must return a str or a mapping, got {type(result).__name__}")
        rows = "".join(
            f'<tr><th scope="row">{html.escape(str(key))}</th>'
            f"<td>{html.escape(f'{value:.3g}' if is_number(value) else str(value))}</td></tr>"
            for key, value in result.items()
        )
        return f"<table><tbody>{rows}</tbody></table>"

    @property
    def css_size(self) -> tuple[int, int]:
        """The figure's on-screen size in CSS pixels (its PNG is :data:`DENSITY` times larger)."""
        return round(self.figsize[0] * DISPLAY_DPI), round(self.figsize[1] * DISPLAY_DPI)

    # -- the same picture, three ways -------------------------------------------------
    def figure(self, **params: Any) -> Figure:
        """Return a new figure drawn with ``params`` (missing ones take their initial value)."""
        fig = Figure(figsize=self.figsize, layout="constrained")
        self.draw(fig, **{**self.initial, **params})
        return fig

    def png(self, **params: Any) -> bytes:
        """PNG bytes of :meth:`figure` for ``params``, at :data:`DENSITY` × :data:`DISPLAY_DPI`."""
        return render_png(self.draw, {**self.initial, **params}, self.figsize)

    def widget(self) -> Any:
        """Live ipywidgets card: labelled sliders and buttons above an image of the figure."""
        from ._explorer_widget import build_widget

        return build_widget(self)

    def frames(self) -> list[dict[str, Any]]:
        """Every parameter combination the static version precomputes."""
        grids = [self.controls[name] for name in self.static]
        return [{**self.initial, **dict(zip(self.static, combo, strict=True))} for combo in itertools.product(*grids)]

    def static_html(self) -> str:
        """Kernel-free HTML card whose controls switch between precomputed PNG frames."""
        from ._explorer_html import static_html

        return static_html(self)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        bundle = self.widget()._repr_mimebundle_()
        bundle = dict(bundle[0] if isinstance(bundle, tuple) else bundle)
        bundle["text/html"] = self.static_html()
        bundle["text/plain"] = f"<Explorer: {', '.join(self.controls)}>"
        return bundle

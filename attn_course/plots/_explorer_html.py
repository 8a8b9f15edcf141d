"""The kernel-free HTML card of an :class:`~attn_course.plots.Explorer` (see :mod:`.explorer`).

Markup, in order: a header (badge "Interactive" and the title; the card is a group
named "Interactive: <title>" for assistive technology), a note "Run this cell to explore live" that the script
removes (so it stays only where scripts do not run: an untrusted notebook, whose
sanitiser also drops the ``<style>`` and disables every input), the controls (a range
input with tick marks per numeric control, a radio group drawn as buttons per
categorical one, a play button beside a step or epoch control), the frame with its alt
text and optional live numbers, a line naming the controls held fixed, and a visually
hidden ``aria-live`` region that repeats the current values.

Frames are PNGs at :data:`~attn_course.plots.explorer.DENSITY` times the display
resolution, reduced to a 256-colour palette when that keeps them faithful (a third to a
half of the bytes; the course's figures come out at 45-50 dB), embedded as ``data:`` URLs.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import math
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from ._explorer_assets import CSS, ICON, SCRIPT
from .explorer import PLAY_INTERVAL_MS

if TYPE_CHECKING:
    from .explorer import Explorer

#: A palette frame is kept only if its peak signal-to-noise ratio against the full-colour one is at least this.
MIN_PALETTE_PSNR_DB = 36.0
#: Most tick labels under one slider; with more stops, every k-th stop is labelled (all get a mark).
MAX_TICK_LABELS = 8
NOTE = "Run this cell to explore live."


def compress_png(png: bytes) -> bytes:
    """The PNG as a 256-colour palette image when that is smaller and faithful (PSNR ≥ 36 dB), else unchanged."""
    rgb = Image.open(io.BytesIO(png)).convert("RGB")
    palette = rgb.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)  # fast: ~30 ms
    colours = palette.getpalette()  # [r, g, b, r, g, b, ...]; the octree rounds the white paper to 254
    palette.putpalette([255 if min(colours[i - i % 3:i - i % 3 + 3]) >= 252 else c for i, c in enumerate(colours)])
    error = np.asarray(palette.convert("RGB"), dtype=np.float64) - np.asarray(rgb, dtype=np.float64)  # (H, W, 3)
    mse = float(np.mean(error**2))
    psnr = math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG")
    smaller = buffer.getvalue()
    return smaller if psnr >= MIN_PALETTE_PSNR_DB and len(smaller) < len(png) else png


def tick_labels(labels: list[str]) -> list[str]:
    """The label under each stop: all of them, or every k-th (and the last) when there are many."""
    n = len(labels)
    if n <= MAX_TICK_LABELS:
        return labels
    step = math.ceil((n - 1) / (MAX_TICK_LABELS - 1))
    keep = {i for i in range(0, n, step)}
    keep = {i for i in keep if n - 1 - i >= step / 2} | {n - 1}  # no label crowding the last one
    return [label if i in keep else "" for i, label in enumerate(labels)]


def _play_button(uid: str, label: str) -> str:
    return (f'<button type="button" class="attn-explorer-play" aria-pressed="false" aria-controls="{uid}-frame" '
            f'disabled><span class="attn-explorer-sr">Play {html.escape(label)}</span></button>')


def _control(e: Explorer, uid: str, i: int, name: str, index: int) -> str:
    label, shown = html.escape(e.labels[name]), e.value_labels[name]
    play = _play_button(uid, e.labels[name]) if name == e.play else ""
    if e.kinds[name] == "buttons":
        choices = "".join(
            f'<label class="attn-explorer-choice"><input type="radio" class="explorer-control" name="{uid}-c{i}" '
            f'value="{j}"{" checked" if j == index else ""} disabled><span>{html.escape(text)}</span></label>'
            for j, text in enumerate(shown)
        )
        return (f'<div class="attn-explorer-label"><span id="{uid}-l{i}">{label}</span>{play}</div>'
                f'<div class="attn-explorer-input" data-control="{i}" role="radiogroup" aria-labelledby="{uid}-l{i}">'
                f'<div class="attn-explorer-choices">{choices}</div></div>')
    ticks = " ".join(f"<span>{html.escape(text)}</span>" for text in tick_labels(shown))
    return (f'<div class="attn-explorer-label"><label for="{uid}-c{i}">{label}</label>{play}</div>'
            f'<div class="attn-explorer-input" data-control="{i}"><div class="attn-explorer-track">'
            f'<input type="range" class="explorer-control" id="{uid}-c{i}" min="0" max="{len(shown) - 1}" step="1" '
            f'value="{index}" aria-valuetext="{html.escape(shown[index])}" disabled>'
            f'<div class="attn-explorer-ticks" aria-hidden="true">{ticks}</div></div>'
            f'<span class="attn-explorer-value">{html.escape(shown[index])}</span></div>')


def _fixed_note(e: Explorer) -> str:
    fixed = [name for name in e.controls if name not in e.static]
    if not fixed:
        return ""
    held = ", ".join(f"{e.labels[n]} = {e.display_value(n, e.initial[n])}" for n in fixed)
    them = "it" if len(fixed) == 1 else "them"
    return f'<p class="attn-explorer-fixed">Held at {html.escape(held)} here; run the notebook to vary {them} too.</p>'


def _script_json(data: object) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def static_html(e: Explorer) -> str:
    """The card for ``e``; one frame per combination of its static controls' values."""
    frames = e.frames()
    images = ["data:image/png;base64," + base64.b64encode(compress_png(e.png(**p))).decode() for p in frames]
    alts = [e.alt_text(p) for p in frames]
    readouts = [e.readout_html(p) for p in frames] if e.readout is not None else None
    uid = "explorer-" + hashlib.sha1((e.title + "".join(images)).encode()).hexdigest()[:10]
    sizes = [len(e.controls[name]) for name in e.static]
    start = [e.controls[name].index(e.initial[name]) for name in e.static]
    first = 0
    for index, size in zip(start, sizes, strict=True):
        first = first * size + index
    rows = "".join(_control(e, uid, i, name, start[i]) for i, name in enumerate(e.static))
    width, height = e.css_size
    readout = f'<div class="attn-explorer-readout">{readouts[first]}</div>' if readouts is not None else ""
    data = {
        "names": [e.labels[name] for name in e.static], "labels": [e.value_labels[name] for name in e.static],
        "sizes": sizes, "start": start, "frames": images, "alts": alts, "readouts": readouts,
        "play": e.static.index(e.play) if e.play in e.static else -1, "interval": PLAY_INTERVAL_MS,
    }
    script = SCRIPT.replace("__UID__", uid).replace("__DATA__", _script_json(data))
    status = e.summary(e.initial, e.static)
    return (
        f'<div class="attn-explorer" id="{uid}" role="group" aria-label="Interactive: {html.escape(e.title)}">'
        f"<style>{CSS}</style>"
        f'<div class="attn-explorer-header"><span class="attn-explorer-badge">{ICON}Interactive</span> '
        f'<span class="attn-explorer-title">{html.escape(e.title)}</span></div>'
        f'<p class="attn-explorer-note" style="font-weight:bold">{NOTE}</p>'
        f'<div class="attn-explorer-controls">{rows}</div>'
        f'<div class="attn-explorer-body"><div class="attn-explorer-figure">'
        f'<img class="explorer-frame" id="{uid}-frame" src="{images[first]}" alt="{html.escape(alts[first])}" '
        f'width="{width}" height="{height}" style="max-width:100%;height:auto"></div>{readout}</div>'
        f"{_fixed_note(e)}"
        f'<div class="attn-explorer-status attn-explorer-sr" role="status" aria-live="polite">'
        f"{html.escape(status)}</div>"
        f"<script>{script}</script></div>"
    )

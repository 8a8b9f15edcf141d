"""nbval configuration for the chapter notebooks.

nbval compares each cell's stored outputs with a fresh run. By default it
already skips images and widget views (whose model ids are random). Figures
are checked by the unit tests of :mod:`attn_course.plots` instead, and volatile
cells (timings, widgets, progress bars) carry the cell tag
``nbval-ignore-output``.
"""


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        # matplotlib's animation HTML (to_jshtml) embeds random element ids and
        # base64 frames; the frames' data is covered by attn_course's tests.
        collector.skip_compare += ("text/html", "application/javascript", "image/svg+xml")

"""Live figures that fit the page: a wider screen shows a dashboard larger, text included.

A figure is sized for the output area of JupyterLab at 1280 px with the file browser open, at
one pixel per point. On a wider screen that leaves most of the width empty and the text as small
as on a 1280 projector. A :class:`RoomProbe` (an invisible, full-width widget beside the figure)
reports the width its box has and the window's height; :func:`zoom_for` turns them into a zoom,
and :meth:`Zoom.apply` renders the figure at ``72 × zoom`` dpi, so everything in it (panels,
lines, text) grows together and the layout stays the one checked at 1280.

The zoom grows up to :data:`MAX_ZOOM` (what 1920 px is to 1280) while the figure and the
controls above it still fit the window's height; it goes below 1 only when the room is narrower
than the figure (a wider file browser, a small window), so the figure shrinks to fit instead of
being cut off. Zooms are steps of :data:`ZOOM_STEP`: a window dragged wider redraws a few times,
not at every pixel.
"""
import functools
import math

from .player import on_loop_thread

MAX_ZOOM = 1.5
"""The largest zoom: a 1920 px screen is 1.5 times a 1280 px one."""
MIN_ZOOM = 0.5
"""The smallest zoom, for a room much narrower than the figure."""
CANVAS_MARGIN_PX = 8
"""Width around a canvas in its box: ipympl's 2 px canvas margin and the widget's 2 px, on
each side."""
ZOOM_STEP = 0.05
"""Zooms are whole multiples of this."""
ABOVE_FIGURE_PX = 200
"""Height kept free above a figure: JupyterLab's menu, tab and toolbar rows (about 100 px) and
the strength slider and play row (about 100 px), so they stay in view with the whole figure."""
REPORT_DELAY_MS = 150
"""The probe reports a size once it has stayed this long (a window drag sends one report)."""

PROBE_JS = f"""
export default {{
  render({{ model, el }}) {{
    el.style.width = "100%";
    el.style.height = "0px";
    const showZoom = () => {{ el.dataset.zoom = String(model.get("zoom")); }};
    showZoom();
    model.on("change:zoom", showZoom);
    let timer = null;
    const report = () => {{
      const room = Math.floor(el.getBoundingClientRect().width);
      if (room <= 0) return;              // not shown (a hidden tab, a collapsed output)
      if (room === model.get("room") && window.innerHeight === model.get("window_height"))
        return;
      model.set("room", room);
      model.set("window_height", window.innerHeight);
      model.save_changes();
    }};
    const later = () => {{ clearTimeout(timer); timer = setTimeout(report, {REPORT_DELAY_MS}); }};
    const observer = new ResizeObserver(later);
    observer.observe(el);
    window.addEventListener("resize", later);
    return () => {{
      observer.disconnect();
      model.off("change:zoom", showZoom);
      window.removeEventListener("resize", later);
      clearTimeout(timer);
    }};
  }}
}};
"""


def zoom_for(room_px, window_height_px, size_px):
    """The zoom for a figure of ``size_px = (width, height)`` (at zoom 1) in a box
    ``room_px`` wide, in a window ``window_height_px`` tall: the largest multiple of
    :data:`ZOOM_STEP` up to :data:`MAX_ZOOM` that fits both, but never below 1 for the height
    alone; below 1 only to fit the width (at least :data:`MIN_ZOOM`).

    >>> zoom_for(1488, 1080, (828, 446)), zoom_for(848, 720, (828, 446))
    (1.5, 1.0)
    >>> zoom_for(744, 1080, (576, 504)), zoom_for(831, 720, (828, 446))
    (1.25, 0.95)
    """
    width, height = size_px
    across = (room_px - CANVAS_MARGIN_PX) / width
    fits = across if across < 1 else max(
        1.0, min(across, (window_height_px - ABOVE_FIGURE_PX) / height, MAX_ZOOM))
    steps = math.floor(fits / ZOOM_STEP + 1e-9)
    return min(max(round(steps * ZOOM_STEP, 2), MIN_ZOOM), MAX_ZOOM)


@functools.cache
def probe_class():
    """The :class:`RoomProbe` widget class, made on first use (anywidget is imported only
    then), or None without anywidget (figures then keep their size)."""
    try:
        import anywidget
        import traitlets
    except ImportError:
        return None

    class RoomProbe(anywidget.AnyWidget):
        """An invisible full-width widget that reports its width (``room``) and the window's
        height (``window_height``), in CSS pixels, whenever either changes; it shows the zoom
        its figure is drawn at as its element's ``data-zoom``."""
        _esm = PROBE_JS
        room = traitlets.Int(0).tag(sync=True)
        window_height = traitlets.Int(0).tag(sync=True)
        zoom = traitlets.Float(1.0).tag(sync=True)

    return RoomProbe


class Zoom:
    """Render ``canvas``'s figure at the zoom its probe's room allows.

    ``zoom`` is the current zoom; :meth:`apply` sets one directly (as a probe report does).
    The browser answers the canvas's new size with a "refresh", which renders the figure anew:
    one frame (a second one sent meanwhile would only replace it while the browser decodes).
    ``on_zoom()``, if given, drops what the new size makes stale (a blitter's background).
    """

    def __init__(self, canvas, on_zoom=None):
        self.canvas, self.figure, self.on_zoom = canvas, canvas.figure, on_zoom
        self.dpi, self.inches = self.figure.dpi, tuple(self.figure.get_size_inches())
        self.size_px = tuple(v * self.dpi for v in self.inches)
        self.zoom = 1.0
        probe = probe_class()
        self.probe = None if probe is None else probe()
        if self.probe is not None:
            self.probe.observe(on_loop_thread(self._reported), names=["room", "window_height"])

    def _reported(self, change):
        if self.probe.room > 0 and self.probe.window_height > 0:
            self.apply(zoom_for(self.probe.room, self.probe.window_height, self.size_px))

    def apply(self, zoom):
        """Render at ``72 × zoom`` dpi from now on (the figure's inches unchanged) and tell the
        browser the canvas's new size; nothing when ``zoom`` is the current one."""
        if zoom == self.zoom:
            return
        self.zoom, dpi = zoom, self.dpi * zoom
        if self.probe is not None:
            self.probe.zoom = zoom
        # as matplotlib's own canvas._set_device_pixel_ratio does: _original_dpi is the dpi of
        # one CSS pixel, rendered at that times the screen's device pixel ratio (changing only
        # the dpi, a HiDPI screen would undo the zoom); the browser is told once, below
        self.figure._original_dpi = dpi
        self.figure._set_dpi(dpi * self.canvas.device_pixel_ratio, forward=False)
        # whole CSS pixels, so the browser's answer (its canvas size) keeps the figure's inches
        self.figure.set_size_inches([round(v * dpi) / dpi for v in self.inches], forward=False)
        if self.on_zoom is not None:
            self.on_zoom()
        self.canvas.manager.resize(*self.figure.bbox.size)

    def widgets(self):
        """What shows the figure, in page order: the probe (when anywidget is there), then the
        canvas."""
        return [self.canvas] if self.probe is None else [self.probe, self.canvas]

    def close(self):
        """Free the probe widget (and its layout)."""
        if self.probe is not None:
            self.probe.layout.close()
            self.probe.close()

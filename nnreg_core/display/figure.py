"""The live figure of a dashboard: one matplotlib Figure, shown by its own ipympl canvas (or,
without ipympl, redrawn into an ``Output``), created once and updated in place, and zoomed to
the width the page gives it (:mod:`~nnreg_core.display.zoom`).
"""
import io

import ipywidgets as W
import numpy as np
from IPython.display import Image, clear_output, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .blit import Blitter
from .controls import live_canvas
from .panels import PANEL_LAYOUT
from .zoom import Zoom

DPI = 72


class LiveFigure:
    """A Figure and what shows it: ``widget`` (the canvas, after the probe that measures its
    room) goes into the dashboard's layout once.

    Args:
        figsize: inches; at :data:`DPI` one point is one screen pixel.
        panels: a callable returning the current panels (what the blitter redraws).
        whole_frames: send every frame whole (animation) or as diffs repaired at rest.
    """

    def __init__(self, figsize, panels, whole_frames=False):
        self.figure = Figure(figsize=figsize, dpi=DPI, layout=PANEL_LAYOUT)
        self.canvas = live_canvas(self.figure)
        self.blitter = None if self.canvas is None else Blitter(self.canvas, panels)
        self.output = W.Output() if self.canvas is None else None
        if self.canvas is not None:
            self.canvas.whole_frames = whole_frames
        self.zoom = None if self.canvas is None else Zoom(self.canvas, self._zoomed)
        self.widget = W.VBox(self.zoom.widgets() if self.zoom is not None else [self.output])
        self.displayed = False

    @property
    def animated(self):
        """Whether panels should mark their changing artists animated (a blitting canvas)."""
        return self.blitter is not None

    @property
    def viewed(self):
        """Whether a browser's view of the canvas is up (it has sent ipympl's "initialized").
        Until then a frame would be rendered for nobody (under nbclient, nbval or a Run All
        whose views start after the cells): the view's first request renders the state then."""
        return self.canvas is not None and not self.canvas.syncing_data_url

    def flush(self):
        """Send the current state to a view: a blit (or a full render when limits changed);
        before a view is up, nothing (its first draw renders everything)."""
        if self.blitter is not None:
            if self.displayed and self.viewed:
                self.blitter.update()
            return
        with self.output:
            clear_output(wait=True)
            display(self.figure)

    def rendered(self):
        """The whole figure drawn now, as the canvas shows it: ``(height, width, 3)`` uint8 RGB
        at the figure's current dpi."""
        if not isinstance(self.figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self.figure)
        self.figure.canvas.draw()
        return np.asarray(self.figure.canvas.get_renderer().buffer_rgba())[..., :3].copy()

    def _zoomed(self):
        """The figure's dpi changed: the blitter's background no longer fits (the browser's
        refresh after the resize renders everything anew)."""
        self.blitter.background = None

    def whole_frames(self, whole):
        if self.canvas is not None:
            self.canvas.whole_frames = whole

    def close(self):
        """Free the canvas widget and the figure's artists."""
        if self.canvas is not None:
            if self.canvas.settle_handle is not None:
                self.canvas.settle_handle.cancel()
            self.canvas.mpl_disconnect(self.blitter.hook)
            self.blitter.background = None
            self.zoom.close()
        toolbar = getattr(self.canvas, "toolbar", None)
        for widget in (toolbar, self.canvas, self.output, self.widget):
            if widget is not None:
                widget.layout.close()
                widget.close()
        self.figure.clear()


def png_image(*pictures):
    """``(h, w, 3)`` uint8 pictures stacked top to bottom (narrower ones padded with white on
    the right) as one PNG :class:`IPython.display.Image`."""
    from PIL import Image as PILImage   # Pillow: installed with matplotlib
    width = max(p.shape[1] for p in pictures)
    rows = [np.pad(p, ((0, 0), (0, width - p.shape[1]), (0, 0)), constant_values=255)
            for p in pictures]
    buffer = io.BytesIO()
    PILImage.fromarray(np.concatenate(rows)).save(buffer, format="png")
    return Image(data=buffer.getvalue(), format="png")

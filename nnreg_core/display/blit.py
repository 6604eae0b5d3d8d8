"""Fast redraws of a live figure by blitting: axes, ticks and labels are rendered once into a
background; each update restores it and draws only the artists that changed.

A full render happens only when an axis limit changed (or the panels were rebuilt). Any full
render (also one the browser asks for) passes through the ``draw_event`` hook, which keeps the
background current and paints the changing artists on top, so a frame is never sent without
them. With ipympl the canvas then sends only the pixels that differ from the previous frame.
"""
import math

from .style import axes_limits


class Blitter:
    """Keep ``canvas`` (an Agg-based canvas with ``copy_from_bbox``/``blit``) up to date.

    Args:
        canvas: the figure's canvas.
        panels: a callable returning the current panels (an object with
            ``animated_artists()``, the artists that change, in drawing order). New panels
            (after a rebuild) force a full render.
    """

    def __init__(self, canvas, panels):
        self.canvas, self.figure, self.panels = canvas, canvas.figure, panels
        self.background = None
        self.overlay_boxes = None
        self.seen = None
        self.limits = None
        self.full_draws = 0
        self.blits = 0
        self.hook = canvas.mpl_connect("draw_event", self._on_draw)

    def artists(self):
        return self.panels().animated_artists()

    def update(self):
        """Show the artists' current state: a blit when the background still fits, else a
        full render."""
        artists = self.artists()
        for artist in artists:
            artist.set_animated(True)
        current = axes_limits(self.figure)
        if self.background is None or current != self.limits or self.seen is not self.panels():
            self.seen = self.panels()
            self.canvas.draw()
            return
        self.canvas.restore_region(self.background)
        self._draw_artists()
        self.canvas.blit(self.figure.bbox)
        self.blits += 1

    def _on_draw(self, event):
        """After a full render without the animated artists: keep it, then paint them."""
        if event is not None and event.canvas is not self.canvas:
            return
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.overlay_boxes = None
        self.limits = axes_limits(self.figure)
        self.seen = self.panels()
        self._draw_artists()
        self.full_draws += 1

    def _draw_artists(self):
        for artist in self.artists():
            artist.set_animated(True)
            self.figure.draw_artist(artist)
        self._restore_overlays()

    def _restore_overlays(self):
        """Put the overlays' pixels (legends over the curves) back from the background."""
        if self.overlay_boxes is None:
            self.overlay_boxes = self._overlay_boxes()
        for left, top, right, bottom in self.overlay_boxes:
            self.canvas.restore_region(self.background, bbox=(left, top, right, bottom),
                                       xy=(left, top))

    def _overlay_boxes(self):
        """Each overlay's pixel box ``(left, top, right, bottom)`` (from the top, one pixel
        of margin); measured once per background, since overlays never move between renders."""
        renderer = self.canvas.get_renderer()
        height = self.figure.bbox.height
        boxes = []
        for artist in self.panels().overlays():
            box = artist.get_window_extent(renderer)
            boxes.append((math.floor(box.x0) - 1, math.floor(height - box.y1) - 1,
                          math.ceil(box.x1) + 1, math.ceil(height - box.y0) + 1))
        return boxes

"""The ipympl canvas of a dashboard: every frame whole, PNG-encoded fast.

matplotlib's web canvas normally sends a "diff" frame (the pixels that changed since the last
frame, transparent elsewhere) that the browser paints over its current image. ipympl's frontend
decodes each frame by pointing one ``Image`` at it: a frame that arrives while the previous one
is still decoding replaces it, and the replaced frame is never painted. With diff frames the
next one is then painted over a stale image, and the skipped pixels stay wrong for good (white
gaps in curves, stripes through bars, two titles on top of each other) whenever frames come
faster than the browser decodes them, as while training is animated.

:class:`FastCanvas` therefore sends every frame in "full" mode: a skipped frame only means a
lower frame rate, and the latest frame is always the whole, correct figure. Its PNG encoder runs
at ``compress_level=1`` (zlib's default level costs more than drawing the changed artists on a
1080×648 frame): a larger message, encoded several times faster.
"""
from io import BytesIO

import numpy as np
from ipympl.backend_nbagg import Canvas
from PIL import Image

PNG_LEVEL = 1


def encode_png(pixels, level=PNG_LEVEL):
    """PNG bytes of an RGBA image.

    Args:
        pixels: uint8 array of shape ``(height, width, 4)``.
        level: zlib compression level, 0 (none) to 9 (smallest).
    """
    with BytesIO() as png:
        Image.fromarray(pixels).save(png, format="png", compress_level=level)
        return png.getvalue()


class FastCanvas(Canvas):
    """An ipympl ``Canvas`` that sends whole frames, PNG-encoded at ``compress_level=1``."""

    def get_diff_image(self):
        """The next frame to send: the whole rendered image, or None when nothing was drawn
        since the last one (the hook matplotlib's ``refresh_all`` calls)."""
        if not self._png_is_old:
            return None
        pixels = np.asarray(self.get_renderer().buffer_rgba())
        self.set_image_mode("full")
        self._last_buff = pixels.view(np.uint32).squeeze(2).copy()
        self._force_full = False
        self._png_is_old = False
        return encode_png(pixels)

"""The ipympl canvas of a dashboard: every frame whole, PNG-encoded fast.

matplotlib's web canvas normally sends a "diff" frame (the pixels that changed since the last
frame, transparent elsewhere) that the browser paints over its current image. ipympl's frontend
decodes each frame by pointing one ``Image`` at it: a frame that arrives while the previous one
is still decoding replaces it, and the replaced frame is never painted. With diff frames the
next one is then painted over a stale image, and the skipped pixels stay wrong for good (white
gaps in curves, stripes through bars, two titles on top of each other) whenever frames come
faster than the browser decodes them, as while training is animated.

:class:`FastCanvas` therefore sends whole frames by default: a skipped frame only means a lower
frame rate, and the latest frame is always the whole, correct figure. That is what an animation
needs. Scrubbing wants the shortest time from slider to frame, and a whole 1080×648 frame costs
about 10 ms more to encode than a diff; with ``whole_frames=False`` the canvas sends diffs and,
once changes pause for :data:`SETTLE_SECONDS`, one whole frame, so any frame the browser skipped
during a fast drag is repaired as soon as the slider rests. Its PNG encoder writes rows
unfiltered at zlib level 1 (:func:`encode_png`: zlib's default level, or Pillow's search over row
filters, costs more than drawing the changed artists).
"""
import asyncio
import struct
import zlib
from base64 import b64encode

import numpy as np
from ipympl.backend_nbagg import Canvas

from .player import on_loop_thread

PNG_LEVEL = 1
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SETTLE_SECONDS = 0.15


def png_chunk(kind, data):
    """One PNG chunk: length, type, data and CRC-32 of type and data."""
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def encode_png(pixels, level=PNG_LEVEL):
    """PNG bytes of an RGBA image, every row unfiltered (filter type 0).

    A frame is mostly flat colour or, as a diff, mostly zeros, which zlib packs well as it is;
    trying PNG's five row filters (as Pillow does) costs more than the compression saves: this
    encodes a 1080×648 frame in about half Pillow's time, to about the same size.

    Args:
        pixels: uint8 array of shape ``(height, width, 4)``.
        level: zlib compression level, 0 (none) to 9 (smallest).
    """
    height, width, _ = pixels.shape
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)   # a 0 (no filter) byte per row
    rows[:, 1:] = pixels.reshape(height, 4 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)   # 8-bit RGBA
    return (PNG_SIGNATURE + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(rows.data, level)) + png_chunk(b"IEND", b""))


class FastCanvas(Canvas):
    """An ipympl ``Canvas`` with fast PNG frames: whole frames, or diffs repaired when settled.

    Set ``whole_frames = False`` for diff frames (scrub mode); see the module docstring.
    """

    whole_frames = True
    settle_handle = None

    def __init__(self, figure, *args, **kwargs):
        super().__init__(figure, *args, **kwargs)
        self._on_kernel_thread = on_loop_thread(super()._handle_message)

    def _handle_message(self, object, content, buffers):
        """The browser's messages ("draw", "refresh", "resize"…), handled on the kernel's
        thread (see :func:`~nnreg_core.display.player.on_loop_thread`)."""
        self._on_kernel_thread(object, content, buffers)

    def get_diff_image(self):
        """The next frame to send, or None when nothing was drawn since the last one (the hook
        matplotlib's ``refresh_all`` calls)."""
        if not self._png_is_old:
            return None
        pixels = np.asarray(self.get_renderer().buffer_rgba())
        buff = pixels.view(np.uint32).squeeze(2)
        whole = (self.whole_frames or self._force_full or buff.shape != self._last_buff.shape
                 or (pixels[:, :, 3] != 255).any())
        self.set_image_mode("full" if whole else "diff")
        output = pixels if whole else np.where(buff != self._last_buff, buff, 0).view(
            np.uint8).reshape(pixels.shape)
        self._last_buff = buff.copy()
        self._force_full = False
        self._png_is_old = False
        if not whole:
            self._settle_later()
        return encode_png(np.ascontiguousarray(output))

    def send_binary(self, data):
        """Send a frame; before a view exists also keep the whole image as ``_data_url``, with
        its ``data:image/png;base64,`` prefix (ipympl stores it bare, and a browser then
        requests the base64 text as a relative URL and logs an error for each frame)."""
        if self.syncing_data_url:
            pixels = self._last_buff.view(np.uint8).reshape((*self._last_buff.shape, 4))
            self._data_url = "data:image/png;base64," + b64encode(encode_png(pixels)).decode()
        self.send({"data": '{"type": "binary"}'}, buffers=[data])

    def _settle_later(self):
        """Send one whole frame once no new frame has come for :data:`SETTLE_SECONDS`."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return                  # no event loop (plain Python): nothing to repair later
        if self.settle_handle is not None:
            self.settle_handle.cancel()
        self.settle_handle = loop.call_later(SETTLE_SECONDS, self.send_whole_frame)

    def send_whole_frame(self):
        """Send the current image again as a whole frame."""
        self.settle_handle = None
        self._force_full = True
        self._png_is_old = True
        self.manager.refresh_all()

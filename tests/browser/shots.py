"""Screenshots compared pixel by pixel, and waits on an element until its pixels settle or change.

A pixel counts as changed when one of its RGB channels moves by more than :data:`PIXEL_TOLERANCE`
(0-255 scale), which ignores anti-aliasing jitter but not a redrawn bar or line.
"""
import io
import time

import numpy as np

PIXEL_TOLERANCE = 8
"""A pixel counts as changed when one of its channels moves by more than this (0-255 scale)."""


def decode_png(png):
    """Decode PNG bytes to a uint8 array of shape ``(height, width, 3)`` (RGB)."""
    from PIL import Image  # Pillow: a dependency of matplotlib

    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


def changed_mask(png_a, png_b, tolerance=PIXEL_TOLERANCE):
    """Which pixels differ between two screenshots, shape ``(height, width)`` (bool).

    A pixel is changed when ``max_c |a[c] - b[c]| > tolerance``. Images of different sizes are
    compared on the union of their areas; pixels that only one image covers count as changed.
    """
    a, b = decode_png(png_a).astype(np.int16), decode_png(png_b).astype(np.int16)
    height, width = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])
    mask = np.ones((height, width), dtype=bool)
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    mask[:h, :w] = np.abs(a[:h, :w] - b[:h, :w]).max(axis=2) > tolerance
    return mask


def changed_fraction(png_a, png_b, tolerance=PIXEL_TOLERANCE):
    """The fraction of pixels that differ between two screenshots (see :func:`changed_mask`).

    >>> from PIL import Image
    >>> def png(color):
    ...     buffer = io.BytesIO(); Image.new("RGB", (4, 5), color).save(buffer, "PNG")
    ...     return buffer.getvalue()
    >>> changed_fraction(png((255, 255, 255)), png((255, 255, 255)))
    0.0
    >>> changed_fraction(png((255, 255, 255)), png((0, 0, 0)))
    1.0
    """
    return float(changed_mask(png_a, png_b, tolerance).mean())


def save_difference(png_a, png_b, path, tolerance=PIXEL_TOLERANCE):
    """Save a picture of the changed pixels (red on a faded copy of ``png_b``) to ``path``."""
    from PIL import Image

    mask = changed_mask(png_a, png_b, tolerance)
    after = decode_png(png_b)
    canvas = np.full(mask.shape + (3,), 255, dtype=np.uint8)
    canvas[:after.shape[0], :after.shape[1]] = 255 - (255 - after) // 4
    canvas[mask] = (220, 30, 30)
    Image.fromarray(canvas).save(path)


def wait_until_settled(element, quiet_s=1.0, poll_s=0.25, timeout_s=30.0):
    """Screenshot ``element`` until it has not changed for ``quiet_s`` seconds; return the PNG.

    Raises:
        AssertionError: the element still changed after ``timeout_s`` seconds.
    """
    deadline = time.monotonic() + timeout_s
    last = element.screenshot()
    stable_since = time.monotonic()
    while time.monotonic() - stable_since < quiet_s:
        assert time.monotonic() < deadline, f"the figure kept changing for {timeout_s:.0f} s"
        time.sleep(poll_s)
        shot = element.screenshot()
        if changed_fraction(last, shot) > 0:
            last, stable_since = shot, time.monotonic()
    return last


def wait_for_change(element, before, min_fraction, timeout_s=30.0, poll_s=0.25):
    """Screenshot ``element`` until at least ``min_fraction`` of its pixels differ from ``before``.

    Returns:
        The settled screenshot (PNG bytes) once the change is seen, or the last screenshot when
        ``timeout_s`` passed without it (the caller's assertion then reports the fraction).
    """
    deadline = time.monotonic() + timeout_s
    shot = element.screenshot()
    while changed_fraction(before, shot) < min_fraction and time.monotonic() < deadline:
        time.sleep(poll_s)
        shot = element.screenshot()
    if changed_fraction(before, shot) < min_fraction:
        return shot
    return wait_until_settled(element, timeout_s=timeout_s)


def aligned_changed_fraction(reference_png, shot_png, max_margin=2, tolerance=PIXEL_TOLERANCE):
    """The fraction of ``reference_png``'s pixels that differ from ``shot_png`` where the
    reference fits best inside the shot.

    An element's screenshot is cut at whole pixels around a box that may start between two, so
    it can be up to a pixel wider or taller than the image drawn in it: the reference is tried at
    every offset that keeps it inside the shot, and the smallest fraction is returned.

    Raises:
        ValueError: the shot is smaller than the reference, or larger by more than ``max_margin``
            pixels in a direction (then it does not show that image at its size).
    """
    reference, shot = (decode_png(png).astype(np.int16) for png in (reference_png, shot_png))
    extra_rows, extra_cols = shot.shape[0] - reference.shape[0], shot.shape[1] - reference.shape[1]
    if not (0 <= extra_rows <= max_margin and 0 <= extra_cols <= max_margin):
        raise ValueError(f"a shot of {shot.shape[1]}x{shot.shape[0]} px cannot show an image of "
                         f"{reference.shape[1]}x{reference.shape[0]} px at its size")
    height, width = reference.shape[:2]
    return min(float((np.abs(shot[dy:dy + height, dx:dx + width] - reference).max(axis=2)
                      > tolerance).mean())
               for dy in range(extra_rows + 1) for dx in range(extra_cols + 1))


DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968],
                         [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])
"""Machado, Oliveira and Fernandes (2009): full deuteranopia, on linear RGB."""


def simulate_deuteranopia(png):
    """PNG bytes of ``png`` as a deuteranope sees it (:data:`DEUTERANOPIA` on linear sRGB).

    >>> from PIL import Image
    >>> buffer = io.BytesIO(); Image.new("RGB", (2, 2), (255, 255, 255)).save(buffer, "PNG")
    >>> decode_png(simulate_deuteranopia(buffer.getvalue()))[0, 0].tolist()
    [255, 255, 255]
    """
    from PIL import Image

    srgb = decode_png(png).astype(float) / 255
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(linear @ DEUTERANOPIA.T, 0, 1)
    back = np.where(seen <= 0.0031308, 12.92 * seen, 1.055 * seen ** (1 / 2.4) - 0.055)
    buffer = io.BytesIO()
    Image.fromarray(np.round(back * 255).astype(np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()

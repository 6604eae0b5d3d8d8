"""Data augmentation: every training batch moved and turned a little before the forward pass.

:class:`Augment` acts on the batch (``acts == "batch"``, the first stage of
:func:`nnreg_core.steps.update`), in training mode only: evaluation sees the images as they are.
Each image of a batch is shifted by ``(dy, dx)`` pixels, each drawn uniformly from
``[-shift, shift]``, and rotated by ``θ`` drawn uniformly from ``[-degrees, degrees]`` about its
centre, by bilinear interpolation (:func:`transform`); pixels coming in from outside the image
are blank. Labels are untouched: a digit moved by a pixel is still the same digit, which is the
knowledge of the data an augmentation carries (Gaussian input noise carries none).

Images are transformed in their raw pixel values: a batch of standardized pixels
``x = (raw - mean) / scale`` is mapped back with ``mean`` and ``scale`` (shape ``(d,)``, from the
training images, see :func:`nnreg_core.draws.digits_draw`), transformed with blank = 0, and
standardized again. Moving a standardized pixel as it is would be wrong: a stroke moved onto an
almost always blank border pixel becomes tens of standard deviations large.
"""
import numpy as np

from .base import Regularizer, Strength, format_strength, per_model
from ..validate import numeric_array, whole_number


def transform(images, dy, dx, theta, fill=0.0):
    """Images moved by ``(dy, dx)`` pixels (down, right) and rotated by ``theta`` radians
    (clockwise on screen) about their centre, by bilinear interpolation.

    ``images`` has shape ``(..., H, W)``; ``dy``, ``dx``, ``theta`` broadcast against its
    leading axes ``(...)``. Output pixel ``p`` reads the input at ``R(-θ)(p - c - t) + c``
    (``c`` the centre, ``t = (dy, dx)``); samples outside the image read ``fill``. Integer
    shifts with ``theta = 0`` move pixels exactly.

    >>> img = np.arange(9.0).reshape(3, 3)
    >>> transform(img, 1, 0, 0).tolist()
    [[0.0, 0.0, 0.0], [0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    """
    images = np.asarray(images)
    h, w = images.shape[-2:]
    lead = images.shape[:-2]
    dy, dx, theta = (np.broadcast_to(np.asarray(v, dtype=float), lead)[..., None]
                     for v in (dy, dx, theta))
    rows, cols = np.divmod(np.arange(h * w), w)
    cr, cc = (h - 1) / 2, (w - 1) / 2
    pr, pc = rows - cr - dy, cols - cc - dx
    cos, sin = np.cos(theta), np.sin(theta)
    src_r, src_c = cos * pr - sin * pc + cr, sin * pr + cos * pc + cc
    r0, c0 = np.floor(src_r), np.floor(src_c)
    fr, fc = src_r - r0, src_c - c0
    # a border of ``fill`` one pixel wide: every corner outside the image reads it (clipped)
    padded = np.full(lead + (h + 2, w + 2), fill, dtype=float)
    padded[..., 1:-1, 1:-1] = images
    r0, c0 = r0.astype(np.intp), c0.astype(np.intp)
    rows0, rows1 = (np.clip(r, -1, h) + 1 for r in (r0, r0 + 1))
    cols0, cols1 = (np.clip(c, -1, w) + 1 for c in (c0, c0 + 1))
    width = w + 2
    start = (np.arange(padded[..., 0, 0].size) * (h + 2) * width).reshape(lead + (1,))
    flat = padded.reshape(-1)
    v = [flat[start + r * width + c] for r, c in ((rows0, cols0), (rows0, cols1),
                                                  (rows1, cols0), (rows1, cols1))]
    out = ((1 - fr) * ((1 - fc) * v[0] + fc * v[1])
           + fr * ((1 - fc) * v[2] + fc * v[3]))
    return out.reshape(images.shape).astype(images.dtype, copy=False)


class Augment(Regularizer):
    """Random shifts of up to ``shift`` pixels and rotations of up to ``degrees``, per image.

    Args:
        shift: the largest shift along each axis, in pixels (a number or one per model, shape
            ``(K,)``); 0 with ``degrees=0`` turns augmentation off.
        degrees: the largest rotation, in degrees (a number or one per model).
        image_shape: ``(H, W)`` with ``H * W = d`` (8x8 for the digits).
        mean, scale: the standardization of the inputs (``x = (raw - mean) / scale``), shape
            ``(d,)``, or ``(K, d)`` for one per model (models trained on different draws); the
            defaults leave raw pixels as they are.

    ``apply(X, rng)`` returns the augmented batch: ``(n, d)``, or ``(K, n, d)`` when a strength
    is given per model or ``X`` already carries a model axis.

    >>> X = np.zeros((5, 64)); X[:, 27] = 1.0
    >>> out = Augment(1.0).apply(X, np.random.default_rng(0))
    >>> out.shape, out.dtype, bool(np.all(out.sum(axis=1) > 0))
    ((5, 64), dtype('float64'), True)
    """

    acts = "batch"
    shift = Strength(upper=4.0)
    degrees = Strength(upper=45.0)

    def __init__(self, shift=1.0, degrees=10.0, image_shape=(8, 8), mean=0.0, scale=1.0):
        super().__init__()
        self.shift, self.degrees = shift, degrees
        wanted = f"(height, width), e.g. (8, 8) for the digits; got {image_shape!r}."
        if isinstance(image_shape, (str, bytes)) or np.ndim(image_shape) != 1:
            raise TypeError(f"Augment image_shape must be {wanted}")
        if len(image_shape) != 2:
            raise ValueError(f"Augment image_shape must be two numbers, {wanted}")
        self.image_shape = tuple(whole_number(s, "Augment image_shape") for s in image_shape)
        self.mean = numeric_array(mean, "Augment mean").astype(float)
        if not np.all(np.isfinite(self.mean)):
            raise ValueError("Augment mean must be finite (the training images' pixel means, "
                             "0 for standardized images); it holds NaN or infinite values.")
        self.scale = numeric_array(scale, "Augment scale").astype(float)
        if np.any(self.scale <= 0) or not np.all(np.isfinite(self.scale)):
            raise ValueError("Augment scale must be positive and finite (the training images' "
                             "pixel standard deviations, 1 for constant pixels).")

    @property
    def strength(self):
        return self.shift

    def draw(self, lead, rng):
        """``(dy, dx, theta)``, each of shape ``lead``: uniform in ±shift, ±shift, ±degrees
        (theta in radians), from one draw of ``rng`` of shape ``(3,) + lead``."""
        u = rng.uniform(-1.0, 1.0, size=(3,) + tuple(lead))
        shift = per_model(self.shift, len(lead))
        radians = np.deg2rad(per_model(self.degrees, len(lead)))
        return u[0] * shift, u[1] * shift, u[2] * radians

    def apply(self, X, rng):
        """The batch ``X`` (``(n, d)`` or ``(K, n, d)``) with every image moved and turned."""
        if not isinstance(rng, np.random.Generator):
            raise ValueError("augmentation needs rng=np.random.default_rng(seed); got "
                             f"{type(rng).__name__}.")
        h, w = self.image_shape
        if X.shape[-1] != h * w:
            raise ValueError(f"Augment image_shape {self.image_shape} needs {h * w} inputs per "
                             f"sample, got {X.shape[-1]}: augmentation moves the pixels of "
                             "images (such as the digits); for images of another size pass "
                             "image_shape=(H, W).")
        k = next((len(v) for v in (self.shift, self.degrees) if np.ndim(v)), None)
        if k is not None and X.ndim == 2:
            X = np.broadcast_to(X, (k,) + X.shape)
        if self.mean.ndim == 2 or self.scale.ndim == 2:
            k = max(len(v) for v in (self.mean, self.scale) if v.ndim == 2)
            X = np.broadcast_to(X, (k,) + X.shape[-2:])
        mean, scale = (v[:, None, :] if v.ndim == 2 else v for v in (self.mean, self.scale))
        dy, dx, theta = self.draw(X.shape[:-1], rng)
        raw = (X * scale + mean).reshape(X.shape[:-1] + (h, w))
        moved = transform(raw, dy, dx, theta).reshape(X.shape)
        return ((moved - mean) / scale).astype(X.dtype, copy=False)

    def describe(self):
        return (f"augmentation: shifts ≤ {format_strength(self.shift)} px, rotations ≤ "
                f"{format_strength(self.degrees)}°")

"""Hidden activations and their derivatives, written with the activation's output.

``tanh``: ``h = tanh(z)``, ``dh/dz = 1 - h^2``; ``relu``: ``h = max(z, 0)``, ``dh/dz = [h > 0]``;
``sigmoid``: ``h = 1 / (1 + e^-z)`` (computed as ``(1 + tanh(z/2)) / 2``), ``dh/dz = h (1 - h)``.
The ``_in_place`` forms write into their first argument, with the same operations and so the same
bits, for the training loop's fast paths.

>>> activation_grad(activate(np.array([0.0]), "tanh"), "tanh").tolist()
[1.0]
"""
import numpy as np

ACTIVATIONS = ("tanh", "relu", "sigmoid")


def sigmoid(z):
    """``1 / (1 + e^-z)``, computed as ``(1 + tanh(z/2)) / 2`` (no overflow for large |z|)."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def activate(z, name):
    """Apply a hidden activation elementwise. ``z``: any shape."""
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    return sigmoid(z)


def activation_grad(h, name):
    """Derivative of the activation, written with its output ``h = activate(z)``."""
    if name == "tanh":
        return 1.0 - h * h
    if name == "relu":
        return (h > 0).astype(h.dtype)
    return h * (1.0 - h)


def activate_in_place(z, name):
    """:func:`activate` written into ``z`` itself (the same operations, so the same bits)."""
    if name == "tanh":
        return np.tanh(z, out=z)
    if name == "relu":
        return np.maximum(z, 0.0, out=z)
    z *= 0.5
    np.tanh(z, out=z)
    z += 1.0
    z *= 0.5
    return z


def times_activation_grad(da, h, name):
    """``da * activation_grad(h, name)``, computed into ``da`` (the same values, fewer copies)."""
    if name == "relu":
        return np.multiply(da, h > 0, out=da)
    if name == "tanh":
        slope = h * h
        np.subtract(1.0, slope, out=slope)
    else:
        slope = 1.0 - h
        slope *= h
    da *= slope
    return da


def softmax_in_place(z, row=None):
    """The softmax of the rows of ``z``, ``(…, m, w)``, in place: ``exp(z - max) / sum``; the row
    maxima and sums go into ``row``, ``(…, m, 1)`` (allocated when None)."""
    if row is None:
        row = np.empty(z.shape[:-1] + (1,), z.dtype)
    np.maximum.reduce(z, axis=-1, keepdims=True, out=row)
    z -= row
    np.exp(z, out=z)
    np.add.reduce(z, axis=-1, keepdims=True, out=row)
    z /= row
    return z


def swap_last(a):
    """Transpose the last two axes: ``(…, n, d) -> (…, d, n)``."""
    return np.swapaxes(a, -1, -2)

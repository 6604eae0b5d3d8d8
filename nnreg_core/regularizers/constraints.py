"""Constraints: a projection applied to the weights after each update (projected gradient descent).

:class:`MaxNorm` bounds the L2 norm of each unit's incoming weight vector: for a weight matrix ``W``
of shape ``(fan_in, fan_out)`` (``(K, fan_in, fan_out)`` with a model axis), unit j's incoming
weights are the column ``W[..., :, j]``, so norms are taken over ``axis=-2``, the fan-in axis.
Columns with ``||w_j||_2 > c`` are scaled down to norm ``c``; the others are left alone:

    w_j <- w_j * min(1, c / ||w_j||_2)
"""
import numpy as np

from ..validate import whole_number
from .base import Regularizer, Strength, format_strength, per_model

NORM_AXIS = -2


def check_layers(layers):
    """1-based layer indices as a tuple of ints; a lone number or a string is refused."""
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"MaxNorm layers must be a list of 1-based layer indices such as [1, 2] "
                        f"(or None for all), got {layers!r}.")
    return tuple(whole_number(i, "MaxNorm layers") for i in layers)


def column_norms(W):
    """L2 norm of each unit's incoming weights: ``(…, fan_in, fan_out) -> (…, fan_out)``."""
    return np.sqrt(np.sum(W * W, axis=NORM_AXIS))


class MaxNorm(Regularizer):
    """Keep ``||W[:, j]||_2 <= c`` for every unit j of the chosen layers, after every step.

    Args:
        c: the bound, > 0 (3 to 4 is typical), or one per model.
        layers: 1-based indices of the weight matrices to constrain; None means all of them.

    >>> import numpy as np
    >>> p = {"W1": np.array([[3.0, 0.3], [4.0, 0.4]])}
    >>> MaxNorm(1.0).apply(p); p["W1"].round(3).tolist()
    [[0.6, 0.3], [0.8, 0.4]]
    """

    fast_paths = frozenset({"chunks"})

    acts = "constraint"
    c = Strength(positive=True)

    def __init__(self, c, layers=None):
        super().__init__(include_biases=False)
        self.c = c
        self.layers = None if layers is None else check_layers(layers)

    @property
    def strength(self):
        return self.c

    def names(self, params):
        weights = [n for n in params if n.startswith("W")]
        if self.layers is None:
            return weights
        chosen = [f"W{i}" for i in self.layers]
        missing = [n for n in chosen if n not in params]
        if missing:
            raise ValueError(f"MaxNorm layers {self.layers} name {missing}, which the network "
                             f"lacks; it has {weights}.")
        return chosen

    def apply(self, params):
        """Project in place so that every constrained column has norm <= c."""
        for name in self.names(params):
            W = params[name]
            c = per_model(self.c, W.ndim - 1)
            norms = column_norms(W)
            scale = c / np.maximum(norms, c)  # exactly 1 inside the ball (and for zero columns)
            W *= scale[..., None, :]

    def describe(self):
        return f"max-norm c={format_strength(self.c)} (per unit, incoming weights)"

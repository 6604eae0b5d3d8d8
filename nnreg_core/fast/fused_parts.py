"""What the fused step of :mod:`nnreg_core.fast.fused` needs around it: when it applies, its packing
order, its L2 factors, its buffers and its softmax.
"""
import math

import numpy as np

from ..model import MLP
from ..optim import SGD


def can_fuse(model, groups, optimizer):
    """Whether a step may run fused: an :class:`~nnreg_core.model.MLP`, plain
    :class:`~nnreg_core.optim.SGD`, penalties that all declare the ``"fused"`` fast path (L2),
    no decay, no augmentation and no training-mode noise (the parameters must also pack, see
    :func:`~nnreg_core.fast.packed.can_pack`)."""
    return (type(model) is MLP and type(optimizer) is SGD
            and not groups["batch"] and not groups["forward"] and not groups["decay"]
            and all("fused" in p.fast_paths for p in groups["gradient"]))


def checks_each_step(model):
    """Whether the fused step must test the loss at every step: only for ``"mse"`` (see the
    module docstring); then chunks of a batched run go step by step together."""
    return model.loss == "mse"


def l2_factors(penalties, lr, dtype=np.float64):
    """``(weight_factor, bias_factor)``: ``1 - lr * lam``, with ``lam`` the summed strengths of
    the L2 penalties covering weights (and biases). None where no penalty acts; shape ``(K, 1)``
    for per-model strengths, in ``dtype`` (float32 factors keep a float32 run's scaling in
    float32: a float64 factor would make NumPy cast the whole weight block to float64 and back).

    >>> from nnreg_core import L2
    >>> l2_factors([L2(0.5), L2(0.25, include_biases=True)], lr=0.1)
    (0.925, 0.975)
    """
    weights = biases = 0.0
    for penalty in penalties:
        weights = weights + penalty.lam
        if penalty.include_biases:
            biases = biases + penalty.lam
    return _decay_factor(weights, lr, dtype), _decay_factor(biases, lr, dtype)


def _decay_factor(lam, lr, dtype):
    """``1 - lr * lam`` for a float, or shaped ``(K, 1)`` for an array; None when lam is 0."""
    if isinstance(lam, float):
        return None if lam == 0.0 else 1.0 - lr * lam
    if not lam.any():
        return None
    return (1.0 - lr * lam).reshape(-1, 1).astype(dtype, copy=False)


def fused_order(model):
    """The packing order the fused step needs: ``b1, W1, …, WL, bL``, then the middle biases.

    The first layer's bias lies just before its weights and the last layer's just after, so
    that ``[b1; W1]`` and ``[WL; bL]`` are matrices: a column of ones beside the inputs (before)
    or the last hidden activations (after) makes one matrix product add the bias, and the
    transposed product gives the bias gradient with the weight gradient.

    >>> fused_order(MLP((4, 8, 8, 2)))
    ['b1', 'W1', 'W2', 'W3', 'b3', 'b2']
    """
    n = model.n_layers
    order = ["b1"] + [f"W{i}" for i in range(1, n + 1)]
    if n > 1:
        order += [f"b{n}"] + [f"b{i}" for i in range(2, n)]
    return order


class Buffers:
    """Arrays for batches of ``m`` samples, shaped ``lead + (m, width)``.

    ``z[i]`` holds layer i's pre-activation, then its activation (the output layer's becomes
    the output gradient). The last hidden layer's has one more column, of ones, for the output
    bias; ``h[i]`` is the view without it. ``da[i]`` and ``slope[i]`` hold a hidden layer's
    incoming gradient and activation slope (a mask for relu), as wide as ``z[i]`` so that
    element-wise work runs on whole, contiguous arrays; ``zeros[i]`` is zeros shaped like
    ``z[i]``, for relu. ``row`` holds one value per sample for the softmax, and ``ones`` and
    ``means`` columns of ``1`` and ``1 / n_outputs`` that sum and average the rows of the
    outputs in one matrix product each.
    """

    def __init__(self, model, lead, m, dtype):
        hidden, n_out = model.sizes[1:-1], model.sizes[-1]
        self.widths = list(hidden)
        self.z, self.h = [], []
        for i, width in enumerate(hidden):
            extra = 1 if i == len(hidden) - 1 else 0
            z = np.empty(lead + (m, width + extra), dtype)
            z[..., width:] = 1.0
            self.z.append(z)
            self.h.append(z[..., :width])
        self.z.append(np.empty(lead + (m, n_out), dtype))
        self.h.append(self.z[-1])
        self.da = [np.empty_like(z) for z in self.z[:-1]]
        slope_dtype = bool if model.activation == "relu" else dtype
        self.slope = [np.empty(z.shape, slope_dtype) for z in self.z[:-1]]
        self.zeros = [np.zeros_like(z) for z in self.z[:-1]]
        self.row = np.empty(lead + (m, 1), dtype)
        self.ones = np.ones((n_out, 1), dtype)
        self.means = np.full((n_out, 1), 1.0 / n_out, dtype)


def softmax_shifted_by_mean(z, row, means, ones):
    """The softmax of the rows of ``z``, ``(…, m, w)``, in place, shifted by the row means
    instead of the maxima: ``exp(z - mean) / sum``; True, or False if an exponential overflowed.

    Any shift gives the same softmax, and a mean and a sum are one matrix product each
    (``means`` and ``ones`` are ``(w, 1)`` columns of ``1 / w`` and ``1``), where a row maximum
    over a few columns is a slow reduction. The largest term is at least ``exp(0) = 1``, so the
    sum never vanishes; it overflows only when a row's maximum lies more than about 88 above its
    mean (float32), and then ``z`` is left to be computed again with the maximum
    (:func:`~nnreg_core.activations.softmax_in_place`). A NaN in ``z`` also returns False, and
    stays NaN in the exact softmax.

    >>> z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 500.0]], dtype=np.float32)
    >>> row, cols = np.empty((2, 1), np.float32), np.ones((3, 1), np.float32)
    >>> softmax_shifted_by_mean(z[:1], row[:1], cols / 3, cols)
    True
    >>> [round(float(p), 4) for p in z[0]]
    [0.09, 0.2447, 0.6652]
    >>> with np.errstate(over="ignore"):  # training ignores it too: the overflow is handled
    ...     softmax_shifted_by_mean(z[1:], row[1:], cols / 3, cols)
    False
    """
    np.matmul(z, means, out=row)
    z -= row
    np.exp(z, out=z)
    np.matmul(z, ones, out=row)
    if not math.isfinite(np.add.reduce(row, axis=None)):
        return False
    z /= row
    return True

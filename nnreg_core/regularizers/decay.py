"""Decoupled regularizers: they change the weights directly in the update, not the gradient.

Each has ``apply(params, lr)`` acting in place on the regularized parameters, and a ``stage``:
``"before"`` acts on the weights the gradient was computed at, so the step is
``w_new = decay(w) + update(grad(w))``; ``"after"`` acts on the stepped weights,
``w_new = decay(w + update(grad(w)))``. The order matters and is part of each form's definition:

- :class:`MultiplicativeDecay` ``w *= factor`` (engineers' weight decay, e.g. 0.98). Before the
  step it equals coupled L2 ``lam = (1 - factor) / lr`` under plain SGD exactly; after the step it
  equals L2 only with the learning rate scaled too (``lr' = factor * lr``).
- :class:`DecoupledWeightDecay` ``w -= lr * wd * w`` before the step (AdamW, SGDW).
- :class:`L1Shrink` ``w -= amount * sign(w)`` (the constant shrink of L1), before the step.
- :class:`ProximalL1` ``w = sign(w) * max(|w| - lr * lam, 0)`` after the step: the proximal
  operator of ``lam * |w|``, which sets weights to exactly zero.
"""
import numpy as np

from ..validate import decay_factor, flag
from .base import Regularizer, Strength, format_strength, per_model

STAGES = ("before", "after")


class Decay(Regularizer):
    """A regularizer applied to the weights by the update (decoupled from the gradient)."""

    acts = "decay"

    def __init__(self, stage, include_biases=False):
        super().__init__(include_biases)
        if stage not in STAGES:
            raise ValueError(f"stage must be 'before' or 'after' the gradient step, got {stage!r}.")
        self.stage = stage

    def apply(self, params, lr):
        """Apply the decay in place to the regularized parameters."""
        for name in self.names(params):
            self._apply(params[name], lr)

    def _apply(self, w, lr):
        raise NotImplementedError


class MultiplicativeDecay(Decay):
    """``w *= factor`` once per step, ``0 < factor <= 1`` (1 turns it off).

    >>> import numpy as np
    >>> p = {"W1": np.array([1.0, -2.0])}
    >>> MultiplicativeDecay(0.98).apply(p, lr=0.1); p["W1"].tolist()
    [0.98, -1.96]
    """

    fast_paths = frozenset({"packed", "chunks"})

    factor = Strength(positive=True, upper=1.0)

    def __init__(self, factor, stage="before", include_biases=False):
        super().__init__(stage, include_biases)
        self.factor = factor

    @property
    def strength(self):
        return 1.0 - self.factor

    def _apply(self, w, lr):
        w *= per_model(self.factor, w.ndim)

    def describe(self):
        return (f"weight decay w *= {format_strength(self.factor)} {self.stage} the step "
                f"({self.biases_note()})")


class DecoupledWeightDecay(Decay):
    """``w -= lr * wd * w`` before the step, as AdamW (and SGDW) do; ``lr * wd`` must be < 1.

    >>> import numpy as np
    >>> p = {"W1": np.array([1.0, -2.0])}
    >>> DecoupledWeightDecay(0.5).apply(p, lr=0.1); p["W1"].tolist()
    [0.95, -1.9]
    """

    fast_paths = frozenset({"packed", "chunks"})

    wd = Strength()

    def __init__(self, wd, include_biases=False):
        super().__init__("before", include_biases)
        self.wd = wd

    @property
    def strength(self):
        return self.wd

    def _apply(self, w, lr):
        w *= per_model(decay_factor(lr, self.wd), w.ndim)

    def describe(self):
        return f"decoupled decay wd={format_strength(self.wd)} (w -= lr·wd·w, {self.biases_note()})"


class L1Shrink(Decay):
    """``w -= amount * sign(w)`` before the step: every weight moves ``amount`` toward zero.

    It can overshoot: a weight smaller than ``amount`` jumps across zero, so weights oscillate
    around zero instead of landing on it. ``toward_zero=False`` moves them *away* from zero, as a
    sign slip in a well-known blog's pseudo-code does (``weight += sgn(weight) * lambda``).

    >>> import numpy as np
    >>> p = {"W1": np.array([1.0, -0.05])}
    >>> L1Shrink(0.1).apply(p, lr=0.1); p["W1"].tolist()
    [0.9, 0.05]
    """

    fast_paths = frozenset({"packed", "chunks"})

    amount = Strength()

    def __init__(self, amount, toward_zero=True, include_biases=False):
        super().__init__("before", include_biases)
        self.amount = amount
        self.toward_zero = flag(toward_zero, "toward_zero")

    @property
    def strength(self):
        return self.amount

    def _apply(self, w, lr):
        step = per_model(self.amount, w.ndim) * np.sign(w)
        if self.toward_zero:
            w -= step
        else:
            w += step

    def describe(self):
        way = "toward" if self.toward_zero else "AWAY from"
        return (f"L1 constant shrink {format_strength(self.amount)} {way} zero "
                f"({self.biases_note()})")


class ProximalL1(Decay):
    """Soft thresholding after the step: ``w = sign(w) * max(|w| - lr * lam, 0)``.

    This is the proximal operator of ``lr * lam * |w|``: proximal gradient descent on the L1
    penalty ``lam * sum |w|``. Weights within ``lr * lam`` of zero become exactly zero.

    >>> import numpy as np
    >>> p = {"W1": np.array([1.0, -0.05])}
    >>> ProximalL1(1.0).apply(p, lr=0.1); p["W1"].tolist()
    [0.9, -0.0]
    """

    fast_paths = frozenset({"packed", "chunks"})

    lam = Strength()

    def __init__(self, lam, include_biases=False):
        super().__init__("after", include_biases)
        self.lam = lam

    @property
    def strength(self):
        return self.lam

    def _apply(self, w, lr):
        threshold = lr * per_model(self.lam, w.ndim)
        np.copyto(w, soft_threshold(w, threshold))

    def describe(self):
        return f"L1 proximal λ={format_strength(self.lam)} (soft threshold, {self.biases_note()})"


def soft_threshold(w, threshold):
    """``sign(w) * max(|w| - threshold, 0)``, elementwise; ``threshold >= 0``.

    >>> soft_threshold(np.array([-2.0, 0.5, 3.0]), 1.0).tolist()
    [-1.0, 0.0, 2.0]
    """
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)

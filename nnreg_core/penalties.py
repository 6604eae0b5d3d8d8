"""Coupled penalties: a term added to the loss, and so its gradient added to the data gradient.

The canonical form used throughout the core (CS231n's): with ``lam`` the strength,

- ``L2``: ``value = (lam / 2) * sum w^2``, ``grad = lam * w``
- ``L1``: ``value = lam * sum |w|``, ``grad = lam * sign(w)`` (the subgradient, 0 at w = 0)
- ``ElasticNet``: ``l1 * sum |w| + (l2 / 2) * sum w^2``

Each is added to the *mean* data loss of a batch. Other libraries' ways of writing lambda are in
:mod:`nnreg_core.conventions`, with exact conversions. Biases are left out unless
``include_biases=True``. ``value`` and ``grad`` take one array or a parameter dict.
"""
import numpy as np

from .scope import (Regularizer, Strength, check_strength, format_strength, has_model_axis,
                    per_model, sum_per_model)


class Penalty(Regularizer):
    """A coupled penalty: ``value(w)`` is added to the loss, ``grad(w)`` to the gradient."""

    acts = "gradient"

    def _value(self, w):
        raise NotImplementedError

    def _grad(self, w):
        raise NotImplementedError

    def value(self, w):
        """Penalty of one array or of the regularized parameters of a dict.

        Returns a float, or shape ``(K,)`` for parameters with a model axis.
        """
        if isinstance(w, dict):
            return sum(self._summed(self._value(w[n]), n, w[n]) for n in self.names(w))
        w = np.asarray(w, dtype=float)
        return self._summed(self._value(w), None, w)

    def _summed(self, elementwise, name, w):
        model_axis = has_model_axis(name or "W", w) or np.ndim(self.strength) > 0
        return sum_per_model(elementwise, model_axis)

    def grad(self, w):
        """Gradient (a subgradient for L1): an array like ``w``, or a dict of the regularized
        parameters' gradients."""
        if isinstance(w, dict):
            return {n: self._grad(w[n]) for n in self.names(w)}
        return self._grad(np.asarray(w, dtype=float))

    def add_grad(self, grads, params):
        """Add the penalty's gradient into ``grads`` in place (the training loop's fast path)."""
        for n in self.names(params):
            grads[n] += self._grad(params[n])

    @property
    def strength(self):
        """The main strength, as shown on a slider."""
        raise NotImplementedError


class L2(Penalty):
    """``(lam / 2) * sum w^2``; gradient ``lam * w``.

    >>> L2(0.1).value([1.0, -2.0]), L2(0.1).grad([1.0, -2.0]).tolist()
    (0.25, [0.1, -0.2])
    """

    def __init__(self, lam, include_biases=False):
        super().__init__(include_biases)
        self.lam = lam

    lam = Strength()

    @property
    def strength(self):
        return self.lam

    def _value(self, w):
        return 0.5 * per_model(self.lam, w.ndim) * w * w

    def _grad(self, w):
        return per_model(self.lam, w.ndim) * w

    def describe(self):
        return f"L2 λ={format_strength(self.lam)} (λ/2·Σw², {self.biases_note()})"


class L1(Penalty):
    """``lam * sum |w|``; subgradient ``lam * sign(w)``, taken as 0 at w = 0.

    >>> L1(0.1).value([1.0, -2.0]), L1(0.1).grad([1.0, 0.0, -2.0]).tolist()
    (0.30000000000000004, [0.1, 0.0, -0.1])
    """

    def __init__(self, lam, include_biases=False):
        super().__init__(include_biases)
        self.lam = lam

    lam = Strength()

    @property
    def strength(self):
        return self.lam

    def _value(self, w):
        return per_model(self.lam, w.ndim) * np.abs(w)

    def _grad(self, w):
        return per_model(self.lam, w.ndim) * np.sign(w)

    def describe(self):
        return f"L1 λ={format_strength(self.lam)} (λ·Σ|w|, subgradient, {self.biases_note()})"


class ElasticNet(Penalty):
    """``l1 * sum |w| + (l2 / 2) * sum w^2``.

    The ``(alpha, l1_ratio)`` form of scikit-learn's ElasticNet,
    ``alpha * l1_ratio * |w|_1 + 0.5 * alpha * (1 - l1_ratio) * |w|_2^2``, is the same penalty
    with ``l1 = alpha * l1_ratio`` and ``l2 = alpha * (1 - l1_ratio)``: see
    :meth:`from_alpha_l1_ratio` and :attr:`alpha_l1_ratio`.

    >>> ElasticNet.from_alpha_l1_ratio(0.5, 0.2).l1
    0.1
    """

    def __init__(self, l1, l2, include_biases=False):
        super().__init__(include_biases)
        self.l1, self.l2 = l1, l2

    l1 = Strength()
    l2 = Strength()

    @classmethod
    def from_alpha_l1_ratio(cls, alpha, l1_ratio, include_biases=False):
        """Build from scikit-learn's parametrization (``0 <= l1_ratio <= 1``)."""
        alpha = check_strength(alpha, "alpha")
        l1_ratio = check_strength(l1_ratio, "l1_ratio", upper=1.0)
        return cls(alpha * l1_ratio, alpha * (1.0 - l1_ratio), include_biases)

    @property
    def alpha_l1_ratio(self):
        """``(alpha, l1_ratio)`` with ``alpha = l1 + l2`` and ``l1_ratio = l1 / alpha``."""
        alpha = self.l1 + self.l2
        if np.any(np.asarray(alpha) == 0):
            raise ValueError("l1_ratio is undefined when l1 = l2 = 0.")
        return alpha, self.l1 / alpha

    @property
    def strength(self):
        return self.l1 + self.l2

    def _value(self, w):
        l1, l2 = per_model(self.l1, w.ndim), per_model(self.l2, w.ndim)
        return l1 * np.abs(w) + 0.5 * l2 * w * w

    def _grad(self, w):
        l1, l2 = per_model(self.l1, w.ndim), per_model(self.l2, w.ndim)
        return l1 * np.sign(w) + l2 * w

    def describe(self):
        return (f"elastic net λ1={format_strength(self.l1)}, λ2={format_strength(self.l2)} "
                f"(λ1·Σ|w| + λ2/2·Σw², {self.biases_note()})")


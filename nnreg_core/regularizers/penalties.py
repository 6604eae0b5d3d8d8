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

from .base import (Regularizer, Strength, check_strength, format_strength, has_model_axis,
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

    #: The coefficient ``c`` of the ``c·w`` this penalty adds to each weight's gradient (its
    #: L2 part; 0 for L1), for telling why a run diverged.
    l2_coefficient = 0.0


class OneStrength(Penalty):
    """A penalty with one strength, ``lam`` (validated; may change between steps)."""

    lam = Strength()

    def __init__(self, lam, include_biases=False):
        super().__init__(include_biases)
        self.lam = lam

    @property
    def strength(self):
        return self.lam


class L2(OneStrength):
    """``(lam / 2) * sum w^2``; gradient ``lam * w``.

    >>> L2(0.1).value([1.0, -2.0]), L2(0.1).grad([1.0, -2.0]).tolist()
    (0.25, [0.1, -0.2])
    """

    fast_paths = frozenset({"packed", "chunks", "fused"})

    @property
    def l2_coefficient(self):
        return self.lam

    def _value(self, w):
        return 0.5 * per_model(self.lam, w.ndim) * w * w

    def _grad(self, w):
        return per_model(self.lam, w.ndim) * w

    def describe(self):
        return f"L2 λ={format_strength(self.lam)} (λ/2·Σw², {self.biases_note()})"


class L1(OneStrength):
    """``lam * sum |w|``; subgradient ``lam * sign(w)``, taken as 0 at w = 0.

    >>> L1(0.1).value([1.0, -2.0]), L1(0.1).grad([1.0, 0.0, -2.0]).tolist()
    (0.30000000000000004, [0.1, 0.0, -0.1])
    """

    fast_paths = frozenset({"packed", "chunks"})

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

    fast_paths = frozenset({"packed", "chunks"})

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

    @property
    def l2_coefficient(self):
        return self.l2

    def _value(self, w):
        l1, l2 = per_model(self.l1, w.ndim), per_model(self.l2, w.ndim)
        return l1 * np.abs(w) + 0.5 * l2 * w * w

    def _grad(self, w):
        l1, l2 = per_model(self.l1, w.ndim), per_model(self.l2, w.ndim)
        return l1 * np.sign(w) + l2 * w

    def describe(self):
        return (f"elastic net λ1={format_strength(self.l1)}, λ2={format_strength(self.l2)} "
                f"(λ1·Σ|w| + λ2/2·Σw², {self.biases_note()})")



def ridge_weights(X, y, lam, fit_intercept=True):
    """Closed-form minimizer of the mean squared error plus L2, in this package's normalization.

    Minimizes ``0.5 * mean_i (y_i - x_i . w - b)^2 + (lam / 2) * ||w||^2`` (CS231n's lambda, the
    core's ``"mse"`` loss plus :class:`L2`, biases out): with centred ``Xc = X - mean(X)`` and
    ``yc = y - mean(y)``,

        w = (Xc^T Xc / n + lam * I)^{-1} Xc^T yc / n,    b = mean(y) - mean(X) . w

    The intercept is not shrunk. Without an intercept, ``X`` and ``y`` are used uncentred and
    ``b = 0``. (scikit-learn's ``Ridge(alpha)`` minimizes ``||y - Xw - b||^2 + alpha ||w||^2``:
    the same solution with ``alpha = n * lam``.)

    Args:
        X: inputs, shape ``(n, d)``.
        y: targets, shape ``(n,)``.
        lam: strength >= 0, or one per model, shape ``(K,)``.
        fit_intercept: fit an unpenalized bias ``b``.

    Returns:
        ``(w, b)``: ``w`` of shape ``(d,)`` and ``b`` a float; ``(K, d)`` and ``(K,)`` for K
        strengths.

    >>> w, b = ridge_weights([[1.0], [-1.0]], [3.0, 1.0], lam=1.0)
    >>> w.tolist(), b
    ([0.5], 2.0)
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(f"X must be (n, d) and y (n,) with the same n; got X {X.shape}, "
                         f"y {y.shape}.")
    lams = check_strength(lam, "lam")
    x_mean = X.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
    y_mean = y.mean() if fit_intercept else 0.0
    Xc, yc = X - x_mean, y - y_mean
    gram, moment = Xc.T @ Xc / len(X), Xc.T @ yc / len(X)
    eye = np.eye(X.shape[1])
    try:
        w = np.array([np.linalg.solve(gram + l * eye, moment) for l in np.atleast_1d(lams)])
    except np.linalg.LinAlgError:
        raise ValueError("Xc^T Xc / n + lam I is singular: the inputs are collinear (or fewer "
                         "samples than features); use lam > 0.") from None
    b = y_mean - w @ x_mean
    return (w, b) if np.ndim(lams) else (w[0], float(b[0]))

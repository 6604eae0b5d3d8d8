"""Noise in the forward pass, in training mode only (evaluation runs without it).

- :class:`Dropout`: inverted dropout with ``keep``, the probability of *keeping* a unit. At
  training time ``a -> a * m / keep`` with ``m ~ Bernoulli(keep)``, so the expected activation is
  unchanged and nothing is done at test time. (Some texts write p for the keep probability,
  others for the drop rate ``1 - keep``: here the name says which.)
- :class:`GaussianNoise`: ``a -> a + sigma * eps``, ``eps ~ N(0, 1)``, added to the inputs or to
  the hidden units.

Each has ``where`` (``"input"`` or ``"hidden"``) and a ``forward(a, rng) -> (a_out, state)`` /
``backward(da_out, state) -> da`` pair used by :class:`nnreg_core.model.MLP`.
"""
import numpy as np

from ..validate import whole_number
from .base import Regularizer, Strength, check_strength, format_strength, per_model

PLACES = ("input", "hidden")


def _check_where(where):
    if where not in PLACES:
        raise ValueError(f"where must be 'input' or 'hidden', got {where!r}.")
    return where


def _noise_dtype(a):
    """The precision noise is drawn in: float32 for a float32 run (so that its forward pass
    stays float32), else float64 (the default draws, bit for bit)."""
    return np.float32 if a.dtype == np.float32 else np.float64


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise ValueError("training-mode noise needs rng=np.random.default_rng(seed); got "
                         f"{type(rng).__name__}.")


class Dropout(Regularizer):
    """Inverted dropout keeping each unit with probability ``keep`` (0 < keep <= 1).

    >>> import numpy as np
    >>> a, mask = Dropout(0.5).forward(np.ones((2, 4)), np.random.default_rng(0))
    >>> sorted(set(a.ravel().tolist()))
    [0.0, 2.0]
    """

    acts = "forward"
    keep = Strength(positive=True, upper=1.0)

    def __init__(self, keep, where="hidden"):
        super().__init__()
        self.keep = keep
        self.where = _check_where(where)

    @property
    def strength(self):
        return 1.0 - self.keep

    def forward(self, a, rng):
        """``a * m / keep`` with ``m ~ Bernoulli(keep)``; returns ``(a_out, m / keep)``."""
        _check_rng(rng)
        dtype = _noise_dtype(a)
        keep = np.asarray(per_model(self.keep, a.ndim), dtype=dtype)
        scaled_mask = (rng.random(a.shape, dtype=dtype) < keep) / keep
        return a * scaled_mask, scaled_mask

    def backward(self, da, scaled_mask):
        return da * scaled_mask

    def describe(self):
        return f"dropout keep={format_strength(self.keep)} on {self.where} (inverted)"


class GaussianNoise(Regularizer):
    """Additive Gaussian noise ``a + sigma * eps`` with ``sigma >= 0``.

    >>> import numpy as np
    >>> a, _ = GaussianNoise(0.0, where="input").forward(np.ones(3), np.random.default_rng(0))
    >>> a.tolist()
    [1.0, 1.0, 1.0]
    """

    acts = "forward"
    sigma = Strength()

    def __init__(self, sigma, where="input"):
        super().__init__()
        self.sigma = sigma
        self.where = _check_where(where)

    @property
    def strength(self):
        return self.sigma

    def forward(self, a, rng):
        _check_rng(rng)
        dtype = _noise_dtype(a)
        sigma = np.asarray(per_model(self.sigma, a.ndim), dtype=dtype)
        return a + sigma * rng.standard_normal(a.shape, dtype=dtype), None

    def backward(self, da, state):
        return da

    def describe(self):
        return f"Gaussian noise σ={format_strength(self.sigma)} on {self.where}"


class NonInvertedDropout(Dropout):
    """Dropout as first published: ``a -> a * m`` at training time, without the ``1 / keep``.

    The expected activation at training time is then ``keep * a``, so at test time the network
    must be scaled to match: multiply the outgoing weights of every unit dropout was applied to
    by ``keep`` (:func:`weight_scaled`). Forgetting that step makes test-time activations
    ``1 / keep`` times too large. :class:`Dropout` (inverted) does the scaling at training time instead.

    >>> a, mask = NonInvertedDropout(0.5).forward(np.ones((2, 4)), np.random.default_rng(0))
    >>> sorted(set(a.ravel().tolist()))
    [0.0, 1.0]
    """

    def forward(self, a, rng):
        """``a * m`` with ``m ~ Bernoulli(keep)``; returns ``(a_out, m)``."""
        _check_rng(rng)
        mask = (rng.random(a.shape, dtype=_noise_dtype(a))
                < per_model(self.keep, a.ndim)).astype(a.dtype)
        return a * mask, mask

    def describe(self):
        return f"dropout keep={format_strength(self.keep)} on {self.where} (not inverted)"


def weight_scaled(params, keep, where="hidden"):
    """The weight-scaling rule: ``params`` with the outgoing weights of dropped-out layers × keep.

    For a single sigmoid or softmax layer with dropout on its inputs this is exact: the scaled
    network outputs the normalized geometric mean of all thinned networks' predictions
    (Srivastava et al., 2014; Goodfellow et al., *Deep Learning*, §7.12). For deeper nonlinear
    networks it is an approximation of the ensemble average.

    Dropout on the hidden units scales ``W2 … WL``; on the inputs, ``W1`` as well (dropout on
    both: call twice). Biases are unchanged. This is the test-time network for
    :class:`NonInvertedDropout`; for inverted :class:`Dropout` the plain network already is.

    Args:
        params: parameter dict ``W1, b1, …`` (with or without a model axis).
        keep: keep probability, ``0 < keep <= 1`` (a number, or one per model, shape ``(K,)``).
        where: ``"hidden"`` or ``"input"``, where the dropout acted.

    >>> weight_scaled({"W1": np.ones((2, 3)), "b1": np.ones(3), "W2": np.ones((3, 1)),
    ...                "b2": np.ones(1)}, 0.5)["W2"].ravel().tolist()
    [0.5, 0.5, 0.5]
    """
    keep = check_strength(keep, "keep", positive=True, upper=1.0)
    first = 1 if _check_where(where) == "input" else 2
    scaled = {name: np.array(p, copy=True) for name, p in params.items()}
    for name, p in scaled.items():
        if name.startswith("W") and int(name[1:]) >= first:
            p *= per_model(keep, p.ndim)
    return scaled


def mc_average(model, params, X, dropout, rng, n_samples):
    """Monte-Carlo dropout: the network's output averaged over ``n_samples`` random masks.

    ``mean_s f(X; params, mask_s)``: the average prediction of the ensemble of thinned networks
    that dropout trains, estimated by sampling. Compare it with the deterministic network
    (inverted dropout) or :func:`weight_scaled` (non-inverted), the cheap one-pass approximation.

    Args:
        model: an :class:`nnreg_core.model.MLP`.
        params: its parameters (with or without a model axis).
        X: inputs, shape ``(n, d)``.
        dropout: a :class:`Dropout` (or any training-mode noise) applied in every pass.
        rng: a ``np.random.Generator`` drawing the masks.
        n_samples: number of masks, >= 1.

    Returns:
        Mean output, shape ``(n, n_outputs)`` (``(K, n, n_outputs)`` with a model axis):
        probabilities for the cross-entropy losses, values for mse.

    >>> from nnreg_core.model import MLP
    >>> net = MLP((2, 3, 1), loss="binary_ce")
    >>> p = net.init(np.random.default_rng(0))
    >>> mc_average(net, p, np.zeros((4, 2)), Dropout(0.5), np.random.default_rng(0), 10).shape
    (4, 1)
    """
    n_samples = whole_number(n_samples, "n_samples")
    _check_rng(rng)
    total = 0.0
    for _ in range(n_samples):
        out, _ = model.forward(params, X, (dropout,), rng)
        total = total + out
    return total / n_samples

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

from .scope import Regularizer, Strength, format_strength, per_model

PLACES = ("input", "hidden")


def _check_where(where):
    if where not in PLACES:
        raise ValueError(f"where must be 'input' or 'hidden', got {where!r}.")
    return where


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
        keep = per_model(self.keep, a.ndim)
        scaled_mask = (rng.random(a.shape) < keep) / keep
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
        return a + per_model(self.sigma, a.ndim) * rng.standard_normal(a.shape), None

    def backward(self, da, state):
        return da

    def describe(self):
        return f"Gaussian noise σ={format_strength(self.sigma)} on {self.where}"

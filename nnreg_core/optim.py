"""Optimizers. They see gradients only, never the weights: ``update(grads, state)`` returns the
additive change ``delta`` (``w_new = w + delta``) and the new state.

Where the regularizer sits is then visible in the loop: coupled L2 is added to ``grads`` before
``update`` (Adam + L2), decoupled decay is applied to the weights beside it (AdamW).

- :class:`SGD`: ``delta = -lr * g``
- :class:`Momentum`: ``v = beta * v + g``; ``delta = -lr * v`` (PyTorch's form; with
  ``nesterov=True``, ``delta = -lr * (g + beta * v)``)
- :class:`Adam`: ``m = b1 m + (1 - b1) g``; ``s = b2 s + (1 - b2) g^2``;
  ``delta = -lr * m_hat / (sqrt(s_hat) + eps)`` with ``m_hat = m / (1 - b1^t)``,
  ``s_hat = s / (1 - b2^t)`` (Kingma & Ba, 2015).
"""
import numpy as np

from .regularizers.base import Strength
from .validate import flag


class Optimizer:
    """Base class. ``lr`` is a validated positive learning rate that may change between steps."""

    lr = Strength(positive=True, scalar=True)

    def __init__(self, lr):
        self.lr = lr

    def init(self, params):
        """The optimizer's state for ``params`` (zeros shaped like them, or None)."""
        return None

    def update(self, grads, state):
        """Return ``(delta, new_state)``; ``delta`` has the keys and shapes of ``grads``."""
        raise NotImplementedError

    def update_owned(self, grads, state):
        """:meth:`update` for a caller that owns ``grads`` and lets them be overwritten.

        The training loop uses it; optimizers may compute ``delta`` into the gradient arrays
        instead of allocating new ones. The values are those of :meth:`update`.
        """
        return self.update(grads, state)

    def describe(self):
        return f"{type(self).__name__}(lr={self.lr:.3g})"

    def stable_l2_bound(self):
        """The largest ``lr·λ`` for which L2's pull alone does not overshoot (a weight under
        ``grad = λ·w`` shrinks toward 0), or None when the optimizer has no such bound."""
        return None


class SGD(Optimizer):
    """Plain stochastic gradient descent: ``delta = -lr * g``.

    >>> import numpy as np
    >>> SGD(0.1).update({"W1": np.array([1.0])}, None)[0]["W1"].tolist()
    [-0.1]
    """

    def update(self, grads, state):
        lr = self.lr
        return {name: -lr * g for name, g in grads.items()}, state

    def stable_l2_bound(self):
        """``w <- (1 - lr·λ)·w`` shrinks while ``lr·λ < 2``."""
        return 2.0

    def update_owned(self, grads, state):
        if type(self).update is not SGD.update:
            return self.update(grads, state)
        minus_lr = -self.lr
        for g in grads.values():
            g *= minus_lr
        return grads, state


class Momentum(Optimizer):
    """Heavy-ball momentum, ``v = beta * v + g``, ``delta = -lr * v`` (optionally Nesterov)."""

    beta = Strength(upper=1.0, upper_inclusive=False, scalar=True)

    def __init__(self, lr, beta=0.9, nesterov=False):
        super().__init__(lr)
        self.beta = beta
        self.nesterov = flag(nesterov, "nesterov")

    def init(self, params):
        return {name: np.zeros_like(p) for name, p in params.items()}

    def update(self, grads, state):
        lr, beta = self.lr, self.beta
        delta = {}
        for name, g in grads.items():
            v = state[name]
            v *= beta
            v += g
            delta[name] = -lr * (g + beta * v) if self.nesterov else -lr * v
        return delta, state

    def stable_l2_bound(self):
        """Heavy ball on ``grad = λ·w`` is stable while ``lr·λ < 2(1 + β)``; Nesterov while
        ``lr·λ < 2(1 + β)/(1 + 2β)``."""
        bound = 2.0 * (1.0 + self.beta)
        return bound / (1.0 + 2.0 * self.beta) if self.nesterov else bound

    def describe(self):
        kind = "Nesterov" if self.nesterov else "momentum"
        return f"SGD+{kind}(lr={self.lr:.3g}, β={self.beta:.3g})"


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction."""

    beta1 = Strength(upper=1.0, upper_inclusive=False, scalar=True)
    beta2 = Strength(upper=1.0, upper_inclusive=False, scalar=True)
    eps = Strength(positive=True, scalar=True)

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps

    def init(self, params):
        zeros = {name: np.zeros_like(p) for name, p in params.items()}
        return {"t": 0, "m": zeros, "s": {n: z.copy() for n, z in zeros.items()}}

    def update(self, grads, state):
        b1, b2, lr, eps = self.beta1, self.beta2, self.lr, self.eps
        t = state["t"] + 1
        delta = {}
        for name, g in grads.items():
            m, s = state["m"][name], state["s"][name]
            m *= b1
            m += (1.0 - b1) * g
            s *= b2
            s += (1.0 - b2) * g * g
            m_hat = m / (1.0 - b1 ** t)
            s_hat = s / (1.0 - b2 ** t)
            delta[name] = -lr * m_hat / (np.sqrt(s_hat) + eps)
        state["t"] = t
        return delta, state

    def describe(self):
        return f"Adam(lr={self.lr:.3g})"

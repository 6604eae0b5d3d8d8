"""What a training run reports: one :class:`EpochReport` per evaluated epoch, gathered in a
:class:`History`, and the weight summary (norm, exact zeros) each report carries.

Numbers are floats for one model, or arrays of shape ``(K,)`` for K models trained at once along
the model axis (see :mod:`nnreg_core.model`).
"""
from dataclasses import dataclass, field

import numpy as np


@dataclass
class EpochReport:
    """What one epoch did. Numbers are floats, or arrays of shape ``(K,)`` with a model axis.

    ``train_loss`` and ``test_loss`` are data losses without the penalty, measured on the whole
    set in evaluation mode (no dropout or noise); ``penalty`` is the coupled penalty's value and
    ``objective = train_loss + penalty``. Accuracies are None for regression.

    >>> EpochReport(3, train_loss=0.25, penalty=0.5, test_loss=0.75).objective
    0.75
    """

    epoch: int
    train_loss: object
    penalty: object
    test_loss: object = None
    train_accuracy: object = None
    test_accuracy: object = None
    weight_norm: object = None
    zeros: object = None
    n_weights: int = 0
    weights: dict = field(default=None, repr=False)
    stopped: str = None
    message: str = ""

    @property
    def objective(self):
        """Data loss plus penalty: what gradient descent minimizes for coupled penalties."""
        return self.train_loss + self.penalty

    @property
    def gap(self):
        """Test loss minus train loss (None without a test set)."""
        return None if self.test_loss is None else self.test_loss - self.train_loss


class History(list):
    """The reports of a run, with :meth:`curve` to read one field over the epochs.

    >>> History([EpochReport(1, 0.5, 0.0), EpochReport(2, 0.25, 0.0)]).curve("train_loss")
    array([0.5 , 0.25])
    """

    def curve(self, name):
        """Array of one report field over epochs: ``(epochs,)`` or ``(epochs, K)``."""
        return np.array([getattr(report, name) for report in self], dtype=float)

    def curves(self, names):
        """``{name: curve}`` over the evaluated reports only (skipped evaluations and a stop
        carry no numbers); a field some evaluated report lacks (no test set, accuracy under
        ``mse``) maps to None.

        >>> h = History([EpochReport(1, 0.5, 0.0), EpochReport(2, None, None)])
        >>> h.curves(["train_loss", "test_loss"])
        {'train_loss': array([0.5]), 'test_loss': None}
        """
        evaluated = History(r for r in self if r.train_loss is not None)
        return {name: None if evaluated and any(getattr(r, name) is None for r in evaluated)
                else evaluated.curve(name) for name in names}


def divergence_advice(lr, bound, lam):
    """What to change after a run diverged: the L2 strength when its pull alone overshoots,
    else the learning rate.

    L2 alone multiplies a weight by ``1 - lr·λ`` each plain-SGD step, which grows in size once
    ``lr·λ > 2``; ``bound`` is that limit for the optimizer (None when there is none to tell,
    as for Adam), ``lam`` the summed L2 coefficients on the weights (one per model, or one).

    >>> divergence_advice(0.5, 2.0, np.array(10.0))[:40]
    'The L2 strength is the likely cause: lr·'
    """
    if bound is not None and np.any(lr * lam >= bound):
        worst = float(np.max(lam))
        return (f"The L2 strength is the likely cause: lr·λ = {lr * worst:.3g} >= {bound:.3g}, "
                f"so each step's pull -lr·λ·w overshoots zero and the weights grow. Lower λ "
                f"below {bound / lr:.3g} (or the learning rate, now {lr:.3g}).")
    return f"Lower the learning rate (now {lr:.3g}) or add a constraint such as MaxNorm."


def weight_summary(params):
    """``(norm, zeros, n_weights)`` over all ``W`` arrays: ``sqrt(sum w^2)``, exact zeros, count.

    With a model axis, ``norm`` and ``zeros`` have shape ``(K,)`` and ``n_weights`` counts one
    model's weights.

    >>> weight_summary({"W1": np.array([[3.0, 0.0]]), "b1": np.ones(2), "W2": np.array([[4.0]])})
    (5.0, 1, 3)
    """
    weights = [p for name, p in params.items() if name.startswith("W")]
    model_axis = weights[0].ndim == 3
    axes = (1, 2) if model_axis else None
    sq = sum(np.sum(w * w, axis=axes) for w in weights)
    zeros = sum(np.sum(w == 0, axis=axes) for w in weights)
    n = sum(w[0].size if model_axis else w.size for w in weights)
    if not model_axis:
        return float(np.sqrt(sq)), int(zeros), n
    return np.sqrt(sq), zeros, n

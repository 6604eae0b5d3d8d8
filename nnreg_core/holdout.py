"""Choosing a strength on a validation set, repeated over several data draws in one batched run.

For each draw (:func:`nnreg_core.draws.digits_draw`) and each strength one model trains on the
draw's training images (all D × S models on the model axis, gathered rows as in
:mod:`nnreg_core.cv`); each draw keeps the strength with the best validation accuracy (ties to
the lower validation loss), and only the kept models are scored on the test images.
"""
from dataclasses import dataclass

import numpy as np

from .cv import _knobs_per_draw, _make, _stack_inits, rows_of, scores, train_on_rows
from .optim import SGD
from .validate import number_list, whole_number


@dataclass
class Sweep:
    """A validation sweep over D draws: ``val_accuracy`` and ``val_loss`` ``(D, S)``, the
    ``chosen`` index per draw ``(D,)``, and ``test_accuracy`` of the chosen models ``(D,)``."""

    strengths: np.ndarray
    val_accuracy: np.ndarray
    val_loss: np.ndarray
    chosen: np.ndarray
    test_accuracy: np.ndarray

    @property
    def chosen_strengths(self):
        """The strength each draw kept, ``(D,)``."""
        return self.strengths[self.chosen]


def validation_sweep(model, draws, name, strengths, *, lr=0.2, epochs=100, batch_size=20,
                     seed=0, **knobs):
    """Train every draw × strength, choose per draw on its validation images, test the chosen.

    Draw j's models start from ``model.init(np.random.default_rng(draws[j].seed))``; batches are
    shuffled by ``np.random.default_rng(seed)``. Augmentation moves each draw's raw pixels.
    Returns a :class:`Sweep`.
    """
    strengths, draws = number_list(strengths, "strengths"), list(draws)
    if not draws:
        raise ValueError("draws is empty; give at least one, e.g. [digits_draw(0)].")
    for j, draw in enumerate(draws):
        if len(draw.X_val) == 0:
            raise ValueError(f"draws[{j}] has no validation images (n_val=0), so no strength "
                             "can be chosen; draw it with n_val >= 1.")
    n_draws, n_strengths = len(draws), len(strengths)
    batch_size = whole_number(batch_size, "batch_size")
    X, T = rows_of(model, draws, "train")
    params = _stack_inits(model, [d.seed for d in draws], n_strengths)
    regularizers = _make(name, np.tile(strengths, n_draws), _knobs_per_draw(name, draws, knobs),
                         n_strengths, lr)
    train_on_rows(model, params, np.repeat(X, n_strengths, axis=0),
                  np.repeat(T, n_strengths, axis=0), SGD(lr), regularizers, epochs,
                  min(batch_size, X.shape[1]), seed)
    X_val, T_val = (np.repeat(a, n_strengths, axis=0) for a in rows_of(model, draws, "val"))
    loss, accuracy = (a.reshape(n_draws, n_strengths)
                      for a in scores(model, params, X_val, T_val))
    chosen = np.array([np.lexsort((loss[j], -accuracy[j]))[0] for j in range(n_draws)])
    kept = {name: p[np.arange(n_draws) * n_strengths + chosen] for name, p in params.items()}
    _, test_accuracy = scores(model, kept, *rows_of(model, draws, "test"))
    return Sweep(strengths, accuracy, loss, chosen, test_accuracy)

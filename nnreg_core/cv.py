"""Choosing a strength by k-fold cross-validation, every fold and strength one model of a batch.

The n training samples are cut into k folds of equal size. Model ``(f, s)`` trains on the
``n − n/k`` samples outside fold f with strength s and is scored on fold f: k × S models in
one batched run on the model axis. Each model gets its own training rows by gathering: inputs
``(K, m, d)`` and targets ``(K, m, outputs)``, and every batch takes the same positions
``order[i:i + batch_size]`` of every model's rows, ``order`` one permutation of ``m`` per epoch
drawn from ``np.random.default_rng(seed)``. That is the order ``Run(..., rng=seed)`` shuffles
in, so each model equals a separate reference run on its fold's rows, bit for bit (tested).

Training-mode noise on the inputs acts on each model's gathered batch, before the forward pass
(its backward pass only reaches the inputs' gradient, which no update uses, so this is the same
regularizer); the other regularizers act where they always do (:mod:`nnreg_core.steps`).
"""
from dataclasses import dataclass

import numpy as np

from . import catalog
from .fast.threads import executor, usable_cores
from .optim import SGD
from .steps import ByName, group, update
from .validate import number_list, whole_number


def fold_rows(n, k, rng):
    """``(train, held_out)`` row indices, shapes ``(k, n − n/k)`` and ``(k, n/k)``: a random
    permutation of ``range(n)`` cut into k equal folds. ``n`` must be a multiple of k.

    >>> train, held_out = fold_rows(6, 3, np.random.default_rng(0))
    >>> train.shape, held_out.shape, sorted(np.r_[train[0], held_out[0]].tolist())
    ((3, 4), (3, 2), [0, 1, 2, 3, 4, 5])
    """
    k = whole_number(k, "k (folds)", least=2)
    if k > n:
        raise ValueError(f"k={k} folds need at least k samples, got {n}; use k <= {n}.")
    if n % k:
        raise ValueError(f"k={k} folds need a number of samples divisible by k, got {n}; "
                         f"use {n - n % k} samples or another k.")
    folds = rng.permutation(n).reshape(k, n // k)
    train = np.array([np.concatenate(np.delete(folds, f, axis=0)) for f in range(k)])
    return train, folds


class RowsSpace(ByName):
    """:class:`~nnreg_core.steps.ByName` for models that each train on their own rows: targets
    ``T`` of shape ``(K, batch, outputs)``.

    The model's backward pass starts from ``out − T`` and divides by the batch size
    ``T.shape[0]``; with per-model targets it is given the residual ``out − T`` (the same
    operation) and zero targets of shape ``(batch, outputs)``, so every other operation is
    the one a single model's step makes.
    """

    def backward(self, model, cache, T):
        inputs, hidden, states, out = cache
        residual = (inputs, hidden, states, out - T)
        self.grad_blocks = model.backward(self.views, residual, np.zeros(T.shape[1:]))
        return self.grad_blocks


class InputsAsBatch:
    """A training-mode perturbation of the inputs, applied to the gathered batch."""

    acts = "batch"

    def __init__(self, perturbation):
        self.perturbation = perturbation

    def apply(self, X, rng):
        return self.perturbation.forward(X, rng)[0]


def train_on_rows(model, params, X_rows, T_rows, optimizer, regularizers, epochs, batch_size,
                  seed):
    """Train the K models of ``params`` in place, model k on ``(X_rows[k], T_rows[k])``.

    ``X_rows`` is ``(K, m, d)``, ``T_rows`` ``(K, m, outputs)`` (encoded targets); every step is
    :func:`nnreg_core.steps.update` (the reference step). Returns ``params``.
    """
    groups = group(list(regularizers))
    inputs_noise = [p for p in groups["forward"] if p.where == "input"]
    groups["forward"] = [p for p in groups["forward"] if p.where != "input"]
    groups["batch"] = groups["batch"] + [InputsAsBatch(p) for p in inputs_noise]
    epochs, batch_size = whole_number(epochs, "epochs"), whole_number(batch_size, "batch_size")
    rng, space = np.random.default_rng(whole_number(seed, "seed", least=0)), RowsSpace(params)
    opt_state = optimizer.init(params)
    m = X_rows.shape[1]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(epochs):
            order = rng.permutation(m)
            for start in range(0, m, batch_size):
                rows = order[start:start + batch_size]
                update(model, space, opt_state, X_rows[:, rows], T_rows[:, rows], optimizer,
                       groups, rng)
    return params


def scores(model, params, X_rows, T_rows):
    """``(data loss, accuracy)`` of model k on ``(X_rows[k], T_rows[k])``, each shape ``(K,)``
    (accuracy None for ``"mse"``)."""
    out, _ = model.forward(params, X_rows)
    loss = model.data_loss(out, T_rows)
    if model.loss == "mse":
        return loss, None
    if model.loss == "binary_ce":
        return loss, ((out[..., 0] > 0.5) == (T_rows[..., 0] > 0.5)).mean(axis=-1)
    return loss, (out.argmax(axis=-1) == T_rows.argmax(axis=-1)).mean(axis=-1)


@dataclass
class CVCurve:
    """Cross-validation scores: ``loss`` and ``accuracy`` of shape ``(k, S)``, fold by strength."""

    strengths: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray

    @property
    def mean(self):
        """Mean held-out accuracy per strength, ``(S,)``."""
        return self.accuracy.mean(axis=0)

    @property
    def sd(self):
        """Standard deviation of the k folds' accuracies per strength (ddof=1), ``(S,)``."""
        return self.accuracy.std(axis=0, ddof=1)

    @property
    def best(self):
        """Index of the strength with the highest mean accuracy; ties go to the lower mean
        loss."""
        return int(np.lexsort((self.loss.mean(axis=0), -self.mean))[0])

    @property
    def chosen(self):
        """The chosen strength itself."""
        return self.strengths[self.best]


def cross_validate(model, X, y, name, strengths, *, k=5, lr=0.2, epochs=100, batch_size=20,
                   seed=0, **knobs):
    """k-fold cross-validation of the catalog regularizer ``name`` over ``strengths``.

    All k × S models start from ``model.init(np.random.default_rng(seed))`` and train with plain
    SGD at ``lr``; the folds come from a stream of their own of ``seed``
    (``SeedSequence(seed).spawn(1)``), the shuffling from ``np.random.default_rng(seed)``.
    Returns a :class:`CVCurve`.
    """
    data = [(model.check_inputs(X), model.encode_targets(y, len(X)), seed)]
    return _cross_validate(model, data, name, strengths, [knobs], k, lr, epochs, batch_size,
                           seed)[0]


def cross_validate_draws(model, draws, name, strengths, *, k=4, lr=0.2, epochs=100,
                         batch_size=20, seed=0, **knobs):
    """:func:`cross_validate` on each draw's training set (``draw.X_train``, ``draw.y_train``;
    folds and initial weights from ``draw.seed``), every draw × fold × strength one model of one
    batched run. Augmentation moves each draw's raw pixels (its ``mean`` and ``scale``) unless
    ``mean`` is given. Returns one :class:`CVCurve` per draw.
    """
    data = [(model.check_inputs(d.X_train), model.encode_targets(d.y_train, len(d.X_train)),
             d.seed) for d in draws]
    return _cross_validate(model, data, name, strengths, _knobs_per_draw(name, draws, knobs),
                           k, lr, epochs, batch_size, seed)


def fit_draws(model, draws, name, strengths, *, lr=0.2, epochs=100, batch_size=20, seed=0,
              **knobs):
    """Train one model per draw on all of its training images, draw j with ``strengths[j]``
    (from ``model.init(np.random.default_rng(draw.seed))``). Returns the parameters, with a
    model axis of one model per draw; score them with :func:`scores` and :func:`rows_of`."""
    X, T = rows_of(model, draws, "train")
    batch_size = whole_number(batch_size, "batch_size")
    params = _stack_inits(model, [d.seed for d in draws], 1)
    regularizers = _make(name, np.asarray(strengths, dtype=float),
                         _knobs_per_draw(name, draws, knobs), 1, lr)
    return train_on_rows(model, params, X, T, SGD(lr), regularizers, epochs,
                         min(batch_size, X.shape[1]), seed)


@dataclass
class Choice:
    """One regularizer's cross-validated choice on each draw: ``curves`` (one
    :class:`CVCurve` per draw; None for a grid of one strength, which leaves nothing to
    choose), ``chosen`` ``(D,)`` the strengths kept, ``params`` the models trained with them on
    all of each draw's training images (model axis: one per draw)."""

    curves: list
    chosen: np.ndarray
    params: dict


def choose_and_fit(model, draws, grids, *, k=4, lr=0.2, epochs=100, batch_size=20, seed=0,
                   workers=None):
    """For every regularizer of ``grids`` (``{name: strengths}``): :func:`cross_validate_draws`
    over its strengths, then :func:`fit_draws` with each draw's chosen strength.

    The regularizers are independent (each call seeds its own streams from ``seed``), so they
    run on ``workers`` threads at once (default: the usable cores) with the same bits as one
    after another. Returns ``{name: Choice}`` in the order of ``grids``.
    """
    training = dict(lr=lr, epochs=epochs, batch_size=batch_size, seed=seed)

    def choose(name):
        strengths = number_list(grids[name], f"grids[{name!r}]")
        curves = None
        chosen = np.full(len(draws), strengths[0])
        if len(strengths) > 1:
            curves = cross_validate_draws(model, draws, name, strengths, k=k, **training)
            chosen = np.array([curve.chosen for curve in curves])
        return Choice(curves, chosen, fit_draws(model, draws, name, chosen, **training))

    workers = usable_cores() if workers is None else whole_number(workers, "workers")
    names = list(grids)
    if workers == 1:
        return {name: choose(name) for name in names}
    return dict(zip(names, executor(workers).map(choose, names)))


def rows_of(model, draws, part):
    """``(X (D, n, d), T (D, n, outputs))``: every draw's ``part`` (``"train"``, ``"val"`` or
    ``"test"``) stacked on the model axis."""
    X = np.stack([getattr(d, f"X_{part}") for d in draws])
    T = np.stack([model.encode_targets(getattr(d, f"y_{part}")) for d in draws])
    return X, T


def _knobs_per_draw(name, draws, knobs):
    if name == "augment" and "mean" not in knobs:
        return [{**knobs, "mean": d.mean, "scale": d.scale} for d in draws]
    return [knobs for _ in draws]


def _stack_inits(model, seeds, repeats):
    """Each seed's initial weights, repeated ``repeats`` times along the model axis."""
    inits = [model.init(np.random.default_rng(s)) for s in seeds]
    return {name: np.repeat(np.stack([p[name] for p in inits]), repeats, axis=0)
            for name in inits[0]}


def _make(name, per_model, knobs_per_set, models_per_set, lr):
    """The catalog's regularizers for models grouped by set, each set's knobs per model."""
    if name == "none":
        return []
    merged = {}
    for key in knobs_per_set[0]:
        values = [kn[key] for kn in knobs_per_set]
        if all(np.array_equal(values[0], v) for v in values):
            merged[key] = values[0]
        else:
            merged[key] = np.repeat(np.stack(values), models_per_set, axis=0)
    return catalog.make(name, per_model, lr=lr, **merged)


def _cross_validate(model, data, name, strengths, knobs_per_set, k, lr, epochs, batch_size,
                    seed):
    """Every set × fold × strength as one model; one :class:`CVCurve` per set."""
    if model.loss == "mse":
        raise ValueError("cross-validation here chooses by accuracy: give a classifier "
                         "(loss 'binary_ce' or 'softmax_ce').")
    strengths = number_list(strengths, "strengths")
    seed, batch_size = whole_number(seed, "seed", least=0), whole_number(batch_size, "batch_size")
    n_strengths = len(strengths)
    train_rows, held_rows = [], []
    for X, T, set_seed in data:
        fold_rng = np.random.default_rng(np.random.SeedSequence(set_seed).spawn(1)[0])
        train, held_out = fold_rows(len(X), k, fold_rng)
        train_rows.append(np.repeat(train, n_strengths, axis=0))
        held_rows.append(np.repeat(held_out, n_strengths, axis=0))
    X_train = np.concatenate([X[r] for (X, _, _), r in zip(data, train_rows)])
    T_train = np.concatenate([T[r] for (_, T, _), r in zip(data, train_rows)])
    per_set = k * n_strengths
    params = _stack_inits(model, [s for _, _, s in data], per_set)
    regularizers = _make(name, np.tile(strengths, k * len(data)), knobs_per_set, per_set, lr)
    train_on_rows(model, params, X_train, T_train, SGD(lr), regularizers, epochs,
                  min(batch_size, X_train.shape[1]), seed)
    loss, accuracy = scores(model, params,
                            np.concatenate([X[r] for (X, _, _), r in zip(data, held_rows)]),
                            np.concatenate([T[r] for (_, T, _), r in zip(data, held_rows)]))
    shape = (len(data), k, n_strengths)
    return [CVCurve(strengths, l, a) for l, a in zip(loss.reshape(shape),
                                                     accuracy.reshape(shape))]

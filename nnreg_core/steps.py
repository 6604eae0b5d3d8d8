"""The reference training step: the order of a step, written once, on named parameter arrays.

One step on a batch, with every regularizer where it acts:

0. the batch is transformed (``acts == "batch"``: data augmentation);
1. forward with training-mode noise (``acts == "forward"``: dropout, Gaussian noise);
2. backward: gradient of the mean data loss;
3. coupled penalties add their gradient (``"gradient"``: L2, L1, elastic net);
4. the optimizer turns gradients into a change ``delta``;
5. decays with ``stage == "before"`` act on the weights the gradient was taken at;
6. ``w += delta``;
7. decays with ``stage == "after"`` (proximal L1), then constraints (``"constraint"``: max-norm).

Coupled versus decoupled *is* this order: a penalty's gradient passes through the optimizer
(step 4), a decay does not (step 5). :func:`update` runs it on a parameter space:
:class:`ByName` (a dict of arrays, the reference) or the packed space of
:mod:`nnreg_core.fast.packed`, which holds the same arrays as views into one. Every
equivalence the notebooks and tests prove runs on :class:`ReferenceStep`
(``Run(..., backend="reference")``).
"""
import math

import numpy as np

from .regularizers.base import Regularizer

KINDS = ("batch", "forward", "gradient", "decay", "constraint")


def group(regularizers):
    """Sort regularizers by where they act; refuse anything that is not one.

    ``regularizers`` is a list (:func:`as_list` makes one of a lone regularizer).
    """
    groups = {kind: [] for kind in KINDS}
    for reg in regularizers:
        if not isinstance(reg, Regularizer) or reg.acts not in groups:
            raise TypeError(f"regularizers: {reg!r} is not a regularizer from nnreg_core "
                            "(penalties, decay, constraints, stochastic, augment); pass a list "
                            "such as [nc.L2(1e-3)].")
        groups[reg.acts].append(reg)
    return groups


def as_list(regularizers):
    """``regularizers`` as a list: a lone regularizer counts as a list of one."""
    if isinstance(regularizers, Regularizer):
        return [regularizers]
    try:
        return list(regularizers)
    except TypeError:
        raise TypeError(f"regularizers must be a list of regularizers such as [nc.L2(1e-3)], "
                        f"got {regularizers!r}.") from None


class ByName:
    """Parameters as a dict of named arrays ``{"W1": (fan_in, fan_out), "b1": (fan_out,), …}``
    (with a leading model axis ``(K, …)`` for K models): the reference space of :func:`update`.

    ``views`` is what the network reads, ``blocks`` and ``grad_blocks`` what penalties and
    decays act on (here the same dicts).
    """

    def __init__(self, params):
        self.views = self.blocks = params
        self.grad_blocks = None

    def backward(self, model, cache, T):
        """The data-loss gradients (a new dict), kept as ``grad_blocks``."""
        self.grad_blocks = model.backward(self.views, cache, T)
        return self.grad_blocks

    def optimize(self, optimizer, opt_state):
        """The optimizer's change ``{name: delta}`` for the gradients (``opt_state`` is
        updated in place)."""
        return optimizer.update_owned(self.grad_blocks, opt_state)[0]

    def add(self, delta):
        """``w += delta`` for every name."""
        for name, d in delta.items():
            self.views[name] += d


def update(model, space, opt_state, X, T, optimizer, groups, rng):
    """One step on the batch ``(X, T)`` in the order of the module docstring, in place on
    ``space`` (:class:`ByName` or a packed space); returns the network's output on the batch.

    ``groups`` is :func:`group` of the regularizers. The gradients are the step's own, so the
    optimizer may overwrite them (:meth:`~nnreg_core.optim.Optimizer.update_owned`).
    """
    for augmentation in groups["batch"]:
        X = augmentation.apply(X, rng)
    out, cache = model.forward(space.views, X, groups["forward"], rng)
    space.backward(model, cache, T)
    for penalty in groups["gradient"]:
        penalty.add_grad(space.grad_blocks, space.blocks)
    delta = space.optimize(optimizer, opt_state)
    lr = optimizer.lr
    decays = groups["decay"]
    for decay in decays:
        if decay.stage == "before":
            decay.apply(space.blocks, lr)
    space.add(delta)
    for decay in decays:
        if decay.stage == "after":
            decay.apply(space.blocks, lr)
    for constraint in groups["constraint"]:
        constraint.apply(space.views)
    return out


def step(model, params, opt_state, X, T, optimizer, groups, rng):
    """One reference update of the dict ``params`` in place; returns the batch data loss."""
    out = update(model, ByName(params), opt_state, X, T, optimizer, groups, rng)
    return model.data_loss(out, T)


def loss_is_finite(model, out, T):
    """Whether the batch data loss of ``out`` is finite (for every model), computed cheaply.

    For the cross-entropy losses the outputs are probabilities, in [0, 1] or NaN, and the loss
    clips them away from 0 before the log: it is finite exactly when no output is NaN, which one
    sum tells. For ``mse`` the loss itself is computed.
    """
    if model.loss == "mse":
        return bool(np.all(np.isfinite(model.data_loss(out, T))))
    return math.isfinite(out.sum())


def largest_weight(arrays):
    """The largest ``|w|`` over the arrays, NaN if any is NaN."""
    return float(np.max([np.max(np.abs(a), initial=0.0) for a in arrays], initial=0.0))


class ReferenceStep:
    """The reference way of training an epoch: :func:`update` on :class:`ByName`, batch by batch.

    The interface every step of a run shares (the fast ones in :mod:`nnreg_core.fast`):
    ``kind``, ``holds(params)``, ``prepare(X)``, ``epoch(params, batches, opt_state, groups,
    rng) -> finite``, ``largest_weight(params)`` and ``on_parts(work, params)``.
    """

    kind = "reference"

    def __init__(self, model, optimizer):
        self.model, self.optimizer = model, optimizer

    @staticmethod
    def holds(params):
        """Any parameter dict will do: the reference step keeps none of its own."""
        return True

    @staticmethod
    def prepare(X):
        """The inputs as this step takes them: ``X`` itself."""
        return X

    def epoch(self, params, batches, opt_state, groups, rng):
        """Every batch ``(X, T)`` in order; False once a batch's data loss is not finite."""
        space = ByName(params)
        return all(loss_is_finite(self.model, update(self.model, space, opt_state, X, T,
                                                     self.optimizer, groups, rng), T)
                   for X, T in batches)

    @staticmethod
    def largest_weight(params):
        """The largest ``|w|`` over every parameter (NaN if any is NaN)."""
        return largest_weight(params.values())

    @staticmethod
    def on_parts(work, params):
        """``[work(params)]``: measurements of the whole model axis at once (the fast steps
        that spread over threads cut it into parts)."""
        return [work(params)]

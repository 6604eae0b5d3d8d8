"""One training step in a fixed order, on named parameter arrays or on a packed copy of them.

One step on a batch, with every regularizer where it acts:

1. forward with training-mode noise (``acts == "forward"``: dropout, Gaussian noise);
2. backward: gradient of the mean data loss;
3. coupled penalties add their gradient (``"gradient"``: L2, L1, elastic net);
4. the optimizer turns gradients into a change ``delta``;
5. decays with ``stage == "before"`` act on the weights the gradient was taken at;
6. ``w += delta``;
7. decays with ``stage == "after"`` (proximal L1), then constraints (``"constraint"``: max-norm).

:func:`update` is the reference, array by array; :func:`packed_update` does the same on packed
parameters (:mod:`nnreg_core.packed`); :mod:`nnreg_core.fused` folds the common SGD + L2 case
into fewer operations.
"""
import math

import numpy as np

from .optim import SGD
from .scope import Regularizer

KINDS = ("forward", "gradient", "decay", "constraint")


def group(regularizers):
    """Sort regularizers by where they act; refuse anything that is not one."""
    groups = {kind: [] for kind in KINDS}
    for reg in regularizers:
        if not isinstance(reg, Regularizer) or reg.acts not in groups:
            raise ValueError(f"{reg!r} is not a regularizer from nnreg_core (penalties, decay, "
                             "constraints, stochastic).")
        groups[reg.acts].append(reg)
    return groups


def step(model, params, opt_state, X, T, optimizer, groups, rng):
    """One update of ``params`` in place on the batch ``(X, T)``; returns the batch data loss.

    ``groups`` is :func:`group` of the regularizers. Order: see the module docstring.
    """
    out = update(model, params, opt_state, X, T, optimizer, groups, rng)
    return model.data_loss(out, T)


def update(model, params, opt_state, X, T, optimizer, groups, rng):
    """The work of :func:`step` without the loss: returns the network's output on the batch.

    The gradients are the step's own, so the optimizer may overwrite them
    (:meth:`~nnreg_core.optim.Optimizer.update_owned`).
    """
    out, cache = model.forward(params, X, groups["forward"], rng)
    grads = model.backward(params, cache, T)
    for penalty in groups["gradient"]:
        penalty.add_grad(grads, params)
    delta, opt_state = optimizer.update_owned(grads, opt_state)
    lr = optimizer.lr
    decays = groups["decay"]
    for decay in decays:
        if decay.stage == "before":
            decay.apply(params, lr)
    for name, d in delta.items():
        params[name] += d
    for decay in decays:
        if decay.stage == "after":
            decay.apply(params, lr)
    for constraint in groups["constraint"]:
        constraint.apply(params)
    return out


def packed_update(model, packed, grads, opt_state, X, T, optimizer, groups, rng):
    """:func:`update` on packed parameters and gradients (:mod:`nnreg_core.packed`).

    The same operations on every element in the same order, so the same results; penalties and
    decays act on the weight block at once, and plain SGD updates every parameter in one go.
    """
    params = packed.views
    out, cache = model.forward(params, X, groups["forward"], rng)
    model.backward_into(params, cache, T, grads.views)
    for penalty in groups["gradient"]:
        penalty.add_grad(grads.groups, packed.groups)
    whole = type(optimizer) is SGD
    delta, opt_state = optimizer.update_owned({"all": grads.flat} if whole else grads.views,
                                              opt_state)
    lr = optimizer.lr
    decays = groups["decay"]
    for decay in decays:
        if decay.stage == "before":
            decay.apply(packed.groups, lr)
    if whole:
        packed.flat += delta["all"]
    else:
        for name, d in delta.items():
            params[name] += d
    for decay in decays:
        if decay.stage == "after":
            decay.apply(packed.groups, lr)
    for constraint in groups["constraint"]:
        constraint.apply(params)
    return out


class PackedStep:
    """:func:`packed_update` bound to packed parameters, gradients and an optimizer.

    Calling it, ``step(X, T, opt_state, groups, rng)``, runs one step and returns whether the
    batch data loss is finite (:func:`loss_is_finite`): the signature every packed step shares
    (see :class:`nnreg_core.fused.FusedSGD`). It tests the loss at every step
    (``checks_each_step``), so the chunks of a batched run go step by step together.
    """

    checks_each_step = True

    def __init__(self, model, packed, grads, optimizer):
        self.model, self.packed, self.grads, self.optimizer = model, packed, grads, optimizer

    @staticmethod
    def prepare(X):
        """The inputs as this step takes them: ``X`` itself."""
        return X

    def __call__(self, X, T, opt_state, groups, rng=None):
        out = packed_update(self.model, self.packed, self.grads, opt_state, X, T, self.optimizer,
                            groups, rng)
        return loss_is_finite(self.model, out, T)


def loss_is_finite(model, out, T):
    """Whether the batch data loss of ``out`` is finite (for every model), computed cheaply.

    For the cross-entropy losses the outputs are probabilities, in [0, 1] or NaN, and the loss
    clips them away from 0 before the log: it is finite exactly when no output is NaN, which one
    sum tells. For ``mse`` the loss itself is computed.
    """
    if model.loss == "mse":
        return bool(np.all(np.isfinite(model.data_loss(out, T))))
    return math.isfinite(out.sum())

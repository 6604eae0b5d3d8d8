"""The training loop: one step in a fixed order, and a run that yields a report per epoch.

One step on a batch, with every regularizer where it acts:

1. forward with training-mode noise (``acts == "forward"``: dropout, Gaussian noise);
2. backward: gradient of the mean data loss;
3. coupled penalties add their gradient (``"gradient"``: L2, L1, elastic net);
4. the optimizer turns gradients into a change ``delta``;
5. decays with ``stage == "before"`` act on the weights the gradient was taken at;
6. ``w += delta``;
7. decays with ``stage == "after"`` (proximal L1), then constraints (``"constraint"``: max-norm).

A :class:`Run` is an iterator of :class:`EpochReport`; plots and dashboards consume it one epoch
at a time. Strengths and the learning rate are read at every step, so changing them mid-run
(``l2.lam = 0.1``) acts from the next step on, without restarting.
"""
import math
from dataclasses import dataclass, field

import numpy as np

from .model import select_model
from .optim import SGD
from .packed import Packed, can_pack
from .parallel import ChunkedSteps, can_split, usable_cores
from .scope import Regularizer

KINDS = ("forward", "gradient", "decay", "constraint")
MAX_WEIGHT = 1e8


@dataclass
class EpochReport:
    """What one epoch did. Numbers are floats, or arrays of shape ``(K,)`` with a model axis.

    ``train_loss`` and ``test_loss`` are data losses without the penalty, measured on the whole
    set in evaluation mode (no dropout or noise); ``penalty`` is the coupled penalty's value and
    ``objective = train_loss + penalty``. Accuracies are None for regression.
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
    """The reports of a run, with :meth:`curve` to read one field over the epochs."""

    def curve(self, name):
        """Array of one report field over epochs: ``(epochs,)`` or ``(epochs, K)``."""
        return np.array([getattr(report, name) for report in self], dtype=float)


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


def loss_is_finite(model, out, T):
    """Whether the batch data loss of ``out`` is finite (for every model), computed cheaply.

    For the cross-entropy losses the outputs are probabilities, in [0, 1] or NaN, and the loss
    clips them away from 0 before the log: it is finite exactly when no output is NaN, which one
    sum tells. For ``mse`` the loss itself is computed.
    """
    if model.loss == "mse":
        return bool(np.all(np.isfinite(model.data_loss(out, T))))
    return math.isfinite(out.sum())


def training_dtype(params):
    """float32 if every parameter array is float32 (the opt-in), else float64."""
    single = all(np.asarray(p).dtype == np.float32 for p in params.values())
    return np.dtype(np.float32) if single else np.dtype(np.float64)


def weight_summary(params):
    """``(norm, zeros, n_weights)`` over all ``W`` arrays: ``sqrt(sum w^2)``, exact zeros, count."""
    weights = [p for name, p in params.items() if name.startswith("W")]
    model_axis = weights[0].ndim == 3
    axes = (1, 2) if model_axis else None
    sq = sum(np.sum(w * w, axis=axes) for w in weights)
    zeros = sum(np.sum(w == 0, axis=axes) for w in weights)
    n = sum(w[0].size if model_axis else w.size for w in weights)
    if not model_axis:
        return float(np.sqrt(sq)), int(zeros), n
    return np.sqrt(sq), zeros, n


class Run:
    """A training run: iterate to train one epoch at a time and receive an :class:`EpochReport`.

    Args:
        model: an :class:`nnreg_core.model.MLP`.
        params: initial parameters (copied, never changed). Trained in float64, or in float32
            when every array is float32 (``model.init(rng, dtype=np.float32)``): an opt-in
            that halves memory traffic and doubles matrix-product speed for large sweeps, at
            float32's precision (about 7 digits; the data are cast to float32 too).
        X_train, y_train: training data, ``(n, d)`` and labels or targets.
        X_test, y_test: optional held-out data, evaluated each epoch.
        optimizer: an :mod:`nnreg_core.optim` optimizer.
        regularizers: any mix of penalties, decays, constraints and stochastic layers.
        epochs: how many epochs to run (may be raised later to go on).
        batch_size: minibatch size; None for full batch.
        rng: a ``np.random.Generator`` (or an int seed) for shuffling and noise.
        shuffle: reshuffle each epoch (else batches are taken in order).
        patience: early stopping: stop when the loss on the held-out set (``X_test``, which
            may be a validation split) has not improved for this many epochs and restore the
            best weights (one model only).
        evaluate_every: evaluate losses and weights every this many epochs (and at the end).
        snapshots: keep a copy of the weights in each report (for histograms).
    """

    def __init__(self, model, params, X_train, y_train, X_test=None, y_test=None, *,
                 optimizer, regularizers=(), epochs=100, batch_size=None, rng=0,
                 shuffle=True, patience=None, evaluate_every=1, snapshots=True):
        model.check_params(params)
        self.model, self.optimizer = model, optimizer
        self.X_train = model.check_inputs(X_train)
        self.T_train = model.encode_targets(y_train, len(self.X_train))
        self.X_test = self.T_test = None
        if (X_test is None) != (y_test is None):
            raise ValueError("give both X_test and y_test, or neither.")
        if X_test is not None:
            self.X_test = model.check_inputs(X_test)
            self.T_test = model.encode_targets(y_test, len(self.X_test))
        self.regularizers = list(regularizers)
        self.groups = group(self.regularizers)
        dtype = training_dtype(params)
        self.params = {name: np.array(p, dtype=dtype, copy=True) for name, p in params.items()}
        if dtype != np.float64:
            self.X_train, self.T_train = self.X_train.astype(dtype), self.T_train.astype(dtype)
            if self.X_test is not None:
                self.X_test, self.T_test = self.X_test.astype(dtype), self.T_test.astype(dtype)
        self.n_models = model.n_models(self.params)
        self.epochs = _positive_int(epochs, "epochs")
        n = len(self.X_train)
        self.batch_size = n if batch_size is None else min(_positive_int(batch_size, "batch_size"), n)
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        self.shuffle = bool(shuffle)
        if patience is not None and (self.n_models is not None or self.X_test is None):
            raise ValueError("early stopping (patience) needs a test set and a single model.")
        self.patience = None if patience is None else _positive_int(patience, "patience")
        self.evaluate_every = _positive_int(evaluate_every, "evaluate_every")
        self.snapshots = bool(snapshots)
        self.packed = self.grads = self.chunked = None
        self.workers = usable_cores()
        self._pack()
        self.opt_state = optimizer.init(self.params)
        self.history = History()
        self.epoch = 0
        self.stopped = None
        self.message = ""
        self.best = None

    def __iter__(self):
        return self

    def __next__(self):
        if self.stopped or self.epoch >= self.epochs:
            raise StopIteration
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            finite = self._train_epoch()
        self.epoch += 1
        if not finite or not self._weights_finite():
            return self._stop("diverged", self._divergence_message())
        report = self._report() if self._due() else None
        if report is not None and self.patience is not None:
            report = self._early_stopping(report)
        return report if report is not None else EpochReport(self.epoch, None, None)

    def run_all(self):
        """Train to the end (or to a stop) and return the :class:`History`."""
        for _ in self:
            pass
        return self.history

    def model_params(self, k):
        """Model k's parameters, when training K models at once."""
        return select_model(self.params, k)

    # ------------------------------------------------------------------ internals
    def _pack(self):
        """Pack the parameters into one array (:mod:`nnreg_core.packed`) when the step allows it.

        ``self.params`` keeps its dict and names; its arrays become views into the packing.
        """
        self.chunked = None
        if can_pack(self.model, self.params, self.groups):
            self.packed = Packed(self.params)
            self.packed.point(self.params)
            self.grads = Packed(like=self.packed)
        else:
            self.packed = self.grads = None

    def _chunked_steps(self):
        """Chunk-by-chunk steps on several threads (:mod:`nnreg_core.parallel`), or None."""
        if not can_split(self.packed, self.groups, self.optimizer):
            return None
        if self.chunked is None or self.chunked.workers != min(self.workers,
                                                               len(self.chunked.bounds)):
            self.chunked = ChunkedSteps(self.packed, self.grads, self.workers, packed_update)
        return self.chunked

    def _train_epoch(self):
        n, bs = len(self.X_train), self.batch_size
        X_all, T_all = self.X_train, self.T_train
        if self.shuffle:
            order = self.rng.permutation(n)
            X_all, T_all = X_all[order], T_all[order]
        if self.packed is None or not self.packed.holds(self.params):
            self._pack()  # params were replaced between epochs (or cannot be packed)
        model, params, groups, optimizer = self.model, self.params, self.groups, self.optimizer
        chunked = self._chunked_steps()
        for start in range(0, n, bs):
            X, T = X_all[start:start + bs], T_all[start:start + bs]
            if chunked is not None:
                outs = chunked(model, self.opt_state, X, T, optimizer, groups)
                if not all(loss_is_finite(model, out, T) for out in outs):
                    return False
                continue
            if self.packed is None:
                out = update(model, params, self.opt_state, X, T, optimizer, groups, self.rng)
            else:
                out = packed_update(model, self.packed, self.grads, self.opt_state, X, T,
                                    optimizer, groups, self.rng)
            if not loss_is_finite(model, out, T):
                return False
        return True

    def _weights_finite(self):
        return all(np.all(np.isfinite(p)) and np.max(np.abs(p), initial=0.0) < MAX_WEIGHT
                   for p in self.params.values())

    def _divergence_message(self):
        which = ""
        if self.n_models is not None:
            bad = [k for k in range(self.n_models)
                   if not all(np.all(np.isfinite(p[k])) and np.max(np.abs(p[k])) < MAX_WEIGHT
                              for p in self.params.values())]
            which = f" (models {bad})" if bad else ""
        return (f"training diverged in epoch {self.epoch}{which}: the loss or a weight became "
                f"NaN, infinite or larger than {MAX_WEIGHT:.0e}. Lower the learning rate "
                f"(now {self.optimizer.lr:.3g}) or add a constraint such as MaxNorm.")

    def _due(self):
        return self.epoch % self.evaluate_every == 0 or self.epoch == self.epochs

    def _evaluate(self, X, T):
        out, _ = self.model.forward(self.params, X)
        return self.model.data_loss(out, T), self.model.accuracy(out, T)

    def _report(self):
        train_loss, train_acc = self._evaluate(self.X_train, self.T_train)
        test_loss = test_acc = None
        if self.X_test is not None:
            test_loss, test_acc = self._evaluate(self.X_test, self.T_test)
        zero = 0.0 if self.n_models is None else np.zeros(self.n_models)
        penalty = sum((p.value(self.params) for p in self.groups["gradient"]), zero)
        norm, zeros, n_weights = weight_summary(self.params)
        weights = None
        if self.snapshots:
            weights = {n: p.copy() for n, p in self.params.items() if n.startswith("W")}
        report = EpochReport(self.epoch, train_loss, penalty, test_loss, train_acc, test_acc,
                             norm, zeros, n_weights, weights)
        self.history.append(report)
        return report

    def _early_stopping(self, report):
        if self.best is None or report.test_loss < self.best[1]:
            self.best = (report.epoch, report.test_loss,
                         {n: p.copy() for n, p in self.params.items()})
        elif report.epoch - self.best[0] >= self.patience:
            self.params = self.best[2]
            report.stopped = "early_stopping"
            report.message = (f"early stopping at epoch {report.epoch}: the held-out loss has "
                              f"not improved for {self.patience} epochs; weights restored from "
                              f"epoch {self.best[0]} (held-out loss {self.best[1]:.4f}).")
            self.stopped, self.message = report.stopped, report.message
        return report

    def _stop(self, reason, message):
        self.stopped, self.message = reason, message
        report = EpochReport(self.epoch, None, None, stopped=reason, message=message)
        self.history.append(report)
        return report


def _positive_int(value, name):
    if int(value) != value or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}.")
    return int(value)

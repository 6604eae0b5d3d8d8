"""The training loop: a run that trains one epoch at a time and yields a report per epoch.

Each step runs in the fixed order of :mod:`nnreg_core.steps` (forward with noise, backward,
coupled penalties, optimizer, decays, update, constraints). A :class:`Run` is an iterator of
:class:`EpochReport`; plots and dashboards consume it one epoch at a time. Strengths and the
learning rate are read at every step, so changing them mid-run (``l2.lam = 0.1``) acts from the
next step on, without restarting.

How a step is computed is chosen by :func:`nnreg_core.fast.choose_step` (``run.stepper``):
the reference step, or a fast path with the same updates. ``backend="reference"`` always takes
the reference step: every equivalence the notebooks prove runs there.
"""
import numpy as np

from .fast import choose_step
from .model import params_as, select_model
from .optim import Optimizer
from .regularizers.base import strengths_of
from .reports import EpochReport, History, divergence_advice, weight_summary
from .steps import as_list, group
from .validate import flag, float_dtype, generator, per_model_count, whole_number

__all__ = ["EpochReport", "History", "MAX_WEIGHT", "Run", "training_dtype"]

MAX_WEIGHT = 1e8


def training_dtype(params):
    """float32 if every parameter array is float32 (the opt-in), else float64."""
    single = all(np.asarray(p).dtype == np.float32 for p in params.values())
    return np.dtype(np.float32) if single else np.dtype(np.float64)


def as_float64(value):
    """A loss or accuracy as float64: a Python float for one model, else a ``(K,)`` array (None
    stays None: a regression has no accuracy)."""
    if value is None:
        return None
    return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=np.float64)


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
        regularizers: a list of any mix of penalties, decays, constraints and stochastic
            layers (a lone regularizer counts as a list of one).
        epochs: how many epochs to run (may be raised later to go on).
        batch_size: minibatch size; None for full batch.
        rng: a ``np.random.Generator`` (or an int seed) for shuffling and noise.
        shuffle: reshuffle each epoch (else batches are taken in order).
        patience: early stopping: stop when the loss on the held-out set (``X_test``, which
            may be a validation split) has not improved for this many epochs and restore the
            best weights (one model only).
        evaluate_every: evaluate losses and weights every this many epochs (and at the end).
        evaluate_dtype: the precision the loss and accuracy evaluations run in: None (the
            training's), or ``np.float32`` for a display that only draws them (about 3x faster
            on a large test set, exact to about 7 digits; training itself is unchanged).
        snapshots: keep a copy of the weights in each report (for histograms).
        backend: ``"auto"`` (the fastest path that gives the same updates) or ``"reference"``
            (always :class:`~nnreg_core.steps.ReferenceStep`, the step the notebooks' proofs
            run on). ``run.stepper.kind`` says which was taken.
        processes: step the chunks of a batched run in worker processes instead of threads
            (:mod:`nnreg_core.fast.processes`; the parameters move into shared memory), for large
            sweeps, float32 ones most, that threads cannot speed up. Taken on POSIX systems
            when the run's chunks go through whole epochs (the fused SGD step, cross-entropy
            loss), else threads; the same weights either way. ``run.workers`` (default None:
            the usable cores) counts the calling process.
    """

    def __init__(self, model, params, X_train, y_train, X_test=None, y_test=None, *,
                 optimizer, regularizers=(), epochs=100, batch_size=None, rng=0,
                 shuffle=True, patience=None, evaluate_every=1, evaluate_dtype=None,
                 snapshots=True, backend="auto", processes=False):
        if not hasattr(model, "check_params"):
            raise TypeError(f"model must be an nnreg_core MLP such as nc.MLP((2, 16, 1)), got "
                            f"{model!r}.")
        model.check_params(params)
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be an optimizer object such as nc.SGD(0.1), "
                            f"nc.Momentum(0.1) or nc.Adam(1e-3), got {optimizer!r}.")
        self.model, self.optimizer = model, optimizer
        self.X_train = model.check_inputs(X_train, "X_train")
        self.T_train = model.encode_targets(y_train, len(self.X_train), "y_train")
        self.X_test = self.T_test = None
        if (X_test is None) != (y_test is None):
            raise ValueError("give both X_test and y_test, or neither.")
        if X_test is not None:
            self.X_test = model.check_inputs(X_test, "X_test")
            self.T_test = model.encode_targets(y_test, len(self.X_test), "y_test")
        self.regularizers = as_list(regularizers)
        self.groups = group(self.regularizers)
        dtype = training_dtype(params)
        self.params = {name: np.array(p, dtype=dtype, copy=True) for name, p in params.items()}
        if dtype != np.float64:
            self.X_train, self.T_train = self.X_train.astype(dtype), self.T_train.astype(dtype)
            if self.X_test is not None:
                self.X_test, self.T_test = self.X_test.astype(dtype), self.T_test.astype(dtype)
        self.n_models = model.n_models(self.params)
        self._check_strengths()
        self.epochs = whole_number(epochs, "epochs")
        n = len(self.X_train)
        self.batch_size = (n if batch_size is None
                           else min(whole_number(batch_size, "batch_size"), n))
        self.rng = generator(rng)
        self.shuffle = flag(shuffle, "shuffle")
        if patience is not None and (self.n_models is not None or self.X_test is None):
            raise ValueError("early stopping (patience) needs a test set and a single model.")
        self.patience = None if patience is None else whole_number(patience, "patience")
        self.evaluate_every = whole_number(evaluate_every, "evaluate_every")
        self.evaluate_dtype = dtype if evaluate_dtype is None else float_dtype(
            evaluate_dtype, "evaluate_dtype")
        self._evaluation_data = {}
        self.snapshots = flag(snapshots, "snapshots")
        self.backend = backend
        self.workers = None
        self.processes = flag(processes, "processes")
        self._stepper = self._stepper_key = None
        self._choose_step()
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

    @property
    def stepper(self):
        """The step this run takes (see :func:`nnreg_core.fast.choose_step`); ``.kind`` names it:
        ``"reference"``, ``"packed"``, ``"fused"``, ``"packed on threads"``, ``"fused on
        threads"`` or ``"fused in processes"``."""
        return self._choose_step()

    # ------------------------------------------------------------------ internals
    def _step_key(self):
        """What the choice of step depends on, beyond the parameters the step holds."""
        regs = tuple(id(r) for kind in self.groups.values() for r in kind)
        return (self.optimizer, type(self.optimizer), regs, self.workers, self.processes,
                self.backend)

    def _choose_step(self):
        """The step for this epoch, chosen again when the parameters, the optimizer, the
        regularizers or the workers were replaced since the last choice."""
        key = self._step_key()
        if (self._stepper is None or self._stepper_key != key
                or not self._stepper.holds(self.params)):
            self._stepper = choose_step(self.model, self.params, self.optimizer, self.groups,
                                        backend=self.backend, workers=self.workers,
                                        processes=self.processes)
            self._stepper_key = key
        return self._stepper

    def _check_strengths(self):
        """Every regularizer's strengths: one value, or one per model (checked each epoch, so
        a strength changed mid-run is checked too)."""
        for reg in self.regularizers:
            for label, value in strengths_of(reg).items():
                per_model_count(value, self.n_models, label)

    def _train_epoch(self):
        self._check_strengths()
        stepper = self._choose_step()
        X_all, T_all = stepper.prepare(self.X_train), self.T_train
        if self.shuffle:
            order = self.rng.permutation(len(X_all))
            X_all, T_all = X_all[order], T_all[order]
        bs = self.batch_size
        batches = [(X_all[start:start + bs], T_all[start:start + bs])
                   for start in range(0, len(X_all), bs)]
        return stepper.epoch(self.params, batches, self.opt_state, self.groups, self.rng)

    def _weights_finite(self):
        """Every parameter finite and below MAX_WEIGHT in size (NaN fails the comparison)."""
        return bool(self._choose_step().largest_weight(self.params) < MAX_WEIGHT)

    def _divergence_message(self):
        which, bad = "", None
        if self.n_models is not None:
            bad = [k for k in range(self.n_models)
                   if not all(np.all(np.isfinite(p[k])) and np.max(np.abs(p[k])) < MAX_WEIGHT
                              for p in self.params.values())]
            which = f" (models {bad})" if bad else ""
        return (f"training diverged in epoch {self.epoch}{which}: the loss or a weight became "
                f"NaN, infinite or larger than {MAX_WEIGHT:.0e}. "
                + self._divergence_advice(bad or None))

    def _divergence_advice(self, models):
        """:func:`~nnreg_core.reports.divergence_advice` for the diverged ``models``."""
        lam = sum((np.asarray(p.l2_coefficient, float) for p in self.groups["gradient"]),
                  np.zeros(()))
        if models is not None and lam.ndim:
            lam = lam[models]
        return divergence_advice(self.optimizer.lr, self.optimizer.stable_l2_bound(), lam)

    def _due(self):
        return self.epoch % self.evaluate_every == 0 or self.epoch == self.epochs

    def _evaluate(self, params, split):
        """``(data loss, accuracy)`` of ``params`` on ``split`` ("train" or "test"), in
        ``evaluate_dtype``; a batched run's models are evaluated in parts on the threads its
        step spreads over (``stepper.on_parts``; each model's numbers are the same either
        way)."""
        X, T = self._evaluation_split(split)

        def measure(part):
            out, _ = self.model.forward(part, X)
            return self.model.data_loss(out, T), self.model.accuracy(out, T)

        parts = self._choose_step().on_parts(measure, params)
        if len(parts) == 1:
            loss, accuracy = parts[0]
        else:
            loss = np.concatenate([part[0] for part in parts])
            accuracy = None if parts[0][1] is None else np.concatenate([p[1] for p in parts])
        return as_float64(loss), as_float64(accuracy)

    def _evaluation_split(self, split):
        """``(X, T)`` of a split in ``evaluate_dtype`` (cast once)."""
        X, T = (self.X_train, self.T_train) if split == "train" else (self.X_test, self.T_test)
        if X.dtype == self.evaluate_dtype:
            return X, T
        cached = self._evaluation_data.get(split)
        if cached is None or cached[0] is not X:
            cached = self._evaluation_data[split] = (X, X.astype(self.evaluate_dtype),
                                                     T.astype(self.evaluate_dtype))
        return cached[1:]

    def _report(self):
        params = params_as(self.params, self.evaluate_dtype)
        train_loss, train_acc = self._evaluate(params, "train")
        test_loss = test_acc = None
        if self.X_test is not None:
            test_loss, test_acc = self._evaluate(params, "test")
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


"""What a dashboard trains: its settings, its data (a named set or a learner's own arrays), and
the two ways of training: one live run, or a whole strength path at once (scrub mode).

NumPy only; the widgets sit on top in :mod:`nnreg_core.display.dashboard`.
"""
from dataclasses import dataclass, field, replace

import numpy as np

from .. import catalog
from ..data import TASKS, Dataset, check_dataset, load, standardize, train_test_split
from ..model import MLP
from ..optim import SGD
from ..train import Run

OWN_DATA = "your data"
MODES = ("live", "scrub")
PATH_SIZE = 24


@dataclass
class Settings:
    """Everything that decides a training run; a dashboard's controls edit one of these."""

    regularizer: str = "l2"
    strength: float = 1e-3
    knobs: dict = field(default_factory=dict)
    dataset: str = "moons"
    hidden: tuple = (16, 16)
    lr: float = 0.1
    epochs: int = 200
    batch_size: int = 32
    seed: int = 0
    n_train: int = 200
    n_test: int = 1000
    noise: float = 0.25
    activation: str = "tanh"

    def check(self):
        """Raise a ValueError naming the bad setting; return self when all are usable."""
        catalog.make(self.regularizer, self.strength, lr=self.lr, **self.knobs)
        if self.dataset not in TASKS and self.dataset != OWN_DATA:
            raise ValueError(f"unknown data set {self.dataset!r}; choose one of "
                             f"{', '.join(TASKS)}, or pass X and y.")
        hidden = tuple(self.hidden)
        if not hidden or any(int(h) != h or h < 1 for h in hidden):
            raise ValueError(f"hidden must list layer widths >= 1, e.g. (16, 16); got {hidden}.")
        for name in ("epochs", "batch_size", "n_train", "n_test"):
            value = getattr(self, name)
            if int(value) != value or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}.")
        if not (np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr (the learning rate) must be a number > 0, got {self.lr!r}.")
        return self

    def changed(self, **changes):
        """A checked copy with some settings changed (self is left alone)."""
        return replace(self, **changes).check()


def infer_task(y):
    """``"binary"`` for labels 0/1, ``"multiclass"`` for whole numbers 0…C-1 with C > 2, else
    ``"regression"``."""
    y = np.asarray(y)
    if y.dtype.kind in "biu" or (y.dtype.kind == "f" and np.all(np.isfinite(y))
                                 and np.all(y == np.round(y)) and len(np.unique(y)) <= 20):
        return "binary" if set(np.unique(y).tolist()) <= {0, 1} else "multiclass"
    return "regression"


def own_dataset(X, y, seed=0, task=None, test_fraction=0.25):
    """A learner's own arrays as a :class:`Dataset`: checked, split and standardized.

    Raises:
        ValueError: wrong shapes, NaN or infinite values, unusable labels, too few samples.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.dtype.kind not in "biuf" or y.dtype.kind not in "biuf":
        raise ValueError("X and y must be numeric arrays.")
    task = task or infer_task(y)
    if task not in ("binary", "multiclass", "regression"):
        raise ValueError(f"task must be 'binary', 'multiclass' or 'regression', got {task!r}.")
    X, y = check_dataset(X, y, task)
    if len(X) < 8:
        raise ValueError(f"need at least 8 samples to split into train and test; got {len(X)}.")
    if task != "regression" and len(np.unique(y)) < 2:
        raise ValueError("all labels are the same class; a classifier needs at least two.")
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_fraction, np.random.default_rng(seed))
    X_tr, X_te = standardize(X_tr, X_te)
    return Dataset(OWN_DATA, X_tr, y_tr, X_te, y_te, task)


def load_dataset(settings, own=None):
    """The dataset the settings name, or ``own`` when they name :data:`OWN_DATA`."""
    if settings.dataset == OWN_DATA:
        if own is None:
            raise ValueError("no arrays of your own were given (Dashboard(X=..., y=...)).")
        return own
    if settings.dataset not in TASKS:
        raise ValueError(f"unknown data set {settings.dataset!r}; choose one of "
                         f"{', '.join(TASKS)}.")
    return load(settings.dataset, n_train=settings.n_train, n_test=settings.n_test,
                noise=settings.noise, seed=settings.seed)


def build_run(settings, dataset, strength=None, n_models=None, snapshots=True):
    """The network, its regularizers and a :class:`Run` for these settings.

    Args:
        strength: the strength, or one per model ``(K,)`` (default ``settings.strength``).
        n_models: K for a batched path; None for one model.

    Returns:
        ``(net, regularizers, run)``; the initial weights come from ``settings.seed``.
    """
    net = MLP(dataset.sizes(settings.hidden), activation=settings.activation, loss=dataset.loss)
    params = net.init(np.random.default_rng(settings.seed), n_models=n_models)
    value = settings.strength if strength is None else strength
    regs = catalog.make(settings.regularizer, value, lr=settings.lr, **settings.knobs)
    run = Run(net, params, dataset.X_train, dataset.y_train, dataset.X_test, dataset.y_test,
              optimizer=SGD(settings.lr), regularizers=regs, epochs=settings.epochs,
              batch_size=settings.batch_size, rng=settings.seed, snapshots=snapshots)
    return net, regs, run


def path_strengths(settings, size=PATH_SIZE):
    """The strengths scrub mode trains at once: the slider's range, log- or evenly spaced.

    Weight decay keeps ``lr·wd < 1``; ``"none"`` has a single (ignored) strength.
    """
    slider = catalog.SLIDERS[settings.regularizer]
    if settings.regularizer == "none":
        return np.array([0.0])
    lo, hi = slider["min"], slider["max"]
    if settings.regularizer == "weight_decay":
        hi = min(hi, 0.99 / settings.lr)
    if slider["log"]:
        return np.logspace(np.log10(lo), np.log10(hi), size)
    return np.linspace(lo, hi, size)

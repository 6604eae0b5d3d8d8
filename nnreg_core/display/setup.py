"""What a dashboard trains: its settings (checked), its data (a named set or a learner's own
arrays) and the :class:`~nnreg_core.train.Run` they make.

NumPy only; the widgets sit on top in :mod:`nnreg_core.display.dashboard`.
"""
from dataclasses import dataclass, field, replace
from numbers import Integral, Real

import numpy as np

from .. import catalog
from ..data import TASKS, Dataset, check_dataset, load, standardize, train_test_split
from ..model import MLP
from ..optim import SGD
from ..train import Run

OWN_DATA = "your data"
MODES = ("path", "live")
TRAIN_DTYPE = np.float32
"""The precision dashboards train and evaluate in (path and live alike): a drawn curve needs no
more than its 7 digits, and NumPy's float32 tanh takes about a quarter of float64's time (the
README's Performance section). The lessons' exact claims are proven in float64."""


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
    n_test: int = 500   # every evaluated epoch measures it: 500 halves the path's time
    noise: float = 0.25
    activation: str = "tanh"

    def check(self):
        """Raise a ValueError naming the bad setting; return self when all are usable."""
        if not isinstance(self.knobs, dict):
            raise ValueError(f"knobs must be a dict such as {{'l1_ratio': 0.5}}, got "
                             f"{self.knobs!r}.")
        catalog.make(self.regularizer, self.strength, lr=self.lr, **self.knobs)
        if self.dataset not in TASKS and self.dataset != OWN_DATA:
            raise ValueError(f"unknown data set {self.dataset!r}; choose one of "
                             f"{', '.join(TASKS)}, or pass X and y.")
        check_hidden(self.hidden)
        for name in ("epochs", "batch_size", "n_train", "n_test", "seed"):
            value = getattr(self, name)
            if not whole(value) or value < (0 if name == "seed" else 1):
                least = 0 if name == "seed" else 1
                raise ValueError(f"{name} must be a whole number >= {least}, got {value!r}.")
        if not (isinstance(self.lr, Real) and np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr (the learning rate) must be a number > 0, got {self.lr!r}.")
        return self

    def changed(self, **changes):
        """A checked copy with some settings changed (self is left alone)."""
        return replace(self, **changes).check()


def whole(value):
    """True for an int (not a bool) or a float that is a whole number."""
    return (isinstance(value, Integral) and not isinstance(value, bool)) or (
        isinstance(value, Real) and np.isfinite(value) and value == int(value))


def check_hidden(hidden):
    """Return ``hidden`` as a tuple of layer widths, or raise a ValueError saying what to give.

    >>> check_hidden([16, 8])
    (16, 8)
    """
    example = "e.g. hidden=(16, 16) for two layers of 16 units"
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise ValueError(f"hidden must be a tuple of layer widths, {example}; got {hidden!r}.")
    widths = tuple(hidden)
    if not widths or not all(whole(h) and h >= 1 for h in widths):
        raise ValueError(f"hidden must list one whole width >= 1 per layer, {example}; got "
                         f"{hidden!r}.")
    if len(widths) > 4 or max(widths) > 512:
        raise ValueError(f"hidden={widths} is larger than a dashboard trains at once (at most "
                         "4 layers of up to 512 units); use nc.Run for larger networks.")
    return tuple(int(h) for h in widths)


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
        raise ValueError(f"X and y must be arrays of real numbers; got {X.dtype} and {y.dtype}.")
    if X.size == 0 or y.size == 0:
        raise ValueError(f"X and y are empty (shapes {X.shape} and {y.shape}); give at least "
                         "8 samples, X of shape (n, d) and y of shape (n,).")
    task = task or infer_task(y)
    if task not in ("binary", "multiclass", "regression"):
        raise ValueError(f"task must be 'binary', 'multiclass' or 'regression', got {task!r}.")
    X, y = check_dataset(X, y, task)
    if len(X) < 8:
        raise ValueError(f"need at least 8 samples to split into train and test; got {len(X)}.")
    if task != "regression":
        check_labels(y)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_fraction, np.random.default_rng(seed))
    X_tr, X_te = standardize(X_tr, X_te)
    return Dataset(OWN_DATA, X_tr, y_tr, X_te, y_te, task)


def check_labels(y):
    """Class labels must be 0, 1, …, C-1, each present, with C >= 2."""
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError("all labels are the same class; a classifier needs at least two.")
    if classes.tolist() != list(range(len(classes))):
        shown = ", ".join(f"{c:g}" for c in classes[:6]) + (", …" if len(classes) > 6 else "")
        raise ValueError(f"class labels must be 0, 1, …, C-1 (each class present); got "
                         f"{{{shown}}}. Renumber them, e.g. y = np.unique(y, "
                         "return_inverse=True)[1].")


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


def build_run(settings, dataset, strength=None, n_models=None, snapshots=True,
              evaluate_every=1):
    """The network, its regularizers and a :class:`Run` for these settings.

    Args:
        strength: the strength, or one per model ``(K,)`` (default ``settings.strength``).
        n_models: K for a batched path; None for one model.
        evaluate_every: as for :class:`Run`.

    Returns:
        ``(net, regularizers, run)``; the initial weights come from ``settings.seed``.
    """
    net = MLP(dataset.sizes(settings.hidden), activation=settings.activation, loss=dataset.loss)
    params = net.init(np.random.default_rng(settings.seed), n_models=n_models, dtype=TRAIN_DTYPE)
    value = settings.strength if strength is None else strength
    regs = catalog.make(settings.regularizer, value, lr=settings.lr, **settings.knobs)
    run = Run(net, params, dataset.X_train, dataset.y_train, dataset.X_test, dataset.y_test,
              optimizer=SGD(settings.lr), regularizers=regs, epochs=settings.epochs,
              batch_size=settings.batch_size, rng=settings.seed, snapshots=snapshots,
              evaluate_every=evaluate_every)
    return net, regs, run


def map_kind(dataset):
    """``"boundary"`` for 2-D classification, ``"fit"`` for 1-D regression, else None."""
    d = dataset.n_features
    if d == 2 and dataset.task != "regression":
        return "boundary"
    if d == 1 and dataset.task == "regression":
        return "fit"
    return None

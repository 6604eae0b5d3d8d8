"""Data sets: seeded toy generators, scikit-learn's bundled digits, splitting and scaling.

Every generator takes ``rng`` (a ``np.random.Generator``) and returns ``(X, y)`` with ``X`` of
shape ``(n, d)``: integer labels ``(n,)`` for classification, float targets ``(n,)`` for
regression. :func:`load` builds a ready :class:`Dataset` (split and standardized) by name.
"""
import gzip
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .validate import numeric_array, real_number, whole_number

MAX_SAMPLES = 10**6  # per set drawn by a generator: more would not fit a notebook's memory


def _n(n, name="n", least=1):
    return whole_number(n, name, least, most=MAX_SAMPLES)


def _noise(noise):
    return real_number(noise, "noise", least=0)


def make_moons(n, noise, rng):
    """Two interleaving half circles, classes 0 and 1, plus Gaussian noise of std ``noise``."""
    n, noise = _n(n), _noise(noise)
    n0 = n // 2
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n - n0)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    y = np.r_[np.zeros(n0, int), np.ones(n - n0, int)]
    return X + noise * rng.standard_normal(X.shape), y


def make_circles(n, noise, rng, factor=0.5):
    """A small circle (class 1, radius ``factor``) inside a large one (class 0, radius 1)."""
    n, noise = _n(n), _noise(noise)
    n0 = n // 2
    t = rng.uniform(0, 2 * np.pi, n)
    r = np.r_[np.ones(n0), np.full(n - n0, factor)]
    X = np.c_[r * np.cos(t), r * np.sin(t)]
    y = np.r_[np.zeros(n0, int), np.ones(n - n0, int)]
    return X + noise * rng.standard_normal(X.shape), y


def make_spiral(n, noise, rng, classes=3):
    """``classes`` interleaved spiral arms (CS231n's toy set); labels ``0 … classes-1``."""
    n, noise, classes = _n(n), _noise(noise), _n(classes, "classes", 2)
    y = np.arange(n) % classes
    r = rng.uniform(0.05, 1.0, n)
    theta = y * 2 * np.pi / classes + 4.0 * r + noise * rng.standard_normal(n)
    return np.c_[r * np.sin(theta), r * np.cos(theta)], y


def make_xor(n, noise, rng):
    """Points in four quadrants; label 1 where the signs of the two coordinates differ."""
    n, noise = _n(n), _noise(noise)
    centers = rng.integers(0, 2, size=(n, 2)) * 2.0 - 1.0
    X = centers * 0.5 + noise * rng.standard_normal((n, 2))
    return X, (centers[:, 0] != centers[:, 1]).astype(int)


def make_regression_1d(n, noise, rng):
    """``y = sin(pi x) + noise * eps`` for ``x ~ U(-1, 1)``: X of shape (n, 1), sorted by x."""
    n, noise = _n(n), _noise(noise)
    x = np.sort(rng.uniform(-1, 1, n))
    return x[:, None], np.sin(np.pi * x) + noise * rng.standard_normal(n)


def make_sparse_linear(n, d, n_informative, noise, rng):
    """High-dimensional linear regression with few informative inputs.

    ``X ~ N(0, 1)`` of shape (n, d); ``y = X @ w + noise * eps`` where only the first
    ``n_informative`` entries of ``w`` are non-zero (±1 to ±2). Returns ``(X, y, w)``.
    """
    n, d, noise = _n(n), _n(d, "d"), _noise(noise)
    k = _n(n_informative, "n_informative", least=0)
    if k > d:
        raise ValueError(f"n_informative ({k}) cannot exceed d ({d}).")
    w = np.zeros(d)
    w[:k] = rng.choice([-1.0, 1.0], k) * rng.uniform(1.0, 2.0, k)
    X = rng.standard_normal((n, d))
    return X, X @ w + noise * rng.standard_normal(n), w


def make_correlated_groups(n, noise, rng, n_groups=3, group_size=4, n_informative_groups=2,
                           correlation=0.999):
    """Linear regression whose inputs come in groups of near-copies of one hidden factor.

    Each group g has a factor ``z_g ~ N(0, 1)``; its ``group_size`` inputs are
    ``x_gj = sqrt(correlation) * z_g + sqrt(1 - correlation) * e_gj`` with ``e_gj ~ N(0, 1)``,
    so every input has variance 1 and two inputs of one group have correlation ``correlation``.
    The target is ``y = sum_g beta_g z_g + noise * eps`` with ``beta_g = 1`` for the first
    ``n_informative_groups`` groups and 0 for the rest.

    Returns:
        ``(X, y, groups)``: X of shape (n, n_groups * group_size), y of shape (n,), and
        ``groups`` of shape (n_groups * group_size,), the group index of each input column.

    >>> X, y, groups = make_correlated_groups(5, 0.1, np.random.default_rng(0))
    >>> X.shape, groups.tolist()
    ((5, 12), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    """
    n, noise = _n(n), _noise(noise)
    n_groups, group_size = _n(n_groups, "n_groups"), _n(group_size, "group_size")
    informative = _n(n_informative_groups, "n_informative_groups", least=0)
    if informative > n_groups:
        raise ValueError(f"n_informative_groups ({informative}) cannot exceed n_groups "
                         f"({n_groups}).")
    if not 0 <= real_number(correlation, "correlation") < 1:
        raise ValueError(f"correlation must lie in [0, 1), got {correlation!r}.")
    z = rng.standard_normal((n, n_groups))
    e = rng.standard_normal((n, n_groups, group_size))
    X = np.sqrt(correlation) * z[:, :, None] + np.sqrt(1.0 - correlation) * e
    beta = np.r_[np.ones(informative), np.zeros(n_groups - informative)]
    y = z @ beta + noise * rng.standard_normal(n)
    return X.reshape(n, -1), y, np.repeat(np.arange(n_groups), group_size)

def load_digits():
    """scikit-learn's bundled 8x8 digits: X (1797, 64) with pixel values 0…16, y (1797,) in 0…9.

    Read straight from the CSV file scikit-learn ships, without importing scikit-learn.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None:
        raise ValueError("the digits set ships with scikit-learn: pip install scikit-learn.")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz"
    with gzip.open(path, "rt") as f:
        table = np.loadtxt(f, delimiter=",")
    return table[:, :-1], table[:, -1].astype(int)


def train_test_split(X, y, test_fraction, rng):
    """Shuffle and split: returns ``X_train, X_test, y_train, y_test``."""
    X, y = numeric_array(X, "X"), numeric_array(y, "y")
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"X has shape {X.shape} but y has shape {y.shape}; they must have "
                         "one row each per sample.")
    if not 0 < real_number(test_fraction, "test_fraction") < 1:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction}.")
    n_test = int(round(len(X) * test_fraction))
    if n_test < 1 or n_test >= len(X):
        raise ValueError(f"test_fraction={test_fraction} leaves an empty train or test set for "
                         f"{len(X)} samples.")
    order = rng.permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


DIGITS_SCALE_FLOOR = 1.0
"""The smallest scale a digits pixel is divided by: one grey level (of 16). A pixel inked in one
training image in a hundred has a spread of about 0.1; dividing by it would turn a stroke that
lands there in a test image (or a moved training image) into 80 standard deviations, enough to
make training with SGD at lr 0.2 chaotic (a change in the 13th digit grows to the whole weight)."""


def column_scale(X_train, floor=0.0):
    """``(mean, scale)`` of each column of ``X_train`` ``(n, d)``, each shape ``(d,)``:
    ``scale = max(std, floor)``, and 1 for a column that is constant (std 0) when ``floor`` is 0.

    >>> mean, scale = column_scale(np.array([[0.0, 1.0, 0.0], [0.0, 3.0, 0.2]]), floor=0.5)
    >>> mean.tolist(), scale.tolist()
    ([0.0, 2.0, 0.1], [0.5, 1.0, 0.5])
    """
    mean = X_train.mean(axis=0)
    scale = np.maximum(X_train.std(axis=0), floor)
    return mean, np.where(scale > 0, scale, 1.0)


def standardize(X_train, *others, floor=0.0):
    """Scale columns to mean 0, std 1 using the training set's statistics only
    (:func:`column_scale`: constant columns are left centred but unscaled, and no column is
    divided by less than ``floor``).

    Returns the scaled training set followed by each of ``others``, scaled the same way.
    """
    mean, scale = column_scale(X_train, floor)
    scaled = tuple((X - mean) / scale for X in (X_train,) + others)
    return scaled if others else scaled[0]


@dataclass
class Dataset:
    """A split data set. ``task`` is ``"binary"``, ``"multiclass"`` or ``"regression"``."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str

    @property
    def n_features(self):
        return self.X_train.shape[1]

    @property
    def n_classes(self):
        """Number of classes (1 output for regression)."""
        if self.task == "regression":
            return 1
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    @property
    def loss(self):
        """The matching :class:`nnreg_core.model.MLP` loss."""
        return {"binary": "binary_ce", "multiclass": "softmax_ce", "regression": "mse"}[self.task]

    def sizes(self, hidden):
        """Layer sizes for an MLP on this set: ``(d, *hidden, outputs)``."""
        out = self.n_classes if self.task == "multiclass" else 1
        return (self.n_features, *tuple(hidden), out)


GENERATORS = {"moons": make_moons, "circles": make_circles, "spiral": make_spiral,
              "xor": make_xor, "regression_1d": make_regression_1d}
TASKS = {"moons": "binary", "circles": "binary", "xor": "binary", "spiral": "multiclass",
         "regression_1d": "regression", "digits": "multiclass"}


def load(name, n_train=200, n_test=1000, noise=0.25, seed=0):
    """A named set, split into ``n_train`` training and ``n_test`` test samples.

    Toy sets are drawn fresh: the training set and the test set from two streams of one seed
    (``np.random.SeedSequence(seed).spawn(2)``), so the training points depend on ``seed``,
    ``n_train`` and ``noise`` only, never on ``n_test``. Each set comes in a random order.
    Digits are shuffled once by ``seed``, the first ``n_train`` taken for training and the
    next ``n_test`` for testing, then standardized. Names: moons, circles, spiral, xor,
    regression_1d, digits.

    >>> load("moons", n_train=50, n_test=20).X_train.shape
    (50, 2)
    """
    if not isinstance(name, str) or name not in TASKS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(TASKS)}.")
    n_train, n_test = _n(n_train, "n_train"), _n(n_test, "n_test")
    noise, seed = _noise(noise), whole_number(seed, "seed", least=0)
    if name != "digits":
        return _draw(name, n_train, n_test, noise, seed)
    X, y = load_digits()
    if n_train + n_test > len(X):
        raise ValueError(f"digits has {len(X)} samples; n_train + n_test = "
                         f"{n_train + n_test} is too many.")
    order = np.random.default_rng(seed).permutation(len(X))
    tr, te = order[:n_train], order[n_train:n_train + n_test]
    X_train, X_test = standardize(X[tr], X[te], floor=DIGITS_SCALE_FLOOR)
    return Dataset(name, X_train, y[tr], X_test, y[te], TASKS[name])


def _draw(name, n_train, n_test, noise, seed):
    """A toy set's training and test sets, each drawn (and shuffled) from its own stream."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2)]
    parts = []
    for n, rng in zip((n_train, n_test), streams):
        X, y = GENERATORS[name](n, noise, rng)
        order = rng.permutation(n)
        parts += [X[order], y[order]]
    X_train, y_train, X_test, y_test = parts
    return Dataset(name, X_train, y_train, X_test, y_test, TASKS[name])


def check_dataset(X, y, task):
    """Validate a learner's own arrays; returns them as ``(X float (n, d), y)``.

    Raises a ValueError that says what to fix: wrong dimensions, mismatched lengths, NaN or
    infinite values, or labels that are not whole numbers ``0 … C-1`` for classification.
    """
    X, y = numeric_array(X, "X", booleans=True), numeric_array(y, "y", booleans=True)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, shape (n_samples, n_features); got shape {X.shape}.")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must be 1-D with one entry per row of X ({len(X)}); got shape "
                         f"{y.shape}.")
    if len(X) == 0:
        raise ValueError("X and y are empty; give at least one sample.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X or y contains NaN or infinite values; drop or impute them first.")
    if task != "regression":
        if np.any(y != np.round(y)) or y.min() < 0:
            raise ValueError("class labels must be whole numbers 0, 1, …, C-1.")
        y = y.astype(int)
        if task == "binary" and y.max() > 1:
            raise ValueError(f"binary labels must be 0 or 1; found up to {y.max()}.")
    return X.astype(float), y

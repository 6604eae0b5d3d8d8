"""Several draws of one small digits experiment: train, validation and test images apart.

An honest comparison repeats an experiment over several data draws: :func:`digits_draw` takes
``n_train`` training images, ``n_val`` validation images and ``n_test`` test images of the 8x8
digits, disjoint, in an order set by ``seed``, and standardizes every pixel with the training
images' mean and spread (at least one grey level). It also returns that standardization, which
an augmentation needs to move raw pixels (:class:`nnreg_core.regularizers.augment.Augment`).
"""
from dataclasses import dataclass

import numpy as np

from .data import DIGITS_SCALE_FLOOR, column_scale, load_digits
from .validate import whole_number


@dataclass
class Draw:
    """One draw: standardized ``X_*`` of shape ``(n, 64)``, labels ``y_*``, and the pixels'
    ``mean`` and ``scale`` (shape ``(64,)``; ``raw = X * scale + mean``)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    seed: int


def digits_draw(seed, n_train=100, n_val=500, n_test=1000):
    """Draw ``seed``: disjoint train, validation and test images, standardized on the train set.

    The images are shuffled by ``np.random.default_rng(seed)``; a pixel's scale is its spread
    over the training images, at least one grey level (:data:`nnreg_core.data.DIGITS_SCALE_FLOOR`).

    >>> d = digits_draw(0, n_train=10, n_val=5, n_test=5)
    >>> d.X_train.shape, d.X_val.shape, d.mean.shape
    ((10, 64), (5, 64), (64,))
    """
    X, y = load_digits()
    seed = whole_number(seed, "seed", least=0)
    n_train, n_test = whole_number(n_train, "n_train"), whole_number(n_test, "n_test")
    n_val = whole_number(n_val, "n_val", least=0)
    if n_train + n_val + n_test > len(X):
        raise ValueError(f"digits has {len(X)} images; n_train + n_val + n_test = "
                         f"{n_train + n_val + n_test} is too many.")
    order = np.random.default_rng(seed).permutation(len(X))
    cuts = np.cumsum([n_train, n_val, n_test])
    train, val, test = order[:cuts[0]], order[cuts[0]:cuts[1]], order[cuts[1]:cuts[2]]
    mean, scale = column_scale(X[train], floor=DIGITS_SCALE_FLOOR)
    part = {name: (X[rows] - mean) / scale for name, rows in
            (("train", train), ("val", val), ("test", test))}
    return Draw(part["train"], y[train], part["val"], y[val], part["test"], y[test],
                mean, scale, int(seed))


def augment_knobs(draw):
    """The catalog knobs that let augmentation move this draw's raw pixels."""
    return {"mean": draw.mean, "scale": draw.scale}

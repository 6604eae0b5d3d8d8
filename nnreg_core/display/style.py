"""Shared look of every nnreg figure: large fonts for a projector, labelled axes, fixed colors.

Fonts are set on each text object explicitly (never through global ``rcParams``), so importing
this module changes nothing in a learner's own plots.
"""
from collections.abc import Mapping

import numpy as np
from matplotlib import pyplot as plt

FONT = 15
TITLE_FONT = 16
LEGEND_FONT = 13
"""Legend text size: readable on a projector in the small bottom-row panels of a dashboard."""
COLORS = {"train": "#1f77b4", "test": "#ff7f0e", "penalty": "#2ca02c", "objective": "#222222",
          "norm": "#9467bd", "zero": "#d62728"}
CLASS_COLORS = np.array([[0.12, 0.47, 0.71], [1.0, 0.50, 0.05], [0.17, 0.63, 0.17],
                         [0.84, 0.15, 0.16], [0.58, 0.40, 0.74], [0.55, 0.34, 0.29],
                         [0.89, 0.47, 0.76], [0.50, 0.50, 0.50], [0.74, 0.74, 0.13],
                         [0.09, 0.75, 0.81]])
CURVE_FIELDS = ("epoch", "train_loss", "test_loss", "penalty", "train_accuracy",
                "test_accuracy", "weight_norm", "zeros")


def new_axes(ax, figsize=(7.5, 5)):
    """``ax`` itself, or the axes of a new pyplot figure (shown by ``plt.show()``)."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def label(ax, title=None, xlabel=None, ylabel=None):
    """Set title and axis labels in the large fonts, and size the tick labels."""
    if title is not None:
        ax.set_title(title, fontsize=TITLE_FONT)
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=FONT)
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=FONT)
    ax.tick_params(labelsize=FONT - 2)
    ax.grid(True, alpha=0.3)


def curve_data(history):
    """Per-epoch arrays from a :class:`nnreg_core.train.History` (or a mapping of arrays).

    Reports without numbers (skipped evaluations, a divergence stop) are left out. Missing
    fields (no test set, accuracy under mse) come back as None.

    Returns:
        dict with keys :data:`CURVE_FIELDS` mapping to arrays of shape ``(n_evaluated,)``, and
        ``"objective" = train_loss + penalty``.
    """
    if isinstance(history, Mapping):
        data = {k: (None if history.get(k) is None else np.asarray(history[k], dtype=float))
                for k in CURVE_FIELDS}
    else:
        reports = [r for r in history if r.train_loss is not None]
        data = {}
        for key in CURVE_FIELDS:
            values = [getattr(r, key) for r in reports]
            missing = any(v is None for v in values)
            data[key] = None if missing and values else np.array(values, dtype=float)
    if data["train_loss"] is None:
        raise ValueError("a history needs train_loss values (an nnreg_core History or a dict "
                         "of per-epoch arrays).")
    penalty = data["penalty"] if data["penalty"] is not None else np.zeros_like(data["train_loss"])
    data["penalty"] = penalty
    data["objective"] = data["train_loss"] + penalty
    return data


def set_band(ax, band, x, low, high, **style):
    """Shade between ``low`` and ``high`` over ``x``, reusing ``band`` when possible.

    Returns the (possibly new) collection; the old one is removed, never left behind.
    """
    if band is not None and hasattr(band, "set_data"):
        band.set_data(x, low, high)
        return band
    if band is not None:
        band.remove()
    return ax.fill_between(x, low, high, **style)


def grow_limits(ax, x_max, data_max, fresh=False, headroom=1.3, fresh_headroom=1.1):
    """Expand-only limits from 0: ``0…x_max`` (or the data's last x) and ``0…top`` on y.

    The y top moves only when the data outgrow it (to ``headroom`` × the data), or on a
    ``fresh`` fit (to ``fresh_headroom`` × the data), so a growing curve does not rescale the
    axes each frame and earlier values stay comparable. Returns True if a limit changed.
    """
    x_lim = (0, x_max) if x_max else ax.get_xlim()
    top = ax.get_ylim()[1]
    if np.isfinite(data_max) and data_max > 0:
        if fresh:
            top = fresh_headroom * data_max
        elif data_max > top:
            top = headroom * data_max
    changed = tuple(x_lim) != tuple(ax.get_xlim()) or (0, top) != tuple(ax.get_ylim())
    if changed:
        ax.set_xlim(*x_lim)
        ax.set_ylim(0, top)
    return changed


def axes_limits(fig):
    """Every axes' ``(xlim, ylim)``: when these change the background must be redrawn."""
    return tuple((ax.get_xlim(), ax.get_ylim()) for ax in fig.axes)

"""Shared look of every nnreg figure: sized for a projector, labelled axes, colour-blind-safe.

Sizes are chosen for the room a figure has in JupyterLab at 1280 px wide with the file browser
open (:data:`OUTPUT_WIDTH_PX`) at the notebooks' 72 dpi (a point is a pixel): a figure at most
:data:`FIGURE_WIDTH` inches wide is shown unscaled, so its 14 pt tick labels are 14 px on
screen. Colours are Okabe and Ito's palette ("Color Universal Design"), and wherever colour
separates things a second cue does too: a line style per curve (:data:`LINE_STYLES`), a marker
per class (:data:`CLASS_MARKERS`).

Fonts are set on each text object explicitly (never through global ``rcParams``), so importing
this module changes nothing in a learner's own plots; :data:`RC` holds the same look as
rcParams for a notebook that wants it (``plt.style.use(RC)``), and :func:`subplots` makes a
figure of the right width.
"""
from collections.abc import Mapping

import numpy as np
from matplotlib import pyplot as plt

from ..reports import History

FONT = 15
"""Axis labels (points)."""
TITLE_FONT = 16
TICK_FONT = 14
"""Tick labels: the smallest text of a figure, 14 px on screen at 72 dpi and scale 1."""
LEGEND_FONT = 14
"""Legend text size: readable on a projector in the small bottom-row panels of a dashboard."""
OUTPUT_WIDTH_PX = 848
"""The width of a cell's output area in JupyterLab 4 at 1280 px with the file browser open."""
NOTEBOOK_DPI = 72
"""The notebooks' figure dpi (``notebooks/matplotlibrc``): one point is one screen pixel."""
FIGURE_WIDTH = 11.5
"""The widest figure, in inches, shown unscaled at 1280 px (828 px at 72 dpi, drawn uncropped
as the lessons draw figures; 20 px to spare in the 848 px output area)."""

OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9",
             "bluish green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
             "vermillion": "#D55E00", "reddish purple": "#CC79A7"}
"""Okabe & Ito's eight colours, told apart with every common colour-vision deficiency."""
COLORS = {"train": OKABE_ITO["blue"], "test": OKABE_ITO["vermillion"],
          "penalty": OKABE_ITO["bluish green"], "objective": "#222222",
          "norm": OKABE_ITO["reddish purple"], "zero": "#A63D00"}
"""Each quantity's colour (``zero``: vermillion darkened for text on white, 6:1 contrast)."""
LINE_STYLES = {"train": "-", "test": (0, (6, 2)), "penalty": "-.", "objective": ":",
               "norm": "-"}
"""Each curve's line style: the cue that remains where colours merge."""
_CLASS_HEX = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
              "#000000", "#999999", "#8C6D31")
CLASS_COLORS = np.array([[int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)] for h in _CLASS_HEX])
"""Class ``k``'s colour (RGB rows in 0…1): Okabe-Ito first, then grey and brown."""
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "p")
"""Class ``k``'s marker: the second cue beside :data:`CLASS_COLORS`."""
RC = {
    "font.size": FONT, "axes.titlesize": TITLE_FONT, "axes.labelsize": FONT,
    "xtick.labelsize": TICK_FONT, "ytick.labelsize": TICK_FONT, "legend.fontsize": LEGEND_FONT,
    "figure.titlesize": TITLE_FONT, "figure.figsize": (FIGURE_WIDTH, 4.5),
    "figure.constrained_layout.use": True, "lines.linewidth": 2.5, "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": plt.cycler(color=[OKABE_ITO[n] for n in (
        "blue", "vermillion", "bluish green", "reddish purple", "orange", "sky blue", "black")],
        linestyle=["-", (0, (6, 2)), "-.", ":", (0, (3, 1, 1, 1)), (0, (1, 1)), (0, (8, 3))]),
}
"""The same look as rcParams: ``plt.style.use(RC)`` (or ``with plt.style.context(RC):``)."""
CURVE_FIELDS = ("epoch", "train_loss", "test_loss", "penalty", "train_accuracy",
                "test_accuracy", "weight_norm", "zeros")


def text_width(text, fontsize, fig):
    """Width in display pixels of ``text`` set at ``fontsize`` points in ``fig`` (from the
    font's advance widths: a few hundred times faster than measuring the glyphs' outlines)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path
    width, _, _ = text_to_path.get_text_width_height_descent(
        text, FontProperties(size=fontsize), ismath="$" in text)
    return width * fig.dpi / 72


def new_axes(ax, figsize=(7.5, 5)):
    """``ax`` itself, or the axes of a new pyplot figure (shown by ``plt.show()``)."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=fitted_size(figsize), layout="constrained")
    return ax


def fitted_size(figsize):
    """``(width, height)`` in inches, scaled down (shape kept) to at most :data:`FIGURE_WIDTH`.

    >>> fitted_size((23, 5))
    (11.5, 2.5)
    """
    width, height = figsize
    scale = min(1.0, FIGURE_WIDTH / width)
    return (width * scale, height * scale)


def subplots(nrows=1, ncols=1, height=None, **options):
    """``plt.subplots`` for a projector: :data:`FIGURE_WIDTH` wide, constrained layout.

    Args:
        nrows, ncols: the grid of axes.
        height: inches; default 4.5 per row, 4 when three or more panels share a row.
        **options: passed on (``sharey=True``, ``squeeze=False``, ...).

    Returns:
        ``(figure, axes)`` as ``plt.subplots`` returns them.

    >>> fig, axes = subplots(1, 3)
    >>> fig.get_size_inches().tolist(), len(axes)
    ([11.5, 4.0], 3)
    >>> plt.close(fig)
    """
    if height is None:
        height = nrows * (4.5 if ncols < 3 else 4.0)
    return plt.subplots(nrows, ncols, figsize=(FIGURE_WIDTH, height), layout="constrained",
                        **options)


def label(ax, title=None, xlabel=None, ylabel=None):
    """Set title and axis labels in the large fonts, and size the tick labels."""
    if title is not None:
        ax.set_title(title, fontsize=TITLE_FONT)
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=FONT)
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=FONT)
    ax.tick_params(labelsize=TICK_FONT)
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
        data = History(history).curves(CURVE_FIELDS)
    if data["train_loss"] is None:
        raise ValueError("a history needs train_loss values (an nnreg_core History or a dict "
                         "of per-epoch arrays).")
    penalty = data["penalty"] if data["penalty"] is not None else np.zeros_like(data["train_loss"])
    data["penalty"] = penalty
    data["objective"] = data["train_loss"] + penalty
    return data


def set_band(ax, band, x, low, high, **style):
    """Shade between ``low`` and ``high`` over ``x`` (points where either is NaN left out).

    The band is one Polygon, created on the first call (``band`` None) and moved in place
    after: unlike ``fill_between``'s collection, a patch is drawn without measuring its path
    segment by segment (about 1 ms a frame for a few hundred epochs). Returns the band.
    """
    x, low, high = (np.asarray(v, dtype=float) for v in (x, low, high))
    keep = np.isfinite(low) & np.isfinite(high)
    x, low, high = x[keep], low[keep], high[keep]
    xy = np.concatenate([np.c_[x, low], np.c_[x[::-1], high[::-1]]]) if len(x) else \
        np.full((1, 2), np.nan)
    if band is None:
        from matplotlib.patches import Polygon
        return ax.add_patch(Polygon(xy, closed=True, **style))
    band.set_xy(xy)
    return band


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

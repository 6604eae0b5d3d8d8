"""Drawing for the notebooks and dashboards (matplotlib; imported on demand, never by the core).

Every function takes ``ax=None`` (None makes a new pyplot figure) and returns an object whose
``update(...)`` changes its artists in place, so a slider or a training loop redraws without
building a new figure. Axes carry units and the convention in use; fonts are large enough for a
projector.

- :func:`weight_histograms`: per-layer weight histograms on fixed bins, with exact-zero counts
- :func:`loss_curves`: train/test data loss, the penalty, and their sum, gap shaded
- :func:`accuracy_curves`, :func:`norm_curve`: accuracy and weight norm over epochs
- :func:`decision_boundary` (2-D classification), :func:`regression_fit` (1-D regression)
- :func:`regularization_path`: every weight against the strength
"""
from collections.abc import Mapping

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.axes import Axes

from .curves import AccuracyCurves, LossCurves, NormCurve, accuracy_curves, loss_curves, norm_curve
from .maps import DecisionBoundary, RegressionFit, decision_boundary, regression_fit
from .style import COLORS, FONT, fitted_size, label, new_axes, text_width

__all__ = ["weight_histograms", "loss_curves", "accuracy_curves", "norm_curve",
           "decision_boundary", "regression_fit", "regularization_path", "fixed_bins",
           "WeightHistograms", "LossCurves", "AccuracyCurves", "NormCurve", "DecisionBoundary",
           "RegressionFit", "RegularizationPath"]


def weight_layers(weights):
    """``{name: 1-D array}`` of the weight matrices in a dict (``W…`` keys), or of one array."""
    if isinstance(weights, Mapping):
        names = [n for n in weights if n.startswith("W")] or list(weights)
        return {n: np.ravel(np.asarray(weights[n], dtype=float)) for n in names}
    return {"weights": np.ravel(np.asarray(weights, dtype=float))}


def fixed_bins(weights, n_bins=41, spread=2.0):
    """Symmetric bin edges ``linspace(-m, m, n_bins + 1)`` with ``m = spread · max|w|``, rounded
    up to a multiple of 0.5: room for weights to grow, and an odd ``n_bins`` puts 0 mid-bin.

    >>> fixed_bins({"W1": np.array([0.3, -0.6])}, n_bins=3).tolist()
    [-1.5, -0.5, 0.5, 1.5]
    """
    layers = weight_layers(weights)
    biggest = max((float(np.max(np.abs(w), initial=0.0)) for w in layers.values()), default=0.0)
    half = max(0.5, np.ceil(2 * spread * biggest) / 2)
    return np.linspace(-half, half, n_bins + 1)


class WeightHistograms:
    """One histogram per layer on fixed bins and fixed x limits, with an exact-zero count.

    Each histogram is one filled step patch (``self.steps[i]``, a ``StepPatch`` whose
    ``get_data().values`` are the counts), so a redraw draws one artist per layer.

    Weights outside the bins are counted in the outermost bins. The y limit grows when a bin
    outgrows it (then to 1.4 × the tallest bin) and never shrinks, unless ``ymax`` fixes it.
    """

    def __init__(self, weights, ax=None, bins=None, title=None, ymax=None):
        layers = weight_layers(weights)
        self.edges = fixed_bins(layers) if bins is None else np.asarray(bins, dtype=float)
        if self.edges.ndim != 1 or len(self.edges) < 2 or np.any(np.diff(self.edges) <= 0):
            raise ValueError("bins must be increasing bin edges, a 1-D array of length >= 2.")
        self.axes = self._axes(ax, len(layers))
        self.pooled = len(self.axes) == 1 and len(layers) > 1
        self.fixed_ymax = self._per_axes(ymax, len(self.axes))
        self.steps, self.zero_texts, self.zero_formats = [], [], []
        sizes = [sum(w.size for w in layers.values())] if self.pooled else [
            w.size for w in layers.values()]
        for i, ax_ in enumerate(self.axes):
            self.steps.append(ax_.stairs(np.zeros(len(self.edges) - 1), self.edges, fill=True,
                                         color=COLORS["train"], alpha=0.85))
            self.zero_texts.append(ax_.text(0.03, 0.95, "", transform=ax_.transAxes, va="top",
                                            fontsize=FONT - 1, color=COLORS["zero"]))
            ax_.set_xlim(self.edges[0], self.edges[-1])
            self.zero_formats.append(zero_format(ax_, sizes[i]))
            name = "all layers" if self.pooled else list(layers)[i]
            label(ax_, self._title(name, layers, weights, title), "weight value", "count")
        self.update(weights)

    @staticmethod
    def _axes(ax, n_layers):
        if ax is None:
            _, axes = plt.subplots(1, n_layers, figsize=fitted_size((4.5 * n_layers, 4.5)),
                                   layout="constrained", squeeze=False)
            return list(axes[0])
        if isinstance(ax, Axes):
            return [ax]
        axes = list(ax)
        if len(axes) != n_layers:
            raise ValueError(f"give one axes per layer ({n_layers}) or a single axes; got "
                             f"{len(axes)}.")
        return axes

    @staticmethod
    def _per_axes(ymax, n_axes):
        if ymax is None or np.ndim(ymax) == 0:
            return [ymax] * n_axes
        if len(ymax) != n_axes:
            raise ValueError(f"ymax needs one value per axes ({n_axes}), got {len(ymax)}.")
        return list(ymax)

    @staticmethod
    def _title(name, layers, weights, title):
        if title is not None:
            return f"{title}: {name}" if len(layers) > 1 else title
        if isinstance(weights, Mapping) and name in weights and np.ndim(weights[name]) == 2:
            fan_in, fan_out = np.shape(weights[name])
            return f"{name} ({fan_in}→{fan_out})"
        return name

    def update(self, weights):
        """Recount for new weights and set the bar heights and zero counts in place."""
        layers = weight_layers(weights)
        groups = [np.concatenate(list(layers.values()))] if self.pooled else list(layers.values())
        if len(groups) != len(self.axes):
            raise ValueError(f"expected {len(self.axes)} layers, got {len(groups)}.")
        self.counts, self.zeros, self.outside = [], [], []
        for ax_, step, text, w, ymax, form in zip(self.axes, self.steps, self.zero_texts, groups,
                                                  self.fixed_ymax, self.zero_formats):
            clipped = np.clip(w, self.edges[0], self.edges[-1])
            counts, _ = np.histogram(clipped, self.edges)
            step.set_data(values=counts)
            zeros = int(np.sum(w == 0))
            outside = int(np.count_nonzero((w < self.edges[0]) | (w > self.edges[-1])))
            text.set_text(form.format(zeros, w.size)
                          + (f"\n{outside} past the axis ends" if outside else ""))
            self._fit_y(ax_, counts, ymax)
            self.counts.append(counts)
            self.zeros.append(zeros)
            self.outside.append(outside)
        return self

    @staticmethod
    def _fit_y(ax_, counts, ymax):
        top = ymax if ymax is not None else ax_.get_ylim()[1]
        if ymax is None and (counts.max(initial=0) > top / 1.05 or top <= 1):
            top = 1.4 * max(counts.max(initial=0), 1)
        if ax_.get_ylim() != (0, top):
            ax_.set_ylim(0, top)

    def animated_artists(self):
        """The artists an update changes (for blitting)."""
        return list(self.steps) + list(self.zero_texts)


def weight_histograms(weights, ax=None, bins=None, title=None, ymax=None):
    """Histograms of the weights, one per layer, on fixed bins (shrinkage stays visible).

    Args:
        weights: ``{name: array}`` (the ``W…`` entries are drawn, one axes each) or one array.
        ax: None (new figure, one axes per layer), one axes (all layers pooled), or one axes
            per layer.
        bins: bin edges; default :func:`fixed_bins` of these weights.
        title: a title prefix.
        ymax: fix the count axis to ``0…ymax``, one number or one per axes (default: grows
            as needed, never shrinks).

    Returns:
        A :class:`WeightHistograms`; ``.update(weights)`` redraws, ``.counts`` and ``.zeros``
        hold the numbers drawn, ``.outside`` the weights beyond the bins (counted in the end
        bars, and said so on the panel).
    """
    return WeightHistograms(weights, ax, bins, title, ymax)


def zero_format(ax, n_weights):
    """``"exact zeros: {} / {}"``, on two lines where one would run past a narrow panel."""
    one_line = "exact zeros: {} / {}"
    width = text_width(one_line.format(n_weights, n_weights), FONT - 1, ax.figure)
    fits = width < 0.92 * ax.get_position().width * ax.figure.bbox.width
    return one_line if fits else "exact zeros:\n{} / {}"


class RegularizationPath:
    """Every weight (one line each) against the strength; ``mark(s)`` shows the current one."""

    def __init__(self, strengths, weights, ax=None, xlabel="λ", title=None, log=None):
        strengths, weights = self._check(strengths, weights)
        self.ax = new_axes(ax)
        self.lines = self.ax.plot(strengths, weights, lw=1, alpha=0.6, color=COLORS["norm"])
        if log is None:
            log = bool(np.all(strengths > 0) and strengths.max() > 20 * strengths.min())
        if log:
            log_x(self.ax, decades=np.log10(strengths.max() / strengths.min()))
        self.marker = self.ax.axvline(strengths[0], color=COLORS["zero"], lw=2, visible=False,
                                      label="current strength")
        self.ax.axhline(0, color="k", lw=1)
        label(self.ax, title or "regularization path: every weight", xlabel, "weight value")
        self.strengths = strengths

    @staticmethod
    def _check(strengths, weights):
        strengths = np.asarray(strengths, dtype=float)
        weights = np.asarray(weights, dtype=float)
        if strengths.ndim != 1 or weights.ndim != 2 or len(weights) != len(strengths):
            raise ValueError(f"weights must have shape (n_strengths, n_weights) = "
                             f"({len(strengths)}, …); got {weights.shape}.")
        return strengths, weights

    def update(self, weights, strengths=None):
        """Set new weights (same number of lines) and optionally new strengths."""
        strengths, weights = self._check(self.strengths if strengths is None else strengths,
                                         weights)
        if weights.shape[1] != len(self.lines):
            raise ValueError(f"expected {len(self.lines)} weights per strength, got "
                             f"{weights.shape[1]}.")
        for line, column in zip(self.lines, weights.T):
            line.set_data(strengths, column)
        self.strengths = strengths
        self.ax.relim()
        self.ax.autoscale_view()
        return self

    def mark(self, strength):
        """Draw a vertical line at ``strength`` (the slider's value)."""
        self.marker.set_xdata([strength, strength])
        self.marker.set_visible(True)
        return self


def log_x(ax, decades=1.0):
    """A log x axis labelled as plain numbers (0.25, 1, 2): at 1, 2 and 5 times each power of
    ten when the range spans at most two decades, at the powers of ten alone when it is wider.

    matplotlib's default labels every minor tick of a range under a decade as ``3×10⁻¹``,
    and such labels run into each other; so do 1-2-5 labels over many decades.

    Args:
        ax: the axes.
        decades: ``log10(max / min)`` of the strengths drawn.
    """
    from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter
    ax.set_xscale("log")
    subs = (1.0, 2.0, 5.0) if decades <= 2 else (1.0,)
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def regularization_path(strengths, weights, ax=None, xlabel="λ", title=None, log=None):
    """Plot each weight against the strength.

    Args:
        strengths: shape ``(n_strengths,)``.
        log: a log strength axis; None uses one when the strengths span more than 20×.
        weights: shape ``(n_strengths, n_weights)``, e.g. the flattened final weights of K
            models trained at once.
        ax: axes, or None for a new figure.
        xlabel: the strength's name and convention, e.g. ``"λ (L2, λ/2·Σw²)"``.

    Returns:
        A :class:`RegularizationPath`.
    """
    return RegularizationPath(strengths, weights, ax, xlabel, title, log)

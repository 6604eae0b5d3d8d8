"""Curves over epochs: losses (data loss, penalty and their sum apart), accuracy, weight norm.

Each class draws once and changes its artists in place with ``update(history)``; ``history`` is
a :class:`nnreg_core.train.History` or a dict of per-epoch arrays (see
:func:`nnreg_core.display.style.curve_data`).
"""
import numpy as np

from .style import (COLORS, LEGEND_FONT, LINE_STYLES, curve_data, grow_limits, label, new_axes,
                    set_band)

SMALLEST_LEGEND_FONT = LEGEND_FONT
"""A legend never shrinks below the projector's smallest text; its entries get shorter instead."""
LOSS_NAMES = {"binary_ce": "binary CE, nats", "softmax_ce": "cross-entropy, nats",
              "mse": "½·squared error"}


class _Curves:
    """Lines over epochs for some fields, with the gap between two of them shaded."""

    fields = ()
    gap = None
    fixed_y = False
    legend_at = "upper right"
    legend_columns = 1
    fresh_headroom = 1.1

    def __init__(self, history, ax, epochs):
        self.ax = new_axes(ax)
        self.epochs = epochs
        self.lines = {}
        self.band = None
        self.fresh = True
        data = curve_data(history)
        for field, (text, style) in self.styles().items():
            self.lines[field] = self.ax.plot([], [], label=text, lw=2.5, **style)[0]
        self.update(data)
        self.legend = opaque_legend(self.ax, self.legend_at, self.legend_columns)

    def styles(self):
        raise NotImplementedError

    def update(self, history):
        """Redraw from ``history`` in place: set line data, reshade the gap, rescale."""
        data = curve_data(history)
        epoch = data["epoch"]
        for field, line in self.lines.items():
            values = data.get(field)
            line.set_data(epoch, values if values is not None else np.full(len(epoch), np.nan))
        low, high = (data.get(f) for f in self.gap) if self.gap else (None, None)
        if low is not None and high is not None:
            self.band = set_band(self.ax, self.band, epoch, low, high,
                                 color=COLORS["test"], alpha=0.15, lw=0)
        self._limits(epoch, data)
        self.data = data
        return self

    def _limits(self, epoch, data):
        x_max = self.epochs or (float(epoch[-1]) if len(epoch) else None)
        if self.fixed_y:
            if x_max:
                self.ax.set_xlim(0, x_max)
            return
        values = [np.nanmax(data[f]) for f in self.lines if data.get(f) is not None
                  and len(data[f]) and np.any(np.isfinite(data[f]))]
        top = max(values) if values else np.nan
        grow_limits(self.ax, x_max, top, fresh=self.fresh, fresh_headroom=self.fresh_headroom)
        self.fresh = self.fresh and not values

    def refit(self):
        """Fit the y range afresh at the next update (after a restart of training)."""
        self.fresh = True

    def animated_artists(self):
        """The artists an update changes (for blitting)."""
        return list(self.lines.values()) + ([self.band] if self.band is not None else [])


class LossCurves(_Curves):
    """Train and test data loss, the penalty, and the objective ``data loss + penalty``.

    The data losses never include the penalty (as in :class:`nnreg_core.train.EpochReport`);
    the penalty is drawn on its own and added only in the objective line. A penalty label too
    long for a two-column legend inside the axes becomes "penalty" (or "penalty = 0").
    """

    gap = ("train_loss", "test_loss")
    legend_columns = 2
    fresh_headroom = 1.45   # room above the curves for the two-row legend

    def __init__(self, history, ax=None, epochs=None, loss="data loss", penalty_label=None):
        self.penalty_label = penalty_label or "penalty"
        super().__init__(history, ax, epochs)
        unit = LOSS_NAMES.get(loss, loss)
        label(self.ax, "data loss + penalty", "epoch", f"loss ({unit})")
        short = "penalty = 0" if "= 0" in self.penalty_label else "penalty"
        self.legend = fit_legend(self.ax, self.legend, {short: self.lines["penalty"]},
                                 self.legend_at, self.legend_columns)
        # a narrow panel: short names (the title says "data loss"), two columns, else one
        self.legend = fit_legend(self.ax, self.legend, {"train": self.lines["train_loss"],
                                                        "test": self.lines["test_loss"],
                                                        "sum": self.lines["objective"]},
                                 self.legend_at, self.legend_columns)
        self.legend = fit_legend(self.ax, self.legend, {}, self.legend_at, 1)
        self.fresh_headroom = headroom_under(self.ax, self.legend, self.fresh_headroom)
        if self.data["epoch"].size:
            self.refit()
            self.update(self.data)

    def styles(self):
        return {"train_loss": ("train (data loss)", line_style("train")),
                "test_loss": ("test (data loss)", line_style("test")),
                "penalty": (self.penalty_label, line_style("penalty")),
                "objective": ("train + penalty", line_style("objective"))}


class AccuracyCurves(_Curves):
    """Train and test accuracy (fraction correct), the gap shaded; y fixed to 0…1."""

    gap = ("test_accuracy", "train_accuracy")
    fixed_y = True
    legend_at = "lower right"

    def __init__(self, history, ax=None, epochs=None):
        super().__init__(history, ax, epochs)
        self.ax.set_ylim(0, 1.02)
        label(self.ax, "accuracy (gap shaded)", "epoch", "accuracy (fraction correct)")
        self.legend = fit_legend(self.ax, self.legend, {"train": self.lines["train_accuracy"],
                                                        "test": self.lines["test_accuracy"]},
                                 self.legend_at)

    def styles(self):
        return {"train_accuracy": ("train accuracy", line_style("train")),
                "test_accuracy": ("test accuracy", line_style("test"))}


class NormCurve(_Curves):
    """The L2 norm of all weight matrices, ``sqrt(Σ w²)`` over every ``W`` (biases out)."""

    legend_at = "lower right"

    def __init__(self, history, ax=None, epochs=None):
        super().__init__(history, ax, epochs)
        label(self.ax, "‖W‖, biases out", "epoch", "‖W‖₂ = √(Σ w²)")
        self.legend.remove()      # one line, named by the title: a legend would only cover it
        self.legend = None

    def styles(self):
        return {"weight_norm": ("weight norm", line_style("norm"))}


def line_style(quantity):
    """Colour and line style of a curve of ``quantity`` (``"train"``, ``"test"``, ...)."""
    return dict(color=COLORS[quantity], ls=LINE_STYLES[quantity])


def headroom_under(ax, legend, least):
    """The y headroom factor that keeps a fresh fit of the curves below a legend at the top.

    A legend covering a share ``h`` of the axes' height needs the data to end at ``1 - h`` of it
    (less a small margin): ``top = data_max / (1 - h - 0.05)``. Never below ``least``.
    """
    share = legend.get_window_extent().height / ax.get_window_extent().height
    return max(least, 1.0 / max(1.0 - share - 0.05, 0.3))


def legend_fits(ax, legend):
    """True if ``legend``'s box lies inside ``ax`` (measured in display pixels)."""
    box, frame = legend.get_window_extent(), ax.get_window_extent()
    return box.x0 >= frame.x0 - 0.5 and box.x1 <= frame.x1 + 0.5


def opaque_legend(ax, loc, columns=1, size=LEGEND_FONT):
    """``ax``'s legend with an opaque frame: the curves pass under it, never through it, so a
    blitting canvas keeps it in the background and puts it back over them
    (:class:`~nnreg_core.display.blit.Blitter`), just as a full render draws it."""
    return ax.legend(fontsize=size, loc=loc, ncol=columns, framealpha=1.0)


def fit_legend(ax, legend, short_names, loc="best", columns=1):
    """Keep the legend inside its axes: first shorten long entries, then use one column, then
    smaller text (down to :data:`SMALLEST_LEGEND_FONT`).

    Args:
        ax: the axes the legend belongs to.
        legend: its current legend.
        short_names: ``{short text: line}``: what a long entry becomes when the legend is too
            wide (the convention then stays in the figure title), e.g. ``{"penalty": line}``.
        loc, columns: where the legend goes and its number of columns when it fits.

    Returns:
        The legend kept (a new one when it had to change).
    """
    if legend_fits(ax, legend):
        return legend
    for text, line in short_names.items():
        line.set_label(text)
    legend = opaque_legend(ax, loc, columns)
    size = LEGEND_FONT
    while not legend_fits(ax, legend) and size > SMALLEST_LEGEND_FONT:
        legend.remove()
        legend = opaque_legend(ax, loc, 1, size)
        size -= 1
    return legend


def loss_curves(history, ax=None, epochs=None, loss="data loss", penalty_label=None):
    """Train and test data loss, penalty and objective; test−train gap shaded.

    Args:
        history: a History or a dict of per-epoch arrays.
        ax: axes to draw on; None makes a new figure.
        epochs: fix the x range to ``0…epochs`` (live training fills it from the left).
        loss: the MLP's loss name (``"binary_ce"``, ``"softmax_ce"``, ``"mse"``) for the unit.
        penalty_label: legend text for the penalty, e.g. its convention ``"λ/2·Σw²"``.

    Returns:
        A :class:`LossCurves`; call ``.update(history)`` to redraw in place.
    """
    return LossCurves(history, ax, epochs, loss, penalty_label)


def accuracy_curves(history, ax=None, epochs=None):
    """Train and test accuracy over epochs; returns an :class:`AccuracyCurves`."""
    return AccuracyCurves(history, ax, epochs)


def norm_curve(history, ax=None, epochs=None):
    """The weight norm ``sqrt(Σ w²)`` over epochs; returns a :class:`NormCurve`."""
    return NormCurve(history, ax, epochs)

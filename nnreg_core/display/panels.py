"""The panels of a dashboard laid out on one figure, redrawn in place from a
:class:`~nnreg_core.display.record.Frame` (what was recorded while training: nothing is
computed from weights here).

Top row: one weight histogram per layer. Bottom row: losses (and accuracy for classifiers),
the decision map (2-D classification) or the fit (1-D regression), the weight norm.
"""
import numpy as np

from .. import catalog
from . import viz
from .curves import fit_legend, opaque_legend
from .maps import DecisionBoundary, RegressionFit
from .setup import map_kind
from .sliders import show
from .style import COLORS, FONT, TITLE_FONT, text_width

PANELS = ("weights", "loss", "accuracy", "boundary", "norm")
PENALTY_LABELS = {"l2": "penalty λ/2·Σw²", "l1": "penalty λ·Σ|w|",
                  "elastic_net": "penalty αrΣ|w|+α(1−r)/2Σw²"}
NO_LOSS_TERM = "no loss term"


def check_panels(panels):
    """Return ``panels`` as a tuple, or raise a ValueError naming the unknown ones."""
    if isinstance(panels, str):
        panels = (panels,)
    panels = tuple(panels)
    unknown = [p for p in panels if p not in PANELS]
    if unknown or not panels:
        raise ValueError(f"unknown panels {unknown}; choose from {PANELS}.")
    return panels


def zero_penalty_reason(name, knobs=None):
    """Why the reported penalty of regularizer ``name`` is always 0, or None if it is not.

    >>> zero_penalty_reason("l1", {"form": "proximal"}), zero_penalty_reason("l2")
    ('L1 acts by soft threshold', None)
    """
    if name == "l1" and (knobs or {}).get("form") == "proximal":
        return "L1 acts by soft threshold"
    return None if name in PENALTY_LABELS else NO_LOSS_TERM


def penalty_label(name, knobs=None):
    """Legend text for the penalty line: its formula, or why it is zero."""
    reason = zero_penalty_reason(name, knobs)
    return PENALTY_LABELS[name] if reason is None else f"penalty = 0 ({reason})"


def bottom_panels(panels, dataset):
    """Which bottom-row panels this data set supports, in display order."""
    chosen = []
    for name in panels:
        if name == "loss":
            chosen.append("loss")
            if dataset.task != "regression" and "accuracy" not in panels:
                chosen.append("accuracy")
        elif name == "accuracy" and dataset.task != "regression":
            chosen.append("accuracy")
        elif name == "boundary" and map_kind(dataset):
            chosen.append("boundary")
        elif name == "norm":
            chosen.append("norm")
    return chosen


PANEL_LAYOUT = "none"
"""The layout engine of every figure the panels are drawn on: none. The panels place their axes
themselves (:func:`row_grid`); a constrained layout (which ``plt.style.use(style.RC)`` turns on
for every new figure) would stretch both rows over the whole height, one on top of the other."""


def row_grid(fig, n, top, bottom, ratios=None, margin=0.95, gap=1.0):
    """A one-row grid of ``n`` axes with room for labels fixed in inches, not fractions, so
    that fonts fit whether the figure is full width or half of a side-by-side comparison."""
    width = fig.bbox.width / fig.dpi
    axis = max((width - margin - 0.2 - (n - 1) * gap) / n, 0.5)
    return fig.add_gridspec(1, n, left=margin / width, right=1 - 0.2 / width, top=top,
                            bottom=bottom, wspace=gap / axis, width_ratios=ratios)


class CachedBoundary(DecisionBoundary):
    """A decision map drawn from class probabilities recorded while training."""

    def probabilities(self, probabilities):
        return probabilities


class CachedFit(RegressionFit):
    """A 1-D fit drawn from the outputs recorded while training."""

    def update(self, outputs):
        self.line.set_ydata(outputs)
        return self


def empty_weights(net):
    """Zero weight matrices of ``net``'s shapes: ``{"W1": (fan_in, fan_out), …}``."""
    return {f"W{i}": np.zeros((a, b)) for i, (a, b) in enumerate(zip(net.sizes[:-1],
                                                                      net.sizes[1:]), start=1)}


class Panels:
    """Build the panels on ``fig`` (a Figure or SubFigure, cleared first) and draw frames.

    Args:
        fig: the figure to draw on; it is reused, never replaced.
        net, dataset: the network (its sizes name the layers) and the data (points, task).
        frame: the first Frame to draw.
        panels: names from :data:`PANELS`.
        settings: the dashboard's settings (for titles and legends).
        bins: the histograms' bin edges.
        limits: fixed axis limits ``{"counts": [per layer], "loss": top, "norm": top}``
            covering a whole path (so a new strength redraws without a new background);
            missing entries grow with the data.
        animated: mark the changing artists animated, for a blitting canvas.
        title_lines: 1 or 2 to fix the heading's lines; None: two when one is too wide.
    """

    def __init__(self, fig, net, dataset, frame, panels, settings, bins, limits=None,
                 animated=False, title_lines=None):
        fig.clear()
        self.fig, self.settings, self.animated = fig, settings, animated
        self.limits = limits or {}
        self.artists, self.marks = {}, []
        top = "weights" in panels
        bottom = bottom_panels(panels, dataset)
        self.title = fig.suptitle("", fontsize=TITLE_FONT + 1, y=0.985)
        self.title_lines = title_lines
        self.wrap_title = self.wraps(frame)
        first_row_top = 0.83 if self.wrap_title else 0.87
        if top:
            n_layers = len(net.sizes) - 1
            gs = row_grid(fig, n_layers, top=first_row_top, bottom=0.57 if bottom else 0.12)
            axes = [fig.add_subplot(gs[0, i]) for i in range(n_layers)]
            self.artists["weights"] = viz.weight_histograms(
                empty_weights(net), ax=axes, bins=bins, ymax=self.limits.get("counts"))
            for ax in axes:      # the zero weights' one tall bar must not fix a growing axis
                ax.set_ylim(0, 1)
        if bottom:
            ratios = [1.45 if name == "loss" else 1.0 for name in bottom]
            gs = row_grid(fig, len(bottom), top=0.43 if top else first_row_top, bottom=0.1,
                          ratios=ratios)
            for i, name in enumerate(bottom):
                self.artists[name] = self._panel(name, fig.add_subplot(gs[0, i]), net, dataset,
                                                 frame)
            fit_row_titles(fig, [self.artists[name].ax for name in bottom])
        self.draw(frame)

    def _panel(self, name, ax, net, dataset, frame):
        total = frame.total
        if name == "loss":
            curves = viz.loss_curves(frame.curves, ax=ax, epochs=total, loss=net.loss,
                                     penalty_label=penalty_label(self.settings.regularizer,
                                                                 self.settings.knobs))
            self._hide_penalty(curves)
            return self._fix(curves, self.limits.get("loss"))
        if name == "accuracy":
            return viz.accuracy_curves(frame.curves, ax=ax, epochs=total)
        if name == "norm":
            return self._fix(viz.norm_curve(frame.curves, ax=ax, epochs=total),
                             self.limits.get("norm"))
        if map_kind(dataset) == "fit":
            return CachedFit(net, frame.map, dataset.X_train, dataset.y_train, ax=ax)
        return CachedBoundary(net, frame.map, dataset.X_train, dataset.y_train, ax=ax,
                              resolution=int(np.sqrt(len(frame.map))))

    def _hide_penalty(self, curves):
        """No penalty or objective line (nor legend entry) for a regularizer without a loss
        term: dropout, noise, max-norm, decay and none add nothing to the loss."""
        if zero_penalty_reason(self.settings.regularizer, self.settings.knobs) != NO_LOSS_TERM:
            return
        for name in ("penalty", "objective"):
            curves.lines[name].set_visible(False)
            curves.lines[name].set_label("_hidden")
        curves.ax.set_title("data loss")
        curves.legend.remove()
        curves.legend = fit_legend(curves.ax, opaque_legend(curves.ax, curves.legend_at), {},
                                   curves.legend_at, 1)

    def wraps(self, frame):
        """Whether ``frame``'s heading takes two lines (fixed by ``title_lines``, else: when one
        line is wider than the figure)."""
        if self.title_lines is not None:
            return self.title_lines == 2
        return text_width(self.heading(frame), TITLE_FONT + 1, self.fig) > self.fig.bbox.width

    def apply_limits(self, limits):
        """Fix the axes to new ``limits`` (as the constructor's) in place, without rebuilding
        the panels; missing entries leave an axis as it is."""
        self.limits = dict(limits)
        histograms = self.artists.get("weights")
        if histograms is not None and limits.get("counts") is not None:
            histograms.fixed_ymax = histograms._per_axes(limits["counts"], len(histograms.axes))
            for ax, top in zip(histograms.axes, histograms.fixed_ymax):
                ax.set_ylim(0, top)
        for name in ("loss", "norm"):
            if name in self.artists:
                self._fix(self.artists[name], limits.get(name))

    @staticmethod
    def _fix(curves, top):
        """Fix the y range to ``0…top`` (a whole path's), so redraws keep the background."""
        if top is not None and np.isfinite(top) and top > 0:
            curves.fixed_y = True
            curves.ax.set_ylim(0, top)
        return curves

    def draw(self, frame, heading=""):
        """Update every panel in place from ``frame``; ``heading`` replaces the title."""
        for name, artist in self.artists.items():
            if name == "weights":
                show_counts(artist, frame)
            elif name == "boundary":
                artist.update(frame.map)
            else:
                artist.epochs = frame.total
                artist.update(frame.curves)
        self._mark_changes(frame.changes)
        self.title.set_text(heading or self.heading(frame))
        if self.animated:
            for artist in self.animated_artists():
                artist.set_animated(True)

    def _mark_changes(self, changes):
        """A dotted line and the new value at each mid-run strength change, on every curve
        panel (animated, so marks come and go without a full render)."""
        axes = [a.ax for n, a in self.artists.items() if n in ("loss", "accuracy", "norm")]
        while len(self.marks) > len(changes) * len(axes):
            self.marks.pop().remove()
        for epoch, value in changes[len(self.marks) // max(len(axes), 1):]:
            for ax in axes:
                line = ax.axvline(epoch, color=COLORS["objective"], ls=":", lw=2)
                text = ax.text(epoch, 0.98, f" → {show(value)}", va="top", fontsize=FONT - 1,
                               transform=ax.get_xaxis_transform(), color=COLORS["objective"])
                self.marks += [line, text]

    def animated_artists(self):
        """Every artist a redraw changes, panel by panel in drawing order, and the title."""
        artists = [self.title]
        for artist in self.artists.values():
            artists += artist.animated_artists()
        return artists + self.marks

    def overlays(self):
        """The artists that never change but lie over changing ones: the curves' (opaque)
        legends. A blit puts their pixels back from the background after the changing artists
        (drawing them costs more than all the curves)."""
        legends = [getattr(artist, "legend", None) for artist in self.artists.values()]
        return [legend for legend in legends if legend is not None and legend.axes is not None]

    def heading(self, frame):
        """``'<regularizer, convention> · <data set> · epoch e / total'``, on two lines (the
        regularizer, then the rest) when one line is wider than the figure."""
        s = self.settings
        regs = catalog.make(s.regularizer, frame.strength, lr=s.lr, **s.knobs)
        joint = "\n" if getattr(self, "wrap_title", False) else " · "
        return (f"{catalog.describe(s.regularizer, regs)}{joint}{s.dataset} · "
                f"epoch {frame.epoch}/{frame.total}")


def show_counts(histograms, frame):
    """Set a :class:`~nnreg_core.display.viz.WeightHistograms` from a frame's recorded counts."""
    for i, (ax, step, text, form) in enumerate(zip(histograms.axes, histograms.steps,
                                                   histograms.zero_texts,
                                                   histograms.zero_formats)):
        counts, zeros, outside = frame.counts[i], frame.zeros[i], frame.outside[i]
        step.set_data(values=counts)
        text.set_text(form.format(zeros, int(counts.sum()))
                      + (f"\n{outside} past the axis ends" if outside else ""))
        histograms._fit_y(ax, counts, histograms.fixed_ymax[i])
    histograms.counts, histograms.zeros, histograms.outside = (list(frame.counts),
                                                               list(frame.zeros),
                                                               list(frame.outside))


SHORT_TITLES = {"data loss + penalty": "loss", "data loss": "loss",
                "accuracy (gap shaded)": "accuracy", "decision boundary": "boundary",
                "‖W‖, biases out": "‖W‖"}
"""What a panel's title becomes when a row of panels is too narrow for the long ones."""
TITLE_GAP_PX = 8


def title_spans(fig, axes):
    """``[(left, right), …]``: where each panel's centred title runs, in pixels of ``fig``."""
    spans = []
    for ax in axes:
        box = ax.get_position()
        centre = (box.x0 + box.x1) / 2 * fig.bbox.width
        half = text_width(ax.get_title(), ax.title.get_fontsize(), fig) / 2
        spans.append((centre - half, centre + half))
    return spans


def fit_row_titles(fig, axes):
    """Shorten the titles of a row of panels (:data:`SHORT_TITLES`) when any two would run into
    each other or one would pass the figure's edge; long ones stay where they fit."""
    def crowded():
        edges = title_spans(fig, axes)
        return (edges[0][0] < 0 or edges[-1][1] > fig.bbox.width
                or any(a[1] + TITLE_GAP_PX > b[0] for a, b in zip(edges, edges[1:])))

    if crowded():
        for ax in axes:
            ax.set_title(SHORT_TITLES.get(ax.get_title(), ax.get_title()))


def finite_max(rows):
    """The largest finite value in a list of arrays (None when there is none)."""
    values = np.concatenate([np.ravel(r) for r in rows if r is not None] or [np.array([])])
    values = values[np.isfinite(values)]
    return float(values.max()) if values.size else None


def path_limits(recording):
    """Fixed limits covering every model and epoch of a recording (see :class:`Panels`):
    histogram counts to 1.5 × the tallest bin (room for the zero count above the bars), the
    loss axis to the data losses (a large penalty early on may leave the top), the norm."""
    n_layers = len(recording.snapshots[0])
    limits = {"counts": [1.5 * max(finite_max([s[i][0] for s in recording.snapshots]), 1)
                         for i in range(n_layers)]}
    loss = finite_max(recording.curves["train_loss"] + recording.curves["test_loss"])
    norm = finite_max(recording.curves["weight_norm"])
    if loss:
        limits["loss"] = 1.45 * loss
    if norm:
        limits["norm"] = 1.15 * norm
    return limits

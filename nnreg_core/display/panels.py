"""The panels of a dashboard laid out on one figure, redrawn in place from a :class:`View`.

Top row: one weight histogram per layer. Bottom row: losses (and accuracy for classifiers),
the decision map (2-D classification) or the fit (1-D regression), the weight norm.
"""
import numpy as np

from .. import catalog
from . import viz
from .style import TITLE_FONT

PANELS = ("weights", "loss", "accuracy", "boundary", "norm")
PENALTY_LABELS = {"l2": "penalty λ/2·Σw²", "l1": "penalty λ·Σ|w|",
                  "elastic_net": "penalty αrΣ|w|+α(1−r)/2Σw²"}


def check_panels(panels):
    """Return ``panels`` as a tuple, or raise a ValueError naming the unknown ones."""
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
    return None if name in PENALTY_LABELS else "no loss term"


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


def row_grid(fig, n, top, bottom, ratios=None, margin=0.95, gap=1.0):
    """A one-row grid of ``n`` axes with room for labels fixed in inches, not fractions, so
    that fonts fit whether the figure is full width or half of a side-by-side comparison.
    ``ratios`` are relative axes widths."""
    width = fig.bbox.width / fig.dpi
    axis = max((width - margin - 0.2 - (n - 1) * gap) / n, 0.5)
    return fig.add_gridspec(1, n, left=margin / width, right=1 - 0.2 / width, top=top,
                            bottom=bottom, wspace=gap / axis, width_ratios=ratios)


def map_kind(dataset):
    """``"boundary"`` for 2-D classification, ``"fit"`` for 1-D regression, else None."""
    d = dataset.n_features
    if d == 2 and dataset.task != "regression":
        return "boundary"
    if d == 1 and dataset.task == "regression":
        return "fit"
    return None


class Panels:
    """Build the panels on ``fig`` (a Figure or SubFigure, cleared first) and draw views.

    Args:
        fig: the figure to draw on; it is reused, never replaced.
        net: the MLP (its sizes name the layers).
        dataset: the Dataset (points for the map, the task for accuracy).
        view: the first :class:`nnreg_core.display.training.View` to draw.
        panels: names from :data:`PANELS`.
        settings: the dashboard's settings (for titles).
        bins: histogram bin edges (default: from the initial weights of ``settings.seed``).
        ymax: per-layer fixed count limits for the histograms (scrub mode), or None.
        animated: mark the changing artists animated, for a blitting canvas (they are then
            left out of plain renders such as ``savefig``).
        title_lines: 1 or 2 to fix the heading's lines; None: two when one is too wide.
    """

    def __init__(self, fig, net, dataset, view, panels, settings, bins=None, ymax=None,
                 animated=False, title_lines=None):
        fig.clear()
        self.fig, self.settings, self.animated = fig, settings, animated
        self.artists = {}
        top = "weights" in panels
        bottom = bottom_panels(panels, dataset)
        self.title = fig.suptitle("", fontsize=TITLE_FONT + 1, y=0.985)
        self.wrap_title = (title_lines == 2 if title_lines is not None else
                           text_width(self.heading(view), TITLE_FONT + 1, fig) > fig.bbox.width)
        first_row_top = 0.84 if self.wrap_title else 0.88
        if top:
            n_layers = len(view.weights)
            gs = row_grid(fig, n_layers, top=first_row_top, bottom=0.57 if bottom else 0.1)
            axes = [fig.add_subplot(gs[0, i]) for i in range(n_layers)]
            self.artists["weights"] = viz.weight_histograms(view.weights, ax=axes, bins=bins,
                                                             ymax=ymax)
        if bottom:
            ratios = [1.45 if name == "loss" else 1.0 for name in bottom]
            gs = row_grid(fig, len(bottom), top=0.44 if top else first_row_top, bottom=0.08,
                          ratios=ratios)
            for i, name in enumerate(bottom):
                self.artists[name] = self._panel(name, fig.add_subplot(gs[0, i]), net, dataset,
                                                 view)
        self.draw(view)

    def _panel(self, name, ax, net, dataset, view):
        total = view.total
        if name == "loss":
            return viz.loss_curves(view.curves, ax=ax, epochs=total, loss=net.loss,
                                   penalty_label=penalty_label(self.settings.regularizer,
                                                               self.settings.knobs))
        if name == "accuracy":
            return viz.accuracy_curves(view.curves, ax=ax, epochs=total)
        if name == "norm":
            return viz.norm_curve(view.curves, ax=ax, epochs=total)
        if map_kind(dataset) == "fit":
            return viz.regression_fit(net, view.params, dataset.X_train, dataset.y_train, ax=ax)
        return viz.decision_boundary(net, view.params, dataset.X_train, dataset.y_train, ax=ax,
                                     resolution=60)

    def draw(self, view, heading=""):
        """Update every panel in place from ``view``; ``heading`` goes into the title."""
        for name, artist in self.artists.items():
            if name == "weights":
                artist.update(view.weights)
            elif name == "boundary":
                artist.update(view.params)
            else:
                artist.epochs = view.total
                artist.update(view.curves)
        self.title.set_text(heading or self.heading(view))
        if self.animated:
            for artist in self.animated_artists():
                artist.set_animated(True)

    def animated_artists(self):
        """Every artist a redraw changes, panel by panel in drawing order, and the title."""
        artists = [self.title]
        for artist in self.artists.values():
            artists += artist.animated_artists()
        return artists

    def refit(self, views=()):
        """Fit the curves' y ranges afresh, to cover every view given (a cached path)."""
        for artist in self.artists.values():
            if hasattr(artist, "refit"):
                artist.refit()
                for view in views:
                    artist.update(view.curves)

    def heading(self, view):
        """``'<regularizer, convention> · <data set> · epoch e / total'``, on two lines (the
        regularizer, then the rest) when one line is wider than the figure."""
        s = self.settings
        regs = catalog.make(s.regularizer, view.strength, lr=s.lr, **s.knobs)
        joint = "\n" if getattr(self, "wrap_title", False) else " · "
        return (f"{catalog.describe(s.regularizer, regs)}{joint}{s.dataset} · "
                f"epoch {view.epoch}/{view.total}")


def text_width(text, fontsize, fig):
    """Width in display pixels of ``text`` set at ``fontsize`` points in ``fig``."""
    from matplotlib.textpath import TextPath
    return TextPath((0, 0), text, size=fontsize).get_extents().width * fig.dpi / 72


def histogram_limits(views, edges):
    """Per-layer count limits covering every view's histogram (1.15 × the tallest bin)."""
    tops = None
    for view in views:
        counts = [np.histogram(np.clip(w.ravel(), edges[0], edges[-1]), edges)[0].max()
                  for w in view.weights.values()]
        tops = counts if tops is None else np.maximum(tops, counts)
    return [1.15 * max(int(t), 1) for t in tops]


"""Two dashboards side by side on the same data and seed, with a readout of each run's numbers.

Both sides start from the same initial weights (same seed, same hidden sizes) and see the same
minibatches, so any difference comes from the regularizers.
"""
import ipywidgets as W
from matplotlib import pyplot as plt

ROWS = (("strength", "strength"), ("epoch", "epoch"), ("train_loss", "train data loss"),
        ("test_loss", "test data loss"), ("penalty", "penalty"),
        ("train_accuracy", "train accuracy"), ("test_accuracy", "test accuracy"),
        ("weight_norm", "weight norm ‖W‖₂"), ("zeros", "exact zeros"))


def readout_html(left, right):
    """An HTML table of two :meth:`Dashboard.summary` dicts, one column each."""
    def cell(value):
        if value is None:
            return "–"
        return f"{value:d}" if isinstance(value, int) else f"{value:.4g}"

    head = (f"<tr><th></th><th>left: {left['regularizer']}</th>"
            f"<th>right: {right['regularizer']}</th></tr>")
    body = "".join(f"<tr><td>{text}</td><td>{cell(left.get(key))}</td>"
                   f"<td>{cell(right.get(key))}</td></tr>" for key, text in ROWS)
    return (f'<table style="font-size:15px;border-spacing:14px 2px">{head}{body}</table>')


class Comparison:
    """Two :class:`nnreg_core.widgets.Dashboard` objects next to each other.

    Args:
        left, right: keyword arguments for each side, e.g. ``dict(regularizer="l1",
            strength=1e-3)``.
        dataset: the data set both sides train on.
        panels, controls: as for a Dashboard (fewer, to fit half the width).
        figsize: each side's figure size in inches.
        **shared: any other Dashboard argument, the same for both sides (``seed``, ``lr``,
            ``epochs``, ``X``, ``y``, …).

    Raises:
        ValueError: bad arguments on either side (the message names the side).
    """

    def __init__(self, left=None, right=None, dataset="moons",
                 panels=("weights", "loss", "boundary"), controls=("strength", "mid_run"),
                 figsize=(9.5, 8.5), **shared):
        from .widgets import Dashboard

        self.sides = {}
        for side, own in (("left", left), ("right", right)):
            own = dict(own or {})
            clash = sorted(set(own) & {"dataset", "seed", "X", "y"})
            if clash:
                raise ValueError(f"{side} sets {clash}; both sides share the data and seed, so "
                                 "pass them once to Comparison(...).")
            try:
                self.sides[side] = Dashboard(dataset=dataset, panels=panels, controls=controls,
                                             figsize=figsize, **{**shared, **own})
            except (TypeError, ValueError) as err:
                raise ValueError(f"{side} side: {err}") from None
            self.sides[side].on_draw = self._update_readout
        self.left, self.right = self.sides["left"], self.sides["right"]
        self.readout = W.HTML()
        self.controls = {"play": W.Button(description="▶ train both", button_style="success")}
        self.controls["play"].on_click(lambda _: self.play())
        self._update_readout()
        self.ui = W.VBox([self.controls["play"], W.HBox([self.left.ui, self.right.ui]),
                          self.readout])

    def play(self):
        """Train both sides (animated in a kernel, at once without an event loop)."""
        for dash in (self.left, self.right):
            dash.player.play()

    def run(self):
        """Train both sides to the end; returns ``(left_history, right_history)``."""
        return self.left.run(), self.right.run()

    def summary(self):
        """``{"left": …, "right": …}``: each side's :meth:`Dashboard.summary`."""
        return {"left": self.left.summary(), "right": self.right.summary()}

    def static_figure(self):
        """Both sides' current state on one pyplot Figure, left and right."""
        width, height = self.left.figure.get_size_inches()
        fig = plt.figure(figsize=(2 * width, height), dpi=100)
        for sub, dash in zip(fig.subfigures(1, 2), (self.left, self.right)):
            dash.draw_on(sub)
        return fig

    def _update_readout(self):
        if hasattr(self, "readout") and hasattr(self, "right"):
            self.readout.value = readout_html(self.left.summary(), self.right.summary())

    def _repr_mimebundle_(self, **kwargs):
        for dash in (self.left, self.right):
            dash._repr_mimebundle_()
        return self.ui._repr_mimebundle_(**kwargs)

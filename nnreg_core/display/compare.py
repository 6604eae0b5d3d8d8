"""Two dashboards side by side on the same data and seed, with a readout of each run's numbers.

Both sides start from the same initial weights (same seed, same hidden sizes) and see the same
minibatches, so any difference comes from the regularizers.
"""
import ipywidgets as W
from matplotlib import pyplot as plt

from .dashboard import Dashboard, close_widgets
from .layout import owned_by, register_for_cell
from .figure import DPI, png_image
from .panels import PANEL_LAYOUT
from .player import on_loop_thread

FIGSIZE = (8.0, 7.0)
"""Each side's figure in inches: 576 × 504 px at 72 dpi. Two fit side by side from about
1600 px of screen; narrower (1280 with the file browser open) they stack."""
NO_STRENGTH = "—"
SIDE_BY_SIDE_FROM = "1210px"
"""Output width from which the two sides stand side by side (two 600 px sides and a gap)."""
LAYOUT_CSS = f"""<style>
.nnreg-comparison {{ container-type: inline-size; }}
.nnreg-comparison-sides > * {{ flex: 0 0 100%; min-width: 0; }}
.nnreg-comparison-sides > .nnreg-left-figure {{ order: 1; }}
.nnreg-comparison-sides > .nnreg-right-controls {{ order: 2; }}
.nnreg-comparison-sides > .nnreg-right-figure {{ order: 3; }}
@container (min-width: {SIDE_BY_SIDE_FROM}) {{
  .nnreg-comparison-sides > * {{ flex-basis: 50%; order: 0 !important; }}
}}
</style>"""
"""How a Comparison lays out its four parts, kept in the page order left controls, right
controls, left figure, right figure (ipympl's canvas keeps the keyboard focus once Tab reaches
it, so both sides' controls must come before either figure): narrower than
:data:`SIDE_BY_SIDE_FROM` each side's figure is shown under its own controls (CSS ``order``);
wider, the controls form the first row and the figures the second."""

ROWS = (("strength", "strength"), ("epoch", "epoch"), ("train_loss", "train data loss"),
        ("test_loss", "test data loss"), ("penalty", "penalty"),
        ("train_accuracy", "train accuracy"), ("test_accuracy", "test accuracy"),
        ("weight_norm", "weight norm ‖W‖₂"), ("zeros", "exact zeros"))


def readout_html(left, right):
    """An HTML table of two :meth:`Dashboard.summary` dicts, one column each; "—" where a
    number is missing or means nothing (the strength of ``"none"``), and why a penalty of 0
    is 0 when the regularizer adds no loss term."""
    def cell(summary, key):
        value = summary.get(key)
        if value is None or (key == "strength" and summary["regularizer"] == "none"):
            return NO_STRENGTH
        if key == "penalty" and summary.get("zero_penalty"):
            return f"0 ({summary['zero_penalty']})"
        return f"{value:d}" if isinstance(value, int) else f"{value:.4g}"

    head = (f"<tr><th></th><th>left: {left['regularizer']}</th>"
            f"<th>right: {right['regularizer']}</th></tr>")
    body = "".join(f"<tr><td>{text}</td><td>{cell(left, key)}</td>"
                   f"<td>{cell(right, key)}</td></tr>" for key, text in ROWS)
    return (f'<table style="font-size:15px;border-spacing:14px 2px">{head}{body}</table>')


def placeholder_row():
    """An empty row as tall as a slider or menu row."""
    row = W.Label("", layout=W.Layout(height="var(--jp-widgets-inline-height, 28px)"))
    row.add_class("nnreg-placeholder")
    return row


def is_placeholder(widget):
    return "nnreg-placeholder" in widget._dom_classes


def fit_half(control):
    """Let a control shrink to its half of the screen (its own width stays the maximum)."""
    width = control.layout.width
    if width and width.endswith("px") and control.layout.max_width is None:
        control.layout = W.Layout(width="100%", max_width=width)


class Comparison:
    """Two :class:`nnreg_core.display.dashboard.Dashboard` objects next to each other.

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
                 figsize=FIGSIZE, **shared):
        self.sides = {}
        with owned_by():
            self._make_sides(left, right, dataset, panels, controls, figsize, shared)
        self.left, self.right = self.sides["left"], self.sides["right"]
        self.readout = W.HTML()
        self.controls = {"play": W.Button(description="▶ replay both", button_style="success")}
        self.controls["play"].on_click(on_loop_thread(lambda _: self.play()))
        self._update_readout()
        for dash in (self.left, self.right):
            dash.on_rows = self.align_controls
            dash.on_install = self._share_axes
        self.align_controls()
        self._share_axes()
        self.ui = W.VBox([W.HTML(LAYOUT_CSS, layout=W.Layout(display="none")),
                          self.controls["play"], self._sides_box(), self.readout])
        self.ui.add_class("nnreg-comparison")
        register_for_cell(self)

    def _sides_box(self):
        """Both sides' controls, then both figures (see :data:`LAYOUT_CSS`)."""
        controls, figures = [], []
        for name, dash in (("left", self.left), ("right", self.right)):
            box = W.VBox(dash.control_parts(), layout=W.Layout(max_width="100%"))
            box.add_class(f"nnreg-{name}-controls")
            figure = dash.view.widget
            figure.layout.order = None       # the page's CSS places it, by the screen's width
            figure.add_class(f"nnreg-{name}-figure")
            controls.append(box)
            figures.append(figure)
        box = W.Box(controls + figures, layout=W.Layout(flex_flow="row wrap"))
        box.add_class("nnreg-comparison-sides")
        return box

    def _make_sides(self, left, right, dataset, panels, controls, figsize, shared):
        for side, own in (("left", left), ("right", right)):
            if own is not None and not isinstance(own, dict):
                raise ValueError(f"{side} must be a dict of Dashboard settings such as "
                                 f"dict(regularizer='l1', strength=1e-3), got {own!r}.")
            own = dict(own or {})
            clash = sorted(set(own) & {"dataset", "seed", "X", "y"})
            if clash:
                raise ValueError(f"{side} sets {clash}; both sides share the data and seed, so "
                                 "pass them once to Comparison(...).")
            try:
                self.sides[side] = Dashboard(dataset=dataset, panels=panels, controls=controls,
                                             figsize=figsize, title_lines=2,
                                             **{**shared, **own})
            except (TypeError, ValueError) as err:
                raise ValueError(f"{side} side: {err}") from None
            self.sides[side].on_draw = self._update_readout

    def play(self):
        """Replay both sides' training (animated in a kernel, at once without a loop)."""
        for dash in (self.left, self.right):
            dash.play()

    def close(self):
        """Free both sides' widgets and figures, and the comparison's own."""
        for dash in (self.left, self.right):
            dash.close()
        close_widgets([self.controls["play"], self.readout, *self.ui.children, self.ui])

    def _share_axes(self):
        """Once both paths are trained, give both sides the same axis ranges (the larger of
        each), so equal numbers look equal."""
        if not all(dash.limits for dash in (self.left, self.right)):
            return
        shared = {}
        for key in set(self.left.limits) | set(self.right.limits):
            values = [dash.limits.get(key) for dash in (self.left, self.right)]
            values = [v for v in values if v is not None]
            if key == "counts":
                if len(values) == 2 and len(values[0]) == len(values[1]):
                    shared[key] = [max(a, b) for a, b in zip(*values)]
            else:
                shared[key] = max(values)
        for dash in (self.left, self.right):
            dash.share_limits(shared)

    def run(self):
        """Train both sides to the end; returns ``(left_history, right_history)``."""
        return self.left.run(), self.right.run()

    def summary(self):
        """``{"left": …, "right": …}``: each side's :meth:`Dashboard.summary`."""
        return {"left": self.left.summary(), "right": self.right.summary()}

    def snapshot(self):
        """Both live figures as drawn now, left on top of right, as one PNG image (see
        :meth:`Dashboard.snapshot`)."""
        return png_image(self.left.view.rendered(), self.right.view.rendered())

    def static_figure(self):
        """Both sides' current state on one pyplot Figure, left on top of right: at the live
        figures' size, side by side they would be too wide for a 1280 px screen's notebook."""
        width, height = self.left.figure.get_size_inches()
        fig = plt.figure(figsize=(width, 2 * height), dpi=DPI, layout=PANEL_LAYOUT)
        for sub, dash in zip(fig.subfigures(2, 1), (self.left, self.right)):
            dash.draw_on(sub)
        return fig

    def align_controls(self):
        """Pad the side with fewer control rows with empty rows where the other side's knobs
        are (after the strength), so that both sides' rows, buttons and figures line up; fit
        every control into its half."""
        dashes = (self.left, self.right)
        boxes = [dash.near for dash in dashes]
        rows = [[c for c in box.children if not is_placeholder(c)] for box in boxes]
        tallest = max(len(r) for r in rows)
        for dash, box, own in zip(dashes, boxes, rows):
            for control in own:
                fit_half(control)
            strength = dash.controls["strength"]
            at = own.index(strength) + 1 if strength in own else len(own)
            padding = [placeholder_row() for _ in range(tallest - len(own))]
            box.children = tuple(own[:at] + padding + own[at:])

    def _update_readout(self):
        if hasattr(self, "readout") and hasattr(self, "right"):
            self.readout.value = readout_html(self.left.summary(), self.right.summary())

    def _repr_mimebundle_(self, **kwargs):
        for dash in (self.left, self.right):
            dash._repr_mimebundle_()
        return self.ui._repr_mimebundle_(**kwargs)

"""Dashboards: drag a slider, watch the network change (ipywidgets on top of train + viz).

Import explicitly (``from nnreg_core import widgets``); ``import nnreg_core`` stays NumPy-only.

>>> dash = Dashboard(regularizer="l2", strength=1e-2, epochs=20)
>>> round(dash.run()[-1].epoch)
20

The live figure is an ipympl canvas made for the dashboard's own figure (never registered with
pyplot), so notebooks keep the inline backend for everything else. Once shown, a redraw draws
only the changing artists onto a cached background and sends the changed pixels
(:mod:`nnreg_core.display.blit`); those artists are marked animated, so save or show the
state with :meth:`Dashboard.static_figure`, a plain pyplot figure of the same panels, which is
also what readers without widgets see. Without ipympl the figure is redrawn into an ``Output``.
"""
import ipywidgets as W
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from inspect import signature

from . import state
from .blit import Blitter
from .controls import Coalescer, Player, live_canvas, make_buttons, make_controls
from .events import DashboardEvents
from .panels import Panels, check_panels, histogram_limits, zero_penalty_reason
from .setup import MODES, OWN_DATA, Settings, load_dataset, own_dataset
from .training import LiveTraining, StrengthPath
from .viz import fixed_bins

__all__ = ["Dashboard"]
FIGSIZE, DPI = (15, 9), 72
CONTROLS = ("regularizer", "strength", "l1_ratio", "where", "form", "lr", "epochs", "dataset",
            "n_train", "hidden", "mid_run")


def constructor_defaults():
    """``{argument: default}`` of ``Dashboard(...)``, for what a state may leave out."""
    defaults = {n: p.default for n, p in signature(Dashboard.__init__).parameters.items()}
    defaults["knobs"] = {}
    return {k: tuple(v) if isinstance(v, list) else v for k, v in defaults.items()}


class Dashboard(DashboardEvents):
    """One training run (``mode="live"``) or a strength path (``mode="scrub"``) with controls.

    Args:
        regularizer, strength: a name from :data:`nnreg_core.catalog.NAMES` and its slider value.
        dataset: a name from :func:`nnreg_core.data.load`; ignored when ``X, y`` are given.
        hidden, lr, epochs, batch_size, seed, n_train: the network and its training.
        panels: from ``("weights", "loss", "accuracy", "boundary", "norm")``; classifiers get
            an accuracy panel beside the loss.
        controls: which controls to show, from :data:`CONTROLS` (all exist in
            :attr:`controls`); the knobs (l1_ratio, where, form) show beside the strength for
            the regularizers that use them.
        mode: ``"live"`` (animate one run) or ``"scrub"`` (train a whole path of strengths
            once, then redraw from that cache).
        X, y: a learner's own arrays instead of a named data set.
        knobs: the regularizer's own settings (``l1_ratio``, ``where``, ``form``, ``layers``).
        frame_epochs: epochs trained per animation frame.
        figsize: figure size in inches.
        title_lines: 1 or 2 to fix the heading's lines (default: two only when one line is
            wider than the figure); a :class:`Comparison` gives both sides two, so that their
            panels line up.

    Raises:
        ValueError: any unusable argument, with what to fix.
    """

    def __init__(self, regularizer="l2", dataset="moons", strength=1e-3, hidden=(16, 16),
                 lr=0.1, epochs=200, batch_size=32, seed=0, n_train=200,
                 panels=("weights", "loss", "boundary", "norm"),
                 controls=("regularizer", "strength", "lr", "epochs", "dataset", "hidden",
                           "mid_run"),
                 mode="live", X=None, y=None, knobs=None, frame_epochs=4, figsize=FIGSIZE,
                 title_lines=None):
        if mode not in MODES:
            raise ValueError(f"mode must be 'live' or 'scrub', got {mode!r}.")
        unknown = [c for c in controls if c not in CONTROLS]
        if unknown:
            raise ValueError(f"unknown controls {unknown}; choose from {CONTROLS}.")
        self.mode, self.panel_names = mode, check_panels(panels)
        self.own = None if X is None and y is None else own_dataset(X, y, seed=seed)
        self.settings = Settings(regularizer, strength, dict(knobs or {}),
                                 OWN_DATA if self.own else dataset, tuple(hidden), lr, epochs,
                                 batch_size, seed, n_train).check()
        self.frame_epochs, self.shown = int(frame_epochs), tuple(controls)
        if title_lines not in (None, 1, 2):
            raise ValueError(f"title_lines must be 1, 2 or None (fit), got {title_lines!r}.")
        self.title_lines = title_lines
        self.draw_count, self.drawn, self.path, self._stale_path = 0, None, None, True
        self.on_draw = None
        self.displayed = False
        self.figure = Figure(figsize=figsize, dpi=DPI)
        self.canvas = live_canvas(self.figure)
        if self.canvas is not None:
            self.canvas.whole_frames = mode == "live"    # scrub: diff frames, repaired at rest
        self.blitter = None if self.canvas is None else Blitter(self.canvas, lambda: self.panels)
        self.output = W.Output() if self.canvas is None else None
        self.message = W.HTML("")
        self.controls = {**make_controls(self.settings, self.own is not None), **make_buttons()}
        self.coalescer = Coalescer(self._apply)
        self.player = Player(self._frame, self.run)
        self._pending = set()
        self._wire()
        self._build()
        self.ui = W.VBox([self._control_box(), self._button_box(), self.message,
                          self.canvas if self.canvas is not None else self.output])

    # ------------------------------------------------------------------ public
    def run(self):
        """Train to the end synchronously, redraw, and return the History."""
        if self.mode == "scrub":
            self._ensure_path()
            self._redraw()
            return self.path.history
        self.training.advance(self.training.run.epochs)
        self._redraw()
        return self.training.run.history

    def step(self, epochs=None):
        """Train ``epochs`` more epochs (default one frame's worth) and redraw."""
        if self.mode == "live":
            self.training.advance(epochs or self.frame_epochs)
            self._redraw()

    def summary(self):
        """Final numbers of the state drawn: losses, accuracies, weight norm, zeros; and
        ``zero_penalty``, why the penalty is always 0 for this regularizer (or None)."""
        view = self._view()
        out = {"regularizer": self.settings.regularizer, "strength": view.strength,
               "epoch": view.epoch,
               "zero_penalty": zero_penalty_reason(self.settings.regularizer,
                                                   self.settings.knobs)}
        for name in ("train_loss", "test_loss", "penalty", "train_accuracy", "test_accuracy",
                     "weight_norm", "zeros"):
            values = view.curves.get(name)
            out[name] = None if values is None or not len(values) else float(values[-1])
        if out["zeros"] is not None:
            out["zeros"] = int(out["zeros"])
        if out["train_loss"] is not None:
            out["objective"] = out["train_loss"] + out["penalty"]
        out["n_weights"] = sum(w.size for w in view.weights.values())
        return out

    def static_figure(self):
        """The current state drawn on a new pyplot Figure (show it with ``plt.show()``)."""
        fig = plt.figure(figsize=self.figure.get_size_inches(), dpi=100)
        self.draw_on(fig)
        return fig

    def draw_on(self, fig):
        """Draw the current state's panels on ``fig`` (a Figure or SubFigure, cleared)."""
        return Panels(fig, self.training.net, self.dataset, self._view(), self.panel_names,
                      self.settings, bins=self.bins, ymax=self._ymax(),
                      title_lines=self.title_lines)

    def use_data(self, X, y, task=None):
        """Switch to a learner's own arrays; refuse unusable ones with a message (returns bool)."""
        try:
            self.own = own_dataset(X, y, seed=self.settings.seed, task=task)
        except ValueError as err:
            self._show_error(err)
            return False
        dropdown = self.controls["dataset"]
        if OWN_DATA not in dropdown.options:
            self._quiet = True
            dropdown.options = [OWN_DATA] + list(dropdown.options)
            self._quiet = False
        if dropdown.value == OWN_DATA:
            self._guarded(self._change, "dataset", OWN_DATA)
        else:
            dropdown.value = OWN_DATA
        return not self.message.value

    def state(self):
        """The whole scenario as a short URL-safe text; ``Dashboard.from_state(text)`` rebuilds it.

        Holds the regularizer, its strength and knobs, the data set, n_train, seed, hidden sizes,
        learning rate, epochs, batch size, panels, controls and mode (what differs from a fresh
        ``Dashboard()``). A dashboard on your own arrays cannot be shared this way.
        """
        if self.own is not None:
            raise ValueError("this dashboard trains on your own arrays (X, y), which a state "
                             "text cannot carry; share the notebook instead.")
        s = self.settings
        current = {"regularizer": s.regularizer, "strength": float(s.strength),
                   "knobs": dict(s.knobs), "dataset": s.dataset, "n_train": s.n_train,
                   "seed": s.seed, "hidden": tuple(s.hidden), "lr": float(s.lr),
                   "epochs": s.epochs, "batch_size": s.batch_size, "panels": self.panel_names,
                   "controls": self.shown, "mode": self.mode}
        defaults = constructor_defaults()
        return state.encode({k: v for k, v in current.items() if defaults.get(k) != v})

    @classmethod
    def from_state(cls, text):
        """The dashboard a :meth:`state` text describes; a ValueError names a bad field."""
        return cls(**state.decode(text))

    def hold_updates(self):
        """Context manager: apply a burst of control changes once, at the end of the block."""
        return self.coalescer.hold()

    def _repr_mimebundle_(self, **kwargs):
        self.displayed = True
        if self.mode == "scrub" and self._stale_path:
            self._guarded(self._apply_now, {"redraw"})
        return self.ui._repr_mimebundle_(**kwargs)

    def __repr__(self):
        s = self.settings
        return f"Dashboard(regularizer={s.regularizer!r}, mode={self.mode!r}, dataset={s.dataset!r})"

    # ------------------------------------------------------------------ building
    def _build(self):
        """New data, an untrained run (live: the one to animate; scrub: a preview) and panels."""
        self.dataset = load_dataset(self.settings, self.own)
        self.training = LiveTraining(self.settings, self.dataset)
        self.bins = fixed_bins(self.training.view().weights)
        self._stale_path = True
        self.panels = Panels(self.figure, self.training.net, self.dataset, self._view(),
                             self.panel_names, self.settings, bins=self.bins,
                             animated=self.blitter is not None, title_lines=self.title_lines)
        self._redraw()

    def _ensure_path(self):
        if self.path is None or self._stale_path:
            self._set_status("training the whole strength path at once…")
            self.path = StrengthPath(self.settings, self.dataset)
            self._stale_path = False
            self.panels = Panels(self.figure, self.path.net, self.dataset, self._view(),
                                 self.panel_names, self.settings, bins=self.bins,
                                 ymax=self._ymax(), animated=self.blitter is not None,
                                 title_lines=self.title_lines)
            self.panels.refit(self.path.views)

    def _net(self):
        return self.training.net

    def _path_ready(self):
        return self.mode == "scrub" and self.path is not None and not self._stale_path

    def _ymax(self):
        return histogram_limits(self.path.views, self.bins) if self._path_ready() else None

    def _view(self):
        if self._path_ready():
            return self.path.view(self.settings.strength)
        return self.training.view()

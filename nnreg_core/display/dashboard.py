"""Dashboards: drag a slider, see the trained network for that strength at once.

>>> dash = Dashboard(regularizer="l2", strength=1e-2, epochs=20, n_train=60, hidden=(8,))
>>> dash.run()[-1].epoch, dash.summary()["strength"]
(20, 0.01)

Building a dashboard trains every strength of its slider in one batched run over the model
axis (:mod:`.training`, in the background inside a kernel: :mod:`.build`) and keeps each
model's history compactly (:mod:`.record`). The slider then redraws the end state for its
value from that cache, play replays that strength's training, and the epoch slider scrubs it.
Controls the path does not cover (learning rate, epochs, data, hidden sizes, a knob) train a
new path in the background while the old picture stays. Ticking "live" trains one run while
you watch, and a strength change then acts mid-run, marked on the curves.

The figure is created once (:mod:`.figure`) and updated in place (:mod:`.panels`); controls
come from :mod:`.controls`. Save or show the state with :meth:`Dashboard.static_figure`.
"""
import threading
from functools import partial
from html import escape
from inspect import signature

import ipywidgets as W
import numpy as np
from matplotlib import pyplot as plt

from .. import catalog
from ..validate import real_number, whole_number
from . import events, sliders, state
from .build import PathBuild
from .controls import make_buttons, make_controls
from .player import Coalescer, Player, on_loop_thread
from .figure import DPI, LiveFigure, png_image
from .layout import button_row, control_rows, register_for_cell
from .panels import PANEL_LAYOUT, Panels, check_panels, path_limits, zero_penalty_reason
from .record import Recording
from .setup import (MODES, OWN_DATA, Settings, build_run, check_hidden, load_dataset,
                    own_dataset)
from .training import LiveTraining, map_probe, with_model_axis
from .viz import fixed_bins

__all__ = ["Dashboard"]
FIGSIZE = (11.5, 6.2)
"""828 × 446 px at 72 dpi: fits the 848 px of a notebook's output at 1280 px with JupyterLab's
file browser open, and leaves the curves in view below the strength slider in 720 px."""
CONTROLS = ("regularizer", "strength", "l1_ratio", "where", "form", "lr", "epochs", "dataset",
            "n_train", "hidden", "mid_run")
KNOB_NAMES = ("l1_ratio", "where", "form")
SUMMARY_FIELDS = ("train_loss", "test_loss", "penalty", "train_accuracy", "test_accuracy",
                  "weight_norm", "zeros")


def constructor_defaults():
    """``{argument: default}`` of ``Dashboard(...)``, for what a state may leave out."""
    defaults = {n: p.default for n, p in signature(Dashboard.__init__).parameters.items()}
    defaults["knobs"] = {}
    return {k: tuple(v) if isinstance(v, list) else v for k, v in defaults.items()}


def check_figsize(figsize):
    """``figsize`` as ``(width, height)`` in inches, each a number > 0."""
    if isinstance(figsize, (str, bytes)) or np.ndim(figsize) != 1 or len(figsize) != 2:
        raise ValueError(f"figsize must be (width, height) in inches, e.g. {FIGSIZE}; got "
                         f"{figsize!r}.")
    size = tuple(real_number(v, "figsize", least=0) for v in figsize)
    if min(size) == 0:
        raise ValueError(f"figsize must be (width, height) in inches, each > 0; got {figsize!r}.")
    return size


class Dashboard:
    """A strength path answered from a cache (``mode="path"``), or one run trained live.

    Args:
        regularizer, strength: a name from :data:`nnreg_core.catalog.NAMES` and its strength,
            used exactly as given (the slider offers it among its plain values).
        dataset: a name from :func:`nnreg_core.data.load`; ignored when ``X, y`` are given.
        hidden, lr, epochs, batch_size, seed, n_train: the network and its training.
        panels: from ``("weights", "loss", "accuracy", "boundary", "norm")``; classifiers get
            an accuracy panel beside the loss.
        controls: which controls to show, from :data:`CONTROLS`; the knobs (l1_ratio, where,
            form) show beside the strength for the regularizers that use them.
        mode: ``"path"`` (every strength trained at once, the slider redraws from the cache)
            or ``"live"`` (one run trained while you watch; strength changes act mid-run).
        X, y: a learner's own arrays instead of a named data set (unusable ones are refused
            with a message in the widget).
        knobs: the regularizer's own settings (``l1_ratio``, ``where``, ``form``, ``layers``).
        frame_epochs: epochs trained per animation frame in live mode.
        figsize: figure size in inches (72 px each).
        title_lines: 1 or 2 to fix the heading's lines (default: two only when one is too
            wide); a :class:`Comparison` gives both sides two, so their panels line up.

    Raises:
        ValueError: any unusable argument, with what to fix.
    """

    def __init__(self, regularizer="l2", dataset="moons", strength=1e-3, hidden=(16, 16),
                 lr=0.1, epochs=200, batch_size=32, seed=0, n_train=200,
                 panels=("weights", "loss", "boundary", "norm"),
                 controls=("regularizer", "strength", "lr", "epochs", "dataset", "hidden",
                           "mid_run"),
                 mode="path", X=None, y=None, knobs=None, frame_epochs=4, figsize=FIGSIZE,
                 title_lines=None):
        if mode not in MODES:
            raise ValueError(f"mode must be 'path' or 'live', got {mode!r}.")
        controls = (controls,) if isinstance(controls, str) else tuple(controls)
        unknown = [c for c in controls if c not in CONTROLS]
        if unknown:
            raise ValueError(f"unknown controls {unknown}; choose from {CONTROLS}.")
        if title_lines not in (None, 1, 2):
            raise ValueError(f"title_lines must be 1, 2 or None (fit), got {title_lines!r}.")
        self.mode, self.panel_names, self.shown = mode, check_panels(panels), controls
        self.title_lines = title_lines
        self.frame_epochs = whole_number(frame_epochs, "frame_epochs")
        figsize = check_figsize(figsize)
        self.own, refused = self._own_data(X, y, seed)
        knobs = dict(knobs) if isinstance(knobs, dict) else {} if knobs is None else knobs
        self.settings = Settings(regularizer, strength, knobs,
                                 OWN_DATA if self.own else dataset, check_hidden(hidden), lr,
                                 epochs, batch_size, seed, n_train).check()
        self.recording = self.build = self.live = self.panels = self._preview = None
        self.index, self.draw_count, self.drawn = -1, 0, None
        self.on_draw = self.on_rows = self.on_install = None
        self._quiet, self._pending, self._running = False, set(), threading.Lock()
        self.view = LiveFigure(figsize, lambda: self.panels)
        self.figure, self.canvas, self.blitter = self.view.figure, self.view.canvas, \
            self.view.blitter
        self.message = W.HTML("")
        self.controls = {**make_controls(self.settings, self.own is not None), **make_buttons()}
        self.coalescer = Coalescer(self._apply)
        self.player = Player(self._frame, self._finish)
        near, rest = control_rows(self)
        self.near, self.rest = W.VBox(near), W.VBox(rest)
        # The figure comes last in the page's order and is shown above the rest rows (CSS
        # order): ipympl's canvas keeps the keyboard focus once Tab reaches it, so every
        # control must come before it.
        self.buttons = button_row(self)
        self.ui = W.VBox([*self.control_parts(), self.view.widget],
                         layout=W.Layout(max_width="100%"))
        self.view.widget.layout.order = "1"
        self.rest.layout.order = "2"
        self.ui.add_class("nnreg-dashboard")
        self._wire()
        self._rebuild()
        if refused:
            self._show_error(refused)
        if mode == "live":
            self.controls["mid_run"].value = True
        register_for_cell(self)

    # ------------------------------------------------------------------ public
    def run(self):
        """Train to the end (path: wait for the path; live: the run), redraw, and return the
        History of the strength shown."""
        if not self._running.acquire(blocking=False):
            raise RuntimeError("this dashboard is already training in another thread; wait "
                               "for that run() to return (one run at a time).")
        try:
            if self.live is not None:
                self.live.advance(self.live.run.epochs)
            else:
                self.build.wait()
                self.index = -1
            self._redraw()
            return self.history()
        finally:
            self._running.release()

    def step(self, epochs=None):
        """Live: train ``epochs`` more (default one frame's worth); path: the next epoch."""
        if self.live is not None:
            self.live.advance(epochs or self.frame_epochs)
        elif self.index != -1:
            self.index = min(self.index + 1, len(self.recording.epochs) - 1)
        self._redraw()

    def reset(self):
        """Back to epoch 0: a fresh live run, or the path's first recorded epoch."""
        self.player.pause()
        if self.live is not None:
            self.live = LiveTraining(self.settings, self.dataset, self.bins)
        else:
            self.index = 0
        self._redraw()

    def play(self):
        """Animate: replay this strength's training from the cache, or train live."""
        if self.live is None and (self.index == -1 or self._at_end()):
            self.index = 0
        self.view.whole_frames(True)
        self.player.play()

    def frame(self):
        """The :class:`~nnreg_core.display.record.Frame` drawn now."""
        if self.live is not None:
            return self.live.recording.frame(0)
        k = self._model_index()
        return self.recording.frame(k, self.index)

    def history(self):
        """The shown strength's per-epoch numbers as a :class:`nnreg_core.train.History`."""
        return self.source().history(0 if self.live is not None else self._model_index())

    def source(self):
        """The Recording frames come from: the live run's, or the path's."""
        return self.live.recording if self.live is not None else self.recording

    def summary(self):
        """Final numbers of the state drawn: losses, accuracies, weight norm, zeros; and
        ``zero_penalty``, why the penalty is always 0 for this regularizer (or None)."""
        frame = self.frame()
        out = {"regularizer": self.settings.regularizer, "strength": frame.strength,
               "epoch": frame.epoch,
               "zero_penalty": zero_penalty_reason(self.settings.regularizer,
                                                   self.settings.knobs)}
        for name in SUMMARY_FIELDS:
            values = frame.curves.get(name)
            out[name] = None if values is None or not len(values) else float(values[-1])
        if out["zeros"] is not None:
            out["zeros"] = int(out["zeros"]) if np.isfinite(out["zeros"]) else None
        if out["train_loss"] is not None:
            out["objective"] = out["train_loss"] + (out["penalty"] or 0.0)
        out["n_weights"] = frame.n_weights
        return out

    def cache_bytes(self):
        """Memory the cached path (and a live run) hold, in bytes."""
        return sum(r.nbytes for r in (self.recording, self.live and self.live.recording) if r)

    def snapshot(self):
        """The live figure as drawn now, as a PNG image: what a reader of the saved notebook
        sees without a kernel. Nothing is built again, so it costs a third of
        :meth:`static_figure` and its showing."""
        return png_image(self.view.rendered())

    def static_figure(self):
        """The current state drawn on a new pyplot Figure (show it with ``plt.show()``)."""
        fig = plt.figure(figsize=self.figure.get_size_inches(), dpi=DPI, layout=PANEL_LAYOUT)
        self.draw_on(fig)
        return fig

    def draw_on(self, fig):
        """Draw the current state's panels on ``fig`` (a Figure or SubFigure, cleared)."""
        return Panels(fig, self.net, self.dataset, self.frame(), self.panel_names,
                      self.settings, self.bins, limits=self.limits,
                      title_lines=self.title_lines)

    def use_data(self, X, y, task=None):
        """Switch to a learner's own arrays; refuse unusable ones with a message (returns bool)."""
        try:
            self.own = own_dataset(X, y, seed=self.settings.seed, task=task)
        except ValueError as err:
            self._show_error(err)
            return False
        dropdown = self.controls["dataset"]
        with self.quiet():
            if OWN_DATA not in dropdown.options:
                dropdown.options = [OWN_DATA] + list(dropdown.options)
            dropdown.value = OWN_DATA
        self._guarded(self._change, "dataset", OWN_DATA)
        return not self.message.value

    def hold_updates(self):
        """Context manager: apply a burst of control changes once, at the end of the block."""
        return self.coalescer.hold()

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
                   "controls": self.shown, "mode": "live" if self.live else "path"}
        defaults = constructor_defaults()
        return state.encode({k: v for k, v in current.items() if defaults.get(k) != v})

    @classmethod
    def from_state(cls, text):
        """The dashboard a :meth:`state` text describes; a ValueError names a bad field."""
        return cls(**state.decode(text))

    def close(self):
        """Stop training and animation, and free the widgets and the figure."""
        self.player.pause()
        if self.build is not None:
            self.build.cancel()
        self.view.close()
        close_widgets(list(self.controls.values()) + [self.message, self.near, self.rest,
                                                        self.buttons, self.ui])
        self.recording = self.live = self.panels = None

    def control_parts(self):
        """The rows above the figure, in page order: knobs, buttons, message, other controls
        (what a :class:`~nnreg_core.display.compare.Comparison` lays out itself)."""
        return [self.near, self.buttons, self.message, self.rest]

    def _repr_mimebundle_(self, **kwargs):
        self.view.displayed = True
        return self.ui._repr_mimebundle_(**kwargs)

    def __repr__(self):
        s = self.settings
        return (f"Dashboard(regularizer={s.regularizer!r}, strength={sliders.show(s.strength)}, "
                f"dataset={s.dataset!r})")

    # ------------------------------------------------------------------ building
    @staticmethod
    def _own_data(X, y, seed):
        """``(dataset or None, refusal or None)``: unusable arrays become a message."""
        if X is None and y is None:
            return None, None
        if X is None or y is None:
            return None, ValueError(f"your arrays were not used: give both X and y "
                                    f"(Dashboard(X=..., y=...)); {'y' if y is None else 'X'} "
                                    "is missing.")
        try:
            return own_dataset(X, y, seed=seed), None
        except ValueError as err:
            return None, ValueError(f"your arrays were not used: {err}")

    def _rebuild(self):
        """Load the data and start training a new path; until it is ready the old picture
        stays (the first time: the untrained network)."""
        self.player.pause()
        self.dataset = load_dataset(self.settings, self.own)
        self.strengths = sliders.strength_grid(self.settings.regularizer,
                                               self.settings.strength, self.settings.lr)
        net, _, run = build_run(self.settings, self.dataset, snapshots=False)
        bins = fixed_bins({n: p for n, p in run.params.items() if n.startswith("W")})
        self._preview = None
        if self.recording is None:
            self.net, self.bins, self.limits = net, bins, None
            self._preview = (net, bins)
            preview = Recording([self.settings.strength], self.settings.epochs, bins,
                                map_probe(net, self.dataset))
            preview.add(0, with_model_axis(run.params))
            self.recording, self.strengths_drawn = preview, (self.settings.strength,)
            self._new_panels()
        if self.build is not None:
            self.build.cancel()
        self._progress(0, self.settings.epochs)
        self.build = PathBuild(self.settings, self.dataset, self.strengths, bins,
                               partial(self._install, net, bins), self._progress)

    def _install(self, net, bins, recording, error):
        """A path finished training: draw from it from now on."""
        if error is not None:
            self._show_error(error)
            return
        self.net, self.bins, self.recording = net, bins, recording
        self.strengths_drawn = tuple(recording.strengths.tolist())
        self.limits = path_limits(recording)
        self.index = -1
        self._set_epoch_options()
        if self._shows_preview_of(net, bins):
            self.panels.apply_limits(self.limits)       # the same layout: no new axes
            self._redraw()
        else:
            self._new_panels()
        self._preview = None
        self._progress(self.settings.epochs, self.settings.epochs)  # full, however it got here
        self._status(f"{len(recording)} strength{'s' if len(recording) != 1 else ''} trained · cache "
                     f"{recording.nbytes / 2 ** 20:.1f} MB")
        if self.on_install is not None:
            self.on_install()

    def _shows_preview_of(self, net, bins):
        """Whether the panels are still the untrained preview of this ``net`` and ``bins``,
        laid out as the trained path's end state needs (then only their limits change)."""
        preview = self._preview
        return (preview is not None and preview[0] is net and preview[1] is bins
                and self.live is None and self.panels is not None
                and self.panels.wrap_title == self.panels.wraps(self.frame()))

    def share_limits(self, limits):
        """Fix the axes to ``limits`` (see :class:`~nnreg_core.display.panels.Panels`), e.g.
        the same as another dashboard's."""
        if limits != self.limits:
            self.limits = limits
            if self.panels is None or self.live is not None:
                self._new_panels()
            else:
                self.panels.apply_limits(limits)
                self._redraw()

    def _new_panels(self):
        limits = self.limits if self.live is None else {
            k: v for k, v in (self.limits or {}).items() if k == "counts"}
        self.panels = Panels(self.figure, self.net, self.dataset, self.frame(),
                             self.panel_names, self.settings, self.bins, limits=limits,
                             animated=self.view.animated, title_lines=self.title_lines)
        self._redraw()

    def _model_index(self):
        return sliders.nearest(self.strengths_drawn, self.settings.strength)

    def _at_end(self):
        return self.index == -1 or self.index >= len(self.source().epochs) - 1

    # ------------------------------------------------------------------ events
    def _wire(self):
        """Each control's handler, run on the kernel's thread (:func:`on_loop_thread`)."""
        for name in CONTROLS:
            self.controls[name].observe(on_loop_thread(partial(self._on_control, name)),
                                        names="value")
        self.controls["epoch"].observe(on_loop_thread(self._on_epoch), names="value")
        self.controls["play"].on_click(on_loop_thread(lambda _: self._guarded(self.play)))
        self.controls["pause"].on_click(on_loop_thread(lambda _: self.player.pause()))
        self.controls["step"].on_click(on_loop_thread(lambda _: self._guarded(self.step)))
        self.controls["reset"].on_click(on_loop_thread(lambda _: self._guarded(self.reset)))

    def quiet(self):
        """Context manager: control values set inside it are not taken as a learner's move."""
        return _Quiet(self)

    def _on_control(self, name, change):
        if not self._quiet:
            self._guarded(self._change, name, change["new"])

    def _on_epoch(self, change):
        if not self._quiet and self.live is None:
            self.player.pause()
            self.index = change["new"]
            self._redraw()

    def _guarded(self, action, *args):
        """Run ``action``; a ValueError becomes a message in the widget, not a traceback."""
        try:
            action(*args)
        except ValueError as err:
            self._show_error(err)

    def _show_error(self, err):
        self.message.value = (f'<span style="color:#b00020;font-size:15px">⚠ '
                              f'{escape(str(err))}</span>')

    def _change(self, name, value):
        """Validate a new control value into the settings, then request the work it needs."""
        self.settings = events.changed_settings(self.settings, name, value)
        self.message.value = ""
        if name == "regularizer":
            self._reset_strength_slider()
        if name in KNOB_NAMES or name == "regularizer":
            self.near.children, self.rest.children = control_rows(self)
            if self.on_rows is not None:
                self.on_rows()
        self._pending.add(events.work_for(self, name))
        self.coalescer.request()

    def _apply(self):
        work, self._pending = self._pending, set()
        events.apply(self, work)

    def _reset_strength_slider(self):
        slider, name = self.controls["strength"], self.settings.regularizer
        values = sliders.strength_grid(name, self.settings.strength, self.settings.lr)
        with self.quiet():
            slider.options = [(sliders.show(v), v) for v in values]
            slider.value = self.settings.strength
            slider.description = slider.tooltip = catalog.STRENGTHS[name]["label"]
            slider.disabled = name == "none"
            defaults = catalog.KNOBS[name]
            if "where" in defaults:
                self.controls["where"].value = self.settings.knobs.get("where",
                                                                       defaults["where"])

    def _set_epoch_options(self):
        epochs = self.source().epochs
        with self.quiet():
            self.controls["epoch"].options = [(str(e), i) for i, e in enumerate(epochs)]
            self.controls["epoch"].value = len(epochs) - 1 if self.index == -1 else self.index

    # ------------------------------------------------------------------ drawing
    def _frame(self):
        """One animation frame; False when the animation is over."""
        if self.live is not None:
            ran = self.live.advance(self.frame_epochs)
            self._redraw()
            return ran > 0 and not self.live.done
        self.index = min(self.index + 1, len(self.recording.epochs) - 1)
        self._redraw()
        return not self._at_end()

    def _finish(self):
        """Play without an event loop: go to the end at once."""
        if self.live is not None:
            self.live.advance(self.live.run.epochs)
        self.index = -1
        self._redraw()

    def _redraw(self):
        """Draw the current frame into the panels, in place, and update the readouts."""
        frame = self.frame()
        self.panels.draw(frame)
        if self.live is not None or self.player.playing:
            self._set_epoch_options()
        elif self.controls["epoch"].value != self.index % max(len(self.source().epochs), 1):
            with self.quiet():
                self.controls["epoch"].value = self.index % len(self.source().epochs)
        if frame.message:
            self._show_error(ValueError(frame.message))
        elif "diverged" in self.message.value:
            self.message.value = ""
        self.drawn = frame
        self.draw_count += 1
        self.view.flush()
        if self.on_draw is not None:
            self.on_draw()

    def _progress(self, epoch, total):
        progress = self.controls["progress"]
        progress.max, progress.value = max(total, 1), epoch
        progress.bar_style = "success" if epoch >= total else "info"
        if epoch < total:
            self._status(f"training {len(self.strengths)} strengths at once: epoch {epoch} / "
                         f"{total}")

    def _status(self, text):
        self.controls["status"].value = text


def close_widgets(widgets):
    """Close widgets and the layout and style widgets each one carries."""
    for widget in widgets:
        for part in (getattr(widget, "layout", None), getattr(widget, "style", None), widget):
            if isinstance(part, W.Widget):
                part.close()


class _Quiet:
    def __init__(self, dash):
        self.dash = dash

    def __enter__(self):
        self.before, self.dash._quiet = self.dash._quiet, True

    def __exit__(self, *exc):
        self.dash._quiet = self.before



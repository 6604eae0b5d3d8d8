"""What a dashboard does when a control moves: validate, decide how much to redo, coalesce,
redraw. Mixed into :class:`nnreg_core.display.dashboard.Dashboard`.

How much a change redoes:

- ``"redraw"``: scrub mode, a new strength: read the cached path, nothing is trained;
- ``"retune"``: live mode with "mid-run" ticked after training started: the running
  regularizer's strength (and the learning rate) change in place, training goes on;
- ``"retrain"``: live mode: a fresh run from the same initial weights, trained at once;
- ``"rebuild"``: new data, network or regularizer: new panels too (the same figure, cleared).
"""
from functools import partial
from html import escape

import ipywidgets as W
import numpy as np
from IPython.display import clear_output, display

from .. import catalog
from .controls import strength_slider
from .training import LiveTraining

WATCHED = ("regularizer", "strength", "l1_ratio", "where", "form", "lr", "epochs", "dataset",
           "n_train", "hidden")
REBUILDS = ("regularizer", "form", "dataset", "n_train", "hidden")
KNOB_CONTROLS = {"elastic_net": ("l1_ratio",), "dropout": ("where",), "noise": ("where",),
                 "l1": ("form",)}
KNOB_NAMES = ("l1_ratio", "where", "form")


def snapped_only(control, change):
    """Whether a slider change is less than half a step: the browser snapping a value given in
    code (``lr=0.3``) onto its grid (0.316), not a person moving it. Such echoes are ignored."""
    if isinstance(control, W.FloatLogSlider):
        old, new = change["old"], change["new"]
        return old > 0 and new > 0 and abs(np.log10(new / old)) < control.step / 2
    if isinstance(control, W.FloatSlider):
        return abs(change["new"] - change["old"]) < control.step / 2
    return False


class DashboardEvents:
    """Event handling for a dashboard (see the module docstring)."""

    def _wire(self):
        for name in WATCHED:
            self.controls[name].observe(partial(self._on_control, name), names="value")
        self.controls["play"].on_click(lambda _: self._guarded(self.player.play))
        self.controls["pause"].on_click(lambda _: self.player.pause())
        self.controls["step"].on_click(lambda _: self._guarded(self.step))
        self.controls["reset"].on_click(lambda _: self._guarded(self.reset))
        self._quiet = False

    def _on_control(self, name, change):
        if not self._quiet and not snapped_only(self.controls[name], change):
            self._guarded(self._change, name, change["new"])

    def _guarded(self, action, *args):
        """Run ``action``; a ValueError becomes a message in the widget, not a traceback."""
        try:
            action(*args)
        except ValueError as err:
            self._show_error(err)

    def _show_error(self, err):
        self.message.value = (f'<span style="color:#b00020;font-size:15px">⚠ '
                              f'{escape(str(err))}</span>')

    def _set_status(self, text):
        self.controls["progress"].description = text[:40]

    # ------------------------------------------------------------------ changes
    def _change(self, name, value):
        """Validate a new control value into the settings, then request the work it needs."""
        s = self.settings
        if name in KNOB_NAMES:
            new = s.changed(knobs={**s.knobs, name: value})
        elif name == "regularizer":
            knobs = {k: v for k, v in s.knobs.items() if k in ("l1_ratio", "form")}
            knobs.update({k: v for k, v in catalog.KNOBS[value].items() if k == "where"})
            new = s.changed(regularizer=value, knobs=knobs,
                            strength=catalog.SLIDERS[value]["value"])
        else:
            new = s.changed(**{name: tuple(value) if name == "hidden" else value})
        self.message.value = ""
        self.settings = new
        if name == "regularizer":
            self._swap_strength_slider()
        self._request(self._work_for(name))

    def _work_for(self, name):
        if name in REBUILDS:
            return "rebuild"
        if self.mode == "scrub":
            return "redraw" if name == "strength" else "retrain"
        started = self.training.epoch > 0 and not self.training.run.stopped
        if name in ("strength", "lr") and self.controls["mid_run"].value and started:
            return "retune"
        return "retrain"

    def _request(self, work):
        self._pending.add(work)
        self.coalescer.request()

    def _apply(self):
        work, self._pending = self._pending, set()
        self._apply_now(work)

    def _apply_now(self, work):
        s = self.settings
        if "rebuild" in work:
            self.player.pause()
            self._build()
        elif "retrain" in work:
            self.player.pause()
            self.training = LiveTraining(s, self.dataset)
            self.panels.refit()
            self._stale_path = True
        elif "retune" in work:
            self.training.retune(s.strength, s.lr, s.knobs)
            if self.training.done:
                self.training.extend(s.epochs)
        if self.mode == "scrub":
            self._ensure_path()
            self._redraw()
        elif work & {"rebuild", "retrain"}:
            self.player.play()
        else:
            self._redraw()

    def reset(self):
        """Back to epoch 0 with the current settings (live mode); nothing is trained."""
        self.player.pause()
        self.training = LiveTraining(self.settings, self.dataset)
        self.panels.refit()
        self._redraw()

    # ------------------------------------------------------------------ drawing
    def _frame(self):
        ran = self.training.advance(self.frame_epochs)
        self._redraw()
        return ran > 0 and not self.training.done

    def _redraw(self):
        """Draw the current view into the panels, in place, and update the progress bar."""
        view = self._view()
        self.panels.draw(view)
        progress = self.controls["progress"]
        progress.max, progress.value = max(view.total, 1), view.epoch
        self._set_status(f"epoch {view.epoch} / {view.total}")
        if self._path_ready():
            label = catalog.SLIDERS[self.settings.regularizer]["label"].split(" (")[0]
            self._set_status(f"{label} = {view.strength:.3g} (nearest of {len(self.path)})")
        if view.message:
            self._show_error(ValueError(view.message))
        self.drawn = view
        self.draw_count += 1
        self._flush_canvas()
        if self.on_draw is not None:
            self.on_draw()

    def _flush_canvas(self):
        if self.blitter is not None:
            if self.displayed:  # before that, the browser's first draw renders everything
                self.blitter.update()
            return
        with self.output:
            clear_output(wait=True)
            display(self.figure)

    # ------------------------------------------------------------------ layout
    def _swap_strength_slider(self):
        """A new strength slider for the new regularizer (range, scale and label change)."""
        name = self.settings.regularizer
        slider = strength_slider(name, self.settings.strength)
        slider.observe(partial(self._on_control, "strength"), names="value")
        self.controls["strength"] = slider
        self._quiet = True
        try:
            if "where" in catalog.KNOBS[name]:
                self.controls["where"].value = catalog.KNOBS[name]["where"]
        finally:
            self._quiet = False
        if hasattr(self, "ui"):
            self.ui.children = (self._control_box(),) + self.ui.children[1:]

    def _control_box(self):
        names = [n for n in self.shown if n not in KNOB_NAMES]
        if "strength" in names:
            at = names.index("strength") + 1
            names[at:at] = KNOB_CONTROLS.get(self.settings.regularizer, ())
        if self.mode == "scrub" and "mid_run" in names:
            names.remove("mid_run")
        return W.VBox([self.controls[n] for n in names])

    def _button_box(self):
        c = self.controls
        if self.mode == "scrub":
            return W.HBox([c["progress"]])
        return W.HBox([c["play"], c["pause"], c["step"], c["reset"], c["progress"]])

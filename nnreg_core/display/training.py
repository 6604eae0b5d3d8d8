"""The two ways a dashboard trains, both into a :class:`~nnreg_core.display.record.Recording`:

- :func:`train_path`: every strength of the slider's grid at once, one batched run over the
  model axis (what the slider then reads back, without training);
- :class:`LiveTraining`: one run advanced a few epochs per animation frame, whose strength can
  change mid-run (each change is recorded and marked on the curves).

NumPy only.
"""
import math

import numpy as np

from .. import catalog
from .record import Recording, boundary_grid, fit_grid, fit_probe, probabilities_probe
from .setup import build_run, map_kind

CURVE_POINTS = 100
"""At most this many evaluated epochs per run (every epoch for runs up to 100 epochs)."""
MAP_FRAMES = 25
"""At most this many map frames per run (plus the first and the last)."""


def evaluation_step(epochs, points=CURVE_POINTS):
    """Evaluate every this many epochs: ``ceil(epochs / points)``."""
    return max(1, math.ceil(epochs / points))


def map_probe(net, dataset):
    """What the map panel needs from a model, as a function of its parameters (or None)."""
    kind = map_kind(dataset)
    if kind == "boundary":
        return probabilities_probe(net, boundary_grid(dataset.X_train))
    if kind == "fit":
        return fit_probe(net, fit_grid(dataset.X_train))
    return None


def with_model_axis(params):
    """One model's parameters with a model axis of 1 (what a Recording takes)."""
    return {name: p[None] for name, p in params.items()}


def diverged_models(params):
    """Indices of the models (leading axis) with a weight that is not finite or above 1e8."""
    bad = np.zeros(len(params["W1"]), dtype=bool)
    for p in params.values():
        flat = p.reshape(len(p), -1)
        bad |= ~np.all(np.isfinite(flat) & (np.abs(flat) < 1e8), axis=1)
    return np.flatnonzero(bad).tolist()


def train_path(settings, dataset, strengths, bins, progress=None, cancelled=None):
    """Train one model per strength in one batched run and record each one's history.

    Args:
        settings: the dashboard's :class:`~nnreg_core.display.setup.Settings`.
        dataset: its :class:`~nnreg_core.data.Dataset`.
        strengths: ``(K,)`` the strengths (the slider's grid).
        bins: the weight histograms' bin edges.
        progress: ``progress(epoch, total)`` called after every evaluated epoch, or None.
        cancelled: ``() -> bool``; when it turns True training stops and None is returned.

    Returns:
        The :class:`Recording`, or None if cancelled. A model that diverges is frozen at
        zero weights and its later frames say so; the others train on.
    """
    k = len(strengths)
    values = None if settings.regularizer == "none" else np.asarray(strengths, dtype=float)
    step = evaluation_step(settings.epochs)
    net, _, run = build_run(settings, dataset, strength=values, n_models=k, snapshots=False,
                            evaluate_every=step)
    n_evaluations = math.ceil(settings.epochs / step)
    map_every = max(1, math.ceil(n_evaluations / MAP_FRAMES))
    recording = Recording(strengths, settings.epochs, bins, map_probe(net, dataset))
    recording.add(0, run.params)
    while run.epoch < run.epochs:
        if cancelled is not None and cancelled():
            return None
        report = next(run, None)
        if report is None or report.stopped == "diverged":
            bad = diverged_models(run.params)
            recording.mark_diverged(bad, run.epoch, run.message)
            for p in run.params.values():
                p[bad] = 0.0
            run.stopped, run.message = None, ""
            continue
        if report.train_loss is not None:
            at = len(recording.epochs)
            recording.add(run.epoch, run.params, report,
                          with_map=at % map_every == 0 or run.epoch == run.epochs)
            if progress is not None:
                progress(run.epoch, run.epochs)
    recording.finish()
    return recording


class LiveTraining:
    """One run trained on demand, a few epochs at a time; its strength can change mid-run.

    ``recording`` holds its history (K = 1); ``recording.changes`` lists ``(epoch, strength)``
    for every change made while it ran.
    """

    def __init__(self, settings, dataset, bins):
        self.settings = settings
        self.net, self.regularizers, self.run = build_run(settings, dataset,
                                                          snapshots=False)
        self.recording = Recording([settings.strength], settings.epochs, bins,
                                   map_probe(self.net, dataset))
        self.recording.add(0, with_model_axis(self.run.params))
        self.reports = 0

    @property
    def epoch(self):
        return self.run.epoch

    @property
    def done(self):
        """True once every planned epoch ran, or training stopped (diverged)."""
        return bool(self.run.stopped) or self.run.epoch >= self.run.epochs

    def advance(self, n_epochs):
        """Train up to ``n_epochs`` more epochs, recording each; returns how many ran."""
        ran = 0
        while ran < n_epochs and not self.done:
            report = next(self.run)
            ran += 1
            if report.stopped == "diverged":
                self.recording.mark_diverged([0], self.run.epoch, self.run.message)
            elif report.train_loss is not None:
                self.reports += 1
                self.recording.add(self.run.epoch, with_model_axis(self.run.params), report,
                                   with_map=self.reports % 4 == 0 or self.done)
        return ran

    def retune(self, strength, lr, knobs):
        """Change the strength and learning rate of the running training (no restart) and
        mark the change at the current epoch."""
        catalog.retune(self.regularizers, self.settings.regularizer, strength, lr=lr, **knobs)
        self.run.optimizer.lr = lr
        self.recording.strengths[0] = strength
        self.recording.changes.append((self.run.epoch, float(strength)))

"""The two ways a dashboard trains: one live run, advanced a few epochs per frame, or a whole
strength path trained at once over the model axis and then read back from a cache.

Both hand the drawing side a :class:`View`: one model's parameters and per-epoch curves.
"""
from dataclasses import dataclass

import numpy as np

from .. import catalog
from .setup import PATH_SIZE, build_run, path_strengths
from .style import CURVE_FIELDS


@dataclass
class View:
    """One model's state to draw.

    Attributes:
        params: parameters without a model axis.
        curves: ``{field: (n_epochs,) array}`` (see :data:`nnreg_core.display.style.CURVE_FIELDS`).
        epoch: epochs trained; total: epochs planned.
        strength: the strength these weights were trained with.
        message: why training stopped early (divergence), or ``""``.
    """

    params: dict
    curves: dict
    epoch: int
    total: int
    strength: float
    message: str = ""

    @property
    def weights(self):
        """The weight matrices ``{"W1": (fan_in, fan_out), …}``."""
        return {n: p for n, p in self.params.items() if n.startswith("W")}


def history_curves(history, k=None):
    """Per-epoch arrays of a History, for model ``k`` when it carries a model axis."""
    reports = [r for r in history if r.train_loss is not None]
    curves = {}
    for name in CURVE_FIELDS:
        values = [getattr(r, name) for r in reports]
        if any(v is None for v in values):
            curves[name] = None
            continue
        arr = np.array(values, dtype=float)
        curves[name] = arr[:, k] if (k is not None and arr.ndim == 2) else arr
    return curves


class LiveTraining:
    """One run trained on demand, a few epochs at a time, whose strengths can change mid-run."""

    def __init__(self, settings, dataset):
        self.settings = settings
        self.strength = settings.strength
        self.net, self.regularizers, self.run = build_run(settings, dataset)

    @property
    def epoch(self):
        return self.run.epoch

    @property
    def done(self):
        """True once every planned epoch ran, or training stopped (diverged)."""
        return bool(self.run.stopped) or self.run.epoch >= self.run.epochs

    def advance(self, n_epochs):
        """Train up to ``n_epochs`` more epochs; returns how many ran."""
        ran = 0
        while ran < n_epochs and not self.done:
            next(self.run)
            ran += 1
        return ran

    def retune(self, strength, lr, knobs):
        """Change the strength and learning rate of the running training (no restart)."""
        catalog.retune(self.regularizers, self.settings.regularizer, strength, lr=lr, **knobs)
        self.run.optimizer.lr = lr
        self.strength = strength

    def extend(self, epochs):
        """Plan ``epochs`` more epochs after the current end (to go on after a change)."""
        if not self.run.stopped:
            self.run.epochs = self.run.epoch + int(epochs)

    def view(self):
        """The current state as a :class:`View`."""
        return View({n: p.copy() for n, p in self.run.params.items()},
                    history_curves(self.run.history), self.run.epoch, self.run.epochs,
                    self.strength, self.run.message)


class StrengthPath:
    """K strengths trained in one batched run; every model's final state kept for redraws.

    Args:
        settings: :class:`nnreg_core.display.setup.Settings` (``strength`` is ignored).
        dataset: the :class:`nnreg_core.data.Dataset`.
        size: how many strengths (the slider snaps to the nearest).
    """

    def __init__(self, settings, dataset, size=PATH_SIZE):
        self.settings = settings
        self.strengths = path_strengths(settings, size)
        self.log = catalog.SLIDERS[settings.regularizer]["log"]
        k = len(self.strengths)
        strength = self.strengths if k > 1 else None
        self.net, _, run = build_run(settings, dataset, strength=strength, n_models=k,
                                     snapshots=False)
        history = run.run_all()
        self.history, self.message = history, run.message
        self.views = [View(run.model_params(i), history_curves(history, i), run.epoch,
                           run.epochs, float(self.strengths[i]), run.message) for i in range(k)]

    def __len__(self):
        return len(self.strengths)

    def nearest(self, strength):
        """Index of the trained strength closest to ``strength`` (in log space for log sliders)."""
        if not np.isfinite(strength):
            raise ValueError(f"the strength must be a finite number, got {strength!r}.")
        if len(self.strengths) == 1:
            return 0
        if self.log:
            if strength <= 0:
                raise ValueError(f"this slider is logarithmic: the strength must be > 0, got "
                                 f"{strength!r}.")
            return int(np.argmin(np.abs(np.log(self.strengths) - np.log(strength))))
        return int(np.argmin(np.abs(self.strengths - strength)))

    def view(self, strength):
        """The cached :class:`View` nearest to ``strength``."""
        return self.views[self.nearest(strength)]

    def final_weights(self):
        """All weights of every model, flattened: shape ``(K, n_weights)``, for path plots."""
        return np.stack([np.concatenate([w.ravel() for w in v.weights.values()])
                         for v in self.views])

"""The compact history a dashboard keeps of each model it trained, and the frames drawn from it.

For K models trained together (a path of strengths, or one live run with K = 1) a
:class:`Recording` keeps, at each evaluated epoch ``e_0 = 0 < e_1 < … < e_E``:

- the reported numbers (data losses, penalty, accuracies, weight norm, exact zeros), ``(E, K)``;
- per layer, the weight histogram's counts on fixed bins ``(E+1, K, n_bins)`` with the exact
  zeros and the weights beyond the bins;
- at a coarser step, the weights in float32. The map panel's picture of one model is computed
  from them when a frame is drawn (about a millisecond): class probabilities on a grid over the
  inputs (2-D classification, as bytes, ``p ≈ byte/255``) or the fitted curve (1-D regression).
  The end states' maps of all K models are computed once, when training ends
  (:meth:`Recording.finish`). Computing every model's maps while training took a third of a
  path's time.

So a whole path fits in a few MB (:attr:`Recording.nbytes`) and any epoch of any model is drawn
without training: :meth:`Recording.frame`.
NumPy only.
"""
from dataclasses import dataclass, field

import numpy as np

from ..model import params_as
from ..reports import EpochReport, History

FIELDS = ("train_loss", "test_loss", "penalty", "train_accuracy", "test_accuracy",
          "weight_norm", "zeros")
MAP_RESOLUTION = 48
FIT_RESOLUTION = 200
MAPS_KEPT = 64
"""Computed maps a Recording keeps for drawing them again (a replay's frames, a slider's)."""


def boundary_grid(X, resolution=MAP_RESOLUTION, pad=0.5):
    """``resolution²`` points over the inputs' range, padded, as ``(r*r, 2)``; the grid
    :class:`nnreg_core.display.maps.DecisionBoundary` draws on."""
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1],
                                                                            resolution))
    return np.c_[gx.ravel(), gy.ravel()]


def fit_grid(X, resolution=FIT_RESOLUTION):
    """``(resolution, 1)`` inputs over a 1-D set, padded by a tenth of its range (as
    :class:`nnreg_core.display.maps.RegressionFit`)."""
    pad = 0.1 * (X.max() - X.min())
    return np.linspace(X.min() - pad, X.max() + pad, resolution)[:, None]


def layer_counts(params, bins):
    """Per ``W`` layer: ``(counts (K, n_bins), zeros (K,), outside (K,))`` of K models' weights.

    Weights beyond the bins count in the end bins, as :func:`numpy.histogram` of clipped values.
    """
    n_bins = len(bins) - 1
    out = []
    for name in sorted((n for n in params if n.startswith("W")), key=lambda n: int(n[1:])):
        w = params[name].reshape(len(params[name]), -1)
        index = np.clip(np.searchsorted(bins, w, side="right") - 1, 0, n_bins - 1)
        offsets = np.arange(len(w))[:, None] * n_bins
        counts = np.bincount((index + offsets).ravel(), minlength=len(w) * n_bins)
        out.append((counts.reshape(len(w), n_bins), np.sum(w == 0, axis=1),
                    np.sum((w < bins[0]) | (w > bins[-1]), axis=1)))
    return out


@dataclass
class Frame:
    """What the panels draw: one model at one epoch.

    Attributes:
        curves: ``{"epoch": (n,), field: (n,) or None}`` up to this epoch.
        counts, zeros, outside: per layer, the histogram counts ``(n_bins,)`` and two ints.
        map: probabilities on the boundary grid ``(G, C)`` or the fit ``(G,)``; None without.
        changes: ``[(epoch, strength), …]``, mid-run strength changes up to this epoch.
    """

    epoch: int
    total: int
    strength: float
    curves: dict
    counts: list
    zeros: list
    outside: list
    map: object = None
    message: str = ""
    n_weights: int = 0
    changes: list = field(default_factory=list)


class Recording:
    """The compact history of K models (see the module docstring); filled while they train.

    Args:
        strengths: ``(K,)`` the strength each model trains with.
        total: epochs planned.
        bins: the histograms' fixed bin edges.
        probe: ``params -> (K, G, …)`` what the map panel shows, or None.
    """

    def __init__(self, strengths, total, bins, probe=None):
        self.strengths = np.asarray(strengths, dtype=float)
        self.total, self.bins, self.probe = int(total), np.asarray(bins), probe
        self.epochs, self.map_index = [], []
        self.curves = {name: [] for name in FIELDS}
        self.snapshots, self.map_weights, self._maps, self.end_maps = [], [], {}, None
        self.diverged = np.zeros(len(self.strengths), dtype=int)
        self.message = ""
        self.changes = []
        self.n_weights = 0

    def __len__(self):
        return len(self.strengths)

    def add(self, epoch, params, report=None, with_map=False):
        """Record the models' state after ``epoch`` (params with a model axis; ``report``
        their :class:`nnreg_core.reports.EpochReport`, None at epoch 0)."""
        self.epochs.append(int(epoch))
        if report is not None:
            for name in FIELDS:
                value = getattr(report, name)
                self.curves[name].append(None if value is None else
                                         np.array(value, dtype=float).reshape(len(self)))
        counts = layer_counts(params, self.bins)
        self.snapshots.append(counts)
        self.n_weights = sum(int(c[0].sum()) for c, _, _ in counts)
        if (with_map or not self.map_weights) and self.probe is not None:
            self.map_weights.append({n: p.astype(np.float32) for n, p in params.items()})
        self.map_index.append(len(self.map_weights) - 1)

    def mark_diverged(self, models, epoch, message):
        """Models that blew up at ``epoch``: later frames of theirs say so."""
        for k in models:
            if not self.diverged[k]:
                self.diverged[k] = epoch
        self.message = message

    def frame(self, k=0, index=-1):
        """Model ``k`` after its ``index``-th recorded epoch (default: the last) as a Frame."""
        n = len(self.epochs)
        index = index % n if n else 0
        epoch = self.epochs[index]
        curves = {"epoch": np.array(self.epochs[1:index + 1], dtype=float)}
        for name, values in self.curves.items():
            rows = values[:index]
            curves[name] = (None if rows and rows[0] is None else
                            np.array([row[k] for row in rows], dtype=float))
        stop = self.diverged[k]
        if stop and epoch >= stop:
            curves = {name: (None if v is None else np.where(curves["epoch"] >= stop, np.nan, v))
                      for name, v in curves.items()}
            curves["epoch"] = np.array(self.epochs[1:index + 1], dtype=float)
        layers = self.snapshots[index]
        return Frame(epoch, self.total, float(self.strengths[k]), curves,
                     [c[k] for c, _, _ in layers], [int(z[k]) for _, z, _ in layers],
                     [int(o[k]) for _, _, o in layers],
                     self._map(k, index), self._message(k, epoch), self.n_weights,
                     [c for c in self.changes if c[0] <= epoch])

    def finish(self):
        """Training is over: compute every model's last map at once (one batched call), so that
        a strength slider's end states are drawn without computing one."""
        if self.map_weights:
            self.end_maps = self.probe(self.map_weights[-1])

    def _map(self, k, index):
        """Model k's map at its ``index``-th recorded epoch (the last map kept by then)."""
        if not self.map_weights:
            return None
        key = (k, self.map_index[index])
        last = key[1] == len(self.map_weights) - 1
        values = self.end_maps[k] if last and self.end_maps is not None else self._maps.get(key)
        if values is None:
            weights = self.map_weights[key[1]]
            values = self.probe({name: p[k:k + 1] for name, p in weights.items()})[0]
            if len(self._maps) >= MAPS_KEPT:
                self._maps.pop(next(iter(self._maps)))
            self._maps[key] = values
        return values.astype(np.float32) / 255 if values.dtype == np.uint8 else values

    def _message(self, k, epoch):
        stop = self.diverged[k]
        if stop and epoch >= stop:
            return (f"training at this strength diverged in epoch {stop}: the loss or a weight "
                    "became NaN, infinite or larger than 1e8. Lower the learning rate or "
                    "constrain the weights (max-norm).")
        return ""

    def history(self, k=0):
        """Model ``k``'s numbers as a :class:`nnreg_core.reports.History` of EpochReports."""
        frame = self.frame(k)
        curves = frame.curves
        reports = []
        for i, epoch in enumerate(curves["epoch"]):
            values = {name: (None if curves[name] is None else float(curves[name][i]))
                      for name in FIELDS}
            values["zeros"] = None if values["zeros"] is None else int(values["zeros"])
            reports.append(EpochReport(int(epoch), n_weights=self.n_weights, **values))
        return History(reports)

    @property
    def nbytes(self):
        """Bytes the recording holds (curves, histogram counts, the maps' weights and the maps
        computed so far)."""
        curves = sum(v.nbytes for values in self.curves.values() for v in values
                     if v is not None)
        counts = sum(a.nbytes for layers in self.snapshots for c in layers for a in c)
        weights = sum(p.nbytes for kept in self.map_weights for p in kept.values())
        computed = sum(m.nbytes for m in self._maps.values())
        return (curves + counts + weights + computed
                + (0 if self.end_maps is None else self.end_maps.nbytes))


def probabilities_probe(model, grid):
    """``params -> (K, G, C) uint8``: class probabilities on ``grid`` as bytes (p·255),
    evaluated in float32."""
    grid = grid.astype(np.float32)

    def probe(params):
        out, _ = model.forward(params_as(params, np.float32), grid)
        probs = np.concatenate([1 - out, out], axis=-1) if out.shape[-1] == 1 else out
        return np.round(np.clip(probs, 0, 1) * 255).astype(np.uint8)
    return probe


def fit_probe(model, grid):
    """``params -> (K, G) float32``: the network's output over ``grid``, evaluated in float32."""
    grid = grid.astype(np.float32)

    def probe(params):
        out, _ = model.forward(params_as(params, np.float32), grid)
        return out[..., 0].astype(np.float32)
    return probe

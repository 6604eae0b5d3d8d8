"""Why L1 makes zeros and L2 does not, drawn: a linear model with two weights.

The data loss ``(1/(2n))‖y − Xw‖²`` has elliptical contours around the least-squares ``w*``.
For a strength λ the exact solutions (:mod:`nnreg_core.linear`) of L2 (``(λ/2)‖w‖²``), L1
(``λ‖w‖₁``) and elastic net (scikit-learn's ``alpha = λ`` with ``l1_ratio``) each sit where a
contour touches the region their penalty allows: the L2 disc and the L1 diamond drawn through
their own optimum (a penalty of strength λ is a budget ``‖w‖ ≤ t(λ)``). The diamond's corners
lie on the axes: the L1 path lands on an axis, an exact zero, and stays there.

- :class:`GeometryPicture` draws it on any axes and moves everything to a new λ in place;
- :class:`GeometryExplorer` is the live version: one ipympl figure, created once, and a λ slider
  whose every move updates the artists (``set_lambda`` does the same from code).
- :func:`draw_early_stopping`: gradient descent's iterates against the L2 path at λ = 1/(τη).
"""
import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import early_stopping, linear
from .style import LEGEND_FONT, label, new_axes
from .player import on_loop_thread
from .zoom import Zoom

STYLE = {"l2": dict(color="#0072B2", ls="-", marker="o", name="L2"),
         "l1": dict(color="#D55E00", ls="--", marker="D", name="L1"),
         "elastic_net": dict(color="#009E73", ls="-.", marker="s", name="elastic net")}
LAMS = np.logspace(-3, np.log10(5.0), 161)


_PATHS = {}


def exact_paths(X, y, lams, l1_ratio):
    """``{kind: (len(lams), 2)}``: the exact L2, L1 and elastic-net paths, computed once per
    problem (a picture, the explorer and a notebook's own cell share them)."""
    key = (np.asarray(X).tobytes(), np.asarray(y).tobytes(), np.asarray(lams).tobytes(),
           float(l1_ratio))
    if key not in _PATHS:
        _PATHS[key] = {kind: linear.path(X, y, lams, kind, l1_ratio) for kind in STYLE}
    return _PATHS[key]


class GeometryPicture:
    """Contours, the three exact paths, their optima at λ, the disc and the diamond, on ``ax``.

    Args:
        ax: matplotlib axes.
        X, y: the two-weight problem, ``(n, 2)`` and ``(n,)``.
        lams: the strengths the paths are computed at (the slider's range).
        l1_ratio: elastic net's mixing, ``λ1 = λ·r``, ``λ2 = λ·(1 − r)``.
    """

    def __init__(self, ax, X, y, lams=LAMS, l1_ratio=0.5):
        self.ax, self.lams = ax, np.asarray(lams, dtype=float)
        self.X, self.y, self.l1_ratio = X, y, l1_ratio
        self.paths = exact_paths(X, y, self.lams, l1_ratio)
        w_star = linear.least_squares(X, y)
        self._contours(w_star)
        ax.plot(*w_star, marker="*", ms=18, color="black", ls="none", label="w* (no penalty)")
        self.markers, self.path_lines = {}, {}
        for kind, s in STYLE.items():
            self.path_lines[kind], = ax.plot(*self.paths[kind].T, color=s["color"], ls=s["ls"],
                                             lw=2.2, label=f"{s['name']} path")
            self.markers[kind], = ax.plot([], [], marker=s["marker"], ms=11, color=s["color"],
                                          ls="none", mec="black")
        self.disc, = ax.plot([], [], color=STYLE["l2"]["color"], lw=1.4, alpha=0.8)
        self.diamond, = ax.plot([], [], color=STYLE["l1"]["color"], lw=1.4, ls="--", alpha=0.8)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.axvline(0, color="0.3", lw=0.8)
        ax.set_aspect("equal")
        ax.legend(fontsize=LEGEND_FONT, loc="upper left", framealpha=0.9)
        self.lam = None

    def _contours(self, w_star):
        lo = np.minimum(w_star, 0) - 0.35
        hi = np.maximum(w_star, 0) + 0.35
        w1, w2 = np.meshgrid(np.linspace(lo[0], hi[0], 160), np.linspace(lo[1], hi[1], 120))
        loss = linear.data_loss(self.X, self.y, np.stack([w1, w2], axis=-1))
        levels = linear.data_loss(self.X, self.y, w_star) + np.geomspace(0.005, 1.5, 9)
        self.ax.contour(w1, w2, loss, levels=levels, colors="0.55", linewidths=1.0)
        self.ax.set_xlim(lo[0], hi[0])
        self.ax.set_ylim(lo[1], hi[1])

    def solutions(self, lam):
        """``{kind: w}`` at the path point nearest ``lam`` (the slider's values are the grid)."""
        k = int(np.argmin(np.abs(np.log(self.lams) - np.log(lam))))
        return self.lams[k], {kind: path[k] for kind, path in self.paths.items()}

    def set_lambda(self, lam):
        """Move the optima, the disc and the diamond to ``lam``; returns the solutions."""
        self.lam, found = self.solutions(lam)
        for kind, w in found.items():
            self.markers[kind].set_data([w[0]], [w[1]])
        angle = np.linspace(0, 2 * np.pi, 181)
        radius = np.linalg.norm(found["l2"])
        self.disc.set_data(radius * np.cos(angle), radius * np.sin(angle))
        t = np.abs(found["l1"]).sum()
        self.diamond.set_data([t, 0, -t, 0, t], [0, t, 0, -t, 0])
        l1 = found["l1"]
        label(self.ax, title=f"λ = {self.lam:.3g}: L2 ({found['l2'][0]:.2f}, "
              f"{found['l2'][1]:.2f}), L1 ({l1[0]:.2f}, {l1[1]:.2f})"
              + ("  ← exact zero" if np.any(l1 == 0) else ""),
              xlabel="w₁", ylabel="w₂")
        return found


class GeometryExplorer:
    """The live picture: a λ slider (log scale) over :class:`GeometryPicture` on an ipympl
    canvas, created once; each slider move updates the artists in place.

    Show it as the last expression of a cell; ``set_lambda(lam)`` moves it from code.
    """

    def __init__(self, X, y, lam=0.1, lams=LAMS, l1_ratio=0.5, figsize=(8.5, 5.2)):
        from .controls import live_canvas
        self.figure = Figure(figsize=figsize, dpi=72, layout="constrained")
        self.canvas = live_canvas(self.figure)
        self.picture = GeometryPicture(self.figure.add_subplot(), X, y, lams, l1_ratio)
        lam = self.picture.solutions(lam)[0]    # on the slider's grid, so its steps move it
        self.slider = W.FloatLogSlider(value=lam, base=10, min=np.log10(lams[0]),
                                       max=np.log10(lams[-1]), step=np.diff(np.log10(lams))[0],
                                       description="λ", readout_format=".3g",
                                       continuous_update=True,
                                       layout=W.Layout(width="520px"))
        self.slider.observe(on_loop_thread(lambda change: self.set_lambda(change["new"])),
                            names="value")
        self.output = None if self.canvas is not None else W.Output()
        self.zoom = None if self.canvas is None else Zoom(self.canvas)
        self.widget = W.VBox([self.slider, *(self.zoom.widgets() if self.zoom is not None
                                             else [self.output])])
        self.set_lambda(lam)

    def set_lambda(self, lam):
        """Move the picture to ``lam`` and redraw; returns the solutions there."""
        found = self.picture.set_lambda(lam)
        if self.canvas is not None:
            self.canvas.draw_idle()
        else:
            from IPython.display import clear_output, display
            with self.output:
                clear_output(wait=True)
                display(self.figure)
        return found

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)

    def close(self):
        """Free the widgets and the figure."""
        self.widget.close()
        self.slider.close()
        if self.canvas is not None:
            self.zoom.close()
            self.canvas.close()
        self.figure.clear()


def draw_early_stopping(X, y, lr, taus, ax=None):
    """Gradient descent from 0 (dots at the steps ``taus``) against the L2 solutions at
    λ = 1/(τ·η) (open circles), joined by a grey segment, on the loss contours.

    Returns the axes.
    """
    ax = new_axes(ax, figsize=(8.5, 5.2))
    picture = GeometryPicture(ax, X, y, lams=LAMS)
    for kind in ("l1", "elastic_net"):
        picture.path_lines[kind].remove()
    taus = np.asarray(taus)
    trajectory = early_stopping.gd_trajectory(X, y, lr, taus.max())
    ax.plot(*trajectory.T, color="black", lw=1.2, label=f"gradient descent, η = {lr:g}")
    twins = np.array([linear.ridge(X, y, early_stopping.equivalent_lambda(lr, t)) for t in taus])
    ax.plot(*trajectory[taus].T, "o", color="black", ms=7)
    ax.plot(*twins.T, "o", mfc="white", mec=STYLE["l2"]["color"], mew=2, ms=11)
    for a, b in zip(trajectory[taus], twins):
        ax.plot([a[0], b[0]], [a[1], b[1]], color="0.5", lw=1)
    handles = [Line2D([], [], color="black", marker="o", label="w after τ steps"),
               Line2D([], [], color=STYLE["l2"]["color"], marker="o", mfc="white", ls="none",
                      label="L2 at λ = 1/(τη)")]
    first = [ax.get_lines()[0], picture.path_lines["l2"]]
    ax.legend(handles=first + handles, fontsize=12, loc="upper left")
    label(ax, title=f"early stopping vs L2, τ = {', '.join(str(t) for t in taus)}",
          xlabel="w₁", ylabel="w₂")
    return ax

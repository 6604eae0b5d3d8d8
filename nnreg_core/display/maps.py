"""What the network computes over its input space: a decision map for 2-D sets, a fitted curve
for 1-D regression. Both redraw in place with ``update(params)``.
"""
import numpy as np

from .style import CLASS_COLORS, CLASS_MARKERS, LEGEND_FONT, label, new_axes


def _grid(X, resolution, pad=0.5):
    """A ``resolution × resolution`` grid over the data's range, padded; ``(r*r, 2)`` points."""
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.c_[gx.ravel(), gy.ravel()], (lo[0], hi[0], lo[1], hi[1])


class DecisionBoundary:
    """Class probabilities of a 2-D classifier as a tinted image, the 0.5 contour, the points.

    The image colour at a point is ``Σ_c p_c · color_c`` (lightened), so confident regions are
    strong and the boundary fades to a blend. Each class's points have their own colour and
    marker (``self.points[c]``, one scatter per class present).
    """

    def __init__(self, model, params, X, y, ax=None, resolution=80, title=None):
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"a decision boundary needs 2-D inputs, X of shape (n, 2); got "
                             f"{X.shape}. Use regression_fit for 1-D inputs.")
        if model.loss == "mse":
            raise ValueError("a decision boundary needs a classifier (binary_ce or softmax_ce).")
        self.model, self.resolution = model, resolution
        self.ax = new_axes(ax, figsize=(6, 5.5))
        self.grid, extent = _grid(X, resolution)
        self.image = self.ax.imshow(np.ones((resolution, resolution, 3)), origin="lower",
                                    extent=extent, aspect="auto", interpolation="bilinear")
        self.contour = self.ax.plot([], [], color="k", lw=2)[0]   # the p = 0.5 line(s)
        self.points = class_scatter(self.ax, X, y)
        label(self.ax, title or "decision boundary", "x₁", "x₂")
        self.ax.grid(False)
        self.update(params)

    def probabilities(self, params):
        """Class probabilities on the grid, shape ``(r*r, n_classes)``."""
        out, _ = self.model.forward(params, self.grid)
        return np.c_[1 - out, out] if out.shape[-1] == 1 else out

    def update(self, params):
        """Recolour for new ``params`` and redraw the p = 0.5 contour (binary sets)."""
        probs = self.probabilities(params)
        palette = 0.45 + 0.55 * CLASS_COLORS[np.arange(probs.shape[1]) % len(CLASS_COLORS)]
        rgb = np.clip(probs @ palette, 0, 1).reshape(self.resolution, self.resolution, 3)
        self.image.set_data(rgb)
        p1 = probs[:, 1].reshape(self.resolution, self.resolution)
        lines = np.empty((0, 2))
        if probs.shape[1] == 2 and p1.min() < 0.5 < p1.max():
            x0, x1, y0, y1 = self.image.get_extent()
            lines = level_lines(np.linspace(x0, x1, self.resolution),
                                np.linspace(y0, y1, self.resolution), p1, 0.5)
        self.contour.set_data(lines[:, 0], lines[:, 1])
        self.rgb = rgb
        return self

    def animated_artists(self):
        """The artists an update changes, in drawing order (the points stay on top)."""
        return [self.image, self.contour] + list(self.points)


def level_lines(xs, ys, z, level):
    """The lines where ``z`` (shape ``(len(ys), len(xs))``) crosses ``level``, as one ``(n, 2)``
    array of points, the lines apart by a row of NaN: what ``ax.contour`` traces (contourpy's
    ``mpl2014``), drawn as one Line2D that is moved in place (a new ContourSet each frame, and
    measuring its path, cost about 5 ms)."""
    from contourpy import LineType, contour_generator
    generator = contour_generator(xs, ys, z, name="mpl2014", line_type=LineType.SeparateCode)
    points, _ = generator.lines(level)
    pieces = [np.vstack([line, [[np.nan, np.nan]]]) for line in points]
    return np.vstack(pieces) if pieces else np.empty((0, 2))


def class_scatter(ax, X, y, size=30):
    """One scatter per class of ``y``: class ``c`` in ``CLASS_COLORS[c]`` and ``CLASS_MARKERS[c]``.

    Args:
        ax: the axes.
        X, y: points ``(n, 2)`` and integer labels ``(n,)``.

    Returns:
        The scatters (``PathCollection``), in class order.
    """
    labels = np.asarray(y).astype(int).ravel()
    return [ax.scatter(X[labels == c, 0], X[labels == c, 1], s=size,
                       color=CLASS_COLORS[c % len(CLASS_COLORS)],
                       marker=CLASS_MARKERS[c % len(CLASS_MARKERS)], edgecolors="k",
                       linewidths=0.6, zorder=3, label=f"class {c}")
            for c in np.unique(labels)]


class RegressionFit:
    """A 1-D regression: the training points and the network's prediction over x."""

    def __init__(self, model, params, X, y, ax=None, resolution=200, title=None):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != 1 or model.sizes[-1] != 1:
            raise ValueError(f"regression_fit needs X of shape (n, 1) and one output; got "
                             f"{X.shape}.")
        self.model = model
        self.ax = new_axes(ax, figsize=(6, 5))
        pad = 0.1 * (X.max() - X.min())
        self.xs = np.linspace(X.min() - pad, X.max() + pad, resolution)[:, None]
        self.ax.scatter(X[:, 0], y, s=24, color=CLASS_COLORS[0], alpha=0.7, marker="o",
                        label="train data")
        self.line = self.ax.plot(self.xs[:, 0], np.zeros(resolution), color="k", lw=3,
                                 label="network")[0]
        lo, hi = float(np.min(y)), float(np.max(y))
        self.ax.set_ylim(lo - 0.3 * (hi - lo), hi + 0.3 * (hi - lo))
        self.ax.legend(fontsize=LEGEND_FONT)
        label(self.ax, title or "fit", "x", "y")
        self.update(params)

    def update(self, params):
        """Redraw the prediction line for new ``params``."""
        out, _ = self.model.forward(params, self.xs)
        self.line.set_ydata(out[:, 0])
        return self

    def animated_artists(self):
        """The artists an update changes (for blitting)."""
        return [self.line]


def decision_boundary(model, params, X, y, ax=None, resolution=80, title=None):
    """Draw a 2-D classifier's class regions and boundary; ``.update(params)`` redraws.

    Args:
        model: an :class:`nnreg_core.model.MLP` with 2 inputs and a cross-entropy loss.
        params: one model's parameters (no model axis).
        X, y: points to scatter, ``(n, 2)`` and labels ``(n,)``.
        ax: axes to draw on; None makes a new figure.
        resolution: grid points per side.

    Returns:
        A :class:`DecisionBoundary`.
    """
    return DecisionBoundary(model, params, X, y, ax, resolution, title)


def regression_fit(model, params, X, y, ax=None, resolution=200, title=None):
    """Draw a 1-D regression fit over the data; returns a :class:`RegressionFit`."""
    return RegressionFit(model, params, X, y, ax, resolution, title)

"""Early stopping is approximately L2 (Goodfellow, Bengio & Courville, *Deep Learning*, §7.8).

Gradient descent on ``J(w) = (1/(2n))‖y − Xw‖²`` from ``w = 0`` with learning rate η: in the
eigenbasis of ``H = XᵀX/n`` (eigenvalues ``h_i``), after τ steps every component of the
least-squares solution ``w*`` has been shrunk by

    GD:     1 − (1 − η·h_i)^τ
    ridge:  h_i / (h_i + λ)                     (the L2 solution of :func:`nnreg_core.linear.ridge`)

For small η·h_i, ``(1 − ηh)^τ ≈ exp(−τηh)`` and both factors are about ``τηh`` when τηh is
small and about 1 when it is large: early stopping after τ steps is L2 with **λ ≈ 1/(τ·η)**.
In between they differ: ``(1 − e^{−x}) − x/(1 + x)`` (x = τηh) reaches 0.204 at x ≈ 2.5, so
the components can differ by up to a fifth of ``w*``. The approximation fails outright when η·h_i
is not small: at ``η·h_i > 1`` the GD factor oscillates, at ``> 2`` it diverges.
"""
import numpy as np

from .linear import _check, least_squares, ridge


def gd_trajectory(X, y, lr, steps, start=None):
    """Full-batch gradient descent on ``(1/(2n))‖y − Xw‖²``: the iterates, ``(steps + 1, d)``.

    ``w ← w − lr·Xᵀ(Xw − y)/n``, from ``start`` (zeros by default).
    """
    X, y = _check(X, y)
    n, d = X.shape
    w = np.zeros(d) if start is None else np.array(start, dtype=float)
    rows = [w.copy()]
    for _ in range(int(steps)):
        w = w - lr * X.T @ (X @ w - y) / n
        rows.append(w.copy())
    return np.array(rows)


def equivalent_lambda(lr, steps):
    """``1/(τ·η)``, the L2 strength (series' mean form) that τ steps of rate η stand for.

    >>> equivalent_lambda(0.1, 50)
    0.2
    """
    if steps < 1 or lr <= 0:
        raise ValueError(f"steps must be >= 1 and lr > 0, got steps={steps!r}, lr={lr!r}.")
    return 1.0 / (steps * lr)


def shrink_factors(X, lr, steps):
    """``(h, gd, l2)``: the eigenvalues of ``XᵀX/n`` and both shrink factors per eigenvector,
    GD's ``1 − (1 − ηh)^τ`` and ridge's ``h / (h + 1/(τη))``."""
    X = np.asarray(X, dtype=float)
    h = np.linalg.eigvalsh(X.T @ X / len(X))
    lam = equivalent_lambda(lr, steps)
    return h, 1 - (1 - lr * h) ** steps, h / (h + lam)


def gap(X, y, lr, steps):
    """``‖w_τ − w_ridge(1/(τη))‖ / ‖w*‖``: how far early stopping is from its L2 twin,
    relative to the size of the least-squares solution."""
    w_tau = gd_trajectory(X, y, lr, steps)[-1]
    w_l2 = ridge(X, y, equivalent_lambda(lr, steps))
    return float(np.linalg.norm(w_tau - w_l2) / np.linalg.norm(least_squares(X, y)))

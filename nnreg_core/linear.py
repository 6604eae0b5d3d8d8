"""Linear least squares with L2, L1 and elastic net, solved exactly: paths, priors, early stopping.

One convention throughout (the series' own, CS231n's λ/2 on the mean squared error with its ½):

    J(w) = (1/(2n))·‖y − Xw‖² + λ1·‖w‖₁ + (λ2/2)·‖w‖²

- ridge (λ1 = 0, λ2 = λ): closed form ``w = (XᵀX/n + λI)⁻¹ Xᵀy/n`` (:func:`ridge`);
- lasso and elastic net: cyclic coordinate descent, each coordinate set to its exact minimizer
  ``S(ρ_j, λ1) / (a_j + λ2)`` (``S`` the soft threshold, ``a_j = X_jᵀX_j/n``), iterated until
  no coordinate moves by more than ``tol``, or until its zeros and signs are found and the
  minimizer on them solved exactly (:func:`elastic_net`, :func:`on_support`).

scikit-learn writes the same problems differently (``fit_intercept=False``):

- ``Ridge(alpha)`` minimizes ``‖y − Xw‖² + alpha·‖w‖²``: ``alpha = n·λ``;
- ``Lasso(alpha)`` minimizes ``(1/(2n))‖y − Xw‖² + alpha·‖w‖₁``: ``alpha = λ1``;
- ``ElasticNet(alpha, l1_ratio)`` minimizes ``(1/(2n))‖y − Xw‖² + alpha·l1_ratio·‖w‖₁ +
  (alpha·(1 − l1_ratio)/2)·‖w‖²``: ``λ1 = alpha·l1_ratio``, ``λ2 = alpha·(1 − l1_ratio)``.

:mod:`nnreg_core.priors` gives the same solutions as posterior modes and
:mod:`nnreg_core.early_stopping` compares them with early-stopped gradient descent.
"""
import numpy as np


def _check(X, y):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(f"X must be (n, d) and y (n,), got {X.shape} and {y.shape}.")
    return X, y


def _strength(value, name):
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    return value


def least_squares(X, y):
    """The unregularized minimizer ``w* = (XᵀX)⁻¹ Xᵀy``, shape ``(d,)``."""
    X, y = _check(X, y)
    return np.linalg.solve(X.T @ X, X.T @ y)


def data_loss(X, y, w):
    """``(1/(2n))·‖y − Xw‖²`` for ``w`` of shape ``(..., d)``; shape ``(...)``."""
    X, y = _check(X, y)
    residual = np.asarray(w) @ X.T - y
    return 0.5 * np.mean(residual ** 2, axis=-1)


def ridge(X, y, lam):
    """The L2 solution ``(XᵀX/n + λI)⁻¹ Xᵀy/n``, shape ``(d,)``.

    >>> ridge(np.eye(2) * np.sqrt(2), np.array([np.sqrt(2), 0.0]), 1.0).round(12).tolist()
    [0.5, 0.0]
    """
    X, y = _check(X, y)
    n, d = X.shape
    return np.linalg.solve(X.T @ X / n + _strength(lam, "lam") * np.eye(d), X.T @ y / n)


def soft_threshold(z, t):
    """``sign(z)·max(|z| − t, 0)``: the exact minimizer of ``½(w − z)² + t·|w|``.

    >>> soft_threshold(np.array([-2.0, 0.5, 3.0]), 1.0).tolist()
    [-1.0, 0.0, 2.0]
    """
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


POLISH_BELOW = 1e-3
"""Once no coordinate moves by more than this in a sweep, :func:`elastic_net` tries the exact
solve on the current zeros and signs (near-copies of an input make the last digits of
coordinate descent take tens of thousands of sweeps)."""


def on_support(gram, corr, w, l1, l2):
    """The exact elastic-net minimizer if it has ``w``'s zeros and signs, else None.

    On the support ``A`` with signs ``s`` the optimality conditions are linear:
    ``(G_AA + l2·I)·w_A = c_A − l1·s``; the result is the minimizer when its signs are ``s``
    and every zero coordinate ``j`` has ``|c_j − G_j·w| <= l1`` (``G = XᵀX/n``, ``c = Xᵀy/n``).

    >>> on_support(np.eye(2), np.array([3.0, 0.5]), np.array([2.1, 0.0]), 1.0, 0.0).tolist()
    [2.0, 0.0]
    """
    active = w != 0
    signs = np.sign(w[active])
    exact = np.zeros_like(w)
    if active.any():
        system = gram[np.ix_(active, active)] + l2 * np.eye(int(active.sum()))
        exact[active] = np.linalg.solve(system, corr[active] - l1 * signs)
        if np.any(np.sign(exact[active]) != signs):
            return None
    slack = np.abs(corr - gram @ exact)[~active]
    return exact if np.all(slack <= l1 * (1 + 1e-12)) else None


def elastic_net(X, y, l1, l2=0.0, tol=1e-14, max_sweeps=100_000, start=None):
    """The minimizer of ``(1/(2n))‖y − Xw‖² + l1·‖w‖₁ + (l2/2)·‖w‖²`` by coordinate descent.

    Each sweep sets every coordinate to its exact minimizer given the others; it stops when no
    coordinate moved by more than ``tol``, or earlier when the sweeps have found the zeros and
    signs of the minimizer, which :func:`on_support` then solves for exactly. ``l2 = 0`` is the
    lasso.

    >>> elastic_net(np.eye(2) * np.sqrt(2), np.array([3 * np.sqrt(2), 0.5]), l1=1.0).tolist()
    [2.0, 0.0]
    """
    X, y = _check(X, y)
    l1, l2 = _strength(l1, "l1"), _strength(l2, "l2")
    n, d = X.shape
    gram, corr = X.T @ X / n, X.T @ y / n
    w = np.zeros(d) if start is None else np.array(start, dtype=float)
    for _ in range(int(max_sweeps)):
        moved = 0.0
        for j in range(d):
            rho = corr[j] - gram[j] @ w + gram[j, j] * w[j]
            new = soft_threshold(rho, l1) / (gram[j, j] + l2)
            moved, w[j] = max(moved, abs(new - w[j])), new
        if moved <= tol:
            return w
        if moved <= POLISH_BELOW:
            exact = on_support(gram, corr, w, l1, l2)
            if exact is not None:
                return exact
    raise RuntimeError(f"coordinate descent did not converge in {max_sweeps} sweeps; the "
                       "inputs may be nearly collinear: add some L2 (l2 > 0).")


def path(X, y, lams, kind="l2", l1_ratio=0.5):
    """The exact solutions along ``lams``: shape ``(len(lams), d)``.

    ``kind`` is ``"l2"`` (λ2 = λ), ``"l1"`` (λ1 = λ) or ``"elastic_net"`` (λ is scikit-learn's
    alpha: λ1 = λ·l1_ratio, λ2 = λ·(1 − l1_ratio)). Each solve starts from the previous one.
    """
    rows, w = [], None
    for lam in lams:
        if kind == "l2":
            w = ridge(X, y, lam)
        elif kind == "l1":
            w = elastic_net(X, y, lam, 0.0, start=w)
        elif kind == "elastic_net":
            w = elastic_net(X, y, lam * l1_ratio, lam * (1 - l1_ratio), start=w)
        else:
            raise ValueError(f"kind must be 'l2', 'l1' or 'elastic_net', got {kind!r}.")
        rows.append(np.array(w))
    return np.array(rows)


def two_weight_problem(seed=0, n=50, correlation=0.6, w_true=(1.5, 0.4), noise=0.5):
    """A small regression with two correlated inputs: ``(X (n, 2), y (n,))``.

    Inputs are standard normal with the given correlation; ``y = X·w_true + noise·ε``.
    """
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, 2))
    X = np.c_[z[:, 0], correlation * z[:, 0] + np.sqrt(1 - correlation ** 2) * z[:, 1]]
    return X, X @ np.asarray(w_true, dtype=float) + noise * rng.standard_normal(n)

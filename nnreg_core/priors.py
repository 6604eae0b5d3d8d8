"""Regularization as a prior: the most probable weights under a Gaussian or Laplace prior.

For linear regression ``y = Xw + ε`` with ``ε ~ N(0, σ²_noise)``, the posterior of ``w`` under
a prior ``p(w)`` has the log density (up to a constant)

    log p(w | X, y) = −‖y − Xw‖² / (2σ²_noise) + log p(w).

- Gaussian prior ``w_j ~ N(0, σ²_prior)``: ``log p(w) = −‖w‖² / (2σ²_prior)``. Multiplying by
  ``σ²_noise`` gives Bishop's sum form ``½‖y − Xw‖² + (λ/2)‖w‖²`` with
  **λ = σ²_noise / σ²_prior**; in the series' mean form (``1/(2n)`` on the data term, see
  :mod:`nnreg_core.linear`) divide by n: ``λ = σ²_noise / (n·σ²_prior)``.
- Laplace prior ``p(w_j) ∝ exp(−|w_j| / b)``: the same steps give the lasso with
  ``λ1 = σ²_noise / b`` (sum form), ``σ²_noise / (n·b)`` (mean form).

:func:`gaussian_posterior` computes the Gaussian posterior's mean (its mode) from Bishop's
formulas (PRML eq. 3.53-3.54), not from :func:`nnreg_core.linear.ridge`, so the two can be
compared.
"""
import numpy as np


def log_posterior(w, X, y, sigma_noise, prior_scale, prior="gaussian"):
    """``log p(w | X, y)`` up to a constant, for ``w`` of shape ``(..., d)``; shape ``(...)``.

    ``prior_scale`` is ``σ_prior`` (Gaussian) or ``b`` (Laplace, ``p(w_j) ∝ exp(−|w_j|/b)``).
    """
    w = np.asarray(w, dtype=float)
    residual = w @ np.asarray(X, dtype=float).T - np.asarray(y, dtype=float)
    data = -np.sum(residual ** 2, axis=-1) / (2 * sigma_noise ** 2)
    if prior == "gaussian":
        return data - np.sum(w ** 2, axis=-1) / (2 * prior_scale ** 2)
    if prior == "laplace":
        return data - np.sum(np.abs(w), axis=-1) / prior_scale
    raise ValueError(f"prior must be 'gaussian' or 'laplace', got {prior!r}.")


def gaussian_posterior(X, y, sigma_noise, sigma_prior):
    """Mean (= mode) and covariance of ``p(w | X, y)`` under ``w ~ N(0, σ²_prior·I)``.

    ``S_N⁻¹ = I/σ²_prior + XᵀX/σ²_noise`` and ``m_N = S_N·Xᵀy/σ²_noise`` (Bishop, PRML 3.53-3.54
    with α = 1/σ²_prior, β = 1/σ²_noise). Returns ``(m_N (d,), S_N (d, d))``.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    precision = np.eye(X.shape[1]) / sigma_prior ** 2 + X.T @ X / sigma_noise ** 2
    cov = np.linalg.inv(precision)
    return cov @ X.T @ y / sigma_noise ** 2, cov


def ridge_lambda(sigma_noise, sigma_prior, n=None):
    """The L2 strength a Gaussian prior ``N(0, σ²_prior)`` stands for: ``σ²_noise / σ²_prior``
    in the sum form, divided by ``n`` in the series' mean form when ``n`` is given.

    >>> ridge_lambda(0.5, 1.0), ridge_lambda(0.5, 1.0, n=50)
    (0.25, 0.005)
    """
    lam = sigma_noise ** 2 / sigma_prior ** 2
    return lam if n is None else lam / n


def lasso_lambda(sigma_noise, b, n=None):
    """The L1 strength a Laplace prior of scale ``b`` stands for: ``σ²_noise / b`` (sum form),
    divided by ``n`` in the mean form.

    >>> lasso_lambda(0.5, 0.25, n=10)
    0.1
    """
    lam = sigma_noise ** 2 / b
    return lam if n is None else lam / n


def prior_density(w, scale, prior="gaussian"):
    """The prior's density at ``w``: ``N(0, scale²)`` or Laplace with ``b = scale``."""
    w = np.asarray(w, dtype=float)
    if prior == "gaussian":
        return np.exp(-w ** 2 / (2 * scale ** 2)) / (np.sqrt(2 * np.pi) * scale)
    if prior == "laplace":
        return np.exp(-np.abs(w) / scale) / (2 * scale)
    raise ValueError(f"prior must be 'gaussian' or 'laplace', got {prior!r}.")

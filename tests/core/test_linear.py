"""Exact linear paths against scikit-learn; MAP = ridge/lasso; early stopping ≈ L2 and where not."""
import numpy as np
import pytest
from sklearn.linear_model import ElasticNet, Lasso, Ridge

from nnreg_core import early_stopping as es
from nnreg_core import linear, priors

X, y = linear.two_weight_problem(seed=0)
N = len(X)
LAMS = np.logspace(-3, 0.3, 12)


@pytest.mark.parametrize("lam", LAMS)
def test_ridge_is_scikit_learns_with_alpha_n_lambda(lam):
    ours = linear.ridge(X, y, lam)
    theirs = Ridge(alpha=N * lam, fit_intercept=False, solver="cholesky").fit(X, y).coef_
    np.testing.assert_allclose(ours, theirs, atol=1e-8, rtol=0)
    wrong = Ridge(alpha=lam, fit_intercept=False).fit(X, y).coef_  # alpha = λ: the slip
    assert lam < 0.01 or np.max(np.abs(ours - wrong)) > 1e-3


@pytest.mark.parametrize("lam", LAMS)
def test_lasso_is_scikit_learns_with_alpha_lambda(lam):
    ours = linear.elastic_net(X, y, lam)
    theirs = Lasso(alpha=lam, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, y).coef_
    np.testing.assert_allclose(ours, theirs, atol=1e-8, rtol=0)


@pytest.mark.parametrize("alpha", LAMS)
@pytest.mark.parametrize("l1_ratio", [0.2, 0.5, 0.9])
def test_elastic_net_maps_alpha_and_l1_ratio(alpha, l1_ratio):
    ours = linear.elastic_net(X, y, alpha * l1_ratio, alpha * (1 - l1_ratio))
    theirs = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=False, tol=1e-14,
                        max_iter=100_000).fit(X, y).coef_
    np.testing.assert_allclose(ours, theirs, atol=1e-8, rtol=0)
    np.testing.assert_allclose(linear.path(X, y, [alpha], "elastic_net", l1_ratio)[0], ours,
                               atol=1e-12)


def test_the_l1_path_lands_on_an_axis_and_stays_there_the_l2_path_does_not():
    lams = np.logspace(-3, np.log10(1.5), 200)
    l1, l2 = linear.path(X, y, lams, "l1"), linear.path(X, y, lams, "l2")
    on_axis = (l1[:, 1] == 0.0) & (l1[:, 0] != 0.0)
    first = np.argmax(on_axis)
    assert on_axis.any() and np.all(on_axis[first:])
    assert np.all(l2 != 0.0)


def test_map_under_a_gaussian_prior_is_ridge_with_lambda_noise_over_prior():
    sigma_noise, sigma_prior = 0.5, 0.3
    mode, _ = priors.gaussian_posterior(X, y, sigma_noise, sigma_prior)
    lam = priors.ridge_lambda(sigma_noise, sigma_prior, n=N)
    np.testing.assert_allclose(mode, linear.ridge(X, y, lam), atol=1e-12)
    assert np.max(np.abs(mode - linear.ridge(X, y, sigma_noise ** 2 / sigma_prior ** 2))) > 0.05


def test_map_under_a_laplace_prior_is_the_lasso():
    sigma_noise, b = 0.5, 0.004  # λ1 = σ²/(n·b) = 1.25: the path is on the w1 axis there
    w = linear.elastic_net(X, y, priors.lasso_lambda(sigma_noise, b, n=N))
    assert w[1] == 0.0
    best = priors.log_posterior(w, X, y, sigma_noise, b, "laplace")
    moves = np.random.default_rng(0).normal(size=(200, 2)) * 1e-3
    assert np.all(priors.log_posterior(w + moves, X, y, sigma_noise, b, "laplace") < best)


def test_prior_shapes():
    w = np.linspace(-12, 12, 240_001)
    for prior in ("gaussian", "laplace"):
        assert abs(np.trapezoid(priors.prior_density(w, 0.5, prior), w) - 1) < 1e-6
    with pytest.raises(ValueError, match="prior"):
        priors.prior_density(w, 1.0, "cauchy")


def test_gradient_descent_shrinks_each_eigendirection_by_its_factor():
    lr, steps = 0.05, 40
    h, gd, _ = es.shrink_factors(X, lr, steps)
    _, Q = np.linalg.eigh(X.T @ X / N)
    w_tau = es.gd_trajectory(X, y, lr, steps)[-1]
    np.testing.assert_allclose(Q.T @ w_tau, gd * (Q.T @ linear.least_squares(X, y)), atol=1e-10)


def test_the_largest_gap_of_the_two_factors_is_a_fifth_at_x_two_and_a_half():
    x = np.logspace(-3, 3, 200_001)
    gap = (1 - np.exp(-x)) - x / (1 + x)
    assert 0.2035 < gap.max() < 0.2037 and 2.4 < x[gap.argmax()] < 2.6


@pytest.mark.parametrize("steps", [1, 3, 10, 30, 100, 300, 1000, 3000])
def test_early_stopping_is_l2_within_a_fifth_while_eta_h_is_small(steps):
    lr = 0.01
    h, gd, l2 = es.shrink_factors(X, lr, steps)
    assert lr * h.max() < 0.02
    assert np.max(np.abs(gd - l2)) < 0.205
    assert es.gap(X, y, lr, steps) < 0.205


def test_early_stopping_is_close_to_l2_early_and_late():
    assert es.gap(X, y, 0.01, 3) < 0.002 and es.gap(X, y, 0.5, 1000) < 0.005


def test_early_stopping_stops_being_l2_when_eta_h_is_large():
    h = np.linalg.eigvalsh(X.T @ X / N)
    lr = 1.0 / h.max() * 1.6  # η·h_max = 1.6: the factor of that direction oscillates
    assert es.gap(X, y, lr, 1) > 0.5
    diverging = 2.1 / h.max()
    assert es.gap(X, y, diverging, 50) > 10


def test_the_exact_solve_on_the_support_agrees_with_coordinate_descent_run_to_the_end(
        monkeypatch):
    """Near-copies of an input: the solve on the zeros and signs that coordinate descent found
    equals coordinate descent left to run to its tolerance (polishing switched off)."""
    rng = np.random.default_rng(3)
    z = rng.standard_normal((60, 3))
    X = np.repeat(z, 4, axis=1) + 0.05 * rng.standard_normal((60, 12))
    y = z @ np.array([1.0, -0.5, 0.0]) + 0.1 * rng.standard_normal(60)
    polished = [linear.elastic_net(X, y, l1, l2) for l1, l2 in ((0.002, 0.0), (0.01, 0.01))]
    monkeypatch.setattr(linear, "POLISH_BELOW", 0.0)
    plain = [linear.elastic_net(X, y, l1, l2) for l1, l2 in ((0.002, 0.0), (0.01, 0.01))]
    for a, b in zip(polished, plain):
        np.testing.assert_allclose(a, b, atol=1e-10)
        assert np.array_equal(a == 0, b == 0)


def test_a_support_with_a_wrong_sign_or_a_missing_input_is_refused():
    gram, corr = np.eye(2), np.array([3.0, 0.5])
    assert linear.on_support(gram, corr, np.array([-1.0, 0.0]), 1.0, 0.0) is None
    assert linear.on_support(gram, np.array([3.0, 2.0]), np.array([1.0, 0.0]), 1.0, 0.0) is None

"""Tests of the 10_why_it_works checkers: the right answers are right, each slip is named."""
import numpy as np
import pytest

from nnreg_core import linear, priors
from nnreg_core.exercises.why_it_works import check_l1_landing, check_prior_sigma, l1_landing_lambda

X, y = linear.two_weight_problem()
N = len(X)
G, C = X.T @ X / N, X.T @ y / N


def test_the_landing_lambda_is_where_the_exact_path_reaches_the_axis():
    lam = l1_landing_lambda(X, y)
    before, after = linear.path(X, y, [lam * (1 - 1e-6), lam * (1 + 1e-6)], "l1")
    assert before[1] > 0 and after[1] == 0.0 and after[0] > 0


def test_the_landing_answer_passes():
    assert check_l1_landing(l1_landing_lambda(X, y), X, y).startswith("Correct")
    assert check_l1_landing(round(l1_landing_lambda(X, y), 3), X, y).startswith("Correct")


@pytest.mark.parametrize("answer, hint", [
    (l1_landing_lambda(X, y) * N, "n times"), (C[0], "whole path ends"), (C[1], "correlation"),
    (C[1] - G[1, 0] * C[0] / G[0, 0], "shrinks"), (0.3, "Not yet"), (None, "Replace None"),
    ("x", "not a number"),
])
def test_landing_slips_are_named(answer, hint):
    message = check_l1_landing(answer, X, y)
    assert hint in message and not message.startswith("Correct")


def test_the_prior_answer_is_the_one_whose_map_is_sklearn_ridge():
    from sklearn.linear_model import Ridge

    sigma = 0.5 / np.sqrt(5)
    assert check_prior_sigma(sigma, sklearn_alpha=5.0, sigma_noise=0.5, n=N).startswith("Correct")
    ridge = Ridge(alpha=5.0, fit_intercept=False).fit(X, y).coef_
    np.testing.assert_allclose(priors.gaussian_posterior(X, y, 0.5, sigma)[0], ridge, atol=1e-10)
    np.testing.assert_allclose(linear.ridge(X, y, 5.0 / N), ridge, atol=1e-10)


@pytest.mark.parametrize("answer, hint", [
    (0.5 / np.sqrt(50 * 5), "mean-form λ"), (0.5 / np.sqrt(0.1), "σ²_noise/(n·λ)"),
    (0.5 / np.sqrt(2.5), "halved alpha"), (0.5 / np.sqrt(10), "doubled alpha"),
    (0.05, "variance"), (0.25 / np.sqrt(5), "squared only"), (0.1, "square root of alpha"),
    (1 / np.sqrt(5), "σ_noise is missing"), (np.sqrt(5) / 0.5, "Upside down"),
    (1.0, "Not yet"), (None, "Replace None"), ("wide", "not a number"),
])
def test_prior_slips_are_named(answer, hint):
    message = check_prior_sigma(answer, sklearn_alpha=5.0, sigma_noise=0.5, n=50)
    assert hint in message and not message.startswith("Correct")

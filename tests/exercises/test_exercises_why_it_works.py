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


def test_the_prior_answer_is_the_one_whose_map_is_ridge():
    sigma = 0.5 / np.sqrt(50 * 0.1)
    assert check_prior_sigma(sigma, 0.1, 0.5, 50).startswith("Correct")
    np.testing.assert_allclose(priors.gaussian_posterior(X, y, 0.5, sigma)[0],
                               linear.ridge(X, y, 0.1), atol=1e-12)


@pytest.mark.parametrize("answer, hint", [
    (0.5 / np.sqrt(0.1), "sum form"), (0.05, "variance"), (np.sqrt(5) / 0.5, "Upside down"),
    (1.0, "Not yet"), (None, "Replace None"),
])
def test_prior_slips_are_named(answer, hint):
    message = check_prior_sigma(answer, 0.1, 0.5, 50)
    assert hint in message and not message.startswith("Correct")

"""Tests of the 08_noise checkers and of the noise = ridge correspondence they teach."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.exercises.noise import (check_keras_sigma, check_multiplicative_noise,
                                        check_noise_lambda, multiplicative_noise_strengths)
from nnreg_core.regularizers.penalties import ridge_weights


def linear_problem(n=40, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X, y, _ = nc.data.make_sparse_linear(n, d, 3, 1.0, rng)
    return X + 0.5, y + 2.0  # off-centre, so the intercept matters


# ---------------------------------------------------------------- ridge_weights
def test_ridge_matches_scikit_learn_with_alpha_n_lam():
    from sklearn.linear_model import Ridge
    X, y = linear_problem()
    lam = 0.3
    w, b = ridge_weights(X, y, lam)
    reference = Ridge(alpha=len(X) * lam).fit(X, y)
    np.testing.assert_allclose(w, reference.coef_, rtol=1e-10, atol=1e-12)
    assert b == pytest.approx(reference.intercept_, rel=1e-10)


def test_ridge_gradient_vanishes_and_bias_is_not_shrunk():
    X, y = linear_problem()
    lam = 0.5
    w, b = ridge_weights(X, y, lam)
    residual = y - X @ w - b
    np.testing.assert_allclose(-X.T @ residual / len(X) + lam * w, 0, atol=1e-12)
    assert residual.mean() == pytest.approx(0, abs=1e-12)


def test_ridge_without_intercept_and_per_model_strengths():
    X, y = linear_problem()
    lams = np.array([0.0, 0.1, 1.0])
    W, B = ridge_weights(X, y, lams, fit_intercept=False)
    assert W.shape == (3, X.shape[1]) and np.all(B == 0)
    for k, lam in enumerate(lams):
        expected = np.linalg.solve(X.T @ X / len(X) + lam * np.eye(X.shape[1]), X.T @ y / len(X))
        np.testing.assert_allclose(W[k], expected, rtol=1e-10)
    assert np.all(np.diff(np.linalg.norm(W, axis=1)) < 0)  # more lambda, smaller weights


def test_full_batch_gradient_descent_with_l2_reaches_ridge():
    X, y = linear_problem()
    net = nc.MLP((X.shape[1], 1), loss="mse")
    run = nc.Run(net, net.init(np.random.default_rng(0)), X, y, optimizer=nc.SGD(0.2),
                 regularizers=[nc.L2(0.25)], epochs=3000, rng=0, snapshots=False,
                 evaluate_every=3000)
    run.run_all()
    w, b = ridge_weights(X, y, 0.25)
    np.testing.assert_allclose(run.params["W1"][:, 0], w, atol=1e-9)
    assert run.params["b1"][0] == pytest.approx(b, abs=1e-9)


@pytest.mark.parametrize("bad", [
    dict(X=np.ones(3), y=np.ones(3), lam=0.1),
    dict(X=np.ones((3, 2)), y=np.ones(4), lam=0.1),
    dict(X=np.ones((3, 2)), y=np.ones(3), lam=-1.0),
    dict(X=np.ones((3, 2)), y=np.ones(3), lam=0.0),  # constant columns: singular without lam
])
def test_ridge_bad_input_says_what_to_fix(bad):
    with pytest.raises(ValueError):
        ridge_weights(**bad)


# ---------------------------------------------------------------- the correspondence
def test_expected_noisy_loss_is_loss_plus_half_sigma_squared_norm():
    X, y = linear_problem()
    rng = np.random.default_rng(1)
    w, b, sigma = rng.standard_normal(X.shape[1]), 0.7, 0.4
    draws = 4000
    eps = rng.standard_normal((draws,) + X.shape)
    noisy = 0.5 * np.mean((y - (X + sigma * eps) @ w - b) ** 2)
    clean = 0.5 * np.mean((y - X @ w - b) ** 2)
    penalty = nc.L2(sigma ** 2).value(w)
    assert penalty == pytest.approx(0.5 * sigma ** 2 * w @ w)
    assert noisy == pytest.approx(clean + penalty, rel=5e-3)
    assert abs(noisy - clean) > 10 * abs(noisy - clean - penalty)  # the penalty is visible


def test_averaged_noisy_sgd_weights_approach_ridge_not_least_squares():
    X, y = linear_problem()
    sigmas = np.array([0.0, 0.5, 1.0])
    net = nc.MLP((X.shape[1], 1), loss="mse")
    run = nc.Run(net, net.init(np.random.default_rng(0), n_models=3), X, y,
                 optimizer=nc.SGD(0.02), regularizers=[nc.GaussianNoise(sigmas, where="input")],
                 epochs=600, batch_size=10, rng=2)
    history = run.run_all()
    weights = np.array([r.weights["W1"][..., 0] for r in history])  # (epochs, K, d)
    averaged = weights[300:].mean(axis=0)
    ridge, _ = ridge_weights(X, y, sigmas ** 2)
    least_squares, _ = ridge_weights(X, y, 0.0)
    to_ridge = np.linalg.norm(averaged - ridge, axis=1)
    to_least_squares = np.linalg.norm(averaged - least_squares, axis=1)
    assert np.all(to_ridge < 0.05)
    assert np.all(to_least_squares[1:] > 5 * to_ridge[1:])


# ---------------------------------------------------------------- checkers
def test_noise_lambda_right_answer_passes():
    assert check_noise_lambda(0.09).startswith("Correct")
    assert check_noise_lambda(0.25, sigma=0.5).startswith("Correct")


@pytest.mark.parametrize("answer, hint", [
    (None, "Replace None"), (0.3, "σ itself"), (0.045, "1/2 twice"), (0.18, "by 2"),
    (-0.09, "negative"), (1.0, "expand"), ("0.09x", "not a number"), ([0.09], "not one number"),
    (float("nan"), "finite"), (True, "True/False"),
])
def test_noise_lambda_wrong_answers_are_told_why(answer, hint):
    message = check_noise_lambda(answer)
    assert not message.startswith("Correct")
    assert hint in message


def test_keras_sigma_right_answer_is_the_root_of_l2_for_a_loss_without_the_half():
    assert check_keras_sigma(np.sqrt(0.02)).startswith("Correct")
    assert check_keras_sigma(np.sqrt(0.05), keras_l2=0.05).startswith("Correct")


@pytest.mark.parametrize("answer, hint", [
    (None, "Replace None"), (0.2, "has no ½"), (0.02, "variance"), (0.1, "wrong way"),
    (0.04, "twice too big"), (-0.2, "negative"), (0.7, "no ½), take the mean"),
])
def test_keras_sigma_wrong_answers_are_told_why(answer, hint):
    message = check_keras_sigma(answer)
    assert not message.startswith("Correct")
    assert hint in message


def test_keras_sigma_matches_noisy_keras_loss_by_expansion():
    """Keras's MSE (no ½) with input noise σ has expected loss mean r² + σ²‖w‖² (Monte Carlo)."""
    X, y = linear_problem()
    w, b, sigma = np.array([0.5, -1.0, 0.3, 0.0, 2.0]), 0.1, np.sqrt(0.02)
    eps = np.random.default_rng(0).standard_normal((4000,) + X.shape)
    noisy = np.mean((y - (X + sigma * eps) @ w - b) ** 2)
    clean = np.mean((y - X @ w - b) ** 2)
    assert noisy == pytest.approx(clean + 0.02 * np.sum(w ** 2), rel=2e-3)


def test_multiplicative_noise_strengths_match_a_monte_carlo_expansion():
    X, y = linear_problem()
    w, b, sigma = np.array([0.5, -1.0, 0.3, 0.0, 2.0]), 0.1, 0.4
    eps = np.random.default_rng(1).standard_normal((4000,) + X.shape)
    noisy = np.mean(0.5 * (y - (X * (1 + sigma * eps)) @ w - b) ** 2)
    clean = np.mean(0.5 * (y - X @ w - b) ** 2)
    lams = multiplicative_noise_strengths(X, sigma)
    assert noisy == pytest.approx(clean + 0.5 * np.sum(lams * w ** 2), rel=2e-3)
    assert check_multiplicative_noise(lams, X, sigma).startswith("Correct")


@pytest.mark.parametrize("make, hint", [
    (lambda X, s: None, "Replace None"),
    (lambda X, s: np.full(X.shape[1], s ** 2), "additive case"),
    (lambda X, s: s ** 2 * X.var(axis=0), "not the variance"),
    (lambda X, s: s * np.mean(X ** 2, axis=0), "not with σ"),
    (lambda X, s: 2 * s ** 2 * np.mean(X ** 2, axis=0), "Too large by 2"),
    (lambda X, s: s ** 2 * np.mean(X ** 2, axis=0) / 2, "½ twice"),
    (lambda X, s: s ** 2 * np.mean(np.abs(X), axis=0) ** 2, "Square each"),
    (lambda X, s: np.ones(X.shape[1]), "Not yet"),
    (lambda X, s: np.ones(2), "shape"),
    (lambda X, s: "abc", "not an array"),
])
def test_multiplicative_noise_slips_are_named(make, hint):
    X, _ = linear_problem()
    message = check_multiplicative_noise(make(X, 0.4), X, 0.4)
    assert not message.startswith("Correct")
    assert hint in message


def test_checkers_print_the_message_they_return(capsys):
    message = check_noise_lambda(0.3)
    assert capsys.readouterr().out.strip() == message
    message = check_keras_sigma(0.2)
    assert capsys.readouterr().out.strip() == message

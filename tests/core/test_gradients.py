"""Every analytic gradient of the core against central finite differences.

Two measures, both required: the elementwise relative error ``|g - g_num| / (|g| + |g_num|)`` of
:mod:`nnreg_core.checks` (below 1e-4: tiny entries carry the rounding error of the loss, ~1e-11,
divided by their own size), and the largest absolute error scaled by the largest entry (below 1e-7).
A correct float64 gradient scores about 1e-9 on the second with h = 1e-5; a wrong one (a missing
factor, a sign, a missing derivative) scores >= 1e-2 on both.
"""
import itertools

import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.checks import check_model_gradients, numerical_gradient, relative_error

TOLERANCE = 1e-4
SCALED_TOLERANCE = 1e-7
K = 3


def assert_gradients_match(analytic, numeric, label=""):
    """Fail unless ``analytic`` agrees with the finite-difference gradient ``numeric``."""
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    assert analytic.shape == numeric.shape, label
    elementwise = relative_error(analytic, numeric)
    scale = max(np.max(np.abs(numeric)), 1e-12)
    scaled = float(np.max(np.abs(analytic - numeric))) / scale
    assert elementwise < TOLERANCE and scaled < SCALED_TOLERANCE, (
        f"{label}: relative error {elementwise:.2e} (limit {TOLERANCE:.0e}), "
        f"scaled error {scaled:.2e} (limit {SCALED_TOLERANCE:.0e})")


def away_from_zero(rng, shape, margin=0.1):
    """Random weights with ``|w| >= margin``, so that L1's kink at 0 is not crossed by ``h``."""
    w = rng.uniform(margin, 1.0, shape)
    return w * rng.choice([-1.0, 1.0], shape)


def penalties():
    return [nc.L2(0.3), nc.L1(0.2), nc.ElasticNet(0.2, 0.5),
            nc.L2(0.3, include_biases=True), nc.ElasticNet(0.1, 0.7, include_biases=True)]


@pytest.mark.parametrize("penalty", penalties(), ids=lambda p: p.describe())
def test_penalty_gradient_of_one_array(penalty):
    w = away_from_zero(np.random.default_rng(1), (4, 3))
    numeric = numerical_gradient(lambda v: penalty.value(v), w.copy())
    assert_gradients_match(penalty.grad(w), numeric)


@pytest.mark.parametrize("penalty", penalties(), ids=lambda p: p.describe())
def test_penalty_gradient_of_a_parameter_dict(penalty):
    rng = np.random.default_rng(2)
    params = {"W1": away_from_zero(rng, (3, 4)), "b1": away_from_zero(rng, (4,)),
              "W2": away_from_zero(rng, (4, 1)), "b2": away_from_zero(rng, (1,))}
    grads = penalty.grad(params)
    expected_names = ["W1", "b1", "W2", "b2"] if penalty.include_biases else ["W1", "W2"]
    assert sorted(grads) == sorted(expected_names)
    for name in params:
        numeric = numerical_gradient(lambda _: penalty.value(params), params[name])
        analytic = grads.get(name, np.zeros_like(params[name]))
        assert_gradients_match(analytic, numeric, name)


@pytest.mark.parametrize("make", [lambda s: nc.L2(s), lambda s: nc.L1(s),
                                  lambda s: nc.ElasticNet(s, 2 * s)],
                         ids=["L2", "L1", "ElasticNet"])
def test_penalty_gradient_with_one_strength_per_model(make):
    penalty = make(np.array([0.0, 0.1, 0.5]))
    w = away_from_zero(np.random.default_rng(3), (K, 3, 2))
    numeric = numerical_gradient(lambda v: float(np.sum(penalty.value(v))), w.copy())
    assert_gradients_match(penalty.grad(w), numeric)
    assert np.all(penalty.grad(w)[0] == 0.0), "model 0 has strength 0"


def small_problem(loss, n=7, d=3, n_out=None, seed=0):
    """A batch ``(X, y)`` and output width for a loss: labels for classification, reals for mse."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    if loss == "mse":
        n_out = n_out or 2
        return X, rng.standard_normal((n, n_out)), n_out
    if loss == "binary_ce":
        return X, rng.integers(0, 2, n), 1
    n_out = n_out or 3
    return X, rng.integers(0, n_out, n), n_out


CASES = list(itertools.product(("tanh", "relu", "sigmoid"), ("mse", "binary_ce", "softmax_ce")))


@pytest.mark.parametrize("activation,loss", CASES)
def test_mlp_gradient_single_model(activation, loss):
    X, y, n_out = small_problem(loss)
    net = nc.MLP((X.shape[1], 5, 4, n_out), activation=activation, loss=loss)
    params = net.init(np.random.default_rng(4))
    params = {n: p + 0.1 * np.random.default_rng(5).standard_normal(p.shape)
              for n, p in params.items()}  # non-zero biases, so their gradients are exercised
    errors = check_model_gradients(net, params, X, y, penalties=[nc.L2(0.05)])
    assert max(errors.values()) < 1e-6, errors


def model_axis_objective(net, params, X, T, perturbations=(), seed=None):
    """Sum over the K models of the mean data loss; with noise, the rng is re-seeded at each
    call so every evaluation draws the same mask."""
    def objective(_):
        rng = None if seed is None else np.random.default_rng(seed)
        out, _cache = net.forward(params, X, perturbations, rng)
        return float(np.sum(net.data_loss(out, T)))
    return objective


def analytic_gradients(net, params, X, T, perturbations=(), seed=None):
    rng = None if seed is None else np.random.default_rng(seed)
    _out, cache = net.forward(params, X, perturbations, rng)
    return net.backward(params, cache, T)


def perturbed_params(net, seed, n_models=None):
    rng = np.random.default_rng(seed)
    params = net.init(rng, n_models=n_models)
    return {n: p + 0.3 * rng.standard_normal(p.shape) for n, p in params.items()}


@pytest.mark.parametrize("activation,loss", CASES)
def test_mlp_gradient_with_model_axis(activation, loss):
    X, y, n_out = small_problem(loss, seed=1)
    net = nc.MLP((X.shape[1], 4, n_out), activation=activation, loss=loss)
    params = perturbed_params(net, 6, n_models=K)  # the K models now differ
    T = net.encode_targets(y, len(X))
    grads = analytic_gradients(net, params, X, T)
    objective = model_axis_objective(net, params, X, T)
    for name, p in params.items():
        assert grads[name].shape == p.shape
        assert_gradients_match(grads[name], numerical_gradient(objective, p), name)


NOISES = [("dropout", lambda: [nc.Dropout(keep=0.7)]),
          ("hidden noise", lambda: [nc.GaussianNoise(0.3, where="hidden")]),
          ("input noise", lambda: [nc.GaussianNoise(0.3, where="input")]),
          ("dropout + noise", lambda: [nc.GaussianNoise(0.2, where="input"),
                                      nc.Dropout(keep=0.6), nc.GaussianNoise(0.1, where="hidden")])]


@pytest.mark.parametrize("n_models", [None, K], ids=["single", "model axis"])
@pytest.mark.parametrize("label,make", NOISES, ids=[n for n, _ in NOISES])
@pytest.mark.parametrize("activation,loss", [("tanh", "softmax_ce"), ("relu", "mse"),
                                             ("sigmoid", "binary_ce")])
def test_mlp_gradient_at_a_fixed_noise_mask(activation, loss, label, make, n_models):
    X, y, n_out = small_problem(loss, n=9, seed=2)
    net = nc.MLP((X.shape[1], 6, 5, n_out), activation=activation, loss=loss)
    params = perturbed_params(net, 7, n_models=n_models)
    T = net.encode_targets(y, len(X))
    noise = make()
    grads = analytic_gradients(net, params, X, T, noise, seed=11)
    objective = model_axis_objective(net, params, X, T, noise, seed=11)
    for name, p in params.items():
        assert_gradients_match(grads[name], numerical_gradient(objective, p), name)


def test_dropout_mask_really_changes_the_gradient():
    """Control: the fixed-mask check is not vacuous, two different masks give other gradients."""
    X, y, n_out = small_problem("mse", n=9, seed=2)
    net = nc.MLP((X.shape[1], 6, n_out), activation="tanh", loss="mse")
    params = perturbed_params(net, 7)
    T = net.encode_targets(y, len(X))
    noise = [nc.Dropout(keep=0.5)]
    g1 = analytic_gradients(net, params, X, T, noise, seed=1)["W1"]
    g2 = analytic_gradients(net, params, X, T, noise, seed=2)["W1"]
    assert relative_error(g1, g2) > 1e-2


def test_the_check_catches_a_wrong_gradient():
    """Control: a gradient off by the factor 2 of the lambda/2 convention is caught."""
    w = away_from_zero(np.random.default_rng(8), (5,))
    penalty = nc.L2(0.4)
    numeric = numerical_gradient(lambda v: penalty.value(v), w.copy())
    assert relative_error(2 * penalty.grad(w), numeric) > 0.3
    assert relative_error(-penalty.grad(w), numeric) == pytest.approx(1.0)
    with pytest.raises(AssertionError, match="relative error"):
        assert_gradients_match(1.001 * penalty.grad(w), numeric)


def test_the_check_catches_a_wrong_backward_pass():
    """Control: dropping the activation derivative from backprop is caught."""
    X, y, n_out = small_problem("mse")
    net = nc.MLP((X.shape[1], 5, n_out), activation="tanh", loss="mse")
    params = perturbed_params(net, 9)

    class NoActivationDerivative(nc.MLP):
        def backward(self, params, cache, T):
            inputs, hidden, states, out = cache
            return super().backward(params, (inputs, [np.zeros_like(h) for h in hidden],
                                              states, out), T)

    wrong = NoActivationDerivative(net.sizes, activation="tanh", loss="mse")
    errors = check_model_gradients(wrong, params, X, y)
    assert errors["W1"] > 1e-2 and errors["W2"] < 1e-6

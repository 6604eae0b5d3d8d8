"""Notebook 07: dropout checkers, non-inverted dropout, the weight-scaling rule and MC averaging."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.exercises.dropout import (check_dropout_variance, check_inverted_dropout,
                                          check_keep, keep_from)
from nnreg_core.regularizers.stochastic import NonInvertedDropout, mc_average, weight_scaled


def inverted(a, keep, rng):
    return a * (rng.random(a.shape) < keep) / keep


@pytest.mark.parametrize("value, source, keep", [
    (0.3, "pytorch", 0.7), (0.2, "keras", 0.8), (0.8, "srivastava", 0.8), (0.5, "cs231n", 0.5)])
def test_keep_right_answers(value, source, keep):
    assert keep_from(value, source) == pytest.approx(keep)
    assert check_keep(keep, value, source).startswith("Correct")


@pytest.mark.parametrize("answer, value, source, says", [
    (None, 0.3, "pytorch", "Replace None"),
    (0.3, 0.3, "pytorch", "other way round"),
    (0.2, 0.8, "srivastava", "other way round"),
    (1.5, 0.3, "pytorch", "is a probability"),
    (0.5, 0.3, "pytorch", "Not yet"),
    ("high", 0.3, "pytorch", "not a number"),
])
def test_keep_wrong_answers_are_explained(answer, value, source, says):
    assert says in check_keep(answer, value, source)


def test_keep_from_rejects_unknown_sources_and_values():
    with pytest.raises(ValueError, match="unknown source"):
        keep_from(0.2, "tensorflow1")
    with pytest.raises(ValueError, match="probability"):
        keep_from(1.2, "keras")


def test_inverted_dropout_passes():
    assert check_inverted_dropout(inverted).startswith("Correct")
    assert check_inverted_dropout(inverted, keep=0.5).startswith("Correct")


@pytest.mark.parametrize("fn, says", [
    (None, "Replace None"),
    (0.8, "not a value"),
    (lambda a, keep, rng: a * (rng.random(a.shape) < keep), "without the inversion"),
    (lambda a, keep, rng: a * (rng.random(a.shape) < keep) * keep, "multiplied by keep"),
    (lambda a, keep, rng: a * (rng.random(a.shape) < keep) / (1 - keep), "drop rate 1 − keep"),
    (lambda a, keep, rng: a * (rng.random(a.shape) < 1 - keep) / keep, "that is the drop rate"),
    (lambda a, keep, rng: a * (np.random.random(a.shape) < keep) / keep, "rng you are given"),
    (lambda a, keep, rng: a * (rng.random(a.shape) < 0.5) / keep, "each should be kept"),
    (lambda a, keep, rng: a[:, :3], "shape"),
    (lambda a, keep, rng: 1 / 0, "raised ZeroDivisionError"),
    (lambda a, keep, rng: (a + 1) * (rng.random(a.shape) < keep) / keep, "Not yet"),
    (lambda a, keep, rng: "dropped", "returned str"),
])
def test_wrong_dropout_is_explained(fn, says):
    assert says in check_inverted_dropout(fn)


def test_non_inverted_dropout_keeps_values_and_halves_the_mean():
    a = np.ones((200, 100))
    out, mask = NonInvertedDropout(0.5).forward(a, np.random.default_rng(0))
    assert set(np.unique(out).tolist()) == {0.0, 1.0}
    assert abs(out.mean() - 0.5) < 0.01
    assert np.array_equal(NonInvertedDropout(0.5).backward(np.ones_like(a), mask), mask)


def test_weight_scaling_maps_non_inverted_onto_inverted_training():
    """Same masks: inverted dropout with W2 equals non-inverted dropout with W2 / keep, and the
    weight-scaled non-inverted network is the plain inverted one."""
    net = nc.MLP((2, 5, 3, 1), loss="mse")
    params = net.init(np.random.default_rng(0))
    X = np.random.default_rng(1).standard_normal((7, 2))
    keep = 0.6
    unscaled = {k: (v / keep if k in ("W2", "W3") else v) for k, v in params.items()}
    out_inv, _ = net.forward(params, X, (nc.Dropout(keep),), np.random.default_rng(5))
    out_non, _ = net.forward(unscaled, X, (NonInvertedDropout(keep),), np.random.default_rng(5))
    assert np.allclose(out_inv, out_non, rtol=1e-12)
    scaled = weight_scaled(unscaled, keep)
    assert all(np.allclose(scaled[k], params[k], rtol=1e-12) for k in params)


def test_weight_scaled_input_dropout_scales_the_first_layer_and_copies():
    params = {"W1": np.ones((2, 3)), "b1": np.ones(3), "W2": np.ones((3, 1)), "b2": np.ones(1)}
    scaled = weight_scaled(params, 0.5, where="input")
    assert scaled["W1"][0, 0] == 0.5 and scaled["W2"][0, 0] == 0.5 and scaled["b1"][0] == 1.0
    assert params["W1"][0, 0] == 1.0
    per_model = weight_scaled({k: np.stack([v, v]) for k, v in params.items()},
                              np.array([1.0, 0.5]))
    assert per_model["W2"][:, 0, 0].tolist() == [1.0, 0.5]
    with pytest.raises(ValueError, match="keep must be"):
        weight_scaled(params, 0.0)


def test_mc_average_of_a_linear_network_is_the_plain_network():
    """With no nonlinearity after the dropped units, E[output] is exactly the plain output, so
    the MC average converges to it at the Monte-Carlo rate."""
    net = nc.MLP((3, 1), loss="mse")
    params = net.init(np.random.default_rng(0))
    X = np.random.default_rng(1).standard_normal((50, 3))
    plain, _ = net.forward(params, X)
    drop = nc.Dropout(0.5, where="input")
    err = [np.abs(mc_average(net, params, X, drop, np.random.default_rng(2), n) - plain).mean()
           for n in (10, 1000)]
    assert err[1] < err[0] / 4
    assert err[1] < 0.05


def test_mc_average_is_deterministic_given_the_rng_and_checks_input():
    net = nc.MLP((2, 4, 1), loss="binary_ce")
    params = net.init(np.random.default_rng(0))
    X = np.random.default_rng(1).standard_normal((5, 2))
    one = mc_average(net, params, X, nc.Dropout(0.5), np.random.default_rng(3), 20)
    two = mc_average(net, params, X, nc.Dropout(0.5), np.random.default_rng(3), 20)
    assert np.array_equal(one, two) and one.shape == (5, 1)
    assert np.all((one > 0) & (one < 1))
    with pytest.raises(ValueError, match="n_samples"):
        mc_average(net, params, X, nc.Dropout(0.5), np.random.default_rng(3), 0)
    with pytest.raises(ValueError, match="rng"):
        mc_average(net, params, X, nc.Dropout(0.5), 3, 10)


def test_dropout_variance_right_answer_matches_sampling():
    a, keep = 2.0, 0.8
    samples = a * (np.random.default_rng(0).random(400_000) < keep) / keep
    assert samples.var() == pytest.approx(a ** 2 * (1 - keep) / keep, rel=0.01)
    assert check_dropout_variance(1.0, a=2.0, keep=0.8).startswith("Correct")
    assert check_dropout_variance(9.0, a=3.0, keep=0.5).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"), (0.64, "without the 1/keep"), (0.25, "left out a²"),
    (0.5, "Square a too"), (0.8, "subtract the squared"), (5.0, "the variance subtracts"),
    (3.0, "Not yet"), ("x", "not a number"),
])
def test_dropout_variance_slips_are_named(answer, says):
    message = check_dropout_variance(answer, a=2.0, keep=0.8)
    assert not message.startswith("Correct")
    assert says in message

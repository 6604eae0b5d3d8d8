"""Inputs that used to give a cryptic error (a NumPy broadcast, an IndexError, "range() arg 3")
or none at all (a strength reused, a width truncated) now give a clear one: its type, and a
message that names the parameter."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core import catalog, cv, draws, experiments, holdout
from nnreg_core.regularizers.augment import Augment
from nnreg_core.validate import decay_factor, generator, per_model_count, whole_number

from test_errors import make_run, setup  # noqa: F401 (setup is a fixture)

K = 32


def run(setup, **changes):
    """Train the good setup of :mod:`test_errors` with ``changes`` made to it."""
    return make_run(setup, **changes).run_all()


def sweep(setup, regularizer, n_models=K):
    net, params, data = setup
    return nc.Run(net, nc.model.stack_models(params, n_models), data.X_train, data.y_train,
                  optimizer=nc.SGD(0.1), regularizers=[regularizer], epochs=2).run_all()


HALF = np.linspace(0.1, 0.5, K // 2)

# Strengths of the wrong length: each of these trained models 16-31 on strengths 0-15 without a
# word (the first four), or failed with a NumPy broadcast error after an epoch (the last two).
WRONG_LENGTH = {
    "MaxNorm": (lambda: nc.MaxNorm(HALF + 1), "MaxNorm c has 16 values but the run trains 32"),
    "MultiplicativeDecay": (lambda: nc.MultiplicativeDecay(1 - HALF / 10),
                            "MultiplicativeDecay factor has 16 values"),
    "ProximalL1": (lambda: nc.ProximalL1(HALF), "ProximalL1 lam has 16 values"),
    "L1Shrink": (lambda: nc.L1Shrink(HALF / 100), "L1Shrink amount has 16 values"),
    "L2": (lambda: nc.L2(HALF), "L2 lam has 16 values"),
    "L1": (lambda: nc.L1(HALF), "L1 lam has 16 values"),
    "ElasticNet": (lambda: nc.ElasticNet(0.1, HALF), "ElasticNet l2 has 16 values"),
    "Dropout": (lambda: nc.Dropout(1 - HALF), "Dropout keep has 16 values"),
}


@pytest.mark.parametrize("name", WRONG_LENGTH)
def test_strengths_of_the_wrong_length_are_refused_before_training(setup, name):
    make, message = WRONG_LENGTH[name]
    with pytest.raises(ValueError, match=message):
        sweep(setup, make())


def test_per_model_strengths_need_a_model_axis(setup):
    net, params, data = setup
    with pytest.raises(ValueError, match="L2 lam has 16 values .* no model axis"):
        nc.Run(net, params, data.X_train, data.y_train, optimizer=nc.SGD(0.1),
               regularizers=[nc.L2(HALF)])


def test_a_strength_of_the_wrong_length_set_mid_run_is_refused_at_the_next_epoch(setup):
    net, params, data = setup
    l2 = nc.L2(np.linspace(0, 0.1, K))
    r = nc.Run(net, nc.model.stack_models(params, K), data.X_train, data.y_train,
               optimizer=nc.SGD(0.1), regularizers=[l2], epochs=3)
    next(r)
    l2.lam = HALF
    with pytest.raises(ValueError, match="L2 lam has 16 values but the run trains 32"):
        next(r)


def test_the_right_length_still_trains(setup):
    history = sweep(setup, nc.MaxNorm(np.linspace(1, 3, K)))
    assert np.all(np.isfinite(history[-1].train_loss))


# (what, how it is built, error type, words the message must hold)
BAD = {
    # strengths and settings
    "L2(None)": (lambda s: nc.L2(None), TypeError, "L2 lam must be a number"),
    "L2('0.1')": (lambda s: nc.L2("0.1"), TypeError, "L2 lam must be a number"),
    "L2(complex)": (lambda s: nc.L2(0.1 + 1j), TypeError, "L2 lam must hold real numbers"),
    "L2([])": (lambda s: nc.L2([]), ValueError, "L2 lam must be a number or one number per"),
    "SGD(per model lr)": (lambda s: nc.SGD([0.1, 0.2]), ValueError, "SGD lr must be one number"),
    "L2(include_biases='no')": (lambda s: nc.L2(0.1, include_biases="no"), TypeError,
                                "include_biases must be True or False"),
    "MaxNorm(layers=2)": (lambda s: nc.MaxNorm(3.0, layers=2), TypeError, "MaxNorm layers"),
    "MaxNorm(layers=[1.5])": (lambda s: nc.MaxNorm(3.0, layers=[1.5]), ValueError,
                              "MaxNorm layers must be a whole number"),
    # architectures
    "MLP((2, 4.5, 1))": (lambda s: nc.MLP((2, 4.5, 1)), ValueError, r"sizes\[1\] \(layer width\)"),
    "MLP('241')": (lambda s: nc.MLP("241"), TypeError, "sizes must be a tuple of layer widths"),
    "MLP(None)": (lambda s: nc.MLP(None), TypeError, "sizes must be a tuple"),
    "MLP((2, None, 1))": (lambda s: nc.MLP((2, None, 1)), TypeError, r"sizes\[1\]"),
    "init(rng='abc')": (lambda s: s[0].init("abc"), TypeError, "rng must be a seed"),
    "stack_models(n_models=2.5)": (lambda s: nc.model.stack_models(s[1], 2.5), ValueError,
                                   "n_models must be a whole number"),
    # data for a run
    "y scalar": (lambda s: run(s, y_train=1), ValueError, "y_train must hold one target per"),
    "X empty": (lambda s: run(s, X_train=np.zeros((0, 2)), y_train=np.zeros(0)), ValueError,
                "X_train has no samples"),
    "test set empty": (lambda s: run(s, X_test=np.zeros((0, 2)), y_test=np.zeros(0)),
                       ValueError, "X_test has no samples"),
    "X complex": (lambda s: run(s, X_train=s[2].X_train + 1j), TypeError,
                  "X_train must hold real numbers"),
    "X strings": (lambda s: run(s, X_train=np.full((60, 2), "a")), TypeError,
                  "X_train must hold real numbers"),
    "X None": (lambda s: run(s, X_train=None), TypeError, "X_train must be a number or an array"),
    "X ragged": (lambda s: run(s, X_train=[[1.0, 2.0], [1.0]]), ValueError,
                 "X_train must be a rectangular array"),
    "params as lists": (lambda s: run(s, params={n: p.tolist() for n, p in s[1].items()}),
                        TypeError, r"params\['W1'\] must be a NumPy array"),
    "params not a dict": (lambda s: run(s, params=list(s[1].values())), TypeError,
                          "params must be a dict"),
    "params NaN": (lambda s: run(s, params=dict(s[1], W1=s[1]["W1"] * np.nan)), ValueError,
                   r"params\['W1'\] contains NaN"),
    # settings of a run
    "optimizer='sgd'": (lambda s: run(s, optimizer="sgd"), TypeError,
                        "optimizer must be an optimizer object such as nc.SGD"),
    "model=None": (lambda s: run(s, model=None), TypeError, "model must be an nnreg_core MLP"),
    "regularizers=nc.L2": (lambda s: run(s, regularizers=nc.L2), TypeError,
                           "regularizers must be a list"),
    "batch_size=nan": (lambda s: run(s, batch_size=float("nan")), ValueError,
                       "batch_size must be a whole number >= 1, got nan"),
    "batch_size=inf": (lambda s: run(s, batch_size=float("inf")), ValueError,
                       "batch_size must be a whole number"),
    "batch_size='10'": (lambda s: run(s, batch_size="10"), TypeError,
                        "batch_size must be a whole number"),
    "epochs=nan": (lambda s: run(s, epochs=float("nan")), ValueError, "epochs must be a whole"),
    "epochs=inf": (lambda s: run(s, epochs=float("inf")), ValueError, "epochs must be a whole"),
    "epochs=None": (lambda s: run(s, epochs=None), TypeError, "epochs must be a whole number"),
    "evaluate_every=True": (lambda s: run(s, evaluate_every=True), TypeError, "evaluate_every"),
    "rng='abc'": (lambda s: run(s, rng="abc"), TypeError, "rng must be a seed"),
    "rng=-1": (lambda s: run(s, rng=-1), ValueError, "rng must be a whole number >= 0"),
    "shuffle='no'": (lambda s: run(s, shuffle="no"), TypeError, "shuffle must be True or False"),
    "processes=1": (lambda s: run(s, processes=1), TypeError, "processes must be True or False"),
    "backend='fast'": (lambda s: run(s, backend="fast"), ValueError, "backend must be one of"),
    # data sets
    "load(n_train=10**12)": (lambda s: nc.load("moons", n_train=10**12), ValueError,
                             "n_train must be a whole number in 1…1000000"),
    "load(n_train=nan)": (lambda s: nc.load("moons", n_train=float("nan")), ValueError,
                          "n_train must be a whole number"),
    "load(n_train=None)": (lambda s: nc.load("moons", n_train=None), TypeError,
                           "n_train must be a whole number"),
    "load(n_test=inf)": (lambda s: nc.load("moons", n_test=float("inf")), ValueError,
                         "n_test must be a whole number"),
    "load(noise='0.2')": (lambda s: nc.load("moons", noise="0.2"), TypeError,
                          "noise must be a number"),
    "load(noise=-1)": (lambda s: nc.load("moons", noise=-1), ValueError, "noise must be >= 0"),
    "load(seed=-1)": (lambda s: nc.load("moons", seed=-1), ValueError,
                      "seed must be a whole number >= 0"),
    "load(seed='a')": (lambda s: nc.load("moons", seed="a"), TypeError, "seed must be a whole"),
    "load(name=None)": (lambda s: nc.load(None), ValueError, "unknown data set None"),
    "train_test_split(y scalar)": (lambda s: nc.data.train_test_split(np.ones((4, 2)), 1, 0.5,
                                                                      generator(0)),
                                   ValueError, "y has shape"),
    # conversions
    "convert(lr='0.1')": (lambda s: nc.convert(0.1, "cs231n", "adamw", lr="0.1"), TypeError,
                          "lr must be a number"),
    "convert(n_train=nan)": (lambda s: nc.convert(0.1, "nielsen", "cs231n",
                                                  n_train=float("nan")),
                             ValueError, "n_train must be a whole number"),
    "convert(value=True)": (lambda s: nc.convert(True, "cs231n", "keras"), ValueError,
                            "the value must be a number"),
    "convert(optimizer=None)": (lambda s: nc.convert(0.1, "cs231n", "keras", optimizer=None),
                                ValueError, "unknown optimizer None"),
    "mc_average(n_samples=nan)": (
        lambda s: nc.stochastic.mc_average(s[0], s[1], s[2].X_test, nc.Dropout(0.5),
                                           generator(0), float("nan")),
        ValueError, "n_samples must be a whole number"),
}


def test_the_good_setup_trains(setup):
    """Control for the table above: only the one changed argument is wrong."""
    assert len(run(setup)) == 2


@pytest.mark.parametrize("value,expected", [(3, 3), (3.0, 3), (np.int64(4), 4)])
def test_whole_numbers_given_as_floats_or_numpy_ints_are_accepted(value, expected):
    assert whole_number(value, "epochs") == expected


def test_one_lr_times_wd_check_for_decay_and_catalog():
    with pytest.raises(ValueError, match="lr·wd must be < 1"):
        decay_factor(0.5, np.array([0.1, 2.0]))
    with pytest.raises(ValueError, match="lr·wd must be < 1"):
        catalog.make("weight_decay", 20.0, lr=0.1)
    assert decay_factor(0.5, 1.0) == 0.5


def test_per_model_count_accepts_one_value_or_one_per_model():
    per_model_count(0.1, 3, "L2 lam")
    per_model_count(np.ones(3), 3, "L2 lam")
    per_model_count(0.1, None, "L2 lam")
    with pytest.raises(ValueError, match="L2 lam has 2 values"):
        per_model_count(np.ones(2), 3, "L2 lam")


# ------------------------------------------------------------------------------ divergence
def diverge(regularizers, optimizer, n_models=None):
    data = nc.load("regression_1d", n_train=40, n_test=20, noise=0.1, seed=0)
    net = nc.MLP((1, 1), loss="mse")
    run = nc.Run(net, net.init(np.random.default_rng(0), n_models=n_models), data.X_train,
                 data.y_train, optimizer=optimizer, regularizers=regularizers, epochs=200,
                 rng=0)
    run.run_all()
    assert run.stopped == "diverged"
    return run.message


def test_a_huge_l2_strength_is_blamed_for_the_divergence_not_the_learning_rate():
    message = diverge([nc.L2(50.0)], nc.SGD(0.1))
    assert "The L2 strength is the likely cause: lr·λ = 5 >= 2" in message
    assert "Lower λ below 20" in message


def test_with_momentum_the_bound_is_two_times_one_plus_beta():
    message = diverge([nc.L2(50.0)], nc.Momentum(0.1, beta=0.5))
    assert "lr·λ = 5 >= 3" in message


def test_per_model_l2_blames_the_strength_of_the_models_that_diverged():
    message = diverge([nc.L2(np.array([0.0, 50.0]))], nc.SGD(0.1), n_models=2)
    assert "(models [1])" in message and "lr·λ = 5 >= 2" in message


def test_a_huge_learning_rate_is_still_blamed_on_the_learning_rate():
    message = diverge([nc.L2(0.01)], nc.SGD(8.0))
    assert "Lower the learning rate (now 8)" in message and "L2 strength" not in message


# ------------------------------------------------------------------ found by probing the API
# Each of these was accepted with a wrong result (a set's widths sorted, int weights all 0,
# a 1-D image shape, a NaN pixel mean) or failed with a NumPy/Python message, or blamed a
# regularizer for an optimizer's setting.
PROBED = {
    "MLP({2, 4, 1})": (lambda s: nc.MLP({2, 4, 1}), TypeError,
                       "sizes must be a tuple of layer widths"),
    "MLP((2, 10**12, 1))": (lambda s: nc.MLP((2, 10**12, 1)), ValueError,
                            r"sizes\[1\] \(layer width\) must be a whole number in 1…100000"),
    "init(dtype=int32)": (lambda s: s[0].init(0, dtype=np.int32), ValueError,
                          "dtype must be np.float64 or np.float32, got int32"),
    "init(dtype=float16)": (lambda s: s[0].init(0, dtype="float16"), ValueError,
                            "dtype must be np.float64 or np.float32, got float16"),
    "init(dtype=complex)": (lambda s: s[0].init(0, dtype=complex), ValueError,
                            "dtype must be np.float64 or np.float32"),
    "init(dtype='abc')": (lambda s: s[0].init(0, dtype="abc"), TypeError,
                          "dtype must be np.float64 or np.float32, got 'abc'"),
    "Adam(beta1=-0.1)": (lambda s: nc.Adam(1e-3, beta1=-0.1), ValueError,
                         r"Adam beta1 must be >= 0, got -0.1\.$"),
    "Momentum(beta=-0.1)": (lambda s: nc.Momentum(0.1, beta=-0.1), ValueError,
                            r"Momentum beta must be >= 0, got -0.1\.$"),
    "l1_ratio=-0.5": (lambda s: nc.ElasticNet.from_alpha_l1_ratio(0.1, -0.5), ValueError,
                      r"l1_ratio must be >= 0, got -0.5\.$"),
    "Augment(image_shape=(8,))": (lambda s: Augment(image_shape=(8,)), ValueError,
                                  r"Augment image_shape must be two numbers, \(height, width\)"),
    "Augment(image_shape='88')": (lambda s: Augment(image_shape="88"), TypeError,
                                  r"Augment image_shape must be \(height, width\)"),
    "Augment(image_shape=(8.5, 8))": (lambda s: Augment(image_shape=(8.5, 8)), ValueError,
                                      "Augment image_shape must be a whole number >= 1, got 8.5"),
    "Augment(image_shape=(0, 8))": (lambda s: Augment(image_shape=(0, 8)), ValueError,
                                    "Augment image_shape must be a whole number >= 1, got 0"),
    "Augment(mean=nan)": (lambda s: Augment(mean=float("nan")), ValueError,
                          "Augment mean must be finite"),
    "Augment(mean='0')": (lambda s: Augment(mean="0"), TypeError,
                          "Augment mean must be a number or an array"),
}


def test_valid_dtypes_sizes_and_image_shapes_still_work(setup):
    net = setup[0]
    assert net.init(0, dtype=None)["W1"].dtype == np.float64
    assert net.init(0, dtype="float32")["W1"].dtype == np.float32
    assert nc.MLP(np.array([2, 4, 1])).sizes == (2, 4, 1)
    assert Augment(image_shape=np.array([8, 8]), mean=np.zeros(64)).image_shape == (8, 8)
    with pytest.raises(ValueError, match="a strength of 0 turns the regularizer off"):
        nc.L2(-1.0)


# Runners over strengths, folds and draws: an empty strength list died inside L2, k=None or a
# NaN size inside int(), a fractional epoch count trained int(2.5) epochs, a draw without
# validation images chose a strength from NaN accuracies.
def cv_call(setup, **changes):
    net, _, data = setup
    args = {"strengths": [0.01], "k": 4, "epochs": 1, **changes}
    return cv.cross_validate(net, data.X_train[:40], data.y_train[:40], "l2", **args)


def draw():
    return draws.digits_draw(0, n_train=20, n_val=10, n_test=10)


def sweep_call(draw_list, **changes):
    net = nc.MLP((64, 4, 10), loss="softmax_ce")
    return holdout.validation_sweep(net, draw_list, "l2", **{"strengths": [0.01], "epochs": 1,
                                                             **changes})


RUNNERS = {
    "cv strengths=[]": (lambda s: cv_call(s, strengths=[]), ValueError,
                        "strengths must be a list of at least one number"),
    "cv strengths=0.01": (lambda s: cv_call(s, strengths=0.01), ValueError,
                          "strengths must be a list of at least one number"),
    "cv k=None": (lambda s: cv_call(s, k=None), TypeError, r"k \(folds\) must be a whole number"),
    "cv k > n": (lambda s: cv_call(s, k=80), ValueError, "k=80 folds need at least k samples"),
    "cv epochs=0": (lambda s: cv_call(s, epochs=0), ValueError, "epochs must be a whole number"),
    "cv batch_size=0": (lambda s: cv_call(s, batch_size=0), ValueError,
                        "batch_size must be a whole number >= 1"),
    "cv seed='a'": (lambda s: cv_call(s, seed="a"), TypeError, "seed must be a whole number"),
    "holdout strengths=[]": (lambda s: sweep_call([draw()], strengths=[]), ValueError,
                             "strengths must be a list of at least one number"),
    "holdout draws=[]": (lambda s: sweep_call([]), ValueError, "draws is empty"),
    "holdout epochs=2.5": (lambda s: sweep_call([draw()], epochs=2.5), ValueError,
                           "epochs must be a whole number >= 1, got 2.5"),
    "holdout n_val=0": (lambda s: sweep_call([draws.digits_draw(0, 20, 0, 10)]), ValueError,
                        r"draws\[0\] has no validation images"),
    "sweep strengths=[]": (lambda s: experiments.sweep(s[0], s[2], nc.L2, [],
                                                       optimizer=nc.SGD(0.1), epochs=1),
                           ValueError, r"strengths must be a list of at least one number.*got \[\]"),
    "sweep make_regularizer='l2'": (lambda s: experiments.sweep(s[0], s[2], "l2", [0.01],
                                                                optimizer=nc.SGD(0.1), epochs=1),
                                    TypeError, "make_regularizer must be a function"),
    "digits_draw(n_train=nan)": (lambda s: draws.digits_draw(0, n_train=float("nan")),
                                 ValueError, "n_train must be a whole number >= 1, got nan"),
    "digits_draw(n_train=None)": (lambda s: draws.digits_draw(0, n_train=None), TypeError,
                                  "n_train must be a whole number"),
    "digits_draw(n_train=True)": (lambda s: draws.digits_draw(0, n_train=True), TypeError,
                                  "n_train must be a whole number"),
    "digits_draw(seed=-1)": (lambda s: draws.digits_draw(-1), ValueError,
                             "seed must be a whole number >= 0"),
    "digits_draw(seed='a')": (lambda s: draws.digits_draw("a"), TypeError,
                              "seed must be a whole number"),
}


def test_runners_still_take_whole_floats_and_one_strength(setup):
    assert draws.digits_draw(0, n_train=20.0, n_val=5, n_test=5).X_train.shape == (20, 64)
    result = experiments.sweep(setup[0], setup[2], nc.L2, 0.01, optimizer=nc.SGD(0.1), epochs=1)
    assert result.field("test_loss").shape == (1, 1)


ALL_BAD = {**BAD, **PROBED, **RUNNERS}
"""Every bad input above: ``{case: (make(setup), the error's type, a pattern of its message)}``."""


@pytest.mark.parametrize("case", ALL_BAD)
def test_bad_input_gets_a_clear_error(setup, case):
    make, error, message = ALL_BAD[case]
    with pytest.raises(error, match=message):
        make(setup)

"""The same seed gives bit-identical training (with shuffling, dropout and noise); another seed
does not."""
import numpy as np
import pytest

import nnreg_core as nc


def noisy_run(seed, n_models=None, init_seed=0):
    data = nc.load("spiral", n_train=90, n_test=30, noise=0.2, seed=0)
    net = nc.MLP(data.sizes((16, 16)), activation="relu", loss=data.loss)
    params = net.init(np.random.default_rng(init_seed), n_models=n_models)
    run = nc.Run(net, params, data.X_train, data.y_train, data.X_test, data.y_test,
                 optimizer=nc.Adam(0.01), epochs=15, batch_size=16, rng=seed,
                 regularizers=[nc.Dropout(keep=0.8), nc.GaussianNoise(0.1, where="input"),
                               nc.GaussianNoise(0.05, where="hidden"), nc.L2(1e-3)])
    return run.run_all(), run.params


def assert_identical(a, b):
    assert sorted(a) == sorted(b)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])


@pytest.mark.parametrize("n_models", [None, 3], ids=["single", "model axis"])
def test_same_seed_same_bits(n_models):
    history_a, params_a = noisy_run(7, n_models)
    history_b, params_b = noisy_run(7, n_models)
    assert_identical(params_a, params_b)
    np.testing.assert_array_equal(history_a.curve("train_loss"), history_b.curve("train_loss"))
    np.testing.assert_array_equal(history_a.curve("test_loss"), history_b.curve("test_loss"))


def test_a_generator_seeds_like_its_integer():
    _, from_int = noisy_run(7)
    _, from_generator = noisy_run(np.random.default_rng(7))
    assert_identical(from_int, from_generator)


def test_different_seeds_differ():
    _, params_a = noisy_run(7)
    _, params_b = noisy_run(8)
    assert max(float(np.max(np.abs(params_a[n] - params_b[n]))) for n in params_a) > 1e-3


def test_the_seed_drives_noise_not_only_shuffling():
    """Same shuffling (batch = whole set, no reshuffle), different noise: still different."""
    data = nc.load("moons", n_train=40, n_test=10, seed=0)
    net = nc.MLP(data.sizes((8,)), loss=data.loss)
    params = net.init(np.random.default_rng(0))

    def run(seed):
        r = nc.Run(net, params, data.X_train, data.y_train, optimizer=nc.SGD(0.1), epochs=5,
                   shuffle=False, rng=seed, regularizers=[nc.Dropout(0.5)])
        r.run_all()
        return r.params["W1"]

    np.testing.assert_array_equal(run(1), run(1))
    assert np.max(np.abs(run(1) - run(2))) > 1e-4


def test_initialization_is_seeded():
    net = nc.MLP((3, 5, 2), loss="softmax_ce")
    a = net.init(np.random.default_rng(3))
    assert_identical(a, net.init(np.random.default_rng(3)))
    assert np.max(np.abs(a["W1"] - net.init(np.random.default_rng(4))["W1"])) > 1e-3


@pytest.mark.parametrize("name", ["moons", "circles", "spiral", "xor", "regression_1d", "digits"])
def test_data_sets_are_seeded(name):
    a = nc.load(name, n_train=50, n_test=20, seed=5)
    b = nc.load(name, n_train=50, n_test=20, seed=5)
    c = nc.load(name, n_train=50, n_test=20, seed=6)
    for field in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.X_train, c.X_train)


def test_training_does_not_touch_numpy_global_state():
    state = np.random.get_state()[1].copy()
    noisy_run(7)
    np.testing.assert_array_equal(np.random.get_state()[1], state)

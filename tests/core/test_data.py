"""``nc.load``: the training points depend on the seed, n_train and noise only, never on n_test;
each set comes seeded, shuffled and apart from the other."""
import numpy as np
import pytest

import nnreg_core as nc

TOY = ["moons", "circles", "spiral", "xor", "regression_1d"]


@pytest.mark.parametrize("name", TOY + ["digits"])
def test_the_training_set_does_not_depend_on_n_test(name):
    few, many = (nc.load(name, n_train=40, n_test=n_test, seed=3) for n_test in (5, 300))
    np.testing.assert_array_equal(few.X_train, many.X_train)
    np.testing.assert_array_equal(few.y_train, many.y_train)
    assert len(few.X_test) == 5 and len(many.X_test) == 300


@pytest.mark.parametrize("name", TOY)
def test_the_same_seed_gives_the_same_sets_and_another_seed_others(name):
    a, b, c = (nc.load(name, n_train=30, n_test=20, seed=s) for s in (1, 1, 2))
    for part in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, part), getattr(b, part))
    assert not np.array_equal(a.X_train, c.X_train)
    assert not np.array_equal(a.X_train[:20], a.X_test), "train and test are separate draws"


@pytest.mark.parametrize("name", ["moons", "circles", "regression_1d"])
def test_each_set_comes_shuffled_not_sorted_by_class_or_input(name):
    data = nc.load(name, n_train=60, n_test=60, seed=0)
    for values in (data.y_train, data.y_test) if name != "regression_1d" else (
            data.X_train[:, 0], data.X_test[:, 0]):
        assert not np.all(np.diff(values) >= 0)


def test_a_larger_training_set_keeps_the_noise_level_asked_for():
    data = nc.load("regression_1d", n_train=2000, n_test=10, noise=0.3, seed=0)
    residual = data.y_train - np.sin(np.pi * data.X_train[:, 0])
    assert abs(residual.std() - 0.3) < 0.02

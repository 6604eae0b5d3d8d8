"""scikit-learn's MLP, trained from our weights, against our core: equal exactly when alpha is
converted with the minibatch size, and not with the docstring's training-set size."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.crosscheck import max_difference, sklearn_sgd_params

pytest.importorskip("sklearn")


def ours(net, params, ds, lam, lr, batch_size, epochs):
    run = nc.Run(net, params, ds.X_train, ds.y_train, optimizer=nc.SGD(lr),
                 regularizers=[nc.L2(lam)], epochs=epochs, batch_size=batch_size,
                 shuffle=False, snapshots=False, evaluate_every=epochs, backend="reference")
    run.run_all()
    assert run.stepper.kind == "reference"
    return run.params


@pytest.mark.parametrize("name, hidden, activation", [
    ("moons", (8, 8), "tanh"), ("spiral", (10,), "relu"), ("regression_1d", (6,), "sigmoid")])
def test_converted_alpha_takes_the_same_steps(name, hidden, activation):
    ds = nc.load(name, n_train=60, n_test=10, seed=1)
    net = nc.MLP(ds.sizes(hidden), activation=activation, loss=ds.loss)
    params = net.init(np.random.default_rng(2))
    lam, lr, batch, epochs = 0.01, 0.1, 15, 3
    alpha = nc.convert(lam, "cs231n", "sklearn_alpha", batch_size=batch, n_train=60)
    theirs = sklearn_sgd_params(net, params, ds.X_train, ds.y_train, alpha=alpha, lr=lr,
                                batch_size=batch, epochs=epochs)
    assert max_difference(ours(net, params, ds, lam, lr, batch, epochs), theirs) < 1e-12


def test_docstring_reading_of_alpha_does_not_match():
    ds = nc.load("moons", n_train=60, n_test=10, seed=1)
    net = nc.MLP(ds.sizes((8,)), loss=ds.loss)
    params = net.init(np.random.default_rng(2))
    lam, lr, batch = 0.01, 0.1, 15
    theirs = sklearn_sgd_params(net, params, ds.X_train, ds.y_train, alpha=lam * 60, lr=lr,
                                batch_size=batch, epochs=2)
    assert max_difference(ours(net, params, ds, lam, lr, batch, 2), theirs) > 1e-3


def test_model_axis_is_refused():
    net = nc.MLP((2, 3, 1), loss="binary_ce")
    params = net.init(np.random.default_rng(0), n_models=2)
    with pytest.raises(ValueError, match="no model axis"):
        sklearn_sgd_params(net, params, np.zeros((4, 2)), np.array([0, 1, 0, 1]), alpha=0.0,
                           lr=0.1, batch_size=2, epochs=1)

"""Our L2 conventions against a running library: scikit-learn's MLPClassifier and MLPRegressor.

Both sides start from the same weights and take the same minibatch steps (``shuffle=False``,
constant learning rate). scikit-learn adds ``alpha * W`` to the summed batch gradient and divides
by the batch's sample count, so its per-step L2 coefficient is ``alpha / batch_size``
(``convert(alpha, "sklearn_alpha", "cs231n", batch_size=...)``), not ``alpha / n_train`` as its
docstring's "divided by the sample size" suggests; and it leaves the biases unregularized.
"""
import warnings

import numpy as np
import pytest
from conftest import final_params, max_abs_diff

import nnreg_core as nc

pytest.importorskip("sklearn")
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402

LR, ALPHA, EPOCHS = 0.1, 0.5, 5
SKLEARN_ACTIVATION = {"tanh": "tanh", "relu": "relu", "sigmoid": "logistic"}

# name: (data set, hidden layers, activation, batch size); n_train = 60 for all
SETUPS = {"binary": ("moons", (8,), "tanh", 20),
          "multiclass": ("spiral", (6, 5), "relu", 15),
          "regression": ("regression_1d", (7,), "sigmoid", 12)}
MOMENTA = {"sgd": (0.0, False), "momentum": (0.9, False), "nesterov": (0.9, True)}
N_TRAIN = 60


def setup(name, n_train=N_TRAIN):
    """The data, our network and its initial weights for one of :data:`SETUPS`."""
    data_name, hidden, activation, batch_size = SETUPS[name]
    data = nc.load(data_name, n_train=n_train, n_test=10, noise=0.2, seed=0)
    net = nc.MLP(data.sizes(hidden), activation=activation, loss=data.loss)
    return data, net, net.init(np.random.default_rng(1)), batch_size


def our_optimizer(momentum, nesterov):
    return nc.SGD(LR) if momentum == 0 else nc.Momentum(LR, momentum, nesterov=nesterov)


def sklearn_run(name, data, net, params, *, alpha, batch_size, momentum, nesterov,
                epochs=EPOCHS):
    """Train scikit-learn's MLP from ``params`` for ``epochs`` epochs; return its parameters.

    ``partial_fit`` once builds the network (and trains it one epoch, which is then discarded):
    the weights are overwritten with ``params`` and the momentum buffers zeroed, so the steps
    that follow start from the same state as ours.
    """
    estimator_class = MLPRegressor if data.task == "regression" else MLPClassifier
    estimator = estimator_class(
        hidden_layer_sizes=net.sizes[1:-1], activation=SKLEARN_ACTIVATION[net.activation],
        solver="sgd", alpha=alpha, batch_size=batch_size, learning_rate="constant",
        learning_rate_init=LR, momentum=momentum, nesterovs_momentum=nesterov, shuffle=False,
        max_iter=1, random_state=0)
    X, y = data.X_train, data.y_train
    extra = {} if data.task == "regression" else {"classes": np.unique(y)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.partial_fit(X, y, **extra)
        estimator.coefs_ = [params[f"W{i}"].copy() for i in range(1, net.n_layers + 1)]
        estimator.intercepts_ = [params[f"b{i}"].copy() for i in range(1, net.n_layers + 1)]
        assert len(estimator._optimizer.velocities) == 2 * net.n_layers
        estimator._optimizer.velocities = [np.zeros_like(p) for p in
                                           estimator.coefs_ + estimator.intercepts_]
        for _ in range(epochs):
            estimator.partial_fit(X, y)
    out = {f"W{i}": w for i, w in enumerate(estimator.coefs_, start=1)}
    out.update({f"b{i}": b for i, b in enumerate(estimator.intercepts_, start=1)})
    return out


def our_run(data, net, params, *, lam, batch_size, momentum, nesterov, include_biases=False,
            epochs=EPOCHS):
    return final_params(net, params, data.X_train, data.y_train,
                        optimizer=our_optimizer(momentum, nesterov),
                        regularizers=[nc.L2(lam, include_biases=include_biases)],
                        epochs=epochs, batch_size=batch_size, shuffle=False, rng=0,
                        backend="reference")


@pytest.mark.parametrize("momentum_name", MOMENTA)
@pytest.mark.parametrize("name", SETUPS)
def test_sklearn_alpha_converts_with_the_batch_size(name, momentum_name):
    data, net, params, batch_size = setup(name)
    momentum, nesterov = MOMENTA[momentum_name]
    lam = nc.convert(ALPHA, "sklearn_alpha", "cs231n", batch_size=batch_size, n_train=N_TRAIN)
    assert lam == ALPHA / batch_size
    theirs = sklearn_run(name, data, net, params, alpha=ALPHA, batch_size=batch_size,
                         momentum=momentum, nesterov=nesterov)
    ours = our_run(data, net, params, lam=lam, batch_size=batch_size, momentum=momentum,
                   nesterov=nesterov)
    assert max_abs_diff(ours, theirs) < 1e-10
    # Control: the steps moved the weights, and the penalty mattered.
    assert max_abs_diff(theirs, params) > 1e-2
    unregularized = our_run(data, net, params, lam=0.0, batch_size=batch_size,
                            momentum=momentum, nesterov=nesterov)
    assert max_abs_diff(unregularized, theirs) > 1e-3


@pytest.mark.parametrize("name", SETUPS)
def test_the_docstring_reading_n_train_does_not_match_with_minibatches(name):
    data, net, params, batch_size = setup(name)
    assert batch_size < N_TRAIN
    theirs = sklearn_run(name, data, net, params, alpha=ALPHA, batch_size=batch_size,
                         momentum=0.9, nesterov=False)
    docstring_reading = our_run(data, net, params, lam=ALPHA / N_TRAIN, batch_size=batch_size,
                                momentum=0.9, nesterov=False)
    gap = max_abs_diff(docstring_reading, theirs)
    assert gap > 1e-3, f"alpha / n_train is only {gap:.3g} away from scikit-learn"


def test_the_two_readings_agree_only_for_full_batches():
    data, net, params, _ = setup("binary")
    theirs = sklearn_run("binary", data, net, params, alpha=ALPHA, batch_size=N_TRAIN,
                         momentum=0.0, nesterov=False, epochs=20)
    ours = our_run(data, net, params, lam=ALPHA / N_TRAIN, batch_size=N_TRAIN, momentum=0.0,
                   nesterov=False, epochs=20)
    assert max_abs_diff(ours, theirs) < 1e-10


@pytest.mark.parametrize("name", SETUPS)
def test_sklearn_leaves_biases_unregularized(name):
    data, net, params, batch_size = setup(name)
    lam = nc.convert(ALPHA, "sklearn_alpha", "cs231n", batch_size=batch_size, n_train=N_TRAIN)
    theirs = sklearn_run(name, data, net, params, alpha=ALPHA, batch_size=batch_size,
                         momentum=0.9, nesterov=True)
    biases_in = our_run(data, net, params, lam=lam, batch_size=batch_size, momentum=0.9,
                        nesterov=True, include_biases=True)
    biases = [n for n in params if n.startswith("b")]
    gap = max_abs_diff(biases_in, theirs, biases)
    assert gap > 1e-4, f"decaying the biases moved them only {gap:.3g}"


def test_convert_refuses_a_ragged_last_batch():
    with pytest.raises(ValueError, match="last batch has 8 samples"):
        nc.convert(ALPHA, "sklearn_alpha", "cs231n", batch_size=32, n_train=200)


def test_a_ragged_last_batch_is_divided_by_its_own_size():
    """Why convert refuses: one lambda cannot match scikit-learn when the last batch is smaller."""
    n_train, batch_size = 50, 20
    data, net, params, _ = setup("binary", n_train=n_train)
    theirs = sklearn_run("binary", data, net, params, alpha=ALPHA, batch_size=batch_size,
                         momentum=0.0, nesterov=False)
    ours = our_run(data, net, params, lam=ALPHA / batch_size, batch_size=batch_size,
                   momentum=0.0, nesterov=False)
    gap = max_abs_diff(ours, theirs)
    assert gap > 1e-4, f"a ragged last batch changed only {gap:.3g}"

"""A run's evaluations in float32 (``evaluate_dtype``): what a dashboard draws its curves from."""
import numpy as np
import pytest

import nnreg_core as nc


def moons_run(**options):
    ds = nc.load("moons", n_train=60, n_test=300, noise=0.3, seed=1)
    net = nc.MLP(ds.sizes((16,)), loss=ds.loss)
    params = net.init(np.random.default_rng(2), n_models=3)
    return nc.Run(net, params, ds.X_train, ds.y_train, ds.X_test, ds.y_test,
                  optimizer=nc.SGD(0.2), regularizers=[nc.L2(np.array([0.0, 1e-3, 1e-2]))],
                  epochs=15, batch_size=20, rng=3, snapshots=False, **options)


def test_float32_evaluation_leaves_training_as_it_was_and_agrees_to_seven_digits():
    exact, single = moons_run(), moons_run(evaluate_dtype=np.float32)
    exact_reports, single_reports = exact.run_all(), single.run_all()
    for name in exact.params:
        np.testing.assert_array_equal(exact.params[name], single.params[name])
    for a, b in zip(exact_reports, single_reports):
        assert a.test_loss.dtype == b.test_loss.dtype == np.float64
        np.testing.assert_allclose(b.train_loss, a.train_loss, rtol=1e-6)
        np.testing.assert_allclose(b.test_loss, a.test_loss, rtol=1e-6)
        np.testing.assert_array_equal(b.test_accuracy, a.test_accuracy)
        assert not np.array_equal(b.test_loss, a.test_loss)    # evaluated in float32 indeed


def test_a_precision_a_run_cannot_evaluate_in_is_refused():
    with pytest.raises(ValueError, match="evaluate_dtype"):
        moons_run(evaluate_dtype=np.float16)

"""Cross-validation on the model axis: each fold × strength is the run it stands for."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core import catalog, cv
from nnreg_core.draws import digits_draw

NET = nc.MLP((64, 12, 10), activation="tanh", loss="softmax_ce")
DRAW = digits_draw(3, n_train=60, n_val=10, n_test=10)
FOLD_STREAM = np.random.SeedSequence(3).spawn(1)[0]


@pytest.mark.parametrize("name, strengths", [("l2", [1e-3, 0.03, 0.3]), ("max_norm", [0.5, 2.0]),
                                             ("none", [0.0])])
def test_cross_validation_equals_k_separate_reference_runs_bit_for_bit(name, strengths):
    curve = cv.cross_validate(NET, DRAW.X_train, DRAW.y_train, name, strengths, k=3, lr=0.2,
                              epochs=6, batch_size=16, seed=3)
    train, held_out = cv.fold_rows(60, 3, np.random.default_rng(FOLD_STREAM))
    for f in range(3):
        for s, strength in enumerate(strengths):
            run = nc.Run(NET, NET.init(np.random.default_rng(3)), DRAW.X_train[train[f]],
                         DRAW.y_train[train[f]], DRAW.X_train[held_out[f]],
                         DRAW.y_train[held_out[f]], optimizer=nc.SGD(0.2),
                         regularizers=catalog.make(name, strength, lr=0.2), epochs=6,
                         batch_size=16, rng=3, backend="reference")
            last = run.run_all()[-1]
            assert curve.loss[f, s] == last.test_loss
            assert curve.accuracy[f, s] == last.test_accuracy


def test_input_noise_on_the_gathered_batch_is_the_runs_input_noise():
    rows = np.arange(40)
    T = NET.encode_targets(DRAW.y_train)
    params = NET.init(np.random.default_rng(0), n_models=1)
    cv.train_on_rows(NET, params, DRAW.X_train[rows][None], T[rows][None], nc.SGD(0.2),
                     [nc.GaussianNoise(0.5)], 3, 10, 7)
    run = nc.Run(NET, NET.init(np.random.default_rng(0)), DRAW.X_train[rows], DRAW.y_train[rows],
                 optimizer=nc.SGD(0.2), regularizers=[nc.GaussianNoise(0.5)], epochs=3,
                 batch_size=10, rng=7, backend="reference")
    run.run_all()
    for name in run.params:
        np.testing.assert_array_equal(params[name][0], run.params[name])


def test_several_draws_in_one_run_equal_each_draw_alone():
    draws = [digits_draw(s, n_train=40, n_val=5, n_test=5) for s in (1, 2)]
    together = cv.cross_validate_draws(NET, draws, "augment", [0.0, 1.0], k=2, epochs=3,
                                       batch_size=10, seed=0)
    alone = cv.cross_validate(NET, draws[1].X_train, draws[1].y_train, "augment", [0.0, 1.0],
                              k=2, epochs=3, batch_size=10, seed=2, mean=draws[1].mean,
                              scale=draws[1].scale)
    assert together[1].accuracy.shape == (2, 2)
    # the shuffling seed differs (0 vs 2), so only the folds and the set-up agree: check the
    # no-augmentation column trained the same way when the seeds agree
    same_seed = cv.cross_validate_draws(NET, draws[1:], "augment", [0.0, 1.0], k=2, epochs=3,
                                        batch_size=10, seed=2)
    np.testing.assert_allclose(same_seed[0].loss, alone.loss, rtol=1e-12)
    assert not np.allclose(together[0].loss, together[1].loss)


def test_fit_draws_trains_each_draw_on_its_own_images_with_its_own_strength():
    draws = [digits_draw(s, n_train=30, n_val=5, n_test=5) for s in (4, 5)]
    params = cv.fit_draws(NET, draws, "l2", [0.0, 0.1], epochs=4, batch_size=10, seed=4)
    run = nc.Run(NET, NET.init(np.random.default_rng(5)), draws[1].X_train, draws[1].y_train,
                 optimizer=nc.SGD(0.2), regularizers=[nc.L2(0.1)], epochs=4, batch_size=10,
                 rng=4, backend="reference")
    run.run_all()
    for name in run.params:
        np.testing.assert_array_equal(params[name][1], run.params[name])
    X, T = cv.rows_of(NET, draws, "test")
    loss, accuracy = cv.scores(NET, params, X, T)
    assert loss.shape == accuracy.shape == (2,)


def test_folds_partition_the_samples():
    train, held_out = cv.fold_rows(20, 4, np.random.default_rng(0))
    assert sorted(held_out.ravel().tolist()) == list(range(20))
    for f in range(4):
        assert set(train[f]).isdisjoint(held_out[f]) and len(set(train[f])) == 15
    with pytest.raises(ValueError, match="divisible"):
        cv.fold_rows(21, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="k"):
        cv.fold_rows(20, 1, np.random.default_rng(0))


def test_the_curve_picks_the_best_mean_and_breaks_ties_by_loss():
    curve = cv.CVCurve(np.array([1.0, 2.0, 3.0]),
                       loss=np.array([[0.5, 0.4, 0.3], [0.5, 0.4, 0.3]]),
                       accuracy=np.array([[0.8, 0.9, 0.9], [0.8, 0.9, 0.9]]))
    assert curve.best == 2 and curve.chosen == 3.0
    np.testing.assert_allclose(curve.sd, [0.0, 0.0, 0.0])
    assert cv.CVCurve(np.arange(2.0), np.zeros((2, 2)), np.array([[0.9, 0.8], [0.7, 0.8]])).sd[0] \
        == pytest.approx(np.std([0.9, 0.7], ddof=1))


def test_regression_is_refused():
    with pytest.raises(ValueError, match="classifier"):
        cv.cross_validate(nc.MLP((64, 4, 1)), DRAW.X_train, DRAW.X_train[:, 0], "l2", [0.1],
                          k=2, epochs=1)


def test_choosing_on_threads_equals_each_regularizer_one_after_another_bit_for_bit():
    draws = [digits_draw(s, n_train=40, n_val=5, n_test=5) for s in (1, 2)]
    grids = {"none": [0.0], "l2": [0.0, 0.1], "noise": [0.3, 1.0], "augment": [0.5, 1.0]}
    training = dict(lr=0.2, epochs=3, batch_size=10, seed=3)
    together = cv.choose_and_fit(NET, draws, grids, k=2, workers=2, **training)
    assert list(together) == list(grids)
    assert together["none"].curves is None                  # one strength: nothing to choose
    np.testing.assert_array_equal(together["none"].chosen, [0.0, 0.0])
    for name, strengths in list(grids.items())[1:]:
        curves = cv.cross_validate_draws(NET, draws, name, strengths, k=2, **training)
        chosen = np.array([curve.chosen for curve in curves])
        np.testing.assert_array_equal(together[name].chosen, chosen)
        for a, b in zip(together[name].curves, curves):
            np.testing.assert_array_equal(a.loss, b.loss)
        params = cv.fit_draws(NET, draws, name, chosen, **training)
        for p in params:
            np.testing.assert_array_equal(together[name].params[p], params[p])

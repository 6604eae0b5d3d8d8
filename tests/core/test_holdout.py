"""Validation sweeps over several draws: each draw chooses on its own validation images."""
import numpy as np

import nnreg_core as nc
from nnreg_core import holdout
from nnreg_core.draws import digits_draw

NET = nc.MLP((64, 10, 10), activation="tanh", loss="softmax_ce")
DRAWS = [digits_draw(s, n_train=40, n_val=30, n_test=30) for s in (0, 1)]


def test_each_draw_keeps_its_best_validation_model_and_tests_only_that_one():
    sweep = holdout.validation_sweep(NET, DRAWS, "l2", [1e-3, 0.3], epochs=5, batch_size=10,
                                     seed=2)
    for j, draw in enumerate(DRAWS):
        runs = [nc.Run(NET, NET.init(np.random.default_rng(draw.seed)), draw.X_train,
                       draw.y_train, draw.X_val, draw.y_val, optimizer=nc.SGD(0.2),
                       regularizers=[nc.L2(lam)], epochs=5, batch_size=10, rng=2,
                       backend="reference") for lam in (1e-3, 0.3)]
        finals = [run.run_all()[-1] for run in runs]
        np.testing.assert_array_equal(sweep.val_accuracy[j], [f.test_accuracy for f in finals])
        best = max(range(2), key=lambda k: (finals[k].test_accuracy, -finals[k].test_loss))
        assert sweep.chosen[j] == best
        out, _ = NET.forward(runs[best].params, draw.X_test)
        assert sweep.test_accuracy[j] == NET.accuracy(out, NET.encode_targets(draw.y_test))


def test_draws_are_disjoint_and_standardized_on_training_images():
    d = digits_draw(4, n_train=50, n_val=20, n_test=20)
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0, atol=1e-12)
    raw = np.concatenate([d.X_train, d.X_val, d.X_test]) * d.scale + d.mean
    assert len(np.unique(raw.round(6), axis=0)) >= 85  # (a few digits images repeat exactly)
    assert np.allclose(nc.load("digits", n_train=50, n_test=20, seed=4).X_train, d.X_train)

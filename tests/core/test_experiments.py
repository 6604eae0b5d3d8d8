"""The experiment runners: what they train is what a hand-written Run trains, rows are seeds,
columns strengths, and the statistics are those of the rows."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core import experiments

DATA = nc.load("moons", n_train=40, n_test=60, seed=0)
NET = nc.MLP(DATA.sizes((6,)), loss=DATA.loss)


def test_train_equals_a_hand_written_run():
    run = experiments.train(NET, DATA, optimizer=nc.SGD(0.3), regularizers=[nc.L2(0.01)],
                            epochs=4, batch_size=10, seed=3)
    hand = nc.Run(NET, NET.init(np.random.default_rng(3)), DATA.X_train, DATA.y_train,
                  DATA.X_test, DATA.y_test, optimizer=nc.SGD(0.3), regularizers=[nc.L2(0.01)],
                  epochs=4, batch_size=10, rng=3)
    hand.run_all()
    assert all(np.array_equal(run.params[n], hand.params[n]) for n in hand.params)
    assert [r.epoch for r in run.history] == [4]


def test_train_evaluates_the_held_out_set_it_is_given():
    X_val, y_val = DATA.X_test[:10], DATA.y_test[:10]
    run = experiments.train(NET, DATA, optimizer=nc.SGD(0.3), epochs=2, held_out=(X_val, y_val))
    out, _ = NET.forward(run.params, X_val)
    assert run.history[-1].test_loss == pytest.approx(NET.data_loss(out, NET.encode_targets(y_val)))


def test_every_model_of_a_sweep_is_the_single_run_with_its_seed_and_strength():
    strengths, seeds = [0.0, 0.05, 0.2], [1, 2]
    result = experiments.sweep(NET, DATA, nc.L2, strengths, optimizer=nc.SGD(0.3), epochs=5,
                               seeds=seeds, batch_size=None, backend="reference")
    for r, seed in enumerate(seeds):
        for s, lam in enumerate(strengths):
            alone = experiments.train(NET, DATA, optimizer=nc.SGD(0.3), regularizers=[nc.L2(lam)],
                                      epochs=5, seed=seed, backend="reference")
            assert result.field("test_loss")[r, s] == pytest.approx(
                alone.history[-1].test_loss, rel=1e-10)
            assert result.field("largest_weight")[r, s] == pytest.approx(
                experiments.largest_weight(alone.params), rel=1e-10)


def test_a_float32_sweep_starts_from_the_float64_weights_rounded_and_ends_near_them():
    strengths, seeds = [0.0, 0.01, 0.1], [0, 1, 2]
    kwargs = dict(optimizer=nc.SGD(0.3), epochs=30, seeds=seeds, batch_size=10)
    exact = experiments.sweep(NET, DATA, nc.L2, strengths, **kwargs)
    single = experiments.sweep(NET, DATA, nc.L2, strengths, dtype=np.float32, **kwargs)
    assert all(p.dtype == np.float32 for p in single.runs[0].params.values())
    start32, start64 = (experiments.starts(NET, seeds, dtype) for dtype in (np.float32, np.float64))
    assert all(np.array_equal(start32[n], start64[n].astype(np.float32)) for n in start64)
    gap = np.abs(single.field("test_loss") - exact.field("test_loss"))
    assert gap.max() < 1e-4
    assert gap.max() < 0.01 * exact.sd("test_loss").min()     # far inside the seeds' spread
    alone = experiments.train(NET, DATA, optimizer=nc.SGD(0.3), regularizers=[nc.L2(0.1)],
                              epochs=30, batch_size=10, seed=0, dtype=np.float32)
    assert alone.params["W1"].dtype == np.float32
    assert alone.history[-1].test_loss == pytest.approx(single.field("test_loss")[0, 2], rel=1e-5)


def test_a_list_of_data_draws_gives_one_row_per_draw():
    draws = [nc.load("moons", n_train=40, n_test=60, seed=s) for s in (0, 1)]
    result = experiments.sweep(NET, draws, None, [0.0], optimizer=nc.SGD(0.3), epochs=3,
                               seeds=(5, 5))
    assert result.field("train_loss").shape == (2, 1)
    assert result.field("train_loss")[0, 0] != result.field("train_loss")[1, 0]
    assert len(result.runs) == 2


def test_statistics_are_over_the_rows():
    values = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 7.0]])
    s = experiments.Sweep([0.0, 1.0], [0, 1, 2], {"test_loss": values}, [])
    assert s.mean("test_loss").tolist() == [3.0, 5.0]
    assert s.sd("test_loss").tolist() == pytest.approx([2.0, np.std([2, 6, 7], ddof=1)])
    assert s.difference("test_loss")[:, 1].tolist() == [1.0, 3.0, 2.0]
    assert s.best("test_loss") == 0
    assert "3.00 ± 2.00" in s.table(["test_loss"], digits=2)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="one data set per seed"):
        experiments.sweep(NET, [DATA], None, [0.0], optimizer=nc.SGD(0.1), epochs=1, seeds=(0, 1))
    with pytest.raises(ValueError, match="no field 'loss'"):
        experiments.Sweep([0.0], [0], {"test_loss": np.zeros((1, 1))}, []).field("loss")
    with pytest.raises(ValueError, match="at least one seed"):
        experiments.starts(NET, [])


def test_traced_steps_end_where_the_run_would_have():
    def make(epochs):
        return nc.Run(NET, NET.init(np.random.default_rng(0)), DATA.X_train, DATA.y_train,
                      optimizer=nc.SGD(0.3), regularizers=[nc.L1(0.01)], epochs=epochs,
                      batch_size=10, rng=4, backend="reference")
    whole, traced = make(5), make(3)
    whole.run_all()
    traced.run_all()
    trace = experiments.trace_steps(traced, 2, lambda p: p["W1"][0])
    assert trace.shape == (2 * 4, NET.sizes[1])
    assert np.array_equal(trace[-1], whole.params["W1"][0])
    assert traced.epoch == 5 and np.array_equal(traced.params["W2"], whole.params["W2"])


def test_tracing_refuses_a_fast_run():
    run = nc.Run(NET, NET.init(np.random.default_rng(0)), DATA.X_train, DATA.y_train,
                 optimizer=nc.SGD(0.3), epochs=1)
    with pytest.raises(ValueError, match="backend='reference'"):
        experiments.trace_steps(run, 1, lambda p: p["W1"])


def test_evaluate_measures_what_a_report_measures():
    run = experiments.train(NET, DATA, optimizer=nc.SGD(0.3), epochs=3, seed=1)
    loss, accuracy = experiments.evaluate(NET, run.params, DATA.X_test, DATA.y_test)
    assert (loss, accuracy) == (run.history[-1].test_loss, run.history[-1].test_accuracy)


@pytest.mark.parametrize("noise", [nc.Dropout(np.array([0.5, 0.8])), nc.GaussianNoise(np.array([0.1, 0.3]))])
def test_training_noise_keeps_a_float32_run_in_float32_and_float64_draws_as_before(noise):
    a64 = np.ones((2, 5, 3))
    out64, _ = noise.forward(a64, np.random.default_rng(4))
    draws = np.random.default_rng(4)
    strength = np.reshape(getattr(noise, "keep", getattr(noise, "sigma", None)), (2, 1, 1))
    expected = (a64 * ((draws.random(a64.shape) < strength) / strength)
                if isinstance(noise, nc.Dropout) else a64 + strength * draws.standard_normal(a64.shape))
    assert np.array_equal(out64, expected)
    out32, _ = noise.forward(a64.astype(np.float32), np.random.default_rng(4))
    assert out32.dtype == np.float32
    net = nc.MLP(DATA.sizes((6,)), loss=DATA.loss)
    run = experiments.sweep(net, DATA, lambda s: [type(noise)(s)], [0.5, 0.9] if isinstance(noise, nc.Dropout) else [0.1, 0.3],
                            optimizer=nc.SGD(0.3), epochs=2, dtype=np.float32).runs[0]
    out, _ = net.forward(run.params, DATA.X_train.astype(np.float32), run.groups["forward"], np.random.default_rng(0))
    assert out.dtype == np.float32 and run.params["W1"].dtype == np.float32

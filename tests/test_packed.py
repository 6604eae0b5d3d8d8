"""The fast training paths give the same bits as the plain per-array step they replace.

Packed parameters (:mod:`nnreg_core.packed`), chunked steps on several threads
(:mod:`nnreg_core.parallel`) and the per-array loop (:func:`nnreg_core.train.update`) must agree
exactly; float32 is an opt-in that must stay close to float64.
"""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core import parallel, train
from nnreg_core.packed import Packed, can_pack

REGULARIZER_SETS = {
    "l2": lambda k: [nc.L2(strengths(k, 1e-3, 1e-1))],
    "l1+prox+maxnorm": lambda k: [nc.L1(strengths(k, 1e-4, 1e-2)), nc.ProximalL1(1e-3),
                                  nc.MaxNorm(strengths(k, 0.5, 2.0))],
    "elastic+decay": lambda k: [nc.ElasticNet(1e-3, strengths(k, 1e-3, 1e-2),
                                              include_biases=True),
                                nc.MultiplicativeDecay(0.995, stage="after"),
                                nc.L1Shrink(1e-4)],
}


def strengths(k, low, high):
    return low if k is None else np.linspace(low, high, k)


def problem(n_models=None, activation="relu", dataset="spiral"):
    ds = nc.load(dataset, n_train=64, n_test=32, seed=1)
    net = nc.MLP(ds.sizes((12, 7)), activation=activation, loss=ds.loss)
    return ds, net, net.init(np.random.default_rng(2), n_models=n_models)


def train_run(ds, net, params, regs, optimizer, workers=None, epochs=4):
    run = nc.Run(net, params, ds.X_train, ds.y_train, ds.X_test, ds.y_test, optimizer=optimizer,
                 regularizers=regs, epochs=epochs, batch_size=10, rng=3)
    if workers is not None:
        run.workers = workers
    history = run.run_all()
    return run, history


def assert_same_params(a, b):
    assert a.keys() == b.keys()
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def test_packed_views_share_one_array_and_keep_the_values():
    _, net, params = problem(n_models=3)
    packed = Packed(params)
    assert_same_params(packed.views, params)
    for name, view in packed.views.items():
        assert np.shares_memory(view, packed.flat), name
    n_weights = sum(params[n][0].size for n in params if n.startswith("W"))
    assert packed.groups["W"].shape == (3, n_weights)
    packed.groups["W"][...] = 0.0
    assert all(not np.any(packed.views[n]) for n in params if n.startswith("W"))
    assert any(np.any(packed.views[n] != params[n]) for n in params if n.startswith("W"))
    assert packed.holds(packed.point(dict(params)))
    assert not packed.holds(params)


@pytest.mark.parametrize("regs", sorted(REGULARIZER_SETS))
@pytest.mark.parametrize("optimizer", [lambda: nc.SGD(0.1), lambda: nc.Momentum(0.05),
                                       lambda: nc.Adam(1e-2)])
@pytest.mark.parametrize("n_models", [None, 3])
def test_packed_step_equals_the_per_array_step(regs, optimizer, n_models):
    ds, net, params = problem(n_models)
    groups = train.group(REGULARIZER_SETS[regs](n_models))
    X, T = ds.X_train[:10], net.encode_targets(ds.y_train[:10])
    plain = {n: p.copy() for n, p in params.items()}
    opt_a, opt_b = optimizer(), optimizer()
    state_a = opt_a.init(plain)
    assert can_pack(net, params, groups)
    packed = Packed(params)
    grads = Packed(like=packed)
    state_b = opt_b.init(packed.views)
    for _ in range(5):
        out_a = train.update(net, plain, state_a, X, T, opt_a, groups, None)
        out_b = train.packed_update(net, packed, grads, state_b, X, T, opt_b, groups, None)
        np.testing.assert_array_equal(out_a, out_b)
    assert_same_params(plain, packed.views)


def test_chunked_threads_equal_one_batch_and_single_runs(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_MODELS", 2)
    k = 5
    ds, net, params = problem(k, activation="tanh")
    runs = {}
    for workers in (1, 2):
        regs = REGULARIZER_SETS["l1+prox+maxnorm"](k)
        runs[workers], _ = train_run(ds, net, params, regs, nc.Momentum(0.05), workers)
        assert runs[workers].chunked is not None and len(runs[workers].chunked.bounds) == 3
    assert_same_params(runs[1].params, runs[2].params)
    monkeypatch.setattr(parallel, "CHUNK_MODELS", 16)
    whole, _ = train_run(ds, net, params, REGULARIZER_SETS["l1+prox+maxnorm"](k),
                         nc.Momentum(0.05))
    assert whole.chunked is None
    assert_same_params(whole.params, runs[2].params)
    lam, c = strengths(k, 1e-4, 1e-2), strengths(k, 0.5, 2.0)
    for m in (0, k - 1):
        single, _ = train_run(ds, net, nc.model.select_model(params, m),
                              [nc.L1(lam[m]), nc.ProximalL1(1e-3), nc.MaxNorm(c[m])],
                              nc.Momentum(0.05))
        assert_same_params(single.params, runs[2].model_params(m))


def test_a_custom_penalty_takes_the_per_array_path_with_the_same_result():
    class MyL2(nc.L2):
        def names(self, params):
            return [n for n in params if n == "W1"]

    ds, net, params = problem()
    run, _ = train_run(ds, net, params, [MyL2(0.05)], nc.SGD(0.1))
    assert run.packed is None
    reference = {n: p.copy() for n, p in params.items()}
    groups = train.group([MyL2(0.05)])
    rng = np.random.default_rng(3)
    for _ in range(4):
        order = rng.permutation(len(ds.X_train))
        X, T = ds.X_train[order], net.encode_targets(ds.y_train[order])
        for start in range(0, len(X), 10):
            train.step(net, reference, None, X[start:start + 10], T[start:start + 10],
                       nc.SGD(0.1), groups, rng)
    assert_same_params(run.params, reference)


def test_params_replaced_between_epochs_are_trained_from_their_new_values():
    ds, net, params = problem()
    run = nc.Run(net, params, ds.X_train, ds.y_train, optimizer=nc.SGD(0.1),
                 regularizers=[nc.L2(1e-2)], epochs=3, batch_size=10, rng=0)
    next(run)
    keep = run.params
    run.params = {n: p * 0.5 for n, p in run.params.items()}
    halved = {n: p.copy() for n, p in run.params.items()}
    next(run)
    assert run.packed.holds(run.params)
    assert all(np.any(run.params[n] != halved[n]) for n in halved if n.startswith("W"))
    assert all(np.any(keep[n] != run.params[n]) for n in halved if n.startswith("W"))


def test_float32_is_opt_in_and_close_to_float64():
    ds, net, _ = problem(4, dataset="moons")
    results = {}
    for dtype in (np.float64, np.float32):
        params = net.init(np.random.default_rng(0), n_models=4, dtype=dtype)
        run, history = train_run(ds, net, params, [nc.L2(np.logspace(-3, -1, 4))],
                                 nc.SGD(0.1), epochs=10)
        assert {p.dtype for p in run.params.values()} == {np.dtype(dtype)}
        results[dtype] = history[-1]
    np.testing.assert_allclose(results[np.float32].test_loss, results[np.float64].test_loss,
                               atol=1e-4)
    mixed = nc.MLP((2, 3, 1), loss="binary_ce").init(np.random.default_rng(0))
    mixed["W1"] = mixed["W1"].astype(np.float32)
    assert train.training_dtype(mixed) == np.float64

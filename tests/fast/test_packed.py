"""The fast training paths against the plain per-array step they replace.

Packed parameters (:mod:`nnreg_core.fast.packed`) and the per-array loop
(:func:`nnreg_core.steps.update` on :class:`~nnreg_core.steps.ByName`) agree exactly. The fused SGD + L2 step (:mod:`nnreg_core.fast.fused`)
computes the same algebra in another order, so it agrees to rounding: relative 1e-12 in float64.
Chunked steps on several threads (:mod:`nnreg_core.fast.threads`) give the same bits whatever the
number of threads; float32 is an opt-in that must stay close to float64.
"""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core import steps
from nnreg_core.fast import fused as fused_module
from nnreg_core.fast import threads as parallel
from nnreg_core.fast.fused import FusedSGD
from nnreg_core.fast.fused_parts import fused_order
from nnreg_core.fast.packed import Packed, PackedSpace, can_pack

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


def assert_close_params(a, b, rtol=1e-12):
    """Every array of ``a`` within ``rtol`` of ``b``, relative to ``b``'s largest entry."""
    assert a.keys() == b.keys()
    for name in a:
        scale = float(np.max(np.abs(b[name]))) or 1.0
        assert float(np.max(np.abs(a[name] - b[name]))) <= rtol * scale, name


def reference_training(net, params, X, y, regs, lr, epochs, batch_size=10, seed=3):
    """The reference step (:func:`nnreg_core.steps.update`), batches in the Run's order."""
    params = {n: np.array(p, dtype=float) for n, p in params.items()}
    groups, rng = steps.group(regs), np.random.default_rng(seed)
    T_all, n = net.encode_targets(y), len(X)
    for _ in range(epochs):
        order = rng.permutation(n)
        X_ep, T_ep = X[order], T_all[order]
        for start in range(0, n, batch_size):
            steps.update(net, steps.ByName(params), None, X_ep[start:start + batch_size],
                         T_ep[start:start + batch_size], nc.SGD(lr), groups, rng)
    return params


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
    groups = steps.group(REGULARIZER_SETS[regs](n_models))
    X, T = ds.X_train[:10], net.encode_targets(ds.y_train[:10])
    plain = {n: p.copy() for n, p in params.items()}
    opt_a, opt_b = optimizer(), optimizer()
    state_a = opt_a.init(plain)
    assert can_pack(net, params, groups)
    packed = Packed(params)
    grads = Packed(like=packed)
    state_b = opt_b.init(packed.views)
    for _ in range(5):
        out_a = steps.update(net, steps.ByName(plain), state_a, X, T, opt_a, groups, None)
        out_b = steps.update(net, PackedSpace(packed, grads), state_b, X, T, opt_b, groups, None)
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
        assert runs[workers].stepper.kind == "packed on threads"
        assert len(runs[workers].stepper.chunks.bounds) == 3
    assert_same_params(runs[1].params, runs[2].params)
    monkeypatch.setattr(parallel, "CHUNK_MODELS", 16)
    whole, _ = train_run(ds, net, params, REGULARIZER_SETS["l1+prox+maxnorm"](k),
                         nc.Momentum(0.05))
    assert whole.stepper.kind == "packed"
    assert_same_params(whole.params, runs[2].params)
    lam, c = strengths(k, 1e-4, 1e-2), strengths(k, 0.5, 2.0)
    for m in (0, k - 1):
        single, _ = train_run(ds, net, nc.model.select_model(params, m),
                              [nc.L1(lam[m]), nc.ProximalL1(1e-3), nc.MaxNorm(c[m])],
                              nc.Momentum(0.05))
        assert_same_params(single.params, runs[2].model_params(m))


def test_a_custom_penalty_takes_the_per_array_path_with_the_same_result():
    class MyL2(nc.L2):  # declares no fast paths of its own
        def names(self, params):
            return [n for n in params if n == "W1"]

    ds, net, params = problem()
    run, _ = train_run(ds, net, params, [MyL2(0.05)], nc.SGD(0.1))
    assert run.stepper.kind == "reference"
    reference = {n: p.copy() for n, p in params.items()}
    groups = steps.group([MyL2(0.05)])
    rng = np.random.default_rng(3)
    for _ in range(4):
        order = rng.permutation(len(ds.X_train))
        X, T = ds.X_train[order], net.encode_targets(ds.y_train[order])
        for start in range(0, len(X), 10):
            steps.step(net, reference, None, X[start:start + 10], T[start:start + 10],
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
    assert run.stepper.holds(run.params) and run.stepper.kind == "fused"
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
    assert nc.train.training_dtype(mixed) == np.float64


FUSED_CASES = {
    "spiral relu softmax, L2": ("spiral", "relu", lambda k: [nc.L2(strengths(k, 1e-3, 1e-1))]),
    "moons tanh sigmoid, L2 with biases + max-norm": (
        "moons", "tanh", lambda k: [nc.L2(strengths(k, 1e-3, 1e-2), include_biases=True),
                                    nc.L2(1e-3), nc.MaxNorm(strengths(k, 1.0, 2.0))]),
    "regression sigmoid mse, no penalty": ("regression_1d", "sigmoid", lambda k: []),
}


@pytest.mark.parametrize("case", sorted(FUSED_CASES))
@pytest.mark.parametrize("n_models", [None, 3])
def test_fused_sgd_equals_the_plain_step_to_rounding(case, n_models):
    dataset, activation, regs = FUSED_CASES[case]
    ds, net, params = problem(n_models, activation, dataset)
    run, _ = train_run(ds, net, params, regs(n_models), nc.SGD(0.1), epochs=6)
    assert isinstance(run.stepper.step, FusedSGD) and run.stepper.packed.order == fused_order(net)
    if n_models is None:
        expected = reference_training(net, params, ds.X_train, ds.y_train, regs(None), 0.1, 6)
        assert_close_params(run.params, expected)
        return
    for k in range(n_models):
        single = [models_slice_of(r, k, n_models) for r in regs(n_models)]
        expected = reference_training(net, nc.model.select_model(params, k), ds.X_train,
                                      ds.y_train, single, 0.1, 6)
        assert_close_params(run.model_params(k), expected)


def models_slice_of(reg, k, n_models):
    """Model k's copy of a regularizer with one strength per model."""
    return parallel.models_slice(reg, k, k + 1, n_models)


def test_fused_chunks_give_the_same_bits_on_any_number_of_threads(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_MODELS", 2)
    k = 5
    ds, net, params = problem(k, activation="tanh")
    finals = {}
    for workers in (1, 2, 3):
        regs = [nc.L2(strengths(k, 1e-3, 1e-1)), nc.MaxNorm(1.5)]
        run, history = train_run(ds, net, params, regs, nc.SGD(0.1), workers)
        assert len(run.stepper.chunks.bounds) == 3
        assert all(isinstance(step, FusedSGD) for step in run.stepper.chunks.steps)
        finals[workers] = run.params, history.curve("test_loss")
    for workers in (2, 3):
        assert_same_params(finals[workers][0], finals[1][0])
        np.testing.assert_array_equal(finals[workers][1], finals[1][1])
    lams = strengths(k, 1e-3, 1e-1)
    for m in range(k):
        single, _ = train_run(ds, net, nc.model.select_model(params, m),
                              [nc.L2(lams[m]), nc.MaxNorm(1.5)], nc.SGD(0.1))
        assert_close_params(nc.model.select_model(finals[1][0], m), single.params)


def test_fused_step_follows_strength_and_learning_rate_changes_mid_run():
    ds, net, params = problem()
    l2, sgd = nc.L2(1e-3), nc.SGD(0.1)
    run = nc.Run(net, params, ds.X_train, ds.y_train, optimizer=sgd, regularizers=[l2],
                 epochs=4, batch_size=10, rng=3)
    next(run), next(run)
    l2.lam, sgd.lr = 0.05, 0.02
    run.run_all()
    reference = nc.Run(net, params, ds.X_train, ds.y_train, optimizer=nc.SGD(0.1),
                       regularizers=[nc.L2(1e-3)], epochs=4, batch_size=10, rng=3)
    next(reference), next(reference)
    reference.groups["gradient"][0].lam, reference.optimizer.lr = 0.05, 0.02
    reference.run_all()
    assert_same_params(run.params, reference.params)
    untouched, _ = train_run(ds, net, params, [nc.L2(1e-3)], nc.SGD(0.1))
    assert max(float(np.max(np.abs(run.params[n] - untouched.params[n]))) for n in params) > 1e-3


def test_the_fused_step_is_only_taken_for_plain_sgd_with_l2():
    ds, net, params = problem()
    for optimizer, regs in ((nc.Momentum(0.05), [nc.L2(1e-3)]), (nc.SGD(0.1), [nc.L1(1e-3)]),
                            (nc.SGD(0.1), [nc.L2(1e-3), nc.Dropout(0.8)])):
        run, _ = train_run(ds, net, params, regs, optimizer, epochs=1)
        assert run.stepper.kind in ("reference", "packed")
        assert not isinstance(getattr(run.stepper, "step", None), FusedSGD)
    with pytest.raises(ValueError, match="packing order"):
        packed = Packed(params)
        FusedSGD(net, packed, Packed(like=packed), nc.SGD(0.1))


@pytest.mark.parametrize("dataset", ["spiral", "regression_1d"])
def test_fused_and_plain_steps_see_divergence_in_the_same_epoch(dataset):
    class PlainL2(nc.L2):  # declares the packed path, not the fused one
        fast_paths = frozenset({"packed", "chunks"})

    ds, net, params = problem(dataset=dataset, activation="relu")
    epochs = {}
    for l2 in (nc.L2(1e-3), PlainL2(1e-3)):
        run, history = train_run(ds, net, params, [l2], nc.SGD(1e4), epochs=20)
        assert run.stopped == "diverged", type(l2).__name__
        assert run.stepper.kind == ("fused" if type(l2) is nc.L2 else "packed")
        epochs[type(l2).__name__] = history[-1].epoch
    assert epochs["L2"] == epochs["PlainL2"]


def test_whole_epochs_per_chunk_give_the_bits_of_chunks_going_step_by_step(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_MODELS", 2)
    k = 5
    ds, net, params = problem(k, activation="relu")
    finals = {}
    for whole in (True, False):
        monkeypatch.setattr(parallel, "WHOLE_EPOCHS", whole)
        calls = []
        original = parallel.ChunkedSteps._run_epoch

        def counted(share, batches, original=original, calls=calls):
            calls.append(len(batches))
            return original(share, batches)
        monkeypatch.setattr(parallel.ChunkedSteps, "_run_epoch", staticmethod(counted))
        run, history = train_run(ds, net, params, [nc.L2(strengths(k, 1e-3, 1e-1))],
                                 nc.SGD(0.1), workers=2)
        assert len(run.stepper.chunks.bounds) == 3
        assert (len(calls) > 0) == whole
        finals[whole] = run.params, history.curve("test_loss")
    assert_same_params(finals[True][0], finals[False][0])
    np.testing.assert_array_equal(finals[True][1], finals[False][1])


def test_a_mse_run_on_chunks_still_stops_at_the_first_diverging_step(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_MODELS", 2)
    ds, net, params = problem(4, dataset="regression_1d")
    runs = {}
    for workers in (1, 2):
        runs[workers], history = train_run(ds, net, params, [nc.L2(1e-3)], nc.SGD(1e4),
                                           workers, epochs=20)
        assert runs[workers].stopped == "diverged"
        assert not any(step.checks_each_step is False for step in runs[workers].stepper.chunks.steps)
    assert_same_params(runs[1].params, runs[2].params)
    assert runs[1].message == runs[2].message


def test_the_fused_step_reads_strengths_changed_in_place_at_the_next_step():
    ds, net, params = problem(3)
    first = np.array([1e-3, 1e-2, 1e-1])
    l2 = nc.L2(first.copy())
    run = nc.Run(net, params, ds.X_train, ds.y_train, optimizer=nc.SGD(0.1), regularizers=[l2],
                 epochs=2, batch_size=10, rng=3)
    next(run)
    l2.lam[...] = [0.2, 0.0, 0.05]
    next(run)
    reference = nc.Run(net, params, ds.X_train, ds.y_train, optimizer=nc.SGD(0.1),
                       regularizers=[nc.L2(first)], epochs=2, batch_size=10, rng=3)
    next(reference)
    reference.groups["gradient"][0].lam = np.array([0.2, 0.0, 0.05])
    next(reference)
    assert_same_params(run.params, reference.params)


@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_float32_softmax_matches_the_float64_one_to_float32_precision(scale, monkeypatch):
    """Shifted by the row mean; with the last layer scaled up the logits spread far enough to
    overflow that shift, and the exact softmax takes over."""
    exact_calls = []
    monkeypatch.setattr(fused_module, "softmax_in_place",
                        lambda z, row, f=fused_module.softmax_in_place:
                        exact_calls.append(1) or f(z, row))
    ds, net, params = problem(3, dataset="spiral")
    params = dict(params, W3=params["W3"] * scale, b3=params["b3"] * scale)
    outputs = {}
    for dtype in (np.float64, np.float32):
        exact_calls.clear()
        packed = Packed({n: p.astype(dtype) for n, p in params.items()}, order=fused_order(net))
        step = FusedSGD(net, packed, Packed(like=packed), nc.SGD(0.1))
        X = step.prepare(ds.X_train[:10].astype(dtype))
        with np.errstate(over="ignore"):  # as in training: the overflow is handled
            outputs[dtype] = step.forward(X, step.buffers(10)).copy()
    assert outputs[np.float32].dtype == np.float32
    assert bool(exact_calls) == (scale > 1.0)  # float32 fell back to the exact softmax
    np.testing.assert_allclose(outputs[np.float32].sum(axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(outputs[np.float32], outputs[np.float64], atol=1e-6)


def test_float32_chunks_give_the_same_bits_on_any_number_of_threads(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_MODELS", 2)
    k = 5
    ds, net, _ = problem(k, activation="relu")
    params = net.init(np.random.default_rng(2), n_models=k, dtype=np.float32)
    finals = {}
    for workers in (1, 2):
        run, _ = train_run(ds, net, params, [nc.L2(strengths(k, 1e-3, 1e-1))], nc.SGD(0.1),
                           workers)
        assert run.stepper.packed.flat.dtype == np.float32 and len(run.stepper.chunks.bounds) == 3
        finals[workers] = run.params
    assert_same_params(finals[1], finals[2])


def owner(array):
    """The array that owns ``array``'s memory."""
    while array.base is not None:
        array = array.base
    return array


@pytest.mark.parametrize("optimizer", [lambda: nc.Adam(0.01), lambda: nc.Momentum(0.1, 0.9),
                                       lambda: nc.Momentum(0.1, 0.9, nesterov=True)])
@pytest.mark.parametrize("n_models", [None, 3])
def test_momentum_and_adam_update_the_packed_buffer_at_once_with_the_per_name_bits(optimizer,
                                                                                   n_models):
    ds, net, params = problem(n_models, activation="tanh")
    runs = {}
    for backend in ("auto", "reference"):
        run = nc.Run(net, {n: p.copy() for n, p in params.items()}, ds.X_train, ds.y_train,
                     optimizer=optimizer(), regularizers=[nc.L2(1e-2)], epochs=3,
                     batch_size=10, rng=3, backend=backend)
        run.run_all()
        runs[backend] = run
    fast, reference = runs["auto"], runs["reference"]
    assert fast.stepper.kind == "packed"
    assert all(np.array_equal(fast.params[n], reference.params[n]) for n in params)
    adam = "t" in fast.opt_state
    pairs = ([(fast.opt_state[k], reference.opt_state[k]) for k in ("m", "s")] if adam
             else [(fast.opt_state, reference.opt_state)])
    for state, expected in pairs:   # one buffer under all names: updated by one call per step
        assert owner(state["W1"]) is owner(state["b2"])
        assert owner(expected["W1"]) is not owner(expected["b2"])
        assert all(np.array_equal(state[n], expected[n]) for n in params)
    if adam:
        assert fast.opt_state["t"] == reference.opt_state["t"] == 3 * -(-len(ds.X_train) // 10)

"""Every fast path gives the reference step's weights (:class:`nnreg_core.steps.ReferenceStep`)
to 1e-12 relative: packed, fused, packed on threads, fused on threads, fused in processes.

Each run is made twice, once with ``backend="auto"`` (the path is asserted through
``run.stepper.kind``) and once with ``backend="reference"``, and trained the same epochs with
the same shuffling.
"""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.fast import shared, threads

from test_packed import problem, strengths

K = 5  # models; chunks of 2 make three chunks


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch, tmp_path):
    monkeypatch.setattr(threads, "CHUNK_MODELS", 2)
    monkeypatch.setattr(shared, "SHARED_FOLDER", str(tmp_path))


# path: (models, optimizer, regularizers, processes)
PATHS = {
    "packed": (None, lambda: nc.SGD(0.1), lambda k: [nc.L1(1e-3), nc.MaxNorm(2.0)], False),
    "fused": (None, lambda: nc.SGD(0.1), lambda k: [nc.L2(1e-2), nc.MaxNorm(2.0)], False),
    "packed on threads": (K, lambda: nc.Momentum(0.05, 0.9),
                          lambda k: [nc.L2(strengths(k, 1e-3, 1e-1))], False),
    "fused on threads": (K, lambda: nc.SGD(0.1),
                         lambda k: [nc.L2(strengths(k, 1e-3, 1e-1)),
                                    nc.MaxNorm(strengths(k, 1.0, 3.0))], False),
    "fused in processes": (K, lambda: nc.SGD(0.1),
                           lambda k: [nc.L2(strengths(k, 1e-3, 1e-1)),
                                      nc.MaxNorm(strengths(k, 1.0, 3.0))], True),
}


def trained(path, backend):
    n_models, optimizer, regularizers, processes = PATHS[path]
    ds, net, params = problem(n_models)
    run = nc.Run(net, params, ds.X_train, ds.y_train, optimizer=optimizer(),
                 regularizers=regularizers(n_models), epochs=4, batch_size=10, rng=3,
                 backend=backend, processes=processes)
    run.workers = 2
    run.run_all()
    assert run.stopped is None, run.message
    return run


@pytest.mark.parametrize("path", PATHS)
def test_the_fast_path_equals_the_reference_step(path):
    fast, reference = trained(path, "auto"), trained(path, "reference")
    assert fast.stepper.kind == path
    assert reference.stepper.kind == "reference"
    for name, expected in reference.params.items():
        scale = np.max(np.abs(expected))
        assert np.max(np.abs(fast.params[name] - expected)) <= 1e-12 * scale, name
    # Control: training moved the weights, so equal weights mean equal steps.
    start = problem(PATHS[path][0])[2]
    assert max(np.max(np.abs(reference.params[n] - start[n])) for n in start) > 1e-2


@pytest.mark.parametrize("path", ["packed on threads", "fused on threads", "fused in processes"])
def test_evaluations_on_parts_of_the_model_axis_equal_the_whole_batchs(path):
    n_models, optimizer, regularizers, processes = PATHS[path]
    ds, net, params = problem(n_models)
    run = nc.Run(net, params, ds.X_train, ds.y_train, ds.X_test, ds.y_test, optimizer=optimizer(),
                 regularizers=regularizers(n_models), epochs=3, batch_size=10, rng=3,
                 processes=processes)
    run.workers = 2
    report = run.run_all()[-1]
    assert run.stepper.kind == path and len(run.stepper.on_parts(len, run.params)) == 2
    out, _ = net.forward(run.params, ds.X_test)
    T = net.encode_targets(ds.y_test, out.shape[1])   # (K, n, C): n samples
    assert np.array_equal(report.test_loss, net.data_loss(out, T))
    assert np.array_equal(report.test_accuracy, net.accuracy(out, T))

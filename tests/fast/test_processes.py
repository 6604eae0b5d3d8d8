"""Chunks of a batched run in worker processes (:mod:`nnreg_core.fast.processes`).

The processes must change nothing but where the work runs: the same bits as threads and as one
thread, strengths and learning rates changed mid-run still followed, divergence seen in the same
epoch, runs they cannot take left to threads, failures reported, no shared files left behind.
"""
import gc
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.fast import threads as parallel, processes, shared
from nnreg_core.fast.threads import ChunkedSteps
from nnreg_core.fast.processes import ProcessChunks

from test_packed import assert_same_params, problem, strengths

K = 5  # models; chunks of 2 make three chunks, so that two workers share them unevenly


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch, tmp_path):
    monkeypatch.setattr(parallel, "CHUNK_MODELS", 2)
    monkeypatch.setattr(shared, "SHARED_FOLDER", str(tmp_path))


def sweep(dtype=np.float64, workers=2, use_processes=True, lr=0.1, epochs=4, dataset="spiral",
          optimizer=None, change=None, max_norm=True):
    """A K-model run with per-model L2 (and max-norm); ``change(run)`` is called after epoch 2."""
    ds, net, _ = problem(K, activation="relu", dataset=dataset)
    params = net.init(np.random.default_rng(2), n_models=K, dtype=dtype)
    regs = [nc.L2(strengths(K, 1e-3, 1e-1))]
    if max_norm:
        regs.append(nc.MaxNorm(strengths(K, 1.0, 3.0)))
    run = nc.Run(net, params, ds.X_train, ds.y_train, ds.X_test, ds.y_test,
                 optimizer=optimizer or nc.SGD(lr), regularizers=regs, epochs=epochs,
                 batch_size=10, rng=3, processes=use_processes)
    run.workers = workers
    if change is not None:
        next(run), next(run)
        change(run)
    return run, run.run_all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_processes_give_the_bits_of_threads_and_of_one_thread(dtype):
    before = processes.WORKER_CPU["seconds"]
    threads, thread_history = sweep(dtype, use_processes=False)
    alone, _ = sweep(dtype, workers=1, use_processes=False)
    for workers in (2, 3):
        run, history = sweep(dtype, workers=workers)
        assert type(run.stepper.chunks) is ProcessChunks and len(run.stepper.chunks.remote) == workers - 1
        assert run.stepper.holds(run.params)
        assert_same_params(run.params, threads.params)
        np.testing.assert_array_equal(history.curve("test_loss"),
                                      thread_history.curve("test_loss"))
    assert_same_params(threads.params, alone.params)
    assert processes.WORKER_CPU["seconds"] > before  # the other chunks did run elsewhere


def test_processes_follow_strengths_and_learning_rate_changed_mid_run():
    def change(run):
        run.groups["gradient"][0].lam = strengths(K, 0.2, 0.3)
        run.optimizer.lr = 0.02

    changed, _ = sweep(change=change)
    reference, _ = sweep(use_processes=False, change=change)
    untouched, _ = sweep()
    assert_same_params(changed.params, reference.params)
    assert max(float(np.max(np.abs(changed.params[n] - untouched.params[n])))
               for n in changed.params) > 1e-3


def test_runs_processes_cannot_take_stay_on_threads_with_the_same_results():
    for kwargs in ({"dataset": "regression_1d"}, {"optimizer": nc.Momentum(0.05)}):
        asked, _ = sweep(**kwargs)
        plain, _ = sweep(use_processes=False, **kwargs)
        assert type(asked.stepper.chunks) is ChunkedSteps, kwargs
        assert_same_params(asked.params, plain.params)
    assert type(sweep(use_processes=False)[0].stepper.chunks) is ChunkedSteps  # threads by default


def test_divergence_in_a_worker_stops_the_run_in_the_same_epoch_as_threads():
    runs = {flag: sweep(lr=1e4, epochs=20, use_processes=flag, max_norm=False)[0]
            for flag in (True, False)}
    assert runs[True].stopped == runs[False].stopped == "diverged"
    assert runs[True].epoch == runs[False].epoch
    assert runs[True].message == runs[False].message


def test_a_worker_that_dies_is_reported_and_replaced_at_the_next_run(tmp_path):
    run, _ = sweep()
    run.epochs += 2
    run.stepper.chunks.remote[0].process.kill()
    run.stepper.chunks.remote[0].process.wait()
    with pytest.raises(RuntimeError, match="ended unexpectedly"):
        run.run_all()
    again, _ = sweep()
    reference, _ = sweep(use_processes=False)
    assert_same_params(again.params, reference.params)


def test_an_error_inside_a_worker_comes_back_with_its_traceback():
    worker = processes.start(1)[0]
    worker.ask("epoch", "a run the worker never saw", 0.1, [], [])
    with pytest.raises(RuntimeError, match="(?s)worker process failed.*KeyError"):
        worker.answer()


def test_no_shared_file_is_left_behind(tmp_path):
    run, _ = sweep()
    assert type(run.stepper.chunks) is ProcessChunks
    assert list(tmp_path.iterdir()) == []


def test_a_script_without_a_main_guard_runs_its_body_once(tmp_path):
    script = tmp_path / "sweep.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import nnreg_core as nc
        print("body")
        ds = nc.load("moons", n_train=100, n_test=50, seed=0)
        net = nc.MLP(ds.sizes((8,)), activation="relu", loss=ds.loss)
        run = nc.Run(net, net.init(np.random.default_rng(0), n_models=40), ds.X_train,
                     ds.y_train, optimizer=nc.SGD(0.1), regularizers=[nc.L2(1e-3)], epochs=2,
                     batch_size=20, processes=True)
        run.workers = 2
        run.run_all()
        print(type(run.stepper.chunks).__name__)
    """))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["body", "ProcessChunks"]


def test_a_finished_run_is_forgotten_by_the_workers(tmp_path):
    """The workers' mappings of a run's shared arrays (listed in /proc on Linux) go away once
    the run is collected and the workers hear from the next run."""
    def mapped(worker):
        maps = open(f"/proc/{worker.process.pid}/maps").read().splitlines()
        return {line.split()[5] for line in maps if str(tmp_path) in line}

    first, _ = sweep()
    worker = first.stepper.chunks.remote[0]
    before = mapped(worker)
    assert len(before) == 3  # parameters, inputs, targets
    del first
    gc.collect()
    second, _ = sweep()
    assert second.stepper.chunks.remote[0] is worker
    after = mapped(worker)
    assert len(after) == 3 and not before & after

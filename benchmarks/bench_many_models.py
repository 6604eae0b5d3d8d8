"""Many models: 32 strengths of L2 trained batched over the model axis vs one after another.

The network, data and settings of ``bench_training.py`` (64-100-10, digits, 1,000 training
samples, batch 32, 50 epochs, SGD lr 0.1), with 32 values of lambda from 1e-5 to 1e-1. The same
32 models are trained one at a time and then at once along the model axis, in float64 and in
the float32 opt-in, on all cores and on one; the achieved rate of the matrix products is set
beside the machine's matrix-multiply peak of the same dtype, measured in the same run.

Besides what the core offers, three rows answer questions about its threads:
"step by step" is the schedule of chunks before whole epochs (every thread waits for the others
at each step); "BLAS 1 thread" limits NumPy's BLAS to one thread around the batched run; and
"in N processes" trains each chunk of models in a process of its own (a pool started before the
timing), which no lock shared between threads can slow down: the bound of the threads.

Run: ``python benchmarks/bench_many_models.py [--repeats 3] [--threads N] [--models 32]``
"""
import argparse
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

import nnreg_core as nc
from measure import (CPU_MEDIANS, ChildCPU, blas_threads, gemm_peak_gflops, interleaved_times,
                     limit_threads, mlp_training_flops, print_table)
from nnreg_core import parallel

HIDDEN, LR, EPOCHS, BATCH, SEED = (100,), 0.1, 50, 32, 0
BASELINE = "one after another, float64"


def setting(n_models):
    """``(dataset, network, strengths)`` of the sweep."""
    ds = nc.load("digits", n_train=1000, n_test=797, seed=SEED)
    net = nc.MLP(ds.sizes(HIDDEN), activation="relu", loss=ds.loss)
    return ds, net, np.logspace(-5, -1, n_models)


def make_run(ds, net, params, lam, workers=None):
    run = nc.Run(net, params, ds.X_train, ds.y_train, ds.X_test, ds.y_test,
                 optimizer=nc.SGD(LR), regularizers=[nc.L2(lam)], epochs=EPOCHS,
                 batch_size=BATCH, rng=SEED, evaluate_every=EPOCHS, snapshots=False)
    if workers is not None:
        run.workers = workers
    return run


def sequential(ds, net, lams, dtype=np.float64):
    """Each strength in its own run, one after another; returns the stacked final weights."""
    params = net.init(np.random.default_rng(SEED), dtype=dtype)
    finals, accuracies = [], []
    for lam in lams:
        run = make_run(ds, net, params, float(lam))
        accuracies.append(run.run_all()[-1].test_accuracy)
        finals.append(run.params)
    stacked = {name: np.stack([f[name] for f in finals]) for name in finals[0]}
    return stacked, np.array(accuracies)


def batched(ds, net, lams, dtype=np.float64, workers=None, models=None):
    """All strengths (or the slice ``models`` of them) in one run along the model axis."""
    params = net.init(np.random.default_rng(SEED), n_models=len(lams), dtype=dtype)
    if models is not None:
        params = {name: p[models] for name, p in params.items()}
        lams = lams[models]
    run = make_run(ds, net, params, lams, workers)
    accuracies = run.run_all()[-1].test_accuracy
    return run.params, np.asarray(accuracies)


def step_by_step(call):
    """``call()`` with the chunks of a batched run going step by step together."""
    parallel.WHOLE_EPOCHS = False
    try:
        return call()
    finally:
        parallel.WHOLE_EPOCHS = True


def one_blas_thread(call):
    """``call()`` with NumPy's BLAS limited to one thread."""
    with limit_threads(1):
        return call()


_CHILD = {}


def child_setup(n_models):
    """Initializer of the process pool: the sweep's data, one BLAS thread."""
    from threadpoolctl import threadpool_limits
    _CHILD["limits"] = threadpool_limits(1)
    _CHILD["setting"] = setting(n_models)


def child_chunk(dtype, start, stop):
    """Models ``start:stop`` of the batched run, trained in this process on one thread."""
    ds, net, lams = _CHILD["setting"]
    cpu = time.process_time()
    params, accuracies = batched(ds, net, lams, dtype, workers=1, models=slice(start, stop))
    return params, accuracies, time.process_time() - cpu


def in_processes(pool, n_models, dtype):
    """The batched run with each chunk in a process of the pool; the results stacked back."""
    jobs = [pool.submit(child_chunk, dtype, a, b) for a, b in parallel.chunk_bounds(n_models)]
    parts = [job.result() for job in jobs]
    params = {name: np.concatenate([p[name] for p, _, _ in parts]) for name in parts[0][0]}
    accuracies = np.concatenate([acc for _, acc, _ in parts])
    return ChildCPU((params, accuracies), sum(cpu for _, _, cpu in parts))


def start_pool(cores, n_models):
    """A pool of ``cores`` processes, each set up and warmed by one chunk before any timing."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context(method),
                               initializer=child_setup, initargs=(n_models,))
    for job in [pool.submit(child_chunk, np.float32, 0, 1) for _ in range(cores)]:
        job.result()
    return pool


def candidates(ds, net, lams, cores, pool):
    """``{name: callable}``; each returns ``(stacked final weights, test accuracies)``."""
    f32, n = np.float32, len(lams)
    return {
        BASELINE: lambda: sequential(ds, net, lams),
        f"batched, float64, {cores} threads": lambda: batched(ds, net, lams),
        f"batched, float64, {cores} threads, step by step": (
            lambda: step_by_step(lambda: batched(ds, net, lams))),
        f"batched, float64, {cores} threads, BLAS 1 thread": (
            lambda: one_blas_thread(lambda: batched(ds, net, lams))),
        "batched, float64, 1 thread": lambda: batched(ds, net, lams, workers=1),
        f"batched, float64, in {cores} processes": lambda: in_processes(pool, n, np.float64),
        "one after another, float32": lambda: sequential(ds, net, lams, f32),
        f"batched, float32, {cores} threads": lambda: batched(ds, net, lams, f32),
        "batched, float32, 1 thread": lambda: batched(ds, net, lams, f32, workers=1),
        f"batched, float32, in {cores} processes": lambda: in_processes(pool, n, f32),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads (default: NumPy's)")
    parser.add_argument("--models", type=int, default=32)
    args = parser.parse_args()
    with limit_threads(args.threads):
        ds, net, lams = setting(args.models)
        cores = nc.parallel.usable_cores()
        pool = start_pool(cores, args.models)
        peaks = {}
        for dtype in (np.float64, np.float32):
            peaks[dtype] = gemm_peak_gflops(dtype=dtype)
            with limit_threads(1):
                peaks[dtype, 1] = gemm_peak_gflops(dtype=dtype)
        timed = interleaved_times(candidates(ds, net, lams, cores, pool), args.repeats)
        pool.shutdown()
        report(args, ds, net, lams, blas_threads(), cores, peaks, timed)


def report(args, ds, net, lams, n_threads, cores, peaks, timed):
    flops = mlp_training_flops(net.sizes, len(ds.X_train), EPOCHS, n_models=len(lams))
    print(f"{len(lams)} strengths of L2 (lambda {lams[0]:g} … {lams[-1]:g}), network "
          f"{'-'.join(map(str, net.sizes))} on digits, {len(ds.X_train)} samples, batch {BATCH}, "
          f"{EPOCHS} epochs, SGD lr={LR}. Same data, seeds and initial weights in every "
          f"candidate: {flops / 1e9:.1f} GFLOP of matrix products each (plus one evaluation).")
    for dtype, name in ((np.float64, "float64"), (np.float32, "float32")):
        print(f"{name} matrix-multiply peak, measured now: {peaks[dtype]:.1f} GFLOP/s with "
              f"{n_threads} BLAS threads, {peaks[dtype, 1]:.1f} GFLOP/s with 1 (a 1536 x 1536 "
              "product, best of 5).")
    print(f"Cores usable: {cores}; chunks of {parallel.CHUNK_MODELS} models. Median and best of "
          f"{args.repeats} interleaved rounds of wall-clock time; CPU s is the median CPU time "
          "of all this process's threads (and of the pool's processes in their rows).\n")
    print_table(rows(timed, flops, peaks),
                ["candidate", "median s", "best s", "vs float64 one after another",
                 "vs same dtype one after another", "GFLOP/s (best)", "of peak (same dtype)",
                 "CPU s", "mean test acc", "max |w - w_seq64|"])
    print(summary(timed, cores))


def rows(timed, flops, peaks):
    """The table's rows: times, both speed-ups (median), rate, CPU, accuracy, weight error."""
    seq64_params = timed[BASELINE][2][0]
    out = []
    for name, (median, best, (params, accuracies)) in timed.items():
        single = "float32" in name
        same = timed["one after another, " + ("float32" if single else "float64")][0]
        diff = max(float(np.max(np.abs(params[k].astype(float) - seq64_params[k])))
                   for k in seq64_params)
        peak = peaks[np.float32 if single else np.float64]
        out.append([name, f"{median:.2f}", f"{best:.2f}", f"{timed[BASELINE][0] / median:.2f}x",
                    f"{same / median:.2f}x", f"{flops / best / 1e9:.1f}",
                    f"{100 * flops / best / 1e9 / peak:.0f} %", f"{CPU_MEDIANS[name]:.2f}",
                    f"{np.mean(accuracies):.4f}", f"{diff:.1e}"])
    return out


def summary(timed, cores):
    """Plain sentences on the ratios that matter, and on float32's accuracy."""
    def median(name):
        return timed[name][0]
    seq64, seq32 = median(BASELINE), median("one after another, float32")
    b64, b32 = median(f"batched, float64, {cores} threads"), median(
        f"batched, float32, {cores} threads")
    acc64 = timed[BASELINE][2][1]
    acc32 = timed[f"batched, float32, {cores} threads"][2][1]
    return (f"\nfloat64, batched on {cores} threads vs one after another: {seq64 / b64:.2f}x "
            f"(goal 4x).\nfloat32 batched vs float64 one after another: {seq64 / b32:.2f}x; this "
            f"ratio mixes two changes, the dtype and the batching.\nfloat32 batched vs float32 "
            f"one after another: {seq32 / b32:.2f}x (batching alone).\nfloat32 vs float64: test "
            f"accuracies differ by at most {np.max(np.abs(acc32 - acc64)):.4f} over the "
            f"{len(acc64)} models (mean {np.mean(acc32):.4f} vs {np.mean(acc64):.4f}).")


if __name__ == "__main__":
    main()

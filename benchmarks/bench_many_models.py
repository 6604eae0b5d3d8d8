"""Many models: 32 strengths of L2 trained batched over the model axis vs one after another.

The network, data and settings of ``bench_training.py`` (64-100-10, digits, 1,000 training
samples, batch 32, 50 epochs, SGD lr 0.1), with 32 values of lambda from 1e-5 to 1e-1. The same
32 models are trained one at a time and then at once along the model axis, in float64 and in
the float32 opt-in: on one thread, on threads over all cores, and in worker processes over all
cores (``Run(processes=True)``, :mod:`nnreg_core.fast.processes`; the workers are started before the
timing, as they are once per session). The achieved rate of the matrix products is set beside
the machine's matrix-multiply peak of the same dtype, measured in the same run.

Run: ``python benchmarks/bench_many_models.py [--repeats 3] [--threads N] [--models 32]``
"""
import argparse

import numpy as np

import nnreg_core as nc
from measure import (CPU_MEDIANS, ChildCPU, blas_threads, gemm_peak_gflops, interleaved_times,
                     limit_threads, mlp_training_flops, print_table)
from nnreg_core.fast import threads as parallel, processes

HIDDEN, LR, EPOCHS, BATCH, SEED = (100,), 0.1, 50, 32, 0
BASELINE = "one after another, float64"


def setting(n_models):
    """``(dataset, network, strengths)`` of the sweep."""
    ds = nc.load("digits", n_train=1000, n_test=797, seed=SEED)
    net = nc.MLP(ds.sizes(HIDDEN), activation="relu", loss=ds.loss)
    return ds, net, np.logspace(-5, -1, n_models)


def make_run(ds, net, params, lam, workers=None, use_processes=False):
    run = nc.Run(net, params, ds.X_train, ds.y_train, ds.X_test, ds.y_test,
                 optimizer=nc.SGD(LR), regularizers=[nc.L2(lam)], epochs=EPOCHS,
                 batch_size=BATCH, rng=SEED, evaluate_every=EPOCHS, snapshots=False,
                 processes=use_processes)
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


def batched(ds, net, lams, dtype=np.float64, workers=None, use_processes=False):
    """All strengths in one run along the model axis; the workers' CPU time is counted."""
    params = net.init(np.random.default_rng(SEED), n_models=len(lams), dtype=dtype)
    run = make_run(ds, net, params, lams, workers, use_processes)
    worker_cpu = processes.WORKER_CPU["seconds"]
    accuracies = run.run_all()[-1].test_accuracy
    if use_processes and run.stepper.kind != "fused in processes":
        raise RuntimeError("the run did not take worker processes")
    params = {name: p.copy() for name, p in run.params.items()}
    return ChildCPU((params, np.asarray(accuracies)),
                    processes.WORKER_CPU["seconds"] - worker_cpu)


def candidates(ds, net, lams, cores):
    """``{name: callable}``; each returns ``(stacked final weights, test accuracies)``."""
    rows = {}
    for dtype in (np.float64, np.float32):
        name = np.dtype(dtype).name
        rows[f"one after another, {name}"] = lambda d=dtype: sequential(ds, net, lams, d)
        rows[f"batched, {name}, 1 thread"] = (
            lambda d=dtype: batched(ds, net, lams, d, workers=1))
        rows[f"batched, {name}, {cores} threads"] = lambda d=dtype: batched(ds, net, lams, d)
        rows[f"batched, {name}, {cores} processes"] = (
            lambda d=dtype: batched(ds, net, lams, d, use_processes=True))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads (default: NumPy's)")
    parser.add_argument("--models", type=int, default=32)
    args = parser.parse_args()
    with limit_threads(args.threads):
        ds, net, lams = setting(args.models)
        cores = parallel.usable_cores()
        processes.start(cores - 1)
        peaks = {}
        for dtype in (np.float64, np.float32):
            peaks[dtype] = gemm_peak_gflops(dtype=dtype)
            with limit_threads(1):
                peaks[dtype, 1] = gemm_peak_gflops(dtype=dtype)
        timed = interleaved_times(candidates(ds, net, lams, cores), args.repeats)
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
          "of all this process's threads and of the worker processes.\n")
    print_table(rows(timed, flops, peaks),
                ["candidate", "median s", "best s", "vs float64 one after another",
                 "vs same dtype one after another", "GFLOP/s (best)", "of float64 peak",
                 "of peak (same dtype)",
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
                    f"{100 * flops / best / 1e9 / peaks[np.float64]:.0f} %",
                    f"{100 * flops / best / 1e9 / peak:.0f} %", f"{CPU_MEDIANS[name]:.2f}",
                    f"{np.mean(accuracies):.4f}", f"{diff:.1e}"])
    return out


def summary(timed, cores):
    """Plain sentences on the ratios that matter, and on float32's accuracy."""
    def median(name):
        return timed[name][0]
    seq64, seq32 = median(BASELINE), median("one after another, float32")
    lines = []
    for dtype, seq in (("float64", seq64), ("float32", seq32)):
        for how in (f"{cores} threads", f"{cores} processes"):
            fast = median(f"batched, {dtype}, {how}")
            lines.append(f"{dtype} batched on {how}: {seq64 / fast:.2f}x against float64 one "
                         f"after another (goal 4x), {seq / fast:.2f}x against {dtype} one after "
                         "another.")
    acc64 = timed[BASELINE][2][1]
    acc32 = timed[f"batched, float32, {cores} processes"][2][1]
    lines.append(f"float32 vs float64: test accuracies differ by at most "
                 f"{np.max(np.abs(acc32 - acc64)):.4f} over the {len(acc64)} models (mean "
                 f"{np.mean(acc32):.4f} vs {np.mean(acc64):.4f}).")
    return "\n" + "\n".join(lines)


if __name__ == "__main__":
    main()

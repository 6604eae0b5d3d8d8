"""Many models: 32 strengths of L2 trained batched over the model axis vs one after another.

The network, data and settings of ``bench_training.py`` (64-100-10, digits, 1,000 training
samples, batch 32, 50 epochs, SGD lr 0.1), with 32 values of lambda from 1e-5 to 1e-1. The same
32 models are trained one at a time and then at once along the model axis; the achieved rate of
the matrix products is set beside the machine's float64 matrix-multiply peak, measured in the
same run.

Run: ``python benchmarks/bench_many_models.py [--repeats 3] [--threads N] [--models 32]``
"""
import argparse

import numpy as np

import nnreg_core as nc
from measure import (CPU_MEDIANS, blas_threads, gemm_peak_gflops, interleaved_times, limit_threads,
                     mlp_training_flops, print_table)

HIDDEN, LR, EPOCHS, BATCH, SEED = (100,), 0.1, 50, 32, 0


def make_run(ds, net, params, lam, workers=None):
    run = nc.Run(net, params, ds.X_train, ds.y_train, ds.X_test, ds.y_test,
                 optimizer=nc.SGD(LR), regularizers=[nc.L2(lam)], epochs=EPOCHS,
                 batch_size=BATCH, rng=SEED, evaluate_every=EPOCHS, snapshots=False)
    if workers is not None:
        run.workers = workers
    return run


def sequential(ds, net, lams):
    """Each strength in its own run, one after another; returns the stacked final weights."""
    params = net.init(np.random.default_rng(SEED))
    finals, accuracies = [], []
    for lam in lams:
        run = make_run(ds, net, params, float(lam))
        accuracies.append(run.run_all()[-1].test_accuracy)
        finals.append(run.params)
    stacked = {name: np.stack([f[name] for f in finals]) for name in finals[0]}
    return stacked, np.array(accuracies)


def batched(ds, net, lams, dtype=np.float64, workers=None):
    """All strengths in one run along the model axis."""
    params = net.init(np.random.default_rng(SEED), n_models=len(lams), dtype=dtype)
    run = make_run(ds, net, params, lams, workers)
    accuracies = run.run_all()[-1].test_accuracy
    return run.params, np.asarray(accuracies)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads (default: NumPy's)")
    parser.add_argument("--models", type=int, default=32)
    args = parser.parse_args()
    with limit_threads(args.threads):
        ds = nc.load("digits", n_train=1000, n_test=797, seed=SEED)
        net = nc.MLP(ds.sizes(HIDDEN), activation="relu", loss=ds.loss)
        lams = np.logspace(-5, -1, args.models)
        cores = nc.parallel.usable_cores()
        candidates = {
            "one after another (float64)": lambda: sequential(ds, net, lams),
            f"batched, float64, {cores} threads": lambda: batched(ds, net, lams),
            "batched, float64, 1 thread": lambda: batched(ds, net, lams, workers=1),
            f"batched, float32 opt-in, {cores} threads": (
                lambda: batched(ds, net, lams, dtype=np.float32)),
        }
        peak = gemm_peak_gflops()
        with limit_threads(1):
            peak_one = gemm_peak_gflops()
        timed = interleaved_times(candidates, args.repeats)
        report(args, ds, net, lams, blas_threads(), cores, peak, peak_one, timed)


def report(args, ds, net, lams, n_threads, cores, peak, peak_one, timed):
    flops = mlp_training_flops(net.sizes, len(ds.X_train), EPOCHS, n_models=len(lams))
    print(f"{len(lams)} strengths of L2 (lambda {lams[0]:g} … {lams[-1]:g}), network "
          f"{'-'.join(map(str, net.sizes))} on digits, {len(ds.X_train)} samples, batch {BATCH}, "
          f"{EPOCHS} epochs, SGD lr={LR}. Same data, seeds and initial weights in every "
          f"candidate: {flops / 1e9:.1f} GFLOP of matrix products each (plus one evaluation).")
    print(f"float64 matrix-multiply peak, measured now: {peak:.1f} GFLOP/s with {n_threads} BLAS "
          f"threads, {peak_one:.1f} GFLOP/s with 1 (a 1536 x 1536 product, best of 5). "
          f"Cores usable: {cores}.")
    print(f"Median and best of {args.repeats} interleaved rounds of wall-clock time; CPU s is the "
          "median CPU time of all this process's threads.\n")
    seq_median = timed["one after another (float64)"][0]
    seq_params, seq_acc = timed["one after another (float64)"][2]
    rows = []
    for name, (median, best, (params, accuracies)) in timed.items():
        diff = max(float(np.max(np.abs(params[k].astype(float) - seq_params[k])))
                   for k in seq_params)
        seq_best = timed["one after another (float64)"][1]
        rows.append([name, f"{median:.2f}", f"{best:.2f}", f"{seq_median / median:.2f}x",
                     f"{seq_best / best:.2f}x", f"{flops / best / 1e9:.1f}",
                     f"{100 * flops / best / 1e9 / peak:.0f} %", f"{CPU_MEDIANS[name]:.2f}",
                     f"{np.mean(accuracies):.4f}", f"{diff:.1e}"])
    print_table(rows, ["candidate", "median s", "best s", "speed-up (median)",
                       "speed-up (best)", "GFLOP/s (best)", "of peak", "CPU s",
                       "mean test acc", "max |w - w_seq|"])
    f32 = timed[f"batched, float32 opt-in, {cores} threads"][2][1]
    print(f"\nfloat32 vs float64: test accuracies differ by at most "
          f"{np.max(np.abs(f32 - seq_acc)):.4f} over the {len(lams)} models.")


if __name__ == "__main__":
    main()

"""Where one training step's time goes: single model vs a chunk of the batched sweep.

Times each part of :func:`nnreg_core.train.packed_update` on one batch of 32 digits (64-100-10,
relu, L2, SGD), in process CPU time with one BLAS thread (so that other processes on the machine
barely disturb it), best of 7. The matrix products are timed alone beside it: the rest is
element-wise work and the cost of each NumPy call.

Run: ``python benchmarks/profile_step.py [--models 1 16]``
"""
import argparse
import time

import numpy as np

import nnreg_core as nc
from measure import limit_threads, mlp_training_flops, print_table
from nnreg_core import train


def cpu_seconds(call, number):
    """Best of 7 loops of ``number`` calls, per call, in process CPU time."""
    call()
    best = float("inf")
    for _ in range(7):
        start = time.process_time()
        for _ in range(number):
            call()
        best = min(best, (time.process_time() - start) / number)
    return best


def step_parts(n_models):
    """``{part: seconds}`` for one step of ``n_models`` models (None: one model, no axis)."""
    ds = nc.load("digits", n_train=1000, n_test=797, seed=0)
    net = nc.MLP(ds.sizes((100,)), activation="relu", loss=ds.loss)
    params = net.init(np.random.default_rng(0), n_models=n_models)
    lam = 1e-3 if n_models is None else np.logspace(-5, -1, n_models)
    run = nc.Run(net, params, ds.X_train, ds.y_train, optimizer=nc.SGD(0.01),
                 regularizers=[nc.L2(lam)], epochs=1, batch_size=32, rng=0)
    X, T = run.X_train[:32].copy(), run.T_train[:32].copy()
    packed, grads, l2 = run.packed, run.grads, run.groups["gradient"][0]
    out, cache = net.forward(packed.views, X)
    hidden, W1, W2 = cache[1][0], packed.views["W1"], packed.views["W2"]
    dz = out - T
    da = dz @ np.swapaxes(W2, -1, -2)
    number = 2000 if n_models is None else max(20, 2000 // n_models)
    parts = {
        "forward": lambda: net.forward(packed.views, X),
        "backward": lambda: net.backward_into(packed.views, cache, T, grads.views),
        "L2 gradient": lambda: l2.add_grad(grads.groups, packed.groups),
        "SGD delta + update": lambda: packed.flat.__iadd__(
            run.optimizer.update_owned({"all": grads.flat}, None)[0]["all"]),
        "whole step": lambda: train.packed_update(net, packed, grads, None, X, T,
                                                  run.optimizer, run.groups, None),
        "  of which matrix products": lambda: (
            X @ W1, hidden @ W2, np.swapaxes(hidden, -1, -2) @ dz,
            dz @ np.swapaxes(W2, -1, -2), X.T @ da),
    }
    flops = mlp_training_flops(net.sizes, 32, 1, n_models or 1)
    return {name: cpu_seconds(call, number) for name, call in parts.items()}, flops


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, nargs="+", default=[1, 16],
                        help="model counts to profile (1 = a single model without model axis)")
    args = parser.parse_args()
    with limit_threads(1):
        results = {k: step_parts(None if k == 1 else k) for k in args.models}
    names = list(next(iter(results.values()))[0])
    rows = []
    for name in names:
        row = [name]
        for k, (parts, _) in results.items():
            row += [f"{parts[name] * 1e6:.1f}", f"{parts[name] * 1e6 / k:.1f}"]
        rows.append(row)
    rate = ["GFLOP/s (whole step)"]
    for k, (parts, flops) in results.items():
        rate += [f"{flops / parts['whole step'] / 1e9:.1f}", ""]
    rows.append(rate)
    headers = ["part of one step (µs)"]
    for k in results:
        headers += [f"{k} model{'s' if k > 1 else ''}", "per model"]
    print_table(rows, headers)


if __name__ == "__main__":
    main()

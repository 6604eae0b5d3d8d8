"""Where one training step's time goes: single model vs a chunk of the batched sweep.

Times each part of the fused SGD + L2 step (:class:`nnreg_core.fast.fused.FusedSGD`) on one batch of
32 digits (64-100-10, relu, L2, SGD), in process CPU time with one BLAS thread (so that other
processes on the machine barely disturb it), best of 7. The matrix products are timed alone
beside it: the rest is element-wise work and the cost of each NumPy call. "the same calls on a
2-2-3 network" is the step of a tiny network with as many models: the NumPy calls' own cost,
about the time a thread holds the GIL in each step. The last row is one whole epoch (32 steps, shuffling, the
divergence check) per step. Each model count is profiled in float64 and in the float32 opt-in.

Run: ``python benchmarks/profile_step.py [--models 1 16] [--dtypes float64 float32]``
"""
import argparse
import time

import numpy as np

import nnreg_core as nc
from measure import limit_threads, mlp_training_flops, print_table
from nnreg_core.fast.fused import FusedSGD
from nnreg_core.fast.fused_parts import fused_order
from nnreg_core.fast.packed import Packed
from nnreg_core.steps import group


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


def step_parts(n_models, dtype=np.float64):
    """``{part: seconds}`` for one step of ``n_models`` models (None: one model, no axis)."""
    ds = nc.load("digits", n_train=1000, n_test=797, seed=0)
    net = nc.MLP(ds.sizes((100,)), activation="relu", loss=ds.loss)
    params = net.init(np.random.default_rng(0), n_models=n_models, dtype=dtype)
    lam = 1e-3 if n_models is None else np.logspace(-5, -1, n_models)
    run = nc.Run(net, params, ds.X_train, ds.y_train, optimizer=nc.SGD(0.01),
                 regularizers=[nc.L2(lam)], epochs=10 ** 6, batch_size=32, rng=0,
                 evaluate_every=10 ** 6)
    run.workers = 1
    stepper = run.stepper
    fused = getattr(stepper, "step", None)
    if not isinstance(fused, FusedSGD):
        raise ValueError("expected the fused step; use at most 16 models (one chunk).")
    X, T = fused.prepare(run.X_train)[:32].copy(), run.T_train[:32].copy()
    start = stepper.packed.flat.copy()
    buf, groups = fused.buffers(32), run.groups
    W1, W2 = fused.products
    hidden, out = buf.z
    number = 2000 if n_models is None else max(20, 2000 // n_models)
    parts = {
        "forward": lambda: fused.forward(X, buf),
        "backward": lambda: (fused.forward(X, buf), fused.backward(X, T, -1e-4, buf)),
        "L2 + SGD update": lambda: fused.update(0.01, groups),
        "whole step": lambda: fused(X, T, None, groups),
        "the same calls on a 2-2-3 network": tiny_step(n_models, dtype),
        "  of which matrix products": lambda: (
            np.matmul(X, W1, out=buf.h[0]), np.matmul(hidden, W2, out=out),
            np.matmul(np.swapaxes(hidden, -1, -2), out, out=fused.grad_products[1]),
            np.matmul(out, fused.products_t[1], out=buf.da[0]),
            np.matmul(X.T, buf.da[0][..., :100], out=fused.grad_products[0])),
        "one epoch, per step": lambda: run._train_epoch(),
    }
    flops = mlp_training_flops(net.sizes, 32, 1, n_models or 1)
    seconds = {}
    for name, call in parts.items():
        stepper.packed.flat[...] = start  # repeated updates take the weights far from a training's
        if name != "one epoch, per step":
            seconds[name] = cpu_seconds(call, number)
    seconds["backward"] -= seconds["forward"]
    stepper.packed.flat[...] = start
    seconds["one epoch, per step"] = cpu_seconds(parts["one epoch, per step"],
                                                 max(1, number // 100)) / 32
    return seconds, flops


def tiny_step(n_models, dtype):
    """One fused step of a 2-2-3 network with ``n_models`` models, as a zero-argument call."""
    net = nc.MLP((2, 2, 3), activation="relu", loss="softmax_ce")
    packed = Packed(net.init(np.random.default_rng(0), n_models=n_models, dtype=dtype),
                    order=fused_order(net))
    step = FusedSGD(net, packed, Packed(like=packed), nc.SGD(0.01))
    X, T = step.prepare(np.ones((1, 2), dtype)), np.array([[1.0, 0.0, 0.0]], dtype)
    lam = 1e-3 if n_models is None else np.logspace(-5, -1, n_models)
    groups = group([nc.L2(lam)])
    return lambda: step(X, T, None, groups)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, nargs="+", default=[1, 16],
                        help="model counts to profile (1 = a single model without model axis)")
    parser.add_argument("--dtypes", nargs="+", default=["float64", "float32"],
                        choices=["float64", "float32"])
    args = parser.parse_args()
    with limit_threads(1):
        results = {(k, name): step_parts(None if k == 1 else k, np.dtype(name))
                   for name in args.dtypes for k in args.models}
    names = list(next(iter(results.values()))[0])
    rows = []
    for name in names:
        row = [name]
        for (k, _), (parts, _) in results.items():
            row += [f"{parts[name] * 1e6:.1f}", f"{parts[name] * 1e6 / k:.1f}"]
        rows.append(row)
    rate = ["GFLOP/s (whole step)"]
    for _, (parts, flops) in results.items():
        rate += [f"{flops / parts['whole step'] / 1e9:.1f}", ""]
    rows.append(rate)
    headers = ["part of one step (µs)"]
    for k, name in results:
        headers += [f"{k} model{'s' if k > 1 else ''} {name}", "per model"]
    print_table(rows, headers)


if __name__ == "__main__":
    main()

"""Training speed: nnreg_core against a plain NumPy loop, scikit-learn and PyTorch (CPU).

The same 64-100-10 network on the digits set (1,000 training samples, 797 test samples),
minibatches of 32, 50 epochs of plain SGD with learning rate 0.1 and coupled L2 (lambda = 1e-3 in
CS231n's convention, converted for each tool), the same activation, the same initial weights and,
where the tool lets us choose it, the same batch order. Every candidate does the same matrix
products in training; the test accuracy is printed to show equal quality. What each timing holds
beyond training differs a little, always against the core: the core's run evaluates the training
and test sets at its end (15 MFLOP, 0.9 % of the training's products), the plain loop and
PyTorch predict the test set, and scikit-learn's timing is its ``fit`` alone (its test accuracy
is computed after the clock stops: a threaded prediction there would leave NumPy's BLAS threads
spinning into PyTorch's turn and slow it unfairly).

Run: ``python benchmarks/bench_training.py [--repeats 7] [--threads N]``
"""
import argparse
import warnings

import numpy as np

import nnreg_core as nc
from measure import (CPU_MEDIANS, blas_threads, interleaved_times, limit_threads,
                     mlp_training_flops, print_table)

HIDDEN, LR, LAM, EPOCHS, BATCH, SEED = (100,), 0.1, 1e-3, 50, 32, 0


def setup(n_train, activation):
    """The data, the network and its initial weights, shared by every candidate."""
    ds = nc.load("digits", n_train=n_train, n_test=1797 - n_train, seed=SEED)
    net = nc.MLP(ds.sizes(HIDDEN), activation=activation, loss=ds.loss)
    return ds, net, net.init(np.random.default_rng(SEED))


def train_nnreg(ds, net, params, evaluate_every=EPOCHS, snapshots=False):
    """nnreg_core's Run; by default evaluated once, at the end, like the other tools."""
    run = nc.Run(net, params, ds.X_train, ds.y_train, ds.X_test, ds.y_test,
                 optimizer=nc.SGD(LR), regularizers=[nc.L2(LAM)], epochs=EPOCHS,
                 batch_size=BATCH, rng=SEED, evaluate_every=evaluate_every, snapshots=snapshots)
    history = run.run_all()
    return run.params, history[-1].test_accuracy


def train_plain_numpy(ds, net, params):
    """The same training written as one plain NumPy loop (relu or tanh, softmax, L2, SGD)."""
    W1, b1, W2, b2 = (params[k].copy() for k in ("W1", "b1", "W2", "b2"))
    X, T = ds.X_train, np.eye(net.sizes[-1])[ds.y_train]
    rng, n = np.random.default_rng(SEED), len(X)
    relu = net.activation == "relu"
    for _ in range(EPOCHS):
        order = rng.permutation(n)
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            x, t = X[idx], T[idx]
            z1 = x @ W1 + b1
            h = np.maximum(z1, 0.0) if relu else np.tanh(z1)
            z = h @ W2 + b2
            e = np.exp(z - z.max(axis=1, keepdims=True))
            dz = (e / e.sum(axis=1, keepdims=True) - t) / len(x)
            gW2, gb2 = h.T @ dz + LAM * W2, dz.sum(axis=0)
            dh = (dz @ W2.T) * ((h > 0) if relu else (1.0 - h * h))
            gW1, gb1 = x.T @ dh + LAM * W1, dh.sum(axis=0)
            W1 -= LR * gW1
            b1 -= LR * gb1
            W2 -= LR * gW2
            b2 -= LR * gb2
    trained = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return trained, float(np.mean(net.predict(trained, ds.X_test) == ds.y_test))


def train_sklearn(ds, net, params):
    """scikit-learn's MLPClassifier, solver sgd, started from the same weights (warm start)."""
    from sklearn.neural_network import MLPClassifier
    alpha = nc.convert(LAM, "cs231n", "sklearn_alpha", batch_size=BATCH)
    clf = MLPClassifier(HIDDEN, activation=net.activation, solver="sgd", alpha=alpha,
                        batch_size=BATCH, learning_rate="constant", learning_rate_init=LR,
                        momentum=0.0, nesterovs_momentum=False, max_iter=1, tol=0.0,
                        n_iter_no_change=10 ** 9, shuffle=True, random_state=SEED,
                        warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(ds.X_train[:BATCH], np.arange(BATCH) % net.sizes[-1])  # allocate, untimed
    clf.coefs_ = [params["W1"].copy(), params["W2"].copy()]
    clf.intercepts_ = [params["b1"].copy(), params["b2"].copy()]
    clf.max_iter = EPOCHS

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(ds.X_train, ds.y_train)
        return clf
    return fit


def train_torch(ds, net, params, torch):
    """PyTorch on the CPU in float64: Linear-act-Linear, CrossEntropyLoss, SGD(weight_decay).

    Biases are left out of weight decay, as in the core. Batches come in the core's order.
    """
    nn = torch.nn
    act = nn.ReLU() if net.activation == "relu" else nn.Tanh()
    model = nn.Sequential(nn.Linear(*net.sizes[:2]), act, nn.Linear(*net.sizes[1:])).double()
    with torch.no_grad():
        for layer, i in ((model[0], 1), (model[2], 2)):
            layer.weight.copy_(torch.from_numpy(params[f"W{i}"].T))
            layer.bias.copy_(torch.from_numpy(params[f"b{i}"]))
    weights = [model[0].weight, model[2].weight]
    biases = [model[0].bias, model[2].bias]
    wd = nc.convert(LAM, "cs231n", "pytorch_sgd")
    opt = torch.optim.SGD([{"params": weights, "weight_decay": wd},
                           {"params": biases, "weight_decay": 0.0}], lr=LR)
    loss_fn = nn.CrossEntropyLoss()
    X, y = torch.from_numpy(ds.X_train), torch.from_numpy(ds.y_train)
    rng, n = np.random.default_rng(SEED), len(X)
    for _ in range(EPOCHS):
        order = torch.from_numpy(rng.permutation(n))
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(X[idx]), y[idx]).backward()
            opt.step()
    with torch.no_grad():
        pred = model(torch.from_numpy(ds.X_test)).argmax(dim=1).numpy()
        trained = {"W1": model[0].weight.numpy().T, "b1": model[0].bias.numpy(),
                   "W2": model[2].weight.numpy().T, "b2": model[2].bias.numpy()}
    return trained, float(np.mean(pred == ds.y_test))


def max_difference(a, b):
    """Largest absolute difference between two parameter dicts."""
    return max(float(np.max(np.abs(a[k] - b[k]))) for k in a)


def import_torch(n_threads):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(n_threads)
    return torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="interleaved rounds (median)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads for NumPy, scikit-learn and PyTorch (default: NumPy's)")
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--activation", default="relu", choices=("relu", "tanh"))
    args = parser.parse_args()
    with limit_threads(args.threads):
        n_threads = blas_threads()
        torch = import_torch(n_threads or 1)
        ds, net, params = setup(args.n_train, args.activation)
        candidates = {
            "nnreg_core": lambda: train_nnreg(ds, net, params),
            "plain NumPy loop": lambda: train_plain_numpy(ds, net, params),
            "scikit-learn MLPClassifier": train_sklearn(ds, net, params),
        }
        if torch is not None:
            candidates["PyTorch (CPU, float64)"] = lambda: train_torch(ds, net, params, torch)
        candidates["nnreg_core, evaluated every epoch"] = (
            lambda: train_nnreg(ds, net, params, evaluate_every=1, snapshots=True))
        timed = interleaved_times(candidates, args.repeats)
    report(args, ds, net, n_threads, torch, timed)


def accuracy_of(name, result, ds):
    if name.startswith("scikit-learn"):
        return result.score(ds.X_test, ds.y_test)
    return result[1]


def report(args, ds, net, n_threads, torch, timed):
    flops = mlp_training_flops(net.sizes, len(ds.X_train), EPOCHS)
    ours_median = timed["nnreg_core"][0]
    ours_params = timed["nnreg_core"][2][0]
    print(f"Training {'-'.join(map(str, net.sizes))} ({net.activation}) on digits: "
          f"{len(ds.X_train)} train / {len(ds.X_test)} test samples, batch {BATCH}, {EPOCHS} "
          f"epochs, SGD lr={LR}, L2 lambda={LAM} (CS231n form; scikit-learn alpha="
          f"{nc.convert(LAM, 'cs231n', 'sklearn_alpha', batch_size=BATCH):g}, PyTorch "
          f"weight_decay={LAM:g}).")
    print(f"Same data, same initial weights, float64 everywhere, {flops / 1e9:.2f} GFLOP of "
          "matrix products in each run's training; timed beyond it: nnreg_core's evaluation of "
          "both sets, the test predictions of the plain loop and PyTorch, nothing for "
          f"scikit-learn. BLAS threads: {n_threads}"
          f"{'' if torch is None else f'; torch.set_num_threads({n_threads or 1})'}.")
    if len(ds.X_train) % BATCH:
        print(f"Note: {len(ds.X_train)} % {BATCH} = {len(ds.X_train) % BATCH}: scikit-learn divides "
              "alpha by each batch's own size, so its last, smaller batch of each epoch is "
              f"regularized {BATCH / (len(ds.X_train) % BATCH):g}x more (--n-train 992 avoids it).")
    print(f"Median and best of {args.repeats} interleaved rounds of wall-clock time, and the median "
          "CPU time of all this process's threads (steadier when other processes share the "
          "cores).\n")
    rows = []
    for name, (median, best, result) in timed.items():
        ratio = median / ours_median
        same = ""
        if name.startswith(("plain", "PyTorch")):
            same = f"{max_difference(ours_params, result[0]):.1e}"
        cpu_ratio = CPU_MEDIANS[name] / CPU_MEDIANS["nnreg_core"]
        rows.append([name, f"{median:.3f}", f"{best:.3f}", f"{ratio:.2f}x",
                     f"{best / timed['nnreg_core'][1]:.2f}x", f"{CPU_MEDIANS[name]:.3f}",
                     f"{cpu_ratio:.2f}x", f"{accuracy_of(name, result, ds):.4f}", same])
    print_table(rows, ["candidate", "median s", "best s", "median / ours", "best / ours",
                       "CPU s", "CPU / ours", "test accuracy", "max |w - w_nnreg|"])
    if torch is None:
        print("\nPyTorch is not installed: its row is left out.")
    print("\nThe last row also evaluates both sets every epoch and keeps weight snapshots (the "
          "notebooks' default); it is not part of the comparison.")


if __name__ == "__main__":
    main()

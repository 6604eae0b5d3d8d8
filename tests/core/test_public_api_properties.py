"""A property over the public API: whatever a user passes to ``load``, ``MLP``, a regularizer,
an optimizer and ``Run``, training either gives finite numbers (or stops as diverged, saying
why), or raises a ValueError or TypeError whose message names a parameter that was wrong.

Each argument is drawn from good values and bad ones (wrong type, NaN, infinities, out of
range, wrong shape); the test knows which were bad, so a good setup that fails, or an error that
blames a parameter that was fine, both fail it.
"""
import numpy as np
from hypothesis import given, settings, strategies as st

import nnreg_core as nc

NAN, INF = float("nan"), float("inf")


COMMON_BAD = [None, NAN, INF, -1, "1", [[1.0]], 1j]
REGULARIZERS = {  # class, the attribute its messages name, good strengths
    "L2": (nc.L2, "lam", [0.0, 1e-3, 0.1]),
    "L1": (nc.L1, "lam", [0.0, 1e-3]),
    "ProximalL1": (nc.ProximalL1, "lam", [0.0, 1e-2]),
    "L1Shrink": (nc.L1Shrink, "amount", [0.0, 1e-4]),
    "MaxNorm": (nc.MaxNorm, "c", [1.0, 3.0]),
    "Dropout": (nc.Dropout, "keep", [0.5, 1.0]),
}


@st.composite
def setups(draw):
    """``(regularizer, [(name, value, is_bad), …])``: none, one or two arguments bad."""
    regularizer = draw(st.sampled_from(sorted(REGULARIZERS)))
    arguments = choices(regularizer)
    spoiled = draw(st.one_of(st.just(set()), st.sets(st.integers(0, len(arguments) - 1),
                                                     min_size=1, max_size=2)))
    return regularizer, [(name, draw(st.sampled_from(bad if i in spoiled else good)),
                          i in spoiled) for i, (name, good, bad) in enumerate(arguments)]


def choices(regularizer):
    """Every argument of a setup with ``regularizer``: ``(name, good values, bad values)``."""
    cls, attribute, good = REGULARIZERS[regularizer]
    return [
        ("dataset", ["moons", "spiral", "regression_1d"], ["mnist", None, 3]),
        ("n_train", [1, 5, 12.0], [0, 2.5, NAN, INF, None, "5", 10**12]),
        ("noise", [0.0, 0.2], [-0.1, NAN, "0.2", None]),
        ("seed", [0, 7], [-1, "a", 1.5, None]),
        ("sizes", [(3,), (2, 2)], [(4.5,), (0,), "3", (None,), (-2,)]),
        (f"{regularizer} {attribute}", good, COMMON_BAD + [[0.1, 0.2, 0.3]]),
        ("lr", [0.01, 0.1, 2.0], [0.0, -0.1, NAN, "0.1", None, [0.1, 0.2]]),
        ("epochs", [1, 3, 2.0], [0, -1, 2.5, NAN, INF, None, "3", True]),
        ("batch_size", [None, 1, 4], [0, 2.5, NAN, "4", INF]),
        ("rng", [0, 3], [-1, "abc", 1.5, None]),
        ("shuffle", [True, False], ["no", 1, None]),
        ("X_train", ["as is"], ["complex", "strings", "empty", "nan", "1-D"]),
        ("y_train", ["as is"], ["scalar", "short", "strings"]),
    ]


def spoil(X, y, x_how, y_how):
    """The training data, spoiled as drawn."""
    X = {"as is": X, "complex": X + 1j, "strings": X.astype(str), "empty": X[:0],
         "nan": np.where(np.arange(len(X))[:, None] == 0, NAN, X), "1-D": X[:, 0]}[x_how]
    y = {"as is": y, "scalar": 1, "short": y[:-1], "strings": y.astype(str)}[y_how]
    return X, y


def train(regularizer, values):
    (dataset, n_train, noise, seed, sizes, strength, lr, epochs, batch_size, rng, shuffle,
     x_how, y_how) = values
    data = nc.load(dataset, n_train=n_train, n_test=5, noise=noise, seed=seed)
    net = nc.MLP(data.sizes(sizes) if isinstance(sizes, tuple) else sizes, loss=data.loss)
    cls = REGULARIZERS[regularizer][0]
    X, y = spoil(data.X_train, data.y_train, x_how, y_how)
    run = nc.Run(net, net.init(np.random.default_rng(0)), X, y, data.X_test, data.y_test,
                 optimizer=nc.SGD(lr), regularizers=[cls(strength)], epochs=epochs,
                 batch_size=batch_size, rng=rng, shuffle=shuffle)
    return run, run.run_all()


@settings(max_examples=300)
@given(setups())
def test_any_input_trains_to_finite_numbers_or_is_refused_by_name(setup):
    regularizer, drawn = setup
    bad = [name for name, _, is_bad in drawn if is_bad]
    try:
        run, history = train(regularizer, [value for _, value, _ in drawn])
    except (ValueError, TypeError) as error:
        named = [name for name in bad if name in str(error)
                 or (name == "dataset" and "data set" in str(error))]
        assert named, f"{type(error).__name__}: {error}  (bad: {bad})"
        return
    assert not bad, f"accepted bad input {bad}: {[(n, v) for n, v, b in drawn if b]}"
    if run.stopped == "diverged":
        assert "Lower" in run.message
        history = history[:-1]
    for report in history:
        assert np.all(np.isfinite(report.train_loss)) and np.all(np.isfinite(report.test_loss))

"""Experiments the notebooks repeat, each one call: train one configuration, or sweep strengths
over several seeds on the model axis and read mean ± sd from a results table. NumPy only.

- :func:`train`: one :class:`~nnreg_core.train.Run` on a :class:`~nnreg_core.data.Dataset`,
  trained to the end (the test set is only measured, never used to choose).
- :func:`evaluate`: the data loss and accuracy of some weights on some data.
- :func:`starts`: K initial networks from K seeds, stacked on the model axis.
- :func:`sweep`: S strengths × R repeats (initial seeds, optionally data draws) in one batched
  run per data set; returns a :class:`Sweep` whose fields have shape ``(R, S)``.
- :func:`weights_vector`: all weights of a network as one vector (biases out).
- :func:`trace_steps`: continue a run one minibatch at a time and record every step.

>>> import nnreg_core as nc
>>> data = nc.load("moons", n_train=40, n_test=100, seed=0)
>>> net = nc.MLP(data.sizes((8,)), loss=data.loss)
>>> result = sweep(net, data, nc.L2, [0.0, 0.1], optimizer=nc.SGD(0.5), epochs=20, seeds=(0, 1))
>>> result.field("weight_norm").shape
(2, 2)
>>> bool(result.mean("weight_norm")[1] < result.mean("weight_norm")[0])
True
"""
import numpy as np

from .train import Run
from .validate import number_list

#: The fields of the final report a :class:`Sweep` keeps, plus ``largest_weight`` (max |w|).
FIELDS = ("train_loss", "test_loss", "gap", "penalty", "train_accuracy", "test_accuracy",
          "weight_norm", "zeros", "largest_weight")


def train(net, data, *, optimizer, regularizers=(), epochs, params=None, seed=0,
          batch_size=None, held_out=None, evaluate_every=None, snapshots=False,
          dtype=np.float64, **run_options):
    """Train ``net`` on ``data`` to the end and return the finished :class:`Run`.

    Args:
        net: an :class:`~nnreg_core.model.MLP`.
        data: a :class:`~nnreg_core.data.Dataset`; its test set is evaluated each report.
        optimizer, regularizers, epochs, batch_size: as for :class:`Run`.
        params: initial parameters; default ``net.init(np.random.default_rng(seed))``.
        seed: the seed of the initial weights (when ``params`` is None) and of the run's
            shuffling and noise: the same seed gives the same numbers, whatever ran before.
        held_out: ``(X, y)`` to evaluate instead of the test set (a validation split, which
            early stopping through ``patience=`` then watches).
        evaluate_every: default: once, at the end.
        snapshots: keep the weights in every report.
        dtype: the precision of the initial weights when ``params`` is None, and so of the
            training: :data:`numpy.float64` (exact, the default) or ``np.float32`` (about 2.5x
            faster for tanh networks; see :func:`sweep`).
        **run_options: passed to :class:`Run` (``backend="reference"``, ``patience=``, …).

    >>> import nnreg_core as nc
    >>> data = nc.load("moons", n_train=40, n_test=100, seed=0)
    >>> run = train(nc.MLP(data.sizes((8,)), loss=data.loss), data, optimizer=nc.SGD(0.5),
    ...             epochs=5, backend="reference")
    >>> run.epoch, run.stepper.kind
    (5, 'reference')
    """
    if params is None:
        params = net.init(np.random.default_rng(seed), dtype=dtype)
    X_held, y_held = held_out if held_out is not None else (data.X_test, data.y_test)
    run = Run(net, params, data.X_train, data.y_train, X_held, y_held, optimizer=optimizer,
              regularizers=regularizers, epochs=epochs, batch_size=batch_size, rng=seed,
              evaluate_every=evaluate_every or epochs, snapshots=snapshots, **run_options)
    run.run_all()
    return run


def evaluate(net, params, X, y):
    """``(data loss, accuracy)`` of ``params`` on ``(X, y)``, as a run's reports measure them.

    Accuracy is None for regression; with a model axis both are arrays ``(K,)``.

    >>> import nnreg_core as nc
    >>> net = nc.MLP((1, 1), loss="mse")
    >>> evaluate(net, {"W1": np.array([[2.0]]), "b1": np.zeros(1)}, np.array([[1.0]]), np.array([1.0]))
    (0.5, None)
    """
    out, _ = net.forward(params, net.check_inputs(X))
    target = net.encode_targets(y, len(out) if np.ndim(out) == 2 else out.shape[1])
    return net.data_loss(out, target), net.accuracy(out, target)


def starts(net, seeds, dtype=np.float64):
    """One initial network per seed, stacked on the model axis: arrays ``(K, …)``, K = len(seeds).

    Model k starts from ``net.init(np.random.default_rng(seeds[k]), dtype=dtype)``, the same
    weights :func:`train` starts from with ``seed=seeds[k]``.

    >>> import nnreg_core as nc
    >>> stacked = starts(nc.MLP((2, 3, 1)), [0, 1])
    >>> stacked["W1"].shape, bool((stacked["W1"][0] != stacked["W1"][1]).all())
    ((2, 2, 3), True)
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must list at least one seed, got an empty list.")
    inits = [net.init(np.random.default_rng(s), dtype=dtype) for s in seeds]
    return {name: np.stack([p[name] for p in inits]) for name in inits[0]}


def largest_weight(params):
    """``max |w|`` over the ``W…`` arrays: a float, or ``(K,)`` with a model axis (biases out).

    >>> largest_weight({"W1": np.array([[[1.0, -3.0]], [[2.0, 0.5]]]), "b1": np.ones((2, 2))})
    array([3., 2.])
    """
    weights = [np.abs(p) for name, p in params.items() if name.startswith("W")]
    if weights[0].ndim == 2:
        return float(max(w.max() for w in weights))
    return np.max([w.max(axis=(1, 2)) for w in weights], axis=0)


def weights_vector(params):
    """Every ``W…`` array flattened and joined, biases out: ``(n_weights,)``, or ``(K, n_weights)``
    with a model axis. A ``record`` for :func:`trace_steps`.

    >>> weights_vector({"W1": np.array([[1.0, 2.0]]), "b1": np.zeros(2), "W2": np.array([[3.0]])})
    array([1., 2., 3.])
    """
    weights = [p for name, p in params.items() if name.startswith("W")]
    if weights[0].ndim == 3:
        return np.concatenate([w.reshape(len(w), -1) for w in weights], axis=1)
    return np.concatenate([w.ravel() for w in weights])


class Sweep:
    """Results of :func:`sweep`: each field an array ``(R repeats, S strengths)``.

    Attributes:
        strengths: ``(S,)``, the strength of each column.
        seeds: ``(R,)``, the initial seed of each row.
        runs: the finished :class:`Run` of each data set (their histories hold the curves).

    >>> s = Sweep([0.0, 1.0], [0, 1], {"test_loss": np.array([[0.5, 0.25], [0.7, 0.35]])}, [])
    >>> s.mean("test_loss").tolist(), s.sd("test_loss").round(3).tolist()
    ([0.6, 0.3], [0.141, 0.071])
    >>> s.difference("test_loss").tolist()
    [[0.0, -0.25], [0.0, -0.35]]
    """

    def __init__(self, strengths, seeds, fields, runs):
        self.strengths, self.seeds = np.asarray(strengths, float), np.asarray(seeds)
        self.fields, self.runs = fields, runs

    def field(self, name):
        """The field ``name`` as ``(R, S)``; names are in :data:`FIELDS`."""
        if name not in self.fields:
            raise ValueError(f"no field {name!r}; choose one of {', '.join(self.fields)}.")
        return self.fields[name]

    def mean(self, name):
        """Mean over the repeats: ``(S,)``."""
        return self.field(name).mean(axis=0)

    def sd(self, name):
        """Sample standard deviation over the repeats (ddof = 1; 0 for one repeat): ``(S,)``."""
        values = self.field(name)
        return values.std(axis=0, ddof=1) if len(values) > 1 else np.zeros(values.shape[1])

    def difference(self, name, base=0):
        """Paired differences against column ``base``, repeat by repeat: ``(R, S)``."""
        values = self.field(name)
        return values - values[:, [base]]

    def best(self, name="test_loss"):
        """The column index whose mean ``name`` is lowest."""
        return int(np.argmin(self.mean(name)))

    def columns(self, index):
        """The sweep of some strength columns only (``index``: a slice or positions), e.g. one
        of two regularizers trained side by side in one run; it shares the same ``runs``.

        >>> s = Sweep([0.0, 1.0, 0.0, 1.0], [0], {"gap": np.array([[0.1, 0.2, 0.3, 0.4]])}, [])
        >>> s.columns(slice(2, 4)).field("gap").tolist(), s.columns([1, 3]).strengths.tolist()
        ([[0.3, 0.4]], [1.0, 1.0])
        """
        return Sweep(self.strengths[index], self.seeds,
                     {name: values[:, index] for name, values in self.fields.items()}, self.runs)

    def table(self, names=("train_loss", "test_loss", "gap", "weight_norm"), digits=3,
              label="strength"):
        """The mean ± sd of each field per strength, as aligned text rows (rounded to ``digits``).

        >>> s = Sweep([0.0, 0.1], [0, 1], {"gap": np.array([[0.2, 0.1], [0.4, 0.1]])}, [])
        >>> print(s.table(["gap"], digits=2))
        strength           gap
               0   0.30 ± 0.14
             0.1   0.10 ± 0.00
        """
        width = max(2 * digits + 9, max(len(n) for n in names))
        rows = [f"{label:>8} " + " ".join(f"{n:>{width}}" for n in names)]
        for j, strength in enumerate(self.strengths):
            cells = [f"{_rounded(self.mean(n)[j], digits):.{digits}f} ± "
                     f"{_rounded(self.sd(n)[j], digits):.{digits}f}" for n in names]
            rows.append(f"{strength:>8.3g} " + " ".join(f"{c:>{width}}" for c in cells))
        return "\n".join(rows)


def _rounded(value, digits):
    """``value`` rounded to ``digits``, with a rounded -0 shown as 0 (stable printed tables)."""
    return round(float(value), digits) + 0.0


def sweep(net, data, make_regularizer, strengths, *, optimizer, epochs, seeds=(0,),
          batch_size=None, evaluate_every=None, snapshots=False, dtype=np.float64,
          **run_options):
    """Train every strength from every seed at once on the model axis; return a :class:`Sweep`.

    Model ``(r, s)`` starts from seed ``seeds[r]`` (see :func:`starts`) and trains with
    ``make_regularizer(strengths)`` given one strength per model, so every strength of a row
    sees the same start and the same minibatches.

    Args:
        net: an :class:`~nnreg_core.model.MLP`.
        data: a :class:`~nnreg_core.data.Dataset`, or a list of them (one data draw per seed:
            row r then trains on ``data[r]``, one batched run per draw).
        make_regularizer: a function of a strength array ``(K,)`` returning a regularizer or a
            list of them (``nc.L2``, ``nc.DecoupledWeightDecay``, …); None for no regularizer
            (``strengths`` then labels the columns, e.g. ``[0.0]``).
        strengths: ``(S,)`` strengths in the regularizer's own convention.
        optimizer, epochs, batch_size, evaluate_every, snapshots, **run_options: as for
            :func:`train`; the run's shuffling seed is the draw's first seed.
        seeds: ``(R,)`` seeds of the initial weights.
        dtype: the training precision. ``np.float32`` draws the same initial weights (rounded
            to float32) and trains, evaluates and reports in float32: about 2.5x faster for
            tanh networks (NumPy's float32 tanh is vectorized), with final losses that differ
            from float64's in the 4th digit or later, well inside the spread over seeds.
    """
    if make_regularizer is not None and not callable(make_regularizer):
        raise TypeError(f"make_regularizer must be a function of the strengths such as nc.L2 "
                        f"(or None), got {make_regularizer!r}.")
    strengths, seeds = number_list(strengths if np.ndim(strengths) else [strengths],
                                    "strengths"), list(seeds)
    draws = list(data) if isinstance(data, (list, tuple)) else [data] * len(seeds)
    if len(draws) != len(seeds) or not seeds:
        raise ValueError(f"give one data set per seed: {len(draws)} data sets for {len(seeds)} "
                         "seeds (or one data set for all).")
    fields, runs = {name: [] for name in FIELDS}, []
    for draw, row_seeds in _groups(draws, seeds):
        regs = [] if make_regularizer is None else make_regularizer(np.tile(strengths, len(row_seeds)))
        params = {n: np.repeat(p, len(strengths), axis=0)
                  for n, p in starts(net, row_seeds, dtype).items()}
        run = train(net, draw, optimizer=optimizer, regularizers=regs, epochs=epochs,
                    params=params, seed=row_seeds[0], batch_size=batch_size,
                    evaluate_every=evaluate_every, snapshots=snapshots, **run_options)
        runs.append(run)
        for name, values in _final(run).items():
            fields[name].append(np.asarray(values, float).reshape(len(row_seeds), len(strengths)))
    return Sweep(strengths, seeds, {n: np.concatenate(v) for n, v in fields.items()}, runs)


def _groups(draws, seeds):
    """Consecutive seeds that share one data set: ``[(dataset, [seed, …]), …]``."""
    groups = []
    for draw, seed in zip(draws, seeds):
        if groups and groups[-1][0] is draw:
            groups[-1][1].append(seed)
        else:
            groups.append((draw, [seed]))
    return groups


def _final(run):
    """The last report's :data:`FIELDS` (NaN for what the run does not measure)."""
    last = run.history[-1]
    if last.train_loss is None:
        raise RuntimeError(f"the run stopped before its last report: {run.message}")
    values = {name: getattr(last, name, None) for name in FIELDS[:-1]}
    values["largest_weight"] = largest_weight(run.params)
    shape = np.shape(last.train_loss)
    return {n: np.full(shape, np.nan) if v is None else v for n, v in values.items()}


def trace_steps(run, epochs, record):
    """Train ``run`` ``epochs`` epochs further, one minibatch at a time, recording each step.

    The steps are those :class:`Run` takes (same shuffling, same batches, the reference step),
    so the weights end where ``epochs`` more epochs of ``run`` would have left them; only the
    per-epoch reports are not made. Use it to see what epoch-end snapshots hide, such as a
    weight that changes sign every step.

    Args:
        run: a :class:`Run` made with ``backend="reference"``.
        epochs: how many epochs to add (``run.epochs`` grows to fit).
        record: a function of the parameter dict returning an array to keep after each step.

    Returns:
        ``(steps, …)``: ``record(params)`` after each of ``epochs · batches`` steps.
    """
    if run.backend != "reference":
        raise ValueError(f"trace_steps follows the reference step; make the run with "
                         f"backend='reference' (it has backend={run.backend!r}).")
    epochs = int(epochs)
    if epochs < 1:
        raise ValueError(f"epochs must be a whole number >= 1, got {epochs!r}.")
    n, size, trace = len(run.X_train), run.batch_size, []
    for _ in range(epochs):
        order = run.rng.permutation(n) if run.shuffle else np.arange(n)
        X_all, T_all = run.X_train[order], run.T_train[order]
        for start in range(0, n, size):
            batch = [(X_all[start:start + size], T_all[start:start + size])]
            run.stepper.epoch(run.params, batch, run.opt_state, run.groups, run.rng)
            trace.append(np.array(record(run.params), dtype=float))
        run.epoch += 1
    run.epochs = max(run.epochs, run.epoch)
    return np.array(trace)

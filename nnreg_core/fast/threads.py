"""Many models on several cores: the model axis cut into chunks, each stepped on its own thread.

The K models of a batched run do not interact: every operation of a step acts on one model's
slice alone (a matrix product per model, element-wise work, sums within a model). A step may
therefore run on chunks of the model axis, with the same operations in the same order for each
model, so with the same bits as the whole batch, while NumPy releases the GIL inside its loops
and BLAS calls. Small chunks also keep each one's arrays in a core's cache.

Used for packed runs (:mod:`nnreg_core.fast.packed`, :mod:`nnreg_core.fast.fused`) of at least two
chunks, without training-mode noise (its random draws follow the order of the whole batch), with
plain SGD or momentum.

Threads share the GIL: NumPy lets go of it inside each call, and every call takes it back.
Waiting for the other threads at every step, and handing the GIL over between them at every
call, is what keeps two threads from running twice as fast; a whole epoch per chunk
(:meth:`ChunkedSteps.epoch`) removes the waiting, larger chunks mean fewer calls.
"""
import copy
import os

import numpy as np

from ..optim import SGD, Momentum

CHUNK_MODELS = 16
WHOLE_EPOCHS = True  # False: chunks always go step by step together (to compare the two)
SPLITTABLE_OPTIMIZERS = (SGD, Momentum)
_pool = {"executor": None, "workers": 0}


def usable_cores():
    """The number of CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def executor(workers):
    """A shared pool of ``workers`` threads (created once, grown when more are asked for)."""
    if _pool["workers"] < workers:
        from concurrent.futures import ThreadPoolExecutor  # only batched runs need threads
        _pool["executor"] = ThreadPoolExecutor(workers, thread_name_prefix="nnreg_core")
        _pool["workers"] = workers
    return _pool["executor"]


def chunk_bounds(n_models, size=None):
    """``[(start, stop), …]`` cutting ``range(n_models)`` into chunks of at most ``size``
    (default :data:`CHUNK_MODELS`).

    >>> chunk_bounds(20, 8)
    [(0, 8), (8, 16), (16, 20)]
    """
    size = CHUNK_MODELS if size is None else int(size)
    return [(start, min(start + size, n_models)) for start in range(0, n_models, size)]


def on_model_chunks(work, params, workers=None):
    """``work(part)`` for ``workers`` near-equal parts of the model axis (``params`` cut to
    each, views), each part on its own thread (default: every usable core); the results in
    the parts' order. Each model's numbers are those of the whole batch: ``work`` must act on
    each model alone, as a forward pass and its per-model losses do.

    >>> on_model_chunks(lambda part: part["W1"].sum(axis=(1, 2)), {"W1": np.ones((3, 2, 2))}, 2)
    [array([4., 4.]), array([4.])]
    """
    n_models = len(next(iter(params.values())))
    workers = max(1, min(usable_cores() if workers is None else int(workers), n_models))
    edges = np.linspace(0, n_models, workers + 1).round().astype(int)
    parts = [{name: p[a:b] for name, p in params.items()} for a, b in zip(edges, edges[1:])]
    futures = [executor(workers - 1).submit(work, part) for part in parts[1:]]
    first = work(parts[0])
    return [first] + [future.result() for future in futures]


def can_split(packed, groups, optimizer):
    """Whether a packed step may run chunk by chunk (see the module docstring)."""
    if packed is None or not packed.lead or len(chunk_bounds(packed.lead[0])) < 2:
        return False
    if groups["batch"] or groups["forward"] or type(optimizer) not in SPLITTABLE_OPTIMIZERS:
        return False
    return all("chunks" in reg.fast_paths
               for reg in groups["gradient"] + groups["decay"] + groups["constraint"])


def models_slice(obj, start, stop, n_models):
    """A shallow copy of a regularizer whose per-model strengths are cut to ``start:stop``."""
    part = copy.copy(obj)
    for name, value in vars(obj).items():
        if isinstance(value, np.ndarray) and value.shape == (n_models,):
            part.__dict__[name] = value[start:stop]
    return part


class ChunkedSteps:
    """Steps of a packed batched run, chunk by chunk, spread over ``workers`` threads.

    Args:
        packed, grads: the run's :class:`~nnreg_core.fast.packed.Packed` parameters and gradients.
        workers: threads to use (the calling thread is one of them).
        make_step: ``make_step(packed_part, grads_part)`` returns the step of one chunk, a
            callable ``step(X, T, opt_state, groups, rng) -> bool`` (False: the loss is not
            finite), e.g. a :class:`~nnreg_core.fast.fused.FusedSGD`.

    Chunk i always holds the same models and its work never depends on another chunk's, so the
    results do not depend on which thread runs it or when.
    """

    broken = False  # threads never get out of step (see ProcessChunks)

    def __init__(self, packed, grads, workers, make_step):
        self.n_models = packed.lead[0]
        self.bounds = chunk_bounds(self.n_models)
        self.steps = [make_step(packed.models(a, b), grads.models(a, b)) for a, b in self.bounds]
        self.workers = max(1, min(int(workers), len(self.bounds)))

    def __call__(self, X, T, opt_state, groups):
        """One step of every chunk; True if every chunk's loss is finite."""
        return self._spread(self._run, opt_state, groups, X, T)

    def epoch(self, batches, opt_state, groups):
        """Every chunk through all ``batches`` (pairs ``(X, T)``, in order); True if finite.

        When no chunk's step tests the loss at every step (``checks_each_step`` false: the fused
        step with a cross-entropy loss, whose divergence shows in the weights at the end of the
        epoch), each thread takes its chunks through the whole epoch, one chunk after another,
        with no waiting for the other threads between steps: the same steps in the same order
        for every model, so the same bits. Otherwise the chunks go step by step, so that the
        epoch stops at the first step whose loss is not finite in any chunk.
        """
        if not WHOLE_EPOCHS or any(getattr(step, "checks_each_step", True)
                                   for step in self.steps):
            return all(self(X, T, opt_state, groups) for X, T in batches)
        return self._spread(self._run_epoch, opt_state, groups, batches)

    def _spread(self, work, opt_state, groups, *args):
        """``work(share, *args)`` for each thread's share of the chunks; True if all are."""
        jobs = [self._job(i, opt_state, groups) for i in range(len(self.bounds))]
        shares = [jobs[w::self.workers] for w in range(self.workers)]
        futures = [executor(self.workers - 1).submit(work, share, *args)
                   for share in shares[1:]]
        try:
            finite = work(shares[0], *args)
        finally:  # never leave a thread writing to the parameters after an error here
            for future in futures:
                future.exception()
        return all([finite] + [future.result() for future in futures])

    def _job(self, i, opt_state, groups):
        a, b = self.bounds[i]
        state = None if opt_state is None else {n: v[a:b] for n, v in opt_state.items()}
        part_groups = {kind: [models_slice(r, a, b, self.n_models) for r in regs]
                       for kind, regs in groups.items()}
        return self.steps[i], state, part_groups

    @staticmethod
    def _run(share, X, T):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return all([step(X, T, state, part_groups, None)
                        for step, state, part_groups in share])

    @staticmethod
    def _run_epoch(share, batches):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return all([step(X, T, state, part_groups, None)
                        for step, state, part_groups in share for X, T in batches])

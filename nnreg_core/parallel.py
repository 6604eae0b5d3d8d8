"""Many models on several cores: the model axis cut into chunks, each stepped on its own thread.

The K models of a batched run do not interact: every operation of a step acts on one model's
slice alone (a matrix product per model, element-wise work, sums within a model). A step may
therefore run on chunks of the model axis, with the same operations in the same order for each
model, so with the same bits as the whole batch, while NumPy releases the GIL inside its loops
and BLAS calls. Small chunks also keep each one's arrays in a core's cache.

Used for packed runs (:mod:`nnreg_core.packed`, :mod:`nnreg_core.fused`) of at least two
chunks, without training-mode noise (its random draws follow the order of the whole batch), with
plain SGD or momentum.
"""
import copy
import os

import numpy as np

from .optim import SGD, Momentum

CHUNK_MODELS = 16
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


def can_split(packed, groups, optimizer):
    """Whether a packed step may run chunk by chunk (see the module docstring)."""
    if packed is None or not packed.lead or len(chunk_bounds(packed.lead[0])) < 2:
        return False
    if groups["forward"] or type(optimizer) not in SPLITTABLE_OPTIMIZERS:
        return False
    return all(type(reg).__module__.startswith("nnreg_core.") for reg in groups["constraint"])


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
        packed, grads: the run's :class:`~nnreg_core.packed.Packed` parameters and gradients.
        workers: threads to use (the calling thread is one of them).
        make_step: ``make_step(packed_part, grads_part)`` returns the step of one chunk, a
            callable ``step(X, T, opt_state, groups, rng) -> bool`` (False: the loss is not
            finite), e.g. a :class:`~nnreg_core.fused.FusedSGD`.

    Chunk i always holds the same models and its work never depends on another chunk's, so the
    results do not depend on which thread runs it or when.
    """

    def __init__(self, packed, grads, workers, make_step):
        self.n_models = packed.lead[0]
        self.bounds = chunk_bounds(self.n_models)
        self.steps = [make_step(packed.models(a, b), grads.models(a, b)) for a, b in self.bounds]
        self.workers = max(1, min(int(workers), len(self.bounds)))

    def __call__(self, X, T, opt_state, groups):
        """One step of every chunk; True if every chunk's loss is finite."""
        jobs = [self._job(i, opt_state, groups) for i in range(len(self.bounds))]
        shares = [jobs[w::self.workers] for w in range(self.workers)]
        futures = [executor(self.workers - 1).submit(self._run, share, X, T)
                   for share in shares[1:]]
        try:
            finite = self._run(shares[0], X, T)
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

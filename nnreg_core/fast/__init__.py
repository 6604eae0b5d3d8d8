"""Fast paths: the same updates as the reference step (:mod:`nnreg_core.steps`), never required.

- :mod:`.packed`: every parameter in one array, so element-wise work is one call per block;
- :mod:`.fused` (with :mod:`.fused_parts`): plain SGD + L2 in fewer operations, L2 folded into
  one scaling of the weights;
- :mod:`.threads`: the model axis of a batched run cut into chunks, each on its own thread;
- :mod:`.processes` (with :mod:`.workers`, :mod:`.shared`): those chunks in worker processes.

The training loop imports one function from here, :func:`choose_step`. Which path a run takes
depends on the model, the optimizer and each regularizer's declared
:attr:`~nnreg_core.regularizers.base.Regularizer.fast_paths`; ``backend="reference"`` takes
none. The tests prove every path equal to the reference step to 1e-12.
"""
import os

import numpy as np

from ..steps import ReferenceStep
from .fused import FusedSGD
from .fused_parts import can_fuse, checks_each_step, fused_order
from .packed import Packed, PackedStep, can_pack
from .threads import ChunkedSteps, can_split, on_model_chunks, usable_cores

BACKENDS = ("auto", "reference")


def choose_step(model, params, optimizer, groups, *, backend="auto", workers=None,
                processes=False):
    """The step a run takes, fastest first; the same interface as
    :class:`~nnreg_core.steps.ReferenceStep`.

    ``backend="reference"`` (or parameters that cannot pack) gives the reference step. Otherwise
    the parameters are packed (the dict ``params`` is pointed at the packing's views), fused
    when :func:`~.fused_parts.can_fuse` allows, and a model axis of at least two chunks is
    spread over ``workers`` threads, or worker processes when ``processes`` is asked for and
    the chunks go through whole epochs (fused, cross-entropy, POSIX). ``workers=None`` means
    every usable core.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}.")
    if backend == "reference" or not can_pack(model, params, groups):
        return ReferenceStep(model, optimizer)
    fused = can_fuse(model, groups, optimizer)
    workers = usable_cores() if workers is None else workers
    packed = Packed(params, order=fused_order(model) if fused else None)
    packed.point(params)
    grads = Packed(like=packed)
    kind = FusedSGD if fused else PackedStep

    def make_step(packed_part, grads_part):
        return kind(model, packed_part, grads_part, optimizer)

    if not can_split(packed, groups, optimizer):
        step = make_step(packed, grads)
        if not fused:
            step.space.pack_state = True      # this step owns the whole optimizer state
        return OnePackedStep(step, packed, "fused" if fused else "packed")
    if processes and os.name == "posix" and fused and not checks_each_step(model):
        from .processes import ProcessChunks  # only runs that ask for processes load it
        chunks = ProcessChunks(model, packed, grads, workers, make_step)
        packed.point(params)  # the parameters now live in shared memory
        return ChunkStep(chunks, packed, "fused in processes")
    where = "fused on threads" if fused else "packed on threads"
    return ChunkStep(ChunkedSteps(packed, grads, workers, make_step), packed, where)


class PackedRun:
    """What the packed steps share: the packing, and the run's dict held as its views."""

    def __init__(self, packed, kind):
        self.packed, self.kind = packed, kind

    def holds(self, params):
        """Whether ``params`` still maps every name to the packing's views."""
        return self.packed.holds(params)

    def largest_weight(self, params):
        """The largest ``|w|`` over the packing, in one call (NaN if any is NaN)."""
        return float(np.max(np.abs(self.packed.flat), initial=0.0))

    @staticmethod
    def on_parts(work, params):
        """``[work(params)]``, the whole model axis at once."""
        return [work(params)]


class OnePackedStep(PackedRun):
    """One packed step (:class:`~.packed.PackedStep` or :class:`~.fused.FusedSGD`), batch by
    batch: ``kind`` is ``"packed"`` or ``"fused"``."""

    def __init__(self, step, packed, kind):
        super().__init__(packed, kind)
        self.step = step

    def prepare(self, X):
        """The inputs as the step takes them (``[1 | X]`` for the fused step)."""
        return self.step.prepare(X)

    def epoch(self, params, batches, opt_state, groups, rng):
        """Every batch in order; False once a batch's data loss is not finite."""
        return all(self.step(X, T, opt_state, groups, rng) for X, T in batches)


class ChunkStep(PackedRun):
    """Chunks of the model axis (:class:`~.threads.ChunkedSteps` or
    :class:`~.processes.ProcessChunks`, as ``chunks``) through each epoch."""

    def __init__(self, chunks, packed, kind):
        super().__init__(packed, kind)
        self.chunks = chunks

    def holds(self, params):
        """Whether ``params`` are still the packing's views and the chunks can go on (worker
        processes out of step after an interrupt cannot: the run then takes a new step)."""
        return not self.chunks.broken and super().holds(params)

    def prepare(self, X):
        """The inputs as the chunks' steps take them."""
        return self.chunks.steps[0].prepare(X)

    def on_parts(self, work, params):
        """``work(part)`` for as many parts of the model axis as the chunks have workers,
        on threads (:func:`~.threads.on_model_chunks`): a run's evaluations use both cores."""
        return on_model_chunks(work, params, self.chunks.workers)

    def epoch(self, params, batches, opt_state, groups, rng):
        """Every chunk through every batch (training-mode noise never runs in chunks, so
        ``rng`` is not drawn from)."""
        return self.chunks.epoch(batches, opt_state, groups)

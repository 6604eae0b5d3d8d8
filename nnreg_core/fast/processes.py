"""Chunks of a batched run stepped in worker processes, for sweeps that threads cannot speed up.

Threads (:mod:`nnreg_core.fast.threads`) share one interpreter lock, and every NumPy call takes it
back when it returns. A fused float32 step of 16 models makes about 20 calls of a few
microseconds each, so two threads spend much of the second core handing the lock over. Worker
processes each have a lock of their own:

- the run's packed parameters move into shared memory (a file under ``/dev/shm`` where there is
  one, mapped by the run and by every worker, nameless from the start on Linux, see
  :mod:`.shared`), so the workers update the very arrays ``run.params`` shows;
- at each epoch the run writes the shuffled batches into a second shared array and sends every
  worker its chunks' strengths and the learning rate (a few hundred bytes); the calling process
  takes the first share of the chunks itself, as with threads, and waits for the others.

Chunk i always holds the same models and runs the same fused steps in the same order wherever
it runs, so the weights are bit for bit those of threads, of one thread and of the models
trained one after another. Only runs whose chunks go through whole epochs use processes (the
fused SGD step with a cross-entropy loss, see :meth:`ChunkedSteps.epoch`); others use threads.

The workers are fresh interpreters (a Jupyter kernel is never forked, and a script's main
module is never imported again), started on first use and kept for later runs of the same
Python process; :func:`start` starts them ahead of time.

An interrupt (Ctrl+C, Jupyter's interrupt button) may come at any point of an exchange. A
worker that was asked and not yet heard is then out of step (its answer would be read by the
next exchange as if it were that one's), so it is ended and a fresh one takes its place at the
next run; the interrupted run takes a new step at its next epoch. The workers themselves ignore
SIGINT, which Jupyter sends to the whole process group.
"""
import os
import threading
import time
import weakref

from .interrupts import held_back
from .threads import ChunkedSteps
from .shared import shared_array
from .workers import WORKER_CPU, start

__all__ = ["ProcessChunks", "WORKER_CPU", "start"]

WORKERS_BUSY = threading.Lock()  # one exchange with the shared workers at a time


class ProcessChunks(ChunkedSteps):
    """:class:`~nnreg_core.fast.threads.ChunkedSteps` whose shares of chunks, all but the first,
    run in worker processes, one epoch at a time; the parameters move into shared memory
    (``packed`` is rebased: point the run's dict at its views again).

    Args:
        model: the run's :class:`~nnreg_core.model.MLP`.
        packed, grads, workers, make_step: as for :class:`ChunkedSteps`; ``make_step`` must
            make :class:`~nnreg_core.fast.fused.FusedSGD` steps, the kind the workers make.
    """

    def __init__(self, model, packed, grads, workers, make_step):
        self.broken, self.data = False, None
        shared, file = shared_array(packed.flat.shape, packed.flat.dtype)
        try:
            packed.rebase(shared)
            super().__init__(packed, grads, workers, make_step)
            self.key = f"{os.getpid()}-{id(self)}-{time.monotonic_ns()}"
            self.shares = [list(range(w, len(self.bounds), self.workers))
                           for w in range(self.workers)]
            self.remote = start(self.workers - 1)
            layout = (packed.order, packed.shapes, file.path, packed.flat.shape,
                      packed.flat.dtype)
            self._exchange("attach", [(model, layout, [self.bounds[i] for i in share])
                                      for share in self.shares[1:]])
        finally:
            file.release()  # mapped by every process that needs it
        weakref.finalize(self, _detach, self.remote, self.key).atexit = False

    def epoch(self, batches, opt_state, groups):
        """Every chunk through all ``batches`` (pairs ``(X, T)``, in order); True if finite."""
        bounds = self._share_batches(batches)
        X, T = self.data[0]
        local = [(X[a:b], T[a:b]) for a, b in bounds]
        lr = self.steps[0].optimizer.lr
        jobs = [self._job(i, opt_state, groups) for i in range(len(self.bounds))]
        finite, answers = self._exchange(
            "epoch", [(lr, [jobs[i][2] for i in share], bounds) for share in self.shares[1:]],
            lambda: self._run_epoch([jobs[i] for i in self.shares[0]], local))
        WORKER_CPU["seconds"] += sum(cpu for _, cpu in answers)
        return finite and all(ok for ok, _ in answers)

    def _share_batches(self, batches):
        """Copy the batches into the shared data arrays; their ``[(start, stop), …]``."""
        n = sum(len(X) for X, _ in batches)
        (X0, T0) = batches[0]
        shapes = ((n,) + X0.shape[1:], (n,) + T0.shape[1:])
        if self.data is None or self.data[1] != (shapes, X0.dtype, T0.dtype):
            made = []
            try:
                made += [shared_array(shape, a.dtype) for shape, a in zip(shapes, (X0, T0))]
                self._exchange("data", [([(f.path, s, a.dtype) for (_, f), s, a in
                                          zip(made, shapes, (X0, T0))],)] * len(self.remote))
            finally:
                for _, file in made:
                    file.release()
            self.data = ((made[0][0], made[1][0]), (shapes, X0.dtype, T0.dtype))
        X, T = self.data[0]
        bounds, start = [], 0
        for Xb, Tb in batches:
            stop = start + len(Xb)
            X[start:stop], T[start:stop] = Xb, Tb
            bounds.append((start, stop))
            start = stop
        return bounds

    def _exchange(self, kind, per_worker, local=lambda: None):
        """Send each worker ``(kind, key, *its args)``, run ``local()`` meanwhile, and return
        ``(local's result, the workers' answers)``.

        Every worker asked is heard, or ended, before this returns or raises: none may still
        write to the parameters then, and none is left with an answer nobody read. When
        anything interrupts the exchange (``KeyboardInterrupt`` above all), the workers not yet
        heard are ended and this run is marked ``broken`` (the run then takes a new step).
        """
        unheard = []
        with WORKERS_BUSY:
            try:
                for worker, args in zip(self.remote, per_worker):
                    unheard.append(worker)
                    worker.ask(kind, self.key, *args)
                result = local()
                answers = self._answers(unheard)
            except BaseException:
                with held_back():
                    self.broken = self.broken or bool(unheard)
                    for worker in unheard:
                        worker.end()
                raise
        return result, answers

    @staticmethod
    def _answers(unheard):
        """Every answer of the workers in ``unheard``, each taken off the list once heard (all
        are read, even when one failed; then the failure is raised)."""
        answers, failure = [], None
        while unheard:
            worker = unheard[0]
            try:
                answers.append(worker.answer())
            except RuntimeError as error:
                failure = failure or error
            del unheard[0]
        if failure is not None:
            raise failure
        return answers


def _detach(remote, key):
    for worker in remote:
        worker.forget(key)

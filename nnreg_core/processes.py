"""Chunks of a batched run stepped in worker processes, for sweeps that threads cannot speed up.

Threads (:mod:`nnreg_core.parallel`) share one interpreter lock, and every NumPy call takes it
back when it returns. A fused float32 step of 16 models makes about 20 calls of a few
microseconds each, so two threads spend much of the second core handing the lock over. Worker
processes each have a lock of their own:

- the run's packed parameters move into shared memory (a file under ``/dev/shm`` where there is
  one, mapped by the run and by every worker, and removed once all have mapped it), so the
  workers update the very arrays ``run.params`` shows;
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
"""
import mmap
import os
import tempfile
import threading
import time
import traceback
import weakref

import numpy as np

from .fused import FusedSGD
from .optim import SGD
from .packed import Packed
from .parallel import ChunkedSteps

_workers = []
SHARED_FOLDER = "/dev/shm" if os.path.isdir("/dev/shm") else None  # None: the temporary folder
STARTUP_SECONDS = 60  # a worker that has not connected by then is taken as failed
WORKER_CPU = {"seconds": 0.0}  # CPU time the workers spent in epochs (for benchmarks)


def shared_array(shape, dtype):
    """``(array, path)``: a zeroed array in a new file of shared memory that other processes
    can map with :func:`map_shared`; the caller removes the file when all have mapped it."""
    dtype = np.dtype(dtype)
    size = max(int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, 1)
    fd, path = tempfile.mkstemp(prefix="nnreg_core-", dir=SHARED_FOLDER)
    try:
        os.ftruncate(fd, size)
        return _map(fd, size, shape, dtype), path
    finally:
        os.close(fd)


def map_shared(path, shape, dtype):
    """The array of :func:`shared_array` at ``path``, mapped into this process."""
    dtype = np.dtype(dtype)
    fd = os.open(path, os.O_RDWR)
    try:
        return _map(fd, max(int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, 1), shape,
                    dtype)
    finally:
        os.close(fd)


def _map(fd, size, shape, dtype):
    buffer = mmap.mmap(fd, size)
    return np.frombuffer(buffer, dtype, int(np.prod(shape, dtype=np.int64))).reshape(shape)


class Worker:
    """One worker process and the connection to it; :meth:`ask` sends, :meth:`answer` waits.

    The worker is a fresh interpreter running :func:`main` (never a fork of this process, and
    it never imports this process's main script). It connects back over the loopback interface
    and both ends prove they hold a random key before anything else is sent.
    """

    def __init__(self, timeout=STARTUP_SECONDS):
        import socket
        import subprocess
        import sys
        key = os.urandom(32)
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        path = os.pathsep.join([package_root] + [p for p in sys.path if p])
        with socket.create_server(("127.0.0.1", 0)) as server:
            self.process = subprocess.Popen(
                [sys.executable, "-c", f"import {__name__} as m; m.main()"],
                stdin=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=path))
            self.process.stdin.write(repr((server.getsockname(), key)).encode() + b"\n")
            self.process.stdin.close()
            self.connection = self._accept(server, key, timeout)
        self.lock = threading.Lock()

    def _accept(self, server, key, timeout):
        """The worker's authenticated connection; an error if it ends or is silent too long."""
        import socket
        from multiprocessing.connection import Connection, answer_challenge, deliver_challenge
        server.settimeout(0.05)
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock, _ = server.accept()
                break
            except socket.timeout:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    raise RuntimeError(
                        "could not start a training worker process (exit code "
                        f"{self.process.poll()}); train with threads (processes=False).") from None
        sock.setblocking(True)
        connection = Connection(sock.detach())
        deliver_challenge(connection, key)
        answer_challenge(connection, key)
        return connection

    def alive(self):
        return self.process.poll() is None

    def ask(self, *message):
        try:
            with self.lock:
                self.connection.send(message)
        except OSError:
            raise RuntimeError(ENDED) from None

    def answer(self):
        try:
            status, value = self.connection.recv()
        except (EOFError, OSError):
            raise RuntimeError(ENDED) from None
        if status == "error":
            raise RuntimeError(f"a training worker process failed:\n{value}")
        return value


ENDED = ("a training worker process ended unexpectedly; the run's weights may be partly "
         "updated. Train again with a new Run.")


def start(n):
    """At least ``n`` live worker processes (started now if needed); returns ``n`` of them."""
    _workers[:] = [w for w in _workers if w.alive()]
    _workers.extend(Worker() for _ in range(n - len(_workers)))
    return _workers[:n]


class ProcessChunks(ChunkedSteps):
    """:class:`~nnreg_core.parallel.ChunkedSteps` whose shares of chunks, all but the first,
    run in worker processes, one epoch at a time; the parameters move into shared memory
    (``packed`` is rebased: point the run's dict at its views again).

    Args:
        model: the run's :class:`~nnreg_core.model.MLP`.
        packed, grads, workers, make_step: as for :class:`ChunkedSteps`; ``make_step`` must
            make :class:`~nnreg_core.fused.FusedSGD` steps, the kind the workers make.
    """

    def __init__(self, model, packed, grads, workers, make_step):
        shared, path = shared_array(packed.flat.shape, packed.flat.dtype)
        try:
            packed.rebase(shared)
            super().__init__(packed, grads, workers, make_step)
            self.key = f"{os.getpid()}-{id(self)}-{time.monotonic_ns()}"
            self.shares = [list(range(w, len(self.bounds), self.workers))
                           for w in range(self.workers)]
            self.remote = start(self.workers - 1)
            layout = (packed.order, packed.shapes, path, packed.flat.shape, packed.flat.dtype)
            self._tell_all("attach", [(model, layout, [self.bounds[i] for i in share])
                                      for share in self.shares[1:]])
        finally:
            os.unlink(path)  # mapped by every process that needs it: nothing is left behind
        self.data = None
        weakref.finalize(self, _detach, self.remote, self.key).atexit = False

    def epoch(self, batches, opt_state, groups):
        """Every chunk through all ``batches`` (pairs ``(X, T)``, in order); True if finite."""
        bounds = self._share_batches(batches)
        X, T = self.data[0]
        local = [(X[a:b], T[a:b]) for a, b in bounds]
        lr = self.steps[0].optimizer.lr
        jobs = [self._job(i, opt_state, groups) for i in range(len(self.bounds))]
        asked = []
        try:
            for worker, share in zip(self.remote, self.shares[1:]):
                worker.ask("epoch", self.key, lr, [jobs[i][2] for i in share], bounds)
                asked.append(worker)
            finite = self._run_epoch([jobs[i] for i in self.shares[0]], local)
        finally:  # never return while a worker may still write to the parameters
            answers = self._answers(asked)
        WORKER_CPU["seconds"] += sum(cpu for _, cpu in answers)
        return finite and all(ok for ok, _ in answers)

    def _share_batches(self, batches):
        """Copy the batches into the shared data arrays; their ``[(start, stop), …]``."""
        n = sum(len(X) for X, _ in batches)
        (X0, T0) = batches[0]
        shapes = ((n,) + X0.shape[1:], (n,) + T0.shape[1:])
        if self.data is None or self.data[1] != (shapes, X0.dtype, T0.dtype):
            made = [shared_array(shape, a.dtype) for shape, a in zip(shapes, (X0, T0))]
            try:
                self._tell_all("data", [([(p, s, a.dtype) for (_, p), s, a in
                                          zip(made, shapes, (X0, T0))],)] * len(self.remote))
            finally:
                for _, path in made:
                    os.unlink(path)
            self.data = ((made[0][0], made[1][0]), (shapes, X0.dtype, T0.dtype))
        X, T = self.data[0]
        bounds, start = [], 0
        for Xb, Tb in batches:
            stop = start + len(Xb)
            X[start:stop], T[start:stop] = Xb, Tb
            bounds.append((start, stop))
            start = stop
        return bounds

    def _tell_all(self, kind, per_worker):
        asked = []
        try:
            for worker, args in zip(self.remote, per_worker):
                worker.ask(kind, self.key, *args)
                asked.append(worker)
        finally:
            self._answers(asked)

    @staticmethod
    def _answers(workers):
        """Every one of ``workers``' answers (all are read, even when one failed; then the
        failure is raised)."""
        answers, failure = [], None
        for worker in workers:
            try:
                answers.append(worker.answer())
            except RuntimeError as error:
                failure = failure or error
        if failure is not None:
            raise failure
        return answers


def _detach(remote, key):
    for worker in remote:
        try:
            worker.ask("detach", key)
        except RuntimeError:  # the worker has ended: nothing of this run is left in it
            pass


class AttachedChunks:
    """A worker's side of a :class:`ProcessChunks`: its chunks' fused steps over the shared
    parameters, and the shared batches."""

    def __init__(self, model, layout, bounds):
        order, shapes, path, shape, dtype = layout
        packed = Packed.over(map_shared(path, shape, dtype), order, shapes)
        grads = Packed(like=packed)
        self.optimizer = SGD(1.0)
        self.steps = [FusedSGD(model, packed.models(a, b), grads.models(a, b), self.optimizer)
                      for a, b in bounds]
        self.X = self.T = None

    def data(self, arrays):
        self.X, self.T = (map_shared(*spec) for spec in arrays)

    def epoch(self, lr, part_groups, bounds):
        """``(finite, cpu_seconds)`` after the chunks went through the batches ``bounds``."""
        cpu = time.process_time()
        self.optimizer.lr = lr
        batches = [(self.X[a:b], self.T[a:b]) for a, b in bounds]
        finite = ChunkedSteps._run_epoch(
            [(step, None, groups) for step, groups in zip(self.steps, part_groups)], batches)
        return finite, time.process_time() - cpu


def main():
    """A worker's entry point: connect to the run's process (address and key on stdin), serve."""
    import ast
    import sys
    from multiprocessing.connection import Client
    address, key = ast.literal_eval(sys.stdin.readline())
    serve(Client(address, authkey=key))


def serve(connection):
    """A worker's loop: answer the messages of :class:`ProcessChunks` until the pipe closes."""
    attached = {}
    while True:
        try:
            kind, key, *args = connection.recv()
        except (EOFError, OSError):
            return
        if kind == "detach":
            attached.pop(key, None)
            continue
        try:
            if kind == "attach":
                attached[key] = AttachedChunks(*args)
                value = None
            elif kind == "data":
                value = attached[key].data(*args)
            else:
                value = attached[key].epoch(*args)
            connection.send(("ok", value))
        except BaseException:  # the run must hear of it, whatever it is
            connection.send(("error", traceback.format_exc()))

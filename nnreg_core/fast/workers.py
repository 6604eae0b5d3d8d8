"""Worker processes for :mod:`nnreg_core.fast.processes`: the handle a run holds, and the worker's side.

A worker is a fresh interpreter running :func:`main` (never a fork of the calling process, and it
never imports that process's main script). It connects back over the loopback interface; both
ends prove they hold a random key before anything else is sent, and nothing is unpickled before
that. Any local process may connect to the listener first: a connection that does not prove
the key within :data:`HANDSHAKE_SECONDS` is closed and the next one taken, so none can stall
the start. A worker ignores SIGINT (Jupyter interrupts the kernel's whole process group); it
then answers messages
``(kind, run key, *args)``: ``"attach"`` maps a run's shared parameters and makes the fused steps
of its chunks, ``"data"`` maps the shared batches, ``"epoch"`` takes the chunks through them and
``"detach"`` forgets the run.
"""
import os
import signal
import socket
import threading
import time
import traceback

from .fused import FusedSGD
from ..optim import SGD
from .packed import Packed
from .threads import ChunkedSteps
from .interrupts import held_back
from .shared import map_shared

_workers = []
STARTUP_SECONDS = 60  # a worker that has not connected by then is taken as failed
HANDSHAKE_SECONDS = 5  # a connection that has not proved the key by then is dropped
WORKER_CPU = {"seconds": 0.0}  # CPU time the workers spent in epochs (for benchmarks)


class Worker:
    """One worker process and the connection to it; :meth:`ask` sends, :meth:`answer` waits."""

    def __init__(self, timeout=STARTUP_SECONDS):
        import subprocess
        import sys
        key = os.urandom(32)
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        path = os.pathsep.join([package_root] + [p for p in sys.path if p])
        self.process = self.connection = None
        self.finished = []  # keys of runs to forget (see forget)
        try:
            with listener() as server:
                self.process = subprocess.Popen(
                    [sys.executable, "-c", f"import {__name__} as m; m.main()"],
                    stdin=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=path))
                self.process.stdin.write(repr((server.getsockname(), key)).encode() + b"\n")
                self.process.stdin.close()
                self.connection = self._accept(server, key, timeout)
        except BaseException:  # an interrupt included: no half-started worker is left
            self.end()
            raise

    def _accept(self, server, key, timeout):
        """The worker's authenticated connection; an error if it ends or is silent too long.
        Connections that fail the handshake (a stranger's) are dropped, and the next taken."""
        server.settimeout(0.05)
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock, _ = server.accept()
            except socket.timeout:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "could not start a training worker process (exit code "
                        f"{self.process.poll()}); train with threads (processes=False).") from None
                continue
            connection = authenticated(sock, key, HANDSHAKE_SECONDS)
            if connection is not None:
                return connection

    def end(self):
        """End the worker process (waiting until it is gone) and close the connection."""
        with held_back():
            if self.process is not None and self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            if self.connection is not None:
                self.connection.close()
                self.connection = None

    def alive(self):
        return self.process.poll() is None

    def ask(self, *message):
        """Send ``message``, after a ``"detach"`` for each run :meth:`forget` was told of."""
        if self.connection is None:
            raise RuntimeError(ENDED)
        try:
            while self.finished:
                self.connection.send(("detach", self.finished.pop()))
            self.connection.send(message)
        except OSError:
            raise RuntimeError(ENDED) from None

    def forget(self, key):
        """Have the worker forget the run ``key`` with the next message. Safe to call from a
        finalizer, which may run in the middle of any other call, even :meth:`ask`."""
        self.finished.append(key)

    def answer(self):
        """The worker's answer to the last message; a RuntimeError if it failed or ended."""
        if self.connection is None:
            raise RuntimeError(ENDED)
        try:
            status, value = self.connection.recv()
        except (EOFError, OSError):
            raise RuntimeError(ENDED) from None
        if status == "error":
            raise RuntimeError(f"a training worker process failed:\n{value}")
        return value


ENDED = ("a training worker process ended unexpectedly; the run's weights may be partly "
         "updated. Train again with a new Run.")


def listener():
    """The loopback socket a new worker connects back to."""
    return socket.create_server(("127.0.0.1", 0))


def authenticated(sock, key, seconds):
    """A :class:`multiprocessing.connection.Connection` over ``sock`` once both ends proved
    they hold ``key`` (HMAC challenges, no pickle), or None (``sock`` closed) if the peer
    fails or does not finish within ``seconds``: a timer shuts the socket down, which ends
    any read or write the handshake is blocked in."""
    from multiprocessing.connection import Connection, answer_challenge, deliver_challenge
    sock.setblocking(True)
    no_delay(sock)
    connection = Connection(os.dup(sock.fileno()))
    late = threading.Event()
    timer = threading.Timer(seconds, _shut_late, (sock, late))
    timer.start()
    try:
        deliver_challenge(connection, key)
        answer_challenge(connection, key)
    except Exception:  # a wrong key, an early end, a shut socket
        late.set()
    finally:
        timer.cancel()
        timer.join()
        sock.close()
    if late.is_set():
        connection.close()
        return None
    return connection


def _shut_late(sock, late):
    late.set()
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def start(n):
    """At least ``n`` live worker processes (started now if needed); returns ``n`` of them."""
    _workers[:] = [w for w in _workers if w.alive()]
    _workers.extend(Worker() for _ in range(n - len(_workers)))
    return _workers[:n]


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
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the run's process decides; we finish
    address, key = ast.literal_eval(sys.stdin.readline())
    connection = Client(address, authkey=key)
    with socket.socket(fileno=os.dup(connection.fileno())) as sock:
        no_delay(sock)
    serve(connection)


def no_delay(sock):
    """Send small messages at once: without it a message sent right after another one that has
    no answer (``"detach"``) waits for the peer's delayed acknowledgement, about 40 ms."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


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

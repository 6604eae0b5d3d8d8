"""Worker processes survive interrupts, crashes and strangers.

A ``KeyboardInterrupt`` (Ctrl+C, Jupyter's interrupt button) is raised at several points of an
exchange with the workers, each time deterministically: in the middle of waiting for a paused
worker (a real SIGINT), right after a message was sent, during the calling process's own share
of the work, while the workers map a run, while its batches are shared, and while a worker
starts. After each, no shared file is left, the next sweep gives the bits of threads, and the
interrupted run itself goes on. A stranger holding the start-up listener cannot stall a start,
and an idle worker ignores SIGINT.
"""
import inspect
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

from nnreg_core.fast import processes, shared, threads, workers
from nnreg_core.fast.processes import ProcessChunks

from test_packed import assert_same_params
from test_processes import sweep


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch, tmp_path):
    monkeypatch.setattr(threads, "CHUNK_MODELS", 2)
    monkeypatch.setattr(shared, "SHARED_FOLDER", str(tmp_path))


@pytest.fixture
def reference():
    """The weights of the sweep on threads (the bits every sweep in processes must give)."""
    return sweep(use_processes=False)[0].params


def started(epochs=4):
    """A sweep in processes (one worker) after its first epoch."""
    run, _ = sweep(epochs=1)
    run.epochs = epochs
    assert type(run.stepper.chunks) is ProcessChunks
    return run


def assert_recovered(run, tmp_path, reference):
    """Nothing left in the shared folder, the next sweep exact, the interrupted run goes on."""
    assert list(tmp_path.iterdir()) == []
    again, _ = sweep()
    assert type(again.stepper.chunks) is ProcessChunks
    assert_same_params(again.params, reference)
    if run is not None:
        run.run_all()
        assert run.stopped is None and run.epoch == run.epochs
        assert run.stepper.kind == "fused in processes"
    assert list(tmp_path.iterdir()) == []


def interrupt_once(monkeypatch, owner, name, before=True, when=lambda *args: True):
    """Make ``owner.name`` raise KeyboardInterrupt once (before or after doing its work) on
    the first call for which ``when(*args)`` holds."""
    original = getattr(owner, name)
    wrap = staticmethod if isinstance(inspect.getattr_static(owner, name), staticmethod) else (
        lambda f: f)
    state = {"done": False}

    def patched(*args, **kwargs):
        hit = not state["done"] and when(*args)
        if hit:
            state["done"] = True
            if before:
                raise KeyboardInterrupt
        result = original(*args, **kwargs)
        if hit:
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(owner, name, wrap(patched))
    return state


def test_a_real_interrupt_while_waiting_for_a_paused_worker(tmp_path, reference):
    run = started()
    worker = run.stepper.chunks.remote[0]
    os.kill(worker.process.pid, signal.SIGSTOP)  # it will never answer by itself
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            next(run)
    finally:
        timer.join()
    assert worker.process.poll() is not None, "the worker out of step is ended"
    assert_recovered(run, tmp_path, reference)


@pytest.mark.parametrize("where", ["before reading the answer", "right after sending",
                                   "during the local share"])
def test_an_interrupt_in_an_epoch_exchange(tmp_path, reference, where):
    run = started()
    with pytest.MonkeyPatch.context() as patch:
        if where == "before reading the answer":
            state = interrupt_once(patch, workers.Worker, "answer")
        elif where == "right after sending":
            state = interrupt_once(patch, workers.Worker, "ask", before=False,
                                   when=lambda worker, kind, *rest: kind == "epoch")
        else:
            state = interrupt_once(patch, ProcessChunks, "_run_epoch")
        with pytest.raises(KeyboardInterrupt):
            next(run)
    assert state["done"]
    assert_recovered(run, tmp_path, reference)


@pytest.mark.parametrize("kind", ["attach", "data"])
def test_an_interrupt_while_the_workers_map_a_run(tmp_path, reference, kind):
    with pytest.MonkeyPatch.context() as patch:
        state = interrupt_once(patch, workers.Worker, "ask", before=False,
                               when=lambda worker, message, *rest: message == kind)
        with pytest.raises(KeyboardInterrupt):
            sweep()
    assert state["done"]
    assert_recovered(None, tmp_path, reference)


def test_an_interrupt_between_making_two_shared_arrays_leaves_no_file(tmp_path, reference):
    calls = {"data": 0}
    original = processes.shared_array

    def targets_interrupted(shape, dtype):
        if shape[0] == 64:  # the batches' arrays (64 samples), not the parameters (5 models)
            calls["data"] += 1
            if calls["data"] == 2:  # the inputs are made, then the targets are interrupted
                raise KeyboardInterrupt
        return original(shape, dtype)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(processes, "shared_array", targets_interrupted)
        with pytest.raises(KeyboardInterrupt):
            sweep()
    assert calls["data"] == 2
    assert_recovered(None, tmp_path, reference)


def test_an_interrupt_while_a_worker_starts_leaves_no_process(tmp_path, reference):
    for worker in processes.start(1):
        worker.process.kill()  # the next sweep must start one
        worker.process.wait()
    made = []

    def interrupted(self, *args):
        made.append(self.process)
        raise KeyboardInterrupt

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers.Worker, "_accept", interrupted)
        with pytest.raises(KeyboardInterrupt):
            sweep()
    assert len(made) == 1 and made[0].poll() is not None, "the worker was left running"
    assert_recovered(None, tmp_path, reference)


def test_no_shared_file_exists_even_while_it_is_mapped(tmp_path):
    """The name goes the moment the file is made, so not even a killed process leaves one."""
    array, file = shared.shared_array((4,), np.float64)
    array[:] = [1, 2, 3, 4]
    assert list(tmp_path.iterdir()) == []
    seen = shared.map_shared(file.path, (4,), np.float64)
    assert seen.tolist() == [1, 2, 3, 4]
    file.release()


def test_a_killed_process_leaves_no_shared_file(tmp_path):
    script = textwrap.dedent(f"""
        import os, signal
        from nnreg_core.fast import shared
        shared.SHARED_FOLDER = {str(tmp_path)!r}
        array, file = shared.shared_array((1000,), "float64")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert out.returncode == -signal.SIGKILL
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------ start-up
def stranger_first(monkeypatch, behave):
    """Have a local stranger connect to every start-up listener before the worker does."""
    strangers = []
    original = socket.create_server

    def create_server(*args, **kwargs):
        server = original(*args, **kwargs)
        stranger = socket.create_connection(server.getsockname())
        behave(stranger)
        strangers.append(stranger)
        return server

    monkeypatch.setattr(workers.socket, "create_server", create_server)
    return strangers


def start_in_a_thread():
    """A new worker started on another thread; ``(thread, result)`` after up to 60 s."""
    result = {}

    def start():
        try:
            result["worker"] = workers.Worker()
        except BaseException as error:  # reported to the test
            result["error"] = error

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    thread.join(60)
    return thread, result


@pytest.mark.parametrize("behave", [lambda s: None, lambda s: s.sendall(b"\x00\x00\x00\x04junk")],
                         ids=["silent", "garbage"])
def test_a_stranger_on_the_listener_cannot_stall_a_start(monkeypatch, behave):
    monkeypatch.setattr(workers, "HANDSHAKE_SECONDS", 0.5, raising=False)
    strangers = stranger_first(monkeypatch, behave)
    thread, result = start_in_a_thread()
    try:
        assert not thread.is_alive(), "the start is stalled by the stranger"
        assert "error" not in result, result.get("error")
        worker = result["worker"]
        worker.ask("epoch", "a run the worker never saw", 0.1, [], [])
        with pytest.raises(RuntimeError, match="KeyError"):
            worker.answer()
        worker.end()
    finally:
        for stranger in strangers:
            stranger.close()
    assert len(strangers) == 1


def test_an_idle_worker_ignores_sigint(capfd):
    worker = workers.Worker()
    try:
        os.kill(worker.process.pid, signal.SIGINT)
        worker.ask("epoch", "a run the worker never saw", 0.1, [], [])
        with pytest.raises(RuntimeError, match="KeyError"):
            worker.answer()
        assert worker.alive()
    finally:
        worker.end()
    assert "KeyboardInterrupt" not in capfd.readouterr().err


def test_an_interrupt_held_back_is_raised_when_the_block_ends():
    from nnreg_core.fast.interrupts import held_back
    finished = []
    with pytest.raises(KeyboardInterrupt):
        with held_back():
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # give the signal every chance to arrive inside the block
                sum(range(100))
            finished.append(True)
    assert finished == [True]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

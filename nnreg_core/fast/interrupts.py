"""Holding back Ctrl+C (SIGINT, Jupyter's interrupt button) for the few lines that must run whole.

Making a shared file and removing its name, or ending a worker and forgetting it, are a few
calls each; a ``KeyboardInterrupt`` raised between two of them would leave a file behind or a
worker half forgotten. Inside :func:`held_back` an interrupt is remembered and raised as soon
as the block ends. Long waits (a worker's answer) are never held back: they stay interruptible.
"""
import signal
import threading
from contextlib import contextmanager


@contextmanager
def held_back():
    """Run the block whole: a SIGINT received inside is raised when it ends.

    Only the main thread receives Python's signals, so elsewhere the block simply runs.
    """
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is None):  # None: a handler Python cannot restore
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            if callable(previous):
                previous(signal.SIGINT, received[0])
            elif previous != signal.SIG_IGN:
                raise KeyboardInterrupt

"""A machine quiet enough to time an answer: no other test process runs notebook cells meanwhile.

The walk runs its test files in two processes on two cores. A slider timed while the other process
runs a notebook's cells (11's cross-validation keeps both cores busy) measures that contention,
not the dashboard a teacher drags with one notebook open. So the phases that compute hold a
shared lock (:func:`computing`: any number at once) and a timing holds it alone (:func:`timing`):
it waits until no other process computes, and they wait for it. The lock is one file in the
system's temporary folder, the same for every process of a run. Without ``fcntl`` (not POSIX)
both are no-ops.
"""
import contextlib
import tempfile
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - the browser tests run on Linux
    fcntl = None

LOCK = Path(tempfile.gettempdir()) / "nnreg-browser-tests.lock"


@contextlib.contextmanager
def _held(exclusive):
    """Hold the lock (exclusive or shared) for the ``with`` block; yields the seconds waited."""
    if fcntl is None:
        yield 0.0
        return
    with open(LOCK, "a") as handle:
        asked = time.monotonic()
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield time.monotonic() - asked
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def computing():
    """Held while a page runs notebook cells (shared: other processes may compute too)."""
    return _held(exclusive=False)


def timing():
    """Held while a test times an answer (exclusive: no other process computes meanwhile);
    the ``with`` value is the seconds it waited for the others to finish."""
    return _held(exclusive=True)

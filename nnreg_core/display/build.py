"""Training a dashboard's strength path without blocking the notebook.

Inside a kernel (a running asyncio loop) :class:`PathBuild` trains in a thread and hands the
finished :class:`~nnreg_core.display.record.Recording` back on the loop, so sliders, clicks
and redraws go on meanwhile and the old picture stays until the new one is ready. Without a
loop (plain Python, tests) it trains at once. A newer build cancels the one before it.
"""
import threading

from .player import running_loop
from .training import train_path


class PathBuild:
    """One training of a path; ``done`` and ``progress(epoch, total)`` run on the
    kernel's loop (or at once without one).

    Args:
        settings, dataset, strengths, bins: what :func:`train_path` trains.
        done: ``done(recording, error)`` when training finished (never when cancelled);
            ``error`` is the ValueError that stopped it, or None.
        progress: called after each evaluated epoch, or None.
    """

    def __init__(self, settings, dataset, strengths, bins, done, progress=None):
        self.args = (settings, dataset, tuple(strengths), bins)
        self.done, self.progress = done, progress
        self.cancelled = False
        self.recording = None
        self.error = self.failure = None
        self.delivered = False
        self.loop = running_loop()
        self.thread = None
        if self.loop is None:
            self._train()
            self._deliver()
        else:
            self.thread = threading.Thread(target=self._train_then_deliver, daemon=True,
                                           name="nnreg-path")
            self.thread.start()

    @property
    def settings(self):
        return self.args[0]

    def _train(self):
        try:
            self.recording = train_path(*self.args, progress=self._progress,
                                        cancelled=lambda: self.cancelled)
        except ValueError as err:
            self.error = err
        except Exception as err:        # a bug, not a setting: raised again by wait()
            self.failure = err

    def _train_then_deliver(self):
        self._train()
        if not self.cancelled:
            self._on_loop(self._deliver)

    def _on_loop(self, callback, *args):
        """Run ``callback`` on the kernel's loop (ignored once that loop is closed)."""
        try:
            self.loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:
            self.cancelled = True

    def _progress(self, epoch, total):
        if self.progress is None or self.cancelled:
            return
        if self.loop is None:
            self.progress(epoch, total)
        else:
            self._on_loop(self._progress_now, epoch, total)

    def _progress_now(self, epoch, total):
        """On the loop: report progress unless the result was handed over meanwhile."""
        if not (self.delivered or self.cancelled):
            self.progress(epoch, total)

    def _deliver(self):
        """Hand the result over once (from :meth:`wait` or the loop, whichever comes first)."""
        if self.delivered or self.cancelled or self.failure is not None:
            return
        self.delivered = True
        self.done(self.recording, self.error)

    def wait(self):
        """Block until trained, then deliver (what ``Dashboard.run()`` does in a kernel)."""
        if self.thread is not None:
            self.thread.join()
        if self.failure is not None:
            raise RuntimeError(f"training the strength path failed: {self.failure!r}") \
                from self.failure
        self._deliver()

    @property
    def finished(self):
        return self.delivered

    def cancel(self):
        """Stop training at the next epoch and never deliver."""
        self.cancelled = True

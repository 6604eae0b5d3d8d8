"""The event-loop side of a dashboard: coalescing bursts of slider changes, an animation that
yields to the kernel between frames, and widget messages kept on the kernel's own thread.
Without a loop (plain Python, tests) everything acts at once.
"""
import asyncio
import functools
import threading
from contextlib import contextmanager


def running_loop():
    """The running asyncio loop (inside a Jupyter kernel), or None (plain Python, tests)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def on_loop_thread(handler):
    """``handler`` wrapped to run on the thread of the loop running now (the kernel's main
    thread, where a cell makes a dashboard); without a loop, ``handler`` itself.

    ipykernel 7 may handle widget messages (a slider's value, a canvas's "draw", a probe's
    report) on a subshell thread while the main thread runs a cell or a loop callback: a figure
    drawn on one thread while the other rebuilds it is sent half drawn. A call from another
    thread is therefore handed to the loop (``call_soon_threadsafe``) and runs there in turn.
    """
    loop = running_loop()
    if loop is None:
        return handler
    home = threading.get_ident()

    @functools.wraps(handler)
    def on_home_thread(*args, **kwargs):
        if threading.get_ident() == home:
            return handler(*args, **kwargs)
        try:
            loop.call_soon_threadsafe(functools.partial(handler, *args, **kwargs))
        except RuntimeError:       # the kernel's loop is closed: nothing left to update
            pass
        return None

    return on_home_thread


class Coalescer:
    """Run ``action`` once for a burst of requests, after the burst, with the latest values.

    Inside a kernel the action is scheduled on the event loop, so slider messages that arrive
    meanwhile only update the pending state; without a loop (tests) it runs at once, unless
    :meth:`hold` defers it to the end of a block.
    """

    def __init__(self, action, delay=0.01):
        self.action, self.delay = action, delay
        self.pending = False
        self.handle = None
        self.holds = 0

    def request(self):
        self.pending = True
        if self.holds:
            return
        loop = running_loop()
        if loop is None:
            self.flush()
        elif self.handle is None:
            self.handle = loop.call_later(self.delay, self.flush)

    def flush(self):
        self.handle = None
        if self.pending:
            self.pending = False
            self.action()

    @contextmanager
    def hold(self):
        """Collect requests inside the block; act once at its end."""
        self.holds += 1
        try:
            yield self
        finally:
            self.holds -= 1
            if not self.holds:
                self.flush()


class Player:
    """Animate training: ``frame()`` trains a few epochs and redraws, returning False when done.

    In a kernel, :meth:`play` starts an asyncio task that sleeps between frames, so clicks
    and slider moves are handled while it runs. Without an event loop it calls ``finish()``.
    """

    def __init__(self, frame, finish, fps=30):
        self.frame, self.finish, self.fps = frame, finish, fps
        self.task = None
        self.playing = False

    def play(self):
        loop = running_loop()
        if loop is None:
            self.finish()
            return
        self.playing = True
        if self.task is None or self.task.done():
            self.task = loop.create_task(self._animate())

    def pause(self):
        self.playing = False

    async def _animate(self):
        interval = 1.0 / self.fps
        while self.playing:
            start = asyncio.get_running_loop().time()
            if not self.frame():
                break
            elapsed = asyncio.get_running_loop().time() - start
            await asyncio.sleep(max(0.0, interval - elapsed))
        self.playing = False

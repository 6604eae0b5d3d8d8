"""The controls of a dashboard, the live canvas, and the event-loop helpers behind them:
coalescing bursts of slider changes, and an animation that yields to the kernel between frames.
"""
import asyncio
from contextlib import contextmanager

import ipywidgets as W
import numpy as np

from .. import catalog
from .setup import OWN_DATA
from ..data import TASKS

HIDDEN_CHOICES = ((8,), (16,), (16, 16), (32, 32), (64, 64), (16, 16, 16))
WIDE = W.Layout(width="700px")
MENU = W.Layout(width="540px")
"""Menus wide enough for their longest entry ('regression_1d', 'Gaussian noise') after the
320 px label column of :data:`STYLE`."""
STYLE = {"description_width": "320px"}
"""Room for a slider's whole label with its convention (e.g. the elastic net formula)."""
PROGRESS_STYLE = {"description_width": "130px"}
"""Room for "epoch 1000 / 1000" beside the buttons, short enough for half a screen."""


def running_loop():
    """The running asyncio loop (inside a Jupyter kernel), or None (plain Python, tests)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def strength_slider(name, value=None):
    """A slider for ``name``'s strength: logarithmic or linear, labelled with its convention."""
    spec = catalog.SLIDERS[name]
    value = spec["value"] if value is None else value
    common = dict(value=value, description=spec["label"], tooltip=spec["label"],
                  readout_format=".3g", style=STYLE, layout=WIDE, continuous_update=True,
                  disabled=name == "none")
    if spec["log"]:
        return W.FloatLogSlider(min=np.log10(spec["min"]), max=np.log10(spec["max"]),
                                step=0.05, base=10, **common)
    return W.FloatSlider(min=spec["min"], max=spec["max"], step=0.01, **common)


def hidden_label(hidden):
    """``(16, 16) -> '16-16'``."""
    return "-".join(str(h) for h in hidden)


def make_controls(settings, own_data):
    """Every control by name; a dashboard shows the ones it was asked for."""
    hidden = tuple(settings.hidden)
    choices = list(HIDDEN_CHOICES) + ([hidden] if hidden not in HIDDEN_CHOICES else [])
    datasets = ([OWN_DATA] if own_data else []) + list(TASKS)
    knobs = {**catalog.KNOBS.get(settings.regularizer, {}), **settings.knobs}
    return with_tooltips({
        "regularizer": W.Dropdown(options=[(catalog.TITLES[n], n) for n in catalog.NAMES],
                                  value=settings.regularizer, description="regularizer",
                                  style=STYLE, layout=MENU),
        "strength": strength_slider(settings.regularizer, settings.strength),
        "l1_ratio": W.FloatSlider(value=knobs.get("l1_ratio", 0.5), min=0, max=1, step=0.05,
                                  description="L1 ratio r (elastic net)", style=STYLE,
                                  layout=WIDE),
        "form": W.Dropdown(options=list(catalog.L1_FORMS), value=knobs.get("form", "subgradient"),
                           description="L1 form", style=STYLE, layout=MENU),
        "where": W.Dropdown(options=["input", "hidden"], value=knobs.get("where", "hidden"),
                            description="acts on", style=STYLE, layout=MENU),
        "lr": W.FloatLogSlider(value=settings.lr, min=-3, max=0, step=0.05, base=10,
                               description="learning rate (SGD)", readout_format=".3g",
                               style=STYLE, layout=WIDE),
        "epochs": W.IntSlider(value=settings.epochs, min=10, max=1000, step=10,
                              description="epochs", style=STYLE, layout=WIDE),
        "dataset": W.Dropdown(options=datasets, value=settings.dataset, description="data set",
                              style=STYLE, layout=MENU),
        "n_train": W.IntSlider(value=settings.n_train, min=10, max=1000, step=10,
                               description="training-set size n", style=STYLE, layout=WIDE,
                               continuous_update=False),
        "hidden": W.Dropdown(options=[(hidden_label(h), h) for h in choices], value=hidden,
                             description="hidden layers", style=STYLE, layout=MENU),
        "mid_run": W.Checkbox(value=False, description="change strength mid-run (no restart)",
                              style=STYLE, indent=False),
    })


def with_tooltips(controls):
    """Each control's full label also as its tooltip (shown on hover when a label is cut)."""
    for control in controls.values():
        control.tooltip = control.tooltip or control.description
    return controls


def make_buttons():
    """Play, pause, step and reset buttons, and the progress bar."""
    return {
        "play": W.Button(description="▶ play", button_style="success"),
        "pause": W.Button(description="■ pause"),
        "step": W.Button(description="▸ step"),
        "reset": W.Button(description="⟲ reset", button_style="warning"),
        "progress": W.IntProgress(value=0, min=0, max=1, description="epoch 0",
                                  style=PROGRESS_STYLE),
    }


def import_ipympl_canvas():
    """``(FastCanvas, FigureManager)``, or None without ipympl, leaving pyplot's backend alone.

    ``import ipympl`` calls ``matplotlib.use("module://ipympl.backend_nbagg")`` when matplotlib
    is loaded, which would turn every later ``plt`` figure of the notebook into a widget (and
    switching back closes all open figures). ``matplotlib.use`` is held inert for that import.
    """
    import matplotlib
    use = matplotlib.use
    matplotlib.use = lambda *args, **kwargs: None
    try:
        from ipympl.backend_nbagg import FigureManager

        from .canvas import FastCanvas
    except ImportError:
        return None
    finally:
        matplotlib.use = use
    return FastCanvas, FigureManager


def live_canvas(figure):
    """An ipympl canvas widget for ``figure`` (no pyplot registration), or None without ipympl.

    The figure is shown by its own widget, so the notebook keeps the inline backend. Its size
    in pixels is set at once: a canvas shown inside a box starts at 0×0 until the browser's view
    reports itself ready, and a frame drawn before that (a ``run()`` in the next cell) left the
    view at 0×0 for good.
    """
    imported = import_ipympl_canvas()
    if imported is None:
        return None
    FastCanvas, FigureManager = imported
    canvas = FastCanvas(figure)
    FigureManager(canvas, 0)
    canvas.header_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    canvas.capture_scroll = False
    canvas._size = tuple(float(v) for v in figure.get_size_inches() * figure.dpi
                         / canvas.device_pixel_ratio)
    return canvas


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

    def __init__(self, frame, finish, fps=25):
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

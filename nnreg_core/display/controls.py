"""The controls of a dashboard (each with a layout of its own) and its live ipympl canvas."""
import ipywidgets as W

from .. import catalog
from . import sliders
from .setup import OWN_DATA
from ..data import TASKS

HIDDEN_CHOICES = ((8,), (16,), (16, 16), (32, 32), (64,), (64, 64), (16, 16, 16))
LABEL_WIDTH = "250px"
"""The label column: room for a slider's label with its convention, e.g. the elastic net's."""
SLIDER_WIDTH, MENU_WIDTH = "760px", "470px"


def wide():
    """A new layout for a slider row: as wide as its box allows, at most :data:`SLIDER_WIDTH`
    (one Layout per control: a layout shared between widgets dies with the first closed)."""
    return W.Layout(width="100%", max_width=SLIDER_WIDTH)


def menu():
    """A new layout for a menu: room for its longest entry after the label column."""
    return W.Layout(width="100%", max_width=MENU_WIDTH)


def label_style():
    return {"description_width": LABEL_WIDTH}


def value_options(values):
    """``[(label, value)]`` for a SelectionSlider: each value printed as it is used."""
    return [(sliders.show(v), float(v)) for v in values]


def strength_slider(name, value, lr):
    """The strength slider of ``name``: its grid of exact values, labelled with its convention."""
    values = sliders.strength_grid(name, value, lr)
    slider = W.SelectionSlider(options=value_options(values), description=strength_label(name),
                               style=label_style(), layout=wide(), continuous_update=True,
                               disabled=name == "none")
    slider.value = float(value) if value in values else values[sliders.nearest(values, value)]
    return slider


def strength_label(name):
    return catalog.STRENGTHS[name]["label"]


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
                                  style=label_style(), layout=menu()),
        "strength": strength_slider(settings.regularizer, settings.strength, settings.lr),
        "l1_ratio": W.SelectionSlider(options=value_options(sliders.grid(
                                          dict(min=0.0, max=1.0, log=False, step=0.05),
                                          knobs.get("l1_ratio", 0.5))),
                                      value=float(knobs.get("l1_ratio", 0.5)),
                                      description="L1 ratio r (elastic net)",
                                      style=label_style(), layout=wide()),
        "form": W.Dropdown(options=list(catalog.L1_FORMS), value=knobs.get("form", "subgradient"),
                           description="L1 form", style=label_style(), layout=menu()),
        "where": W.Dropdown(options=["input", "hidden"], value=knobs.get("where", "hidden"),
                            description="acts on", style=label_style(), layout=menu()),
        "lr": W.SelectionSlider(options=value_options(sliders.lr_grid(settings.lr)),
                                value=float(settings.lr), description="learning rate (SGD)",
                                style=label_style(), layout=wide(), continuous_update=False),
        "epochs": W.IntSlider(value=settings.epochs, min=10, max=max(1000, settings.epochs),
                              step=10, description="epochs", style=label_style(),
                              layout=wide(), continuous_update=False),
        "dataset": W.Dropdown(options=datasets, value=settings.dataset, description="data set",
                              style=label_style(), layout=menu()),
        "n_train": W.IntSlider(value=settings.n_train, min=10, max=max(1000, settings.n_train),
                               step=10, description="training-set size n",
                               style=label_style(), layout=wide(), continuous_update=False),
        "hidden": W.Dropdown(options=[(hidden_label(h), hidden_label(h)) for h in choices],
                             value=hidden_label(hidden), description="hidden layers",
                             style=label_style(), layout=menu()),
        "mid_run": W.Checkbox(value=False, description="live (strength changes mid-run)",
                              indent=False, layout=W.Layout(width="auto")),
    })


def with_tooltips(controls):
    """Each control's full label also as its tooltip (shown on hover when a label is cut)."""
    for control in controls.values():
        control.tooltip = control.tooltip or control.description
    return controls


def make_buttons():
    """Play, pause, step and reset buttons, the epoch slider and the progress bar."""
    return {
        "play": W.Button(description="▶ play", button_style="success",
                         tooltip="replay the training of this strength (live: train)",
                         layout=W.Layout(width="auto")),
        "pause": W.Button(description="■ pause", layout=W.Layout(width="auto")),
        "step": W.Button(description="▸ step", layout=W.Layout(width="auto")),
        "reset": W.Button(description="⟲ reset", button_style="warning",
                          layout=W.Layout(width="auto")),
        "epoch": W.SelectionSlider(options=[("0", 0)], value=0, description="epoch",
                                   style={"description_width": "60px"},
                                   layout=W.Layout(width="280px"),
                                   continuous_update=True),
        "progress": W.IntProgress(value=0, min=0, max=1, description="",
                                  layout=W.Layout(width="120px")),
        "status": W.Label("", layout=W.Layout(width="auto")),
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

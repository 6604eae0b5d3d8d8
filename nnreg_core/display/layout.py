"""Where a dashboard's controls go, and one dashboard per notebook cell.

The strength slider (with its knobs) and the play row sit right above the figure, so a slider
and the curves it moves fit in a 720 px tall window; the other controls come below. Boxes
change their children, the figure's box never does: a browser would keep the old canvas views
of a re-rendered box (two figures on the page).
"""
import weakref

import ipywidgets as W

KNOB_CONTROLS = {"elastic_net": ("l1_ratio",), "dropout": ("where",), "noise": ("where",),
                 "l1": ("form",)}
NEAR_FIGURE = ("strength",)


def control_rows(dash):
    """``(near the figure, below it)``: the controls ``dash`` shows, in order."""
    knobs = KNOB_CONTROLS.get(dash.settings.regularizer, ())
    names = list(dash.shown)
    if "strength" in names:       # the regularizer's knobs right under it, each once
        names = [n for n in names if n not in knobs]
        at = names.index("strength") + 1
        names[at:at] = knobs
    near = [n for n in names if n in NEAR_FIGURE or n in KNOB_CONTROLS.get(
        dash.settings.regularizer, ())]
    rest = [n for n in names if n not in near and n != "mid_run"]
    return [dash.controls[n] for n in near], [dash.controls[n] for n in rest]


def button_row(dash):
    """Play, pause, step, reset, the epoch slider, the live switch (when shown) and the
    progress of a path's training, wrapping onto a second line when narrow."""
    c = dash.controls
    live = [c["mid_run"]] if "mid_run" in dash.shown else []
    return W.HBox([c["play"], c["pause"], c["step"], c["reset"], c["epoch"], *live,
                   c["progress"], c["status"]],
                  layout=W.Layout(flex_flow="row wrap", align_items="center"))


def current_execution():
    """``(cell id, message id)`` of the notebook cell running now, or None outside a kernel."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
        parent = shell.kernel.get_parent() if shell is not None and hasattr(
            shell, "kernel") else None
    except Exception:  # noqa: BLE001 - no kernel, no cell: nothing to track
        return None
    if not parent:
        return None
    cell = (parent.get("metadata") or {}).get("cellId")
    return (cell, parent.get("header", {}).get("msg_id")) if cell else None


_MADE = {}
"""``{cell id: (message id, [weak references to what that run of the cell made])}``."""
_OWNER = []


def register_for_cell(made):
    """Remember ``made`` (anything with ``close()``) as made by the running cell; the previous
    run of the same cell has its dashboards closed, so re-running a cell leaks nothing."""
    execution = current_execution()
    if execution is None or _OWNER:
        return
    cell, message = execution
    previous_message, previous = _MADE.get(cell, (None, []))
    if previous_message != message:
        for ref in previous:
            old = ref()
            if old is not None and old is not made:
                old.close()
        previous = []
    _MADE[cell] = (message, previous + [weakref.ref(made)])


class owned_by:
    """Context manager: dashboards made inside belong to a container that registers itself
    (a :class:`~nnreg_core.display.compare.Comparison`)."""

    def __enter__(self):
        _OWNER.append(self)

    def __exit__(self, *exc):
        _OWNER.pop()

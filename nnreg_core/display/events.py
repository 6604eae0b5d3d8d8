"""What a dashboard does when a control moves: how much each change redoes.

- ``"redraw"``: a new strength on the path: read the cache, nothing is trained;
- ``"retune"``: live, after training started: the running strength (and learning rate) change
  in place, training goes on, and the change is marked on the curves;
- ``"restart"``: live: a fresh run from the same initial weights, animated;
- ``"rebuild"``: anything the path does not cover (learning rate, epochs, data, hidden
  sizes, the regularizer or a knob): a new path trains in the background;
- ``"mode"``: live ticked or unticked.

Functions of a :class:`~nnreg_core.display.dashboard.Dashboard`; no widgets are made here.
"""
from .. import catalog
from .training import LiveTraining

KNOB_NAMES = ("l1_ratio", "where", "form")


def changed_settings(settings, name, value):
    """The settings after control ``name`` took ``value`` (checked: a ValueError names it)."""
    if name == "mid_run":
        return settings
    if name in KNOB_NAMES:
        return settings.changed(knobs={**settings.knobs, name: value})
    if name == "regularizer":
        knobs = {k: v for k, v in settings.knobs.items() if k in ("l1_ratio", "form")}
        knobs.update({k: v for k, v in catalog.KNOBS[value].items() if k == "where"})
        return settings.changed(regularizer=value, knobs=knobs,
                                strength=catalog.STRENGTHS[value]["default"])
    if name == "hidden":
        value = tuple(int(h) for h in value.split("-"))
    return settings.changed(**{name: value})


def work_for(dash, name):
    """Which of the module's kinds of work a change of control ``name`` needs."""
    if name == "mid_run":
        return "mode"
    if dash.live is None:
        return "redraw" if name == "strength" else "rebuild"
    started = dash.live.epoch > 0 and not dash.live.run.stopped
    if name in ("strength", "lr") and started:
        return "retune"
    return "rebuild" if name not in ("strength", "lr") else "restart"


def apply(dash, work):
    """Do the work requested since the last time (a burst of changes is applied once)."""
    s = dash.settings
    if "mode" in work:
        dash.player.pause()
        dash.live = LiveTraining(s, dash.dataset, dash.bins) if dash.controls[
            "mid_run"].value else None
        dash._new_panels()
        if dash.live is not None:
            dash.play()
        return
    if "rebuild" in work:
        dash._rebuild()
        if dash.live is None:
            return
        work = {"restart"}
    if "restart" in work:
        dash.player.pause()
        dash.live = LiveTraining(s, dash.dataset, dash.bins)
        dash._new_panels()
        dash.play()
    elif "retune" in work:
        dash.live.retune(s.strength, s.lr, s.knobs)
        if dash.live.done:
            dash.live.run.epochs = dash.live.run.epoch + s.epochs
            dash.live.recording.total = dash.live.run.epochs
        dash.play()
    elif "redraw" in work:
        dash.player.pause()
        dash.view.whole_frames(False)
        dash.index = -1
        dash._redraw()

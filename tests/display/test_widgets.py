"""Dashboards in a bare kernel: move a control, assert on what is drawn.

Without an event loop a change applies at once and a path trains synchronously; inside a
running asyncio loop changes are coalesced and paths train in a thread, as in a Jupyter kernel.
"""
import asyncio
import io
import subprocess
import sys
import threading

import matplotlib

matplotlib.use("Agg")

import ipywidgets
import numpy as np
import pytest
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

import nnreg_core as nc
from nnreg_core import display as widgets
from nnreg_core.display import layout, sliders

SMALL = dict(epochs=30, n_train=80, hidden=(8, 8))


def live_widgets():
    """The ids of every widget alive in this kernel (``Widget.widgets`` is deprecated in 8)."""
    from ipywidgets.widgets import widget
    return set(widget._instances)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def heights(dash, layer=1):
    return dash.panels.artists["weights"].steps[layer].get_data().values.tolist()


def loss_line(dash, name="train_loss"):
    return dash.panels.artists["loss"].lines[name]


def test_building_trains_the_whole_path_and_draws_the_given_strength_at_the_end():
    dash = widgets.Dashboard(strength=3e-4, **SMALL)
    assert dash.summary()["epoch"] == 30 and dash.summary()["strength"] == 3e-4
    assert len(loss_line(dash).get_ydata()) == 30
    assert dash.controls["strength"].value == 3e-4
    assert dash.controls["strength"].label == "0.0003"
    assert "λ=0.0003" in dash.panels.title.get_text()
    assert isinstance(dash.figure, Figure) and plt.get_fignums() == []


def test_the_slider_offers_plain_values_and_the_one_asked_for_exactly():
    dash = widgets.Dashboard(strength=0.2, lr=0.3, **SMALL)        # 0.2 is off the grid
    labels = dash.controls["strength"].options
    assert ("0.2", 0.2) in labels and ("0.3", 0.3) in labels and ("0.0001", 0.0001) in labels
    assert dash.controls["lr"].value == 0.3 and dash.controls["lr"].label == "0.3"
    dash.controls["strength"].value = 0.03
    assert dash.summary()["strength"] == 0.03 and "λ=0.03" in dash.panels.title.get_text()


def test_a_strength_change_redraws_from_the_cache_without_training():
    dash = widgets.Dashboard(strength=1e-4, **SMALL)
    build, weak = dash.build, dash.summary()
    weak_heights = heights(dash)
    dash.controls["strength"].value = 0.3
    assert dash.build is build
    strong = dash.summary()
    assert strong["strength"] == 0.3 and strong["weight_norm"] < 0.5 * weak["weight_norm"]
    middle = len(weak_heights) // 2
    assert sum(heights(dash)[middle - 1:middle + 2]) > sum(weak_heights[middle - 1:middle + 2])
    np.testing.assert_array_equal(heights(dash), dash.frame().counts[1])


def test_the_drawn_end_state_equals_a_run_of_that_strength_alone():
    dash = widgets.Dashboard(regularizer="l2", strength=1e-2, **SMALL)
    s = dash.settings
    net = nc.MLP(dash.dataset.sizes(s.hidden), activation=s.activation, loss=dash.dataset.loss)
    run = nc.Run(net, net.init(np.random.default_rng(s.seed), dtype=np.float32), dash.dataset.X_train,
                 dash.dataset.y_train, dash.dataset.X_test, dash.dataset.y_test,
                 optimizer=nc.SGD(s.lr), regularizers=[nc.L2(1e-2)], epochs=s.epochs,
                 batch_size=s.batch_size, rng=s.seed, snapshots=False)
    alone = run.run_all()[-1]
    # both trained in float32 (the path batched, on threads; the run alone, one model)
    assert dash.dataset.X_test.shape == (500, 2)
    assert dash.summary()["weight_norm"] == pytest.approx(alone.weight_norm, rel=1e-5)
    assert dash.summary()["test_loss"] == pytest.approx(alone.test_loss, rel=1e-5)


def test_the_map_drawn_is_the_one_of_that_models_weights_at_that_epoch():
    from nnreg_core.display.record import boundary_grid, probabilities_probe
    dash = widgets.Dashboard(regularizer="l2", strength=1e-2, **SMALL)
    recording, k = dash.recording, int(np.argmin(np.abs(dash.recording.strengths - 1e-2)))
    assert len(recording.map_weights) < len(recording.epochs)   # kept at a coarser step
    probe = probabilities_probe(dash.net, boundary_grid(dash.dataset.X_train))
    for index in (0, len(recording.epochs) // 2, -1):
        kept = recording.map_weights[recording.map_index[index]]
        expected = probe({name: p[k:k + 1] for name, p in kept.items()})[0] / 255
        assert np.array_equal(recording.frame(k, index).map, expected.astype(np.float32))
    assert recording.map_index[-1] == len(recording.map_weights) - 1     # the end has its own
    assert not np.array_equal(recording.frame(k, 0).map, recording.frame(k).map)


def test_the_epoch_slider_scrubs_the_recorded_training():
    dash = widgets.Dashboard(**SMALL)
    epoch = dash.controls["epoch"]
    epoch.value = 10
    assert dash.summary()["epoch"] == 10 and len(loss_line(dash).get_ydata()) == 10
    dash.controls["step"].click()
    assert dash.summary()["epoch"] == 11 and epoch.value == 11
    dash.controls["reset"].click()
    assert dash.summary()["epoch"] == 0 and len(loss_line(dash).get_ydata()) == 0
    dash.controls["play"].click()            # without an event loop: straight to the end
    assert dash.summary()["epoch"] == 30


def test_play_replays_from_the_cache_in_a_kernel_loop():
    async def replay():
        dash = widgets.Dashboard(**SMALL)
        dash.run()                       # in a kernel loop the path trains in a thread
        build, epochs = dash.build, []
        dash.on_draw = lambda: epochs.append(dash.frame().epoch)
        dash.controls["play"].click()
        while dash.player.playing:
            await asyncio.sleep(0.01)
        return dash, build, epochs

    dash, build, epochs = asyncio.run(replay())
    assert dash.build is build and epochs == list(range(1, 31))


def test_a_control_the_path_does_not_cover_trains_a_new_path():
    dash = widgets.Dashboard(**SMALL)
    build = dash.build
    dash.controls["epochs"].value = 50
    assert dash.build is not build and dash.summary()["epoch"] == 50
    assert dash.panels.artists["loss"].ax.get_xlim() == (0, 50)
    dash.controls["hidden"].value = "16"
    assert len(dash.panels.artists["weights"].axes) == 2
    assert dash.summary()["n_weights"] == 2 * 16 + 16


def test_a_new_path_trains_in_the_background_and_the_old_picture_stays_until_ready():
    async def retrain():
        dash = widgets.Dashboard(**SMALL)
        dash.run()
        before = dash.panels
        dash.controls["lr"].value = 0.2
        await asyncio.sleep(0.02)          # the coalesced change has started the new path
        still = dash.panels is before and dash.settings.lr == 0.2
        progress = []
        while not dash.build.finished:
            progress.append(dash.controls["progress"].value)
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.01)
        return still, progress, dash

    still, progress, dash = asyncio.run(retrain())
    assert still and dash.panels is not None and dash.summary()["epoch"] == 30
    assert dash.controls["progress"].value == dash.controls["progress"].max == 30
    assert "strengths trained" in dash.controls["status"].value


def test_live_mode_changes_the_strength_mid_run_and_marks_it():
    dash = widgets.Dashboard(strength=1e-5, epochs=60, n_train=80, hidden=(8, 8))
    dash.controls["mid_run"].value = True       # without a loop: trains to the end at once
    dash.reset()
    dash.step(30)
    norm_at_30 = dash.summary()["weight_norm"]
    dash.controls["strength"].value = 0.3
    assert dash.live.regularizers[0].lam == 0.3 and dash.summary()["epoch"] == 60
    assert dash.summary()["weight_norm"] < 0.6 * norm_at_30
    texts = [a.get_text() for a in dash.panels.marks if hasattr(a, "get_text")]
    assert "→ 0.3" in " ".join(texts)
    lines = [a for a in dash.panels.marks if not hasattr(a, "get_text")]
    assert lines and lines[0].get_xdata()[0] == 30
    dash.controls["mid_run"].value = False      # back to the path: no marks, the cache drawn
    assert dash.panels.marks == [] and dash.summary()["strength"] == 0.3


def test_proximal_l1_zero_counts_reach_the_histogram():
    dash = widgets.Dashboard(regularizer="l1", strength=0.05, knobs={"form": "proximal"},
                             **SMALL)
    zeros = dash.panels.artists["weights"].zeros
    assert sum(zeros) == dash.summary()["zeros"] > 0
    assert dash.panels.artists["weights"].zero_texts[1].get_text().startswith(
        f"exact zeros: {zeros[1]} / 64")


def test_the_zero_count_has_room_above_the_tallest_bar():
    dash = widgets.Dashboard(regularizer="l1", knobs={"form": "proximal"}, **SMALL)
    for value in dash.strengths:
        dash.controls["strength"].value = value
        for ax, counts in zip(dash.panels.artists["weights"].axes, dash.frame().counts):
            assert counts.max() <= ax.get_ylim()[1] / 1.5 + 1e-9


def test_titles_follow_every_knob():
    dash = widgets.Dashboard(regularizer="elastic_net", strength=0.02,
                             controls=("strength", "l1_ratio"), **SMALL)
    dash.controls["l1_ratio"].value = 0.0
    assert "λ1=0, λ2=0.02" in dash.panels.title.get_text()
    dash.controls["l1_ratio"].value = 1.0
    assert "λ1=0.02, λ2=0 " in dash.panels.title.get_text()
    noisy = widgets.Dashboard(regularizer="dropout", controls=("strength", "where"), **SMALL)
    noisy.controls["where"].value = "input"
    assert "on input" in noisy.panels.title.get_text()


def test_regularizers_without_a_loss_term_list_no_penalty_in_the_legend():
    for name in ("dropout", "noise", "max_norm"):
        dash = widgets.Dashboard(regularizer=name, **SMALL)
        entries = [t.get_text() for t in dash.panels.artists["loss"].legend.get_texts()]
        assert not any("penalty" in e for e in entries), (name, entries)
    l2 = widgets.Dashboard(regularizer="l2", **SMALL)
    assert any("penalty" in t.get_text() for t in l2.panels.artists["loss"].legend.get_texts())


def test_a_live_histogram_axis_fits_the_weights_not_the_empty_start():
    """Live mode has no path to fix the count axis: it fits the first weights drawn (1.4 × the
    tallest bin), not the all-zero placeholder's single bar of every weight."""
    dash = widgets.Dashboard(regularizer="noise", strength=0.5, mode="live", epochs=10,
                             n_train=80, hidden=(32, 32))
    dash.run()
    for ax, counts in zip(dash.panels.artists["weights"].axes, dash.frame().counts):
        assert counts.max() <= ax.get_ylim()[1] < 0.5 * counts.sum()
    assert dash.panels.artists["loss"].ax.get_title() == "data loss"


def test_a_knob_asked_for_among_the_controls_is_shown_once():
    dash = widgets.Dashboard(regularizer="elastic_net", controls=("strength", "l1_ratio", "lr"),
                             **SMALL)
    shown = list(dash.near.children) + list(dash.rest.children)
    assert shown.count(dash.controls["l1_ratio"]) == 1
    noisy = widgets.Dashboard(regularizer="noise", controls=("strength", "where"), **SMALL)
    assert list(noisy.near.children).count(noisy.controls["where"]) == 1


def test_the_projector_style_does_not_stack_the_panel_rows():
    """Notebooks 05-08 call ``plt.style.use(style.RC)``, which turns on constrained layout for
    every new figure; the dashboard's live and static figures keep their two rows apart."""
    from nnreg_core.display import style
    with plt.style.context(style.RC):
        dash = widgets.Dashboard(regularizer="l2", **SMALL)
        static = dash.static_figure()
    for fig in (dash.figure, static):
        assert fig.get_layout_engine() is None
        histograms, curves = fig.axes[0].get_position(), fig.axes[-1].get_position()
        assert histograms.y0 > curves.y1, "the weights row sits above the curves row"
    plt.close(static)


def test_the_loss_axis_fits_the_data_losses_not_an_early_penalty():
    dash = widgets.Dashboard(regularizer="l2", strength=1.0, **SMALL)
    top = dash.panels.artists["loss"].ax.get_ylim()[1]
    objective = dash.frame().curves["train_loss"] + dash.frame().curves["penalty"]
    data = max(np.max(dash.recording.curves[n]) for n in ("train_loss", "test_loss"))
    assert top == pytest.approx(1.45 * data) and top < 3


def test_changing_the_regularizer_keeps_one_figure_and_swaps_the_slider_values():
    dash = widgets.Dashboard(**SMALL)
    children, canvas = dash.ui.children, dash.view.widget
    slider = dash.controls["strength"]
    dash.controls["regularizer"].value = "dropout"
    assert dash.ui.children == children and children.count(canvas) == 1
    assert slider is dash.controls["strength"] and "keep probability" in slider.description
    assert slider.value == 0.8 and dash.controls["where"] in dash.near.children
    slider.value = 0.5
    assert dash.summary()["strength"] == 0.5 and "keep=0.5" in dash.panels.title.get_text()
    dash.controls["regularizer"].value = "l2"
    assert dash.controls["where"] not in dash.near.children


@pytest.mark.parametrize("kwargs, words", [
    (dict(mode="scrub"), "mode"), (dict(panels=("histogram",)), "panels"),
    (dict(controls=("speed",)), "controls"), (dict(strength=-1.0), ">= 0"),
    (dict(hidden=(0,)), "hidden"), (dict(hidden="16"), "hidden"),
    (dict(hidden=(4.5,)), "hidden"), (dict(dataset="mnist"), "unknown data set"),
    (dict(epochs=2.5), "epochs"), (dict(lr=float("nan")), "lr"),
])
def test_constructor_refuses_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        widgets.Dashboard(**kwargs)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(knobs=[1]), ValueError, r"knobs must be a dict such as \{'l1_ratio': 0.5\}, got \[1\]"),
    (dict(frame_epochs=0), ValueError, "frame_epochs must be a whole number >= 1, got 0"),
    (dict(frame_epochs="x"), TypeError, "frame_epochs must be a whole number, got 'x'"),
    (dict(figsize="big"), ValueError, r"figsize must be \(width, height\) in inches"),
    (dict(figsize=(0, 4)), ValueError, r"figsize must be \(width, height\) in inches, each > 0"),
])
def test_constructor_refuses_knobs_frames_and_sizes_it_cannot_use(kwargs, error, words):
    """These failed inside dict() or int() or matplotlib ('Invalid unit'), or were taken
    (0 epochs per live frame)."""
    with pytest.raises(error, match=words):
        widgets.Dashboard(**kwargs)


def test_x_without_y_is_refused_in_the_widget_naming_what_is_missing():
    dash = widgets.Dashboard(X=np.zeros((20, 2)), epochs=2, n_train=40, hidden=(4,))
    assert "give both X and y" in dash.message.value and "y is missing" in dash.message.value


def test_a_comparison_side_that_is_not_a_dict_is_named():
    with pytest.raises(ValueError, match="left must be a dict of Dashboard settings"):
        widgets.Comparison(left="l2")


def test_unusual_hidden_sizes_work_and_show_in_the_menu():
    dash = widgets.Dashboard(hidden=(3, 3), epochs=10, n_train=40)
    assert dash.controls["hidden"].value == "3-3" and dash.summary()["n_weights"] == 6 + 9 + 3


def test_own_data_is_used_and_bad_data_refused_in_the_widget():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    dash = widgets.Dashboard(X=X, y=y, epochs=20, hidden=(8,))
    assert dash.settings.dataset == "your data" and len(dash.dataset.X_train) == 90
    assert "boundary" in dash.panels.artists and dash.message.value == ""
    refused = widgets.Dashboard(X=np.full((10, 2), np.nan), y=np.zeros(10), epochs=10,
                                hidden=(4,))
    assert "NaN" in refused.message.value and "⚠" in refused.message.value
    assert refused.settings.dataset == "moons"
    assert dash.use_data(X, y[:-1]) is False and "one entry per row" in dash.message.value
    assert dash.use_data(rng.standard_normal((60, 3)), rng.integers(0, 3, 60)) is True
    assert "boundary" not in dash.panels.artists and dash.dataset.task == "multiclass"


@pytest.mark.parametrize("X, y, words", [
    (np.zeros((0, 2)), np.zeros(0), "empty"),
    (np.random.default_rng(0).standard_normal((40, 2)), np.repeat([1, 2], 20), "0, 1"),
    (np.random.default_rng(0).standard_normal((40, 2)), np.repeat([0, 2], 20), "0, 1"),
])
def test_empty_arrays_and_labels_not_counted_from_zero_are_refused_clearly(X, y, words):
    dash = widgets.Dashboard(X=X, y=y, epochs=10, hidden=(4,))
    assert words in dash.message.value
    assert dash.use_data(X, y) is False


def test_close_frees_the_widgets_and_closed_widgets_leave_new_dashboards_working():
    before = live_widgets()
    dash = widgets.Dashboard(**SMALL)
    controls = list(dash.controls.values())
    dash.close()
    assert all(c.comm is None for c in controls) and dash.canvas.comm is None
    assert live_widgets() <= before      # layouts, styles, toolbar too
    assert dash.figure.axes == []
    ipywidgets.Widget.close_all()
    again = widgets.Dashboard(**SMALL)
    again.controls["strength"].value = 0.1
    assert again.summary()["strength"] == 0.1
    layouts = {id(c.layout) for c in again.controls.values()}
    assert len(layouts) == len(again.controls)


def test_rerunning_a_cell_closes_the_dashboards_its_last_run_made(monkeypatch):
    runs = iter([("cell-a", "run-1"), ("cell-a", "run-1"), ("cell-a", "run-2"),
                 ("cell-b", "run-3")])
    monkeypatch.setattr(layout, "current_execution", lambda: next(runs))
    first, second = widgets.Dashboard(**SMALL), widgets.Dashboard(**SMALL)
    assert first.ui.comm is not None and second.ui.comm is not None
    third = widgets.Dashboard(**SMALL)                 # the cell runs again
    assert first.ui.comm is None and second.ui.comm is None and third.ui.comm is not None
    other = widgets.Dashboard(**SMALL)                 # another cell
    assert third.ui.comm is not None and other.ui.comm is not None


def test_a_second_concurrent_run_is_refused():
    dash = widgets.Dashboard(mode="live", **SMALL)
    dash.reset()
    entered, release = threading.Event(), threading.Event()
    advance = dash.live.advance

    def slow_advance(n):
        entered.set()
        release.wait(10)
        return advance(n)

    dash.live.advance = slow_advance
    worker = threading.Thread(target=dash.run)
    worker.start()
    entered.wait(10)
    with pytest.raises(RuntimeError, match="already training"):
        dash.run()
    release.set()
    worker.join()
    assert dash.summary()["epoch"] == 30


def test_many_changes_reuse_one_figure_and_leak_none():
    dash = widgets.Dashboard(**SMALL)
    figure, axes = dash.figure, len(dash.figure.axes)
    for value in dash.strengths:
        dash.controls["strength"].value = value
    assert dash.figure is figure and len(figure.axes) == axes
    assert plt.get_fignums() == []
    assert len(dash.panels.artists["boundary"].ax.images) == 1


def test_static_figures_fit_the_notebook_output_at_1280_px():
    """A dashboard's static figure is the live figure's size at 72 dpi; a comparison's puts
    the sides one above the other, since side by side they are twice too wide."""
    import io

    from PIL import Image
    from nnreg_core.display import style
    comp = widgets.Comparison(left=dict(regularizer="l1"), right=dict(regularizer="l2"), **SMALL)
    for fig in (comp.left.static_figure(), comp.static_figure()):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches=None)      # as the lessons show it
        assert Image.open(buffer).size[0] <= style.OUTPUT_WIDTH_PX
        plt.close(fig)


def test_static_figure_draws_the_current_state():
    dash = widgets.Dashboard(**SMALL)
    fig = dash.static_figure()
    assert fig is not dash.figure and plt.get_fignums() == [fig.number]
    assert len(fig.axes) == len(dash.figure.axes)


def test_the_cache_is_small_and_says_so():
    dash = widgets.Dashboard(**SMALL)
    assert 0 < dash.cache_bytes() < 8 * 2 ** 20
    assert "MB" in dash.controls["status"].value


def test_comparison_runs_both_sides_from_the_same_start_and_shares_axes():
    comp = widgets.Comparison(left=dict(regularizer="l1", strength=1e-2),
                              right=dict(regularizer="l2", strength=1e-2),
                              panels=("weights", "loss", "boundary"), **SMALL)
    left, right = comp.left.recording, comp.right.recording
    np.testing.assert_array_equal(left.snapshots[0][0][0][0], right.snapshots[0][0][0][0])
    comp.run()
    summary = comp.summary()
    assert summary["left"]["regularizer"] == "l1" and summary["right"]["regularizer"] == "l2"
    assert summary["left"]["weight_norm"] != summary["right"]["weight_norm"]
    assert f"{summary['left']['test_loss']:.4g}" in comp.readout.value
    for panel in ("loss", "accuracy"):
        assert (comp.left.panels.artists[panel].ax.get_ylim()
                == comp.right.panels.artists[panel].ax.get_ylim())
    left_w = [ax.get_ylim() for ax in comp.left.panels.artists["weights"].axes]
    assert left_w == [ax.get_ylim() for ax in comp.right.panels.artists["weights"].axes]
    assert len(comp.static_figure().axes) == len(comp.left.figure.axes) * 2
    with pytest.raises(ValueError, match="share the data"):
        widgets.Comparison(left=dict(dataset="circles"))
    before = live_widgets()
    comp.close()
    assert comp.left.ui.comm is None and comp.ui.comm is None
    assert len(before - live_widgets()) > 60


def test_importing_the_core_loads_no_widgets_or_matplotlib():
    code = ("import sys, nnreg_core; print(any(m.startswith(('matplotlib', 'ipywidgets')) "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert nc.MLP


def test_the_training_side_of_a_dashboard_imports_no_plotting():
    code = ("import sys; import nnreg_core.display.training, nnreg_core.display.record; "
            "print(any(m.startswith(('matplotlib', 'ipywidgets')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def rendered(dash):
    return np.asarray(dash.figure.canvas.get_renderer().buffer_rgba()).copy()


def shown(dash):
    dash._repr_mimebundle_()
    dash.canvas.syncing_data_url = False
    dash.figure.canvas.draw()
    return dash


@pytest.mark.parametrize("mode", ["path", "live"])
def test_a_blitted_frame_equals_a_full_render(mode):
    dash = shown(widgets.Dashboard(mode=mode, **SMALL))
    if mode == "path":
        before = dash.blitter.blits
        dash.controls["strength"].value = 0.03
        assert dash.blitter.blits == before + 1
    else:
        dash.reset()
        for _ in range(15):
            before = dash.blitter.blits
            dash.step(2)
            if dash.blitter.blits > before:
                break
    assert dash.blitter.blits >= 1
    blitted = rendered(dash)
    dash.figure.canvas.draw()
    assert np.mean(np.any(blitted != rendered(dash), axis=-1)) < 1e-3


def test_moving_the_strength_or_the_epoch_never_rerenders_the_axes():
    dash = shown(widgets.Dashboard(**SMALL))
    dash.controls["strength"].value = 1e-4
    full = dash.blitter.full_draws
    for value in dash.strengths:
        dash.controls["strength"].value = value
    for index in range(0, 31, 3):
        dash.controls["epoch"].value = index
    assert dash.blitter.full_draws == full and dash.blitter.blits >= len(dash.strengths) + 10


def test_a_frame_drawn_before_any_view_keeps_a_data_url_the_browser_can_load():
    dash = widgets.Dashboard(**SMALL)
    dash._repr_mimebundle_()
    dash.figure.canvas.draw()                      # a frame before a view says "initialized"
    assert dash.canvas.syncing_data_url
    assert dash.canvas._data_url.startswith("data:image/png;base64,iVBOR")


def test_no_frame_is_rendered_before_a_view_and_the_views_first_draw_shows_the_state():
    dash = widgets.Dashboard(**SMALL)
    dash._repr_mimebundle_()
    sent = []
    dash.canvas.send_binary = sent.append
    dash.controls["strength"].value = 0.03
    dash.controls["epoch"].value = 10
    assert sent == [] and dash.blitter.full_draws == dash.blitter.blits == 0
    dash.canvas._handle_message(dash.canvas, {"type": "initialized"}, [])
    dash.canvas._handle_message(dash.canvas, {"type": "refresh"}, [])
    dash.figure.canvas.draw()                      # what the view's refresh asks for
    assert sent and dash.blitter.full_draws >= 1
    assert "0.03" in dash.panels.title.get_text() and dash.summary()["epoch"] == 10
    dash.controls["strength"].value = 0.1          # the view is up: frames are sent again
    assert dash.blitter.blits == 1


def test_making_a_dashboard_leaves_pyplot_on_the_notebook_backend():
    code = (
        "import matplotlib\n"
        "matplotlib.use('module://matplotlib_inline.backend_inline')\n"
        "import matplotlib.pyplot as plt\n"
        "from nnreg_core.display import dashboard as widgets\n"
        "widgets.Dashboard(epochs=10, n_train=40, hidden=(4,))\n"
        "print(matplotlib.get_backend())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("backend_inline"), done.stdout


def test_the_live_canvas_has_the_figures_pixel_size_before_any_frame():
    dash = widgets.Dashboard(**SMALL)
    width, height = dash.figure.bbox.size
    ratio = dash.canvas.device_pixel_ratio
    assert tuple(dash.canvas._size) == pytest.approx((width / ratio, height / ratio))
    assert width <= 880          # fits 1280 px with JupyterLab's file browser open


class SkippingBrowser:
    """ipympl's frontend in miniature: a frame that arrives while the previous one is still
    decoding replaces it; a "full" frame replaces the image, any other is painted over it."""

    def __init__(self, canvas, keep_every):
        self.canvas, self.keep_every = canvas, keep_every
        self.received, self.image = 0, None
        canvas.send_binary = self.receive

    def receive(self, png):
        from PIL import Image

        self.received += 1
        if self.received % self.keep_every:
            return
        with Image.open(io.BytesIO(png)) as decoded:
            frame = np.asarray(decoded.convert("RGBA")).copy()
        if self.canvas._image_mode == "full" or self.image is None:
            self.image = frame
        else:
            self.image = np.where(frame[..., 3:] > 0, frame, self.image)


def test_a_browser_that_skips_frames_still_ends_on_the_drawn_figure():
    dash = shown(widgets.Dashboard(mode="live", **SMALL))
    dash.reset()
    browser = SkippingBrowser(dash.canvas, keep_every=3)
    for _ in range(14):
        dash.step(2)
    assert browser.received >= 14 and dash.blitter.blits >= 1
    browser.keep_every = 1
    dash.figure.canvas.blit()
    assert np.mean(np.any(browser.image != rendered(dash), axis=-1)) == 0.0


def test_strength_frames_are_diffs_and_skipped_ones_are_repaired_once_the_slider_rests():
    from nnreg_core.display.canvas import SETTLE_SECONDS

    async def scrub():
        dash = widgets.Dashboard(**SMALL)
        dash.run()
        shown(dash)
        browser = SkippingBrowser(dash.canvas, keep_every=3)
        modes = []
        for value in dash.strengths[::2]:
            dash.controls["strength"].value = value
            await asyncio.sleep(0.03)
            modes.append(dash.canvas._image_mode)
        damaged = np.mean(np.any(browser.image != rendered(dash), axis=-1))
        browser.keep_every = 1
        await asyncio.sleep(3 * SETTLE_SECONDS)
        return modes, damaged, np.mean(np.any(browser.image != rendered(dash), axis=-1))

    modes, damaged, repaired = asyncio.run(scrub())
    assert "diff" in modes and damaged > 0 and repaired == 0.0


def test_shared_limits_set_in_place_draw_as_panels_built_with_them():
    comp = widgets.Comparison(left=dict(regularizer="none"),
                              right=dict(regularizer="l2", strength=0.3), **SMALL)
    comp.run()
    for dash in (comp.left, comp.right):
        panels = dash.panels
        shown(dash)
        in_place = rendered(dash)
        dash._new_panels()                          # built afresh with the shared limits
        assert dash.panels is not panels
        dash.figure.canvas.draw()
        np.testing.assert_array_equal(in_place, rendered(dash))
    assert comp.left.limits == comp.right.limits and comp.left.limits["loss"] > 0


def test_comparison_sides_wrap_when_the_screen_is_narrow_and_their_rows_line_up():
    from nnreg_core.display.compare import is_placeholder
    comp = widgets.Comparison(left=dict(regularizer="none"),
                              right=dict(regularizer="noise", strength=1.0), **SMALL)
    sides = comp.ui.children[2]
    assert sides.layout.flex_flow == "row wrap"
    # both sides' controls before either figure in the page (Tab stops at a canvas); CSS
    # shows each figure under its own controls when narrow, in a second row when wide
    assert [c._dom_classes[-1] for c in sides.children] == [
        "nnreg-left-controls", "nnreg-right-controls", "nnreg-left-figure", "nnreg-right-figure"]
    assert sides.children[2] is comp.left.view.widget and sides.children[1].children[0] is \
        comp.right.near
    css = comp.ui.children[0].value
    assert "@container (min-width: 1210px)" in css and "nnreg-comparison" in comp.ui._dom_classes
    for dash in (comp.left, comp.right):
        assert dash.figure.get_size_inches()[0] * dash.figure.dpi <= 600
    rows = [dash.near.children for dash in (comp.left, comp.right)]
    assert len(rows[0]) == len(rows[1]) == 2                 # strength, (where | empty)
    assert is_placeholder(rows[0][1]) and not is_placeholder(rows[1][1])


def test_comparison_panels_start_at_the_same_height_whatever_each_heading_needs():
    comp = widgets.Comparison(left=dict(regularizer="l1", strength=1e-3,
                                        knobs={"form": "proximal"}),
                              right=dict(regularizer="none"), **SMALL)
    tops = [dash.panels.artists["weights"].axes[0].get_position().y1
            for dash in (comp.left, comp.right)]
    assert tops[0] == tops[1]
    assert all("\n" in dash.panels.title.get_text() for dash in (comp.left, comp.right))
    with pytest.raises(ValueError, match="title_lines"):
        widgets.Dashboard(title_lines=3, **SMALL)


def test_comparison_readout_shows_a_dash_for_none_and_why_a_penalty_is_zero():
    comp = widgets.Comparison(left=dict(regularizer="none"), right=dict(regularizer="l2"),
                              **SMALL)
    strength_row = next(r for r in comp.readout.value.split("<tr>") if "strength" in r)
    assert "<td>—</td>" in strength_row and "<td>0.001</td>" in strength_row
    prox = widgets.Comparison(left=dict(regularizer="l1", knobs={"form": "proximal"}),
                              right=dict(regularizer="l1"), **SMALL)
    penalty_row = next(r for r in prox.readout.value.split("<tr>") if ">penalty<" in r)
    cells = penalty_row.split("<td>")[2:]
    assert cells[0].startswith("0 (L1 acts by soft threshold)")
    assert float(cells[1].split("<")[0]) > 0


def test_every_control_carries_its_full_label_as_tooltip():
    dash = widgets.Dashboard(regularizer="elastic_net", **SMALL)
    for name in ("strength", "l1_ratio", "lr", "n_train"):
        control = dash.controls[name]
        assert control.tooltip == control.description
    assert "α(1−r)/2·Σw²" in dash.controls["strength"].tooltip


def test_the_learning_rate_slider_reaches_rates_that_blow_training_up():
    values = [v for _, v in widgets.Dashboard(lr=1.0, **SMALL).controls["lr"].options]
    assert values.index(1.0) < len(values) - 4 and max(values) >= 30
    assert sliders.lr_grid(1.0)[0] <= 1e-3


def test_a_strength_that_diverges_says_so_and_the_others_train_on():
    dash = widgets.Dashboard(regularizer="max_norm", strength=0.1, dataset="regression_1d",
                             lr=2.6, epochs=40, n_train=60, hidden=(16, 16), batch_size=60,
                             panels=("loss", "norm"))
    diverged = dash.recording.diverged
    assert diverged.any() and not diverged.all(), diverged
    bad = dash.strengths[int(np.flatnonzero(diverged)[0])]
    good = dash.strengths[int(np.flatnonzero(diverged == 0)[0])]
    dash.controls["strength"].value = bad
    assert "diverged" in dash.message.value and dash.summary()["zeros"] is None
    dash.controls["strength"].value = good
    assert dash.message.value == "" and np.isfinite(dash.summary()["test_loss"])


@pytest.mark.parametrize("shape", [(1, 1, 4), (7, 13, 4), (648, 1080, 4)])
def test_a_frame_encoded_as_png_decodes_to_the_same_pixels(shape):
    from PIL import Image

    from nnreg_core.display.canvas import encode_png
    pixels = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    pixels[: shape[0] // 2] = 0                       # a diff frame: mostly transparent zeros
    with Image.open(io.BytesIO(encode_png(pixels))) as decoded:
        assert decoded.mode == "RGBA"
        np.testing.assert_array_equal(np.asarray(decoded), pixels)


def test_a_row_of_panels_too_narrow_for_its_titles_shortens_them_and_none_overlap():
    from nnreg_core.display.panels import SHORT_TITLES, title_spans
    comp = widgets.Comparison(left=dict(regularizer="l2"), right=dict(regularizer="none"),
                              **SMALL)
    wide = widgets.Dashboard(panels=("weights", "loss", "accuracy", "boundary"), **SMALL)
    for dash, short in ((comp.left, True), (wide, False)):
        fig, axes = dash.figure, [dash.panels.artists[n].ax for n in ("loss", "accuracy")]
        axes.append(dash.panels.artists["boundary"].ax)
        titles = [ax.get_title() for ax in axes]
        assert all((t in SHORT_TITLES.values()) == short for t in titles), titles
        spans = title_spans(fig, axes)
        assert spans[0][0] >= 0 and spans[-1][1] <= fig.bbox.width
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))


def test_widget_messages_from_another_thread_run_on_the_kernels_thread():
    """ipykernel 7 may deliver widget messages on a subshell thread: handlers run on the
    loop's thread in turn, never beside a cell or a loop callback that changes the figure."""
    from nnreg_core.display.player import on_loop_thread

    async def scenario():
        home = threading.get_ident()
        ran = []
        handler = on_loop_thread(lambda x: ran.append((x, threading.get_ident())))
        other = threading.Thread(target=handler, args=(1,))
        other.start()
        other.join()
        assert ran == []                               # not run on the other thread
        await asyncio.sleep(0.01)
        assert ran == [(1, home)]
        handler(2)                                     # on the loop's thread: at once
        assert ran[-1] == (2, home)

        dash = widgets.Dashboard(**SMALL)
        dash.build.wait()
        drawn_on = []
        dash.canvas.mpl_connect("draw_event", lambda _: drawn_on.append(threading.get_ident()))
        other = threading.Thread(target=dash.canvas._handle_message,
                                 args=(dash.canvas, {"type": "draw"}, []))
        other.start()
        other.join()
        assert drawn_on == []
        await asyncio.sleep(0.05)
        assert drawn_on == [home]

    asyncio.run(scenario())


@pytest.mark.parametrize("panels", [("weights", "loss", "boundary", "norm"), ("loss", "boundary")])
def test_the_trained_path_draws_on_the_previews_axes_as_new_panels_would(panels, monkeypatch):
    built = []
    new_panels = widgets.Dashboard._new_panels
    monkeypatch.setattr(widgets.Dashboard, "_new_panels",
                        lambda self: (built.append(1), new_panels(self)))
    dash = widgets.Dashboard(panels=panels, **SMALL)
    preview_axes = list(dash.figure.axes)
    dash.run()
    assert len(built) == 1 and dash.figure.axes == preview_axes   # the path reused the preview's
    dash.figure.canvas.draw()
    reused = rendered(dash)
    dash._new_panels()
    assert dash.figure.axes != preview_axes
    dash.figure.canvas.draw()
    assert np.array_equal(reused, rendered(dash))


def decoded(image):
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(image.data)).convert("RGB"))


def test_a_snapshot_is_the_live_figure_as_drawn_and_matches_the_static_figure():
    dash = widgets.Dashboard(**SMALL)
    dash.controls["strength"].value = 0.03
    snap = decoded(dash.snapshot())
    dash.figure.canvas.draw()
    assert np.array_equal(snap, rendered(dash)[..., :3])
    static = dash.static_figure()
    static.canvas.draw()
    static = np.asarray(static.canvas.buffer_rgba())[..., :3]
    assert snap.shape == static.shape == (446, 828, 3)
    assert np.mean(np.any(snap != static, axis=2)) < 0.01    # the same panels (z-order aside)
    dash.controls["strength"].value = dash.strengths[0]
    assert np.mean(np.any(decoded(dash.snapshot()) != snap, axis=2)) > 0.01


def test_a_comparisons_snapshot_puts_the_left_side_above_the_right():
    comp = widgets.Comparison(left=dict(regularizer="l2", strength=1e-2),
                              right=dict(regularizer="l1", strength=1e-3), **SMALL)
    snap = decoded(comp.snapshot())
    height, width, _ = comp.left.view.rendered().shape
    assert snap.shape == (2 * height, width, 3)
    assert np.array_equal(snap[:height], comp.left.view.rendered())
    assert np.array_equal(snap[height:], comp.right.view.rendered())


def test_a_path_that_fails_for_a_bug_raises_it_from_run(monkeypatch):
    async def build():
        dash = widgets.Dashboard(**SMALL)            # trains in a thread: a loop is running
        return dash
    from nnreg_core.display import build as path_build
    monkeypatch.setattr(path_build, "train_path", lambda *a, **k: 1 / 0)
    dash = asyncio.run(build())
    with pytest.raises(RuntimeError, match="strength path failed") as info:
        dash.run()
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_the_slider_draws_every_end_state_without_computing_a_map():
    dash = widgets.Dashboard(regularizer="l2", strength=1e-2, **SMALL)
    recording, calls = dash.recording, []
    assert recording.end_maps.shape[0] == len(recording)
    probe = recording.probe
    recording.probe = lambda params: (calls.append(1), probe(params))[1]
    for value in dash.strengths:
        dash.controls["strength"].value = value
    assert calls == []
    dash.controls["epoch"].value = 3                    # an earlier epoch: computed on demand
    assert calls == [1]

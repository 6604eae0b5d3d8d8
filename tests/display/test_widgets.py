"""Dashboards in a bare kernel: move a control, assert on the artists it drew.

Without an event loop a change applies at once (training synchronously); inside a running
asyncio loop changes are coalesced, as in a Jupyter kernel.
"""
import asyncio
import io
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

import nnreg_core as nc
from nnreg_core import display as widgets

SMALL = dict(epochs=30, n_train=80, hidden=(8, 8))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def heights(dash, layer=1):
    return dash.panels.artists["weights"].steps[layer].get_data().values.tolist()


def loss_line(dash):
    return dash.panels.artists["loss"].lines["train_loss"]


def test_construction_trains_nothing_and_draws_the_initial_state():
    dash = widgets.Dashboard(**SMALL)
    assert dash.training.epoch == 0 and dash.draw_count == 1
    assert len(loss_line(dash).get_ydata()) == 0
    assert sum(heights(dash)) == 8 * 8
    assert isinstance(dash.figure, Figure) and plt.get_fignums() == []


def test_run_trains_to_the_end_and_fills_the_curves():
    dash = widgets.Dashboard(**SMALL)
    history = dash.run()
    assert len(history) == 30 and dash.controls["progress"].value == 30
    np.testing.assert_allclose(loss_line(dash).get_ydata(), history.curve("train_loss"))
    summary = dash.summary()
    assert summary["epoch"] == 30 and summary["n_weights"] == 2 * 8 + 8 * 8 + 8
    assert summary["objective"] == pytest.approx(summary["train_loss"] + summary["penalty"])


def test_a_stronger_strength_retrains_and_shrinks_the_drawn_weights():
    dash = widgets.Dashboard(strength=1e-4, **SMALL)
    dash.run()
    weak_norm, weak_heights = dash.summary()["weight_norm"], heights(dash)
    dash.controls["strength"].value = 0.5
    assert dash.summary()["epoch"] == 30
    assert dash.summary()["weight_norm"] < 0.5 * weak_norm
    assert heights(dash) != weak_heights
    middle = len(weak_heights) // 2
    assert sum(heights(dash)[middle - 1:middle + 2]) > sum(weak_heights[middle - 1:middle + 2])


def test_epochs_control_sets_the_curve_length():
    dash = widgets.Dashboard(**SMALL)
    dash.controls["epochs"].value = 50
    assert len(loss_line(dash).get_ydata()) == 50
    assert dash.panels.artists["loss"].ax.get_xlim() == (0, 50)


def test_proximal_l1_zero_counts_reach_the_histogram():
    dash = widgets.Dashboard(regularizer="l1", strength=0.05, knobs={"form": "proximal"},
                             **SMALL)
    assert dash.panels.artists["weights"].zeros == [0, 0, 0]
    dash.run()
    zeros = dash.panels.artists["weights"].zeros
    assert sum(zeros) == dash.summary()["zeros"] > 0
    assert dash.panels.artists["weights"].zero_texts[1].get_text().startswith(
        f"exact zeros: {zeros[1]} / 64")


def test_scrub_mode_redraws_from_the_cache_without_training():
    dash = widgets.Dashboard(mode="scrub", **SMALL)
    dash.run()
    path = dash.path
    dash.controls["strength"].value = 1e-5
    weak = heights(dash)
    dash.controls["strength"].value = 0.9
    assert dash.path is path
    assert dash.drawn is path.views[-1] and dash.summary()["strength"] == path.strengths[-1]
    strong_counts = np.histogram(np.clip(path.views[-1].weights["W2"].ravel(),
                                         dash.bins[0], dash.bins[-1]), dash.bins)[0]
    assert heights(dash) == strong_counts.tolist() and heights(dash) != weak
    assert len(loss_line(dash).get_ydata()) == 30


def test_scrub_mode_snaps_to_the_nearest_trained_strength():
    dash = widgets.Dashboard(mode="scrub", **SMALL)
    dash.run()
    target = dash.path.strengths[5] * 1.05
    dash.controls["strength"].value = target
    assert dash.summary()["strength"] == dash.path.strengths[5]
    assert "nearest of 24" in dash.controls["progress"].description


def test_a_burst_of_changes_inside_the_kernel_loop_draws_only_the_last():
    dash = widgets.Dashboard(mode="scrub", **SMALL)
    dash.run()
    values = np.logspace(-4, -0.1, 15)

    async def burst():
        before = dash.draw_count
        for value in values:
            dash.controls["strength"].value = value
        assert dash.draw_count == before
        await asyncio.sleep(0.05)
        return dash.draw_count - before

    assert asyncio.run(burst()) == 1
    assert dash.drawn is dash.path.view(values[-1])


def test_hold_updates_applies_a_burst_once():
    dash = widgets.Dashboard(mode="scrub", **SMALL)
    dash.run()
    before = dash.draw_count
    with dash.hold_updates():
        for value in (1e-4, 1e-3, 1e-2, 0.3):
            dash.controls["strength"].value = value
    assert dash.draw_count == before + 1
    assert dash.drawn is dash.path.view(0.3)


@pytest.mark.parametrize("control, value, words", [
    ("strength", float("nan"), "finite"), ("lr", float("nan"), "lr"),
])
def test_bad_values_become_a_message_not_a_traceback(control, value, words):
    dash = widgets.Dashboard(**SMALL)
    dash.run()
    drawn, settings = dash.draw_count, dash.settings
    dash.controls[control].value = value
    assert words in dash.message.value and "⚠" in dash.message.value
    assert dash.draw_count == drawn and dash.settings is settings
    dash.controls["strength"].value = 2e-3
    assert dash.message.value == "" and dash.settings.strength == 2e-3


def test_weight_decay_too_strong_for_the_learning_rate_is_refused_in_the_widget():
    dash = widgets.Dashboard(regularizer="weight_decay", lr=1.0, **SMALL)
    dash.controls["strength"].value = 1.0
    assert "lr·wd" in dash.message.value


def test_changing_the_regularizer_swaps_the_slider_and_its_convention():
    dash = widgets.Dashboard(**SMALL)
    dash.controls["regularizer"].value = "dropout"
    slider = dash.controls["strength"]
    assert "keep probability" in slider.description and slider.value == 0.8
    assert slider in dash.ui.children[0].children
    assert dash.controls["where"] in dash.ui.children[0].children
    slider.value = 0.5
    assert dash.training.regularizers[0].keep == 0.5
    assert "penalty = 0" in dash.panels.artists["loss"].lines["penalty"].get_label()


def test_mid_run_strength_change_acts_without_a_reset():
    dash = widgets.Dashboard(strength=1e-5, epochs=60, n_train=80, hidden=(8, 8))
    dash.controls["mid_run"].value = True
    dash.step(30)
    norm_at_30 = dash.summary()["weight_norm"]
    run = dash.training.run
    dash.controls["strength"].value = 0.9
    assert dash.training.run is run and dash.training.epoch == 30
    assert dash.training.regularizers[0].lam == 0.9
    dash.run()
    assert len(loss_line(dash).get_ydata()) == 60
    assert dash.summary()["weight_norm"] < 0.6 * norm_at_30


def test_buttons_play_step_reset():
    dash = widgets.Dashboard(frame_epochs=5, **SMALL)
    dash.controls["step"].click()
    assert dash.training.epoch == 5
    dash.controls["play"].click()
    assert dash.training.epoch == 30
    dash.controls["reset"].click()
    assert dash.training.epoch == 0 and len(loss_line(dash).get_ydata()) == 0


def test_own_data_is_used_and_bad_data_refused():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    dash = widgets.Dashboard(X=X, y=y, **{k: v for k, v in SMALL.items() if k != "n_train"})
    assert dash.settings.dataset == "your data" and len(dash.dataset.X_train) == 90
    assert "boundary" in dash.panels.artists
    with pytest.raises(ValueError, match="NaN"):
        widgets.Dashboard(X=np.full((10, 2), np.nan), y=np.zeros(10))
    assert dash.use_data(X, y[:-1]) is False and "one entry per row" in dash.message.value
    assert dash.use_data(rng.standard_normal((60, 3)), rng.integers(0, 3, 60)) is True
    assert "boundary" not in dash.panels.artists and dash.dataset.task == "multiclass"


@pytest.mark.parametrize("kwargs, words", [
    (dict(mode="fast"), "mode"), (dict(panels=("histogram",)), "panels"),
    (dict(controls=("speed",)), "controls"), (dict(strength=-1.0), ">= 0"),
    (dict(hidden=(0,)), "hidden"), (dict(dataset="mnist"), "unknown data set"),
])
def test_constructor_refuses_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        widgets.Dashboard(**kwargs)


def test_many_changes_reuse_one_figure_and_leak_none():
    dash = widgets.Dashboard(mode="scrub", **SMALL)
    dash.run()
    figure, axes = dash.figure, len(dash.figure.axes)
    for value in np.logspace(-5, 0, 40):
        dash.controls["strength"].value = value
    assert dash.figure is figure and len(figure.axes) == axes
    assert plt.get_fignums() == []
    assert len(dash.panels.artists["boundary"].ax.images) == 1


def test_static_figure_draws_the_current_state():
    dash = widgets.Dashboard(**SMALL)
    dash.run()
    fig = dash.static_figure()
    assert fig is not dash.figure and plt.get_fignums() == [fig.number]
    assert len(fig.axes) == len(dash.figure.axes)


def test_comparison_runs_both_sides_from_the_same_start():
    comp = widgets.Comparison(left=dict(regularizer="l1", strength=1e-2),
                              right=dict(regularizer="l2", strength=1e-2), **SMALL)
    left_w = comp.left.training.view().weights
    right_w = comp.right.training.view().weights
    np.testing.assert_array_equal(left_w["W1"], right_w["W1"])
    comp.run()
    summary = comp.summary()
    assert summary["left"]["regularizer"] == "l1" and summary["right"]["regularizer"] == "l2"
    assert summary["left"]["weight_norm"] != summary["right"]["weight_norm"]
    assert f"{summary['left']['test_loss']:.4g}" in comp.readout.value
    assert len(comp.static_figure().axes) == len(comp.left.figure.axes) * 2
    with pytest.raises(ValueError, match="share the data"):
        widgets.Comparison(left=dict(dataset="circles"))


def test_importing_the_core_loads_no_widgets_or_matplotlib():
    code = ("import sys, nnreg_core; print(any(m.startswith(('matplotlib', 'ipywidgets')) "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert nc.MLP  # the core itself imported fine in this process too


def rendered(dash):
    return np.asarray(dash.figure.canvas.get_renderer().buffer_rgba()).copy()


@pytest.mark.parametrize("mode", ["scrub", "live"])
def test_a_blitted_frame_equals_a_full_render(mode):
    dash = widgets.Dashboard(mode=mode, **SMALL)
    dash._repr_mimebundle_()  # shown: changes now send frames through the canvas
    if mode == "scrub":
        dash.run()
        dash.controls["strength"].value = 0.02
        before = dash.blitter.blits
        dash.controls["strength"].value = 0.05
        assert dash.blitter.blits == before + 1
    else:
        for _ in range(15):  # animation frames: blitted unless an axis range grew
            before = dash.blitter.blits
            dash.step(2)
            if dash.blitter.blits > before:
                break
    assert dash.blitter.blits >= 1
    blitted = rendered(dash)
    dash.figure.canvas.draw()
    full = rendered(dash)
    assert np.mean(np.any(blitted != full, axis=-1)) < 1e-3


def test_scrubbing_a_shown_dashboard_never_rerenders_the_axes():
    dash = widgets.Dashboard(mode="scrub", **SMALL)
    dash._repr_mimebundle_()
    dash.run()
    dash.controls["strength"].value = 1e-4
    full = dash.blitter.full_draws
    for value in np.logspace(-5, 0, 20):
        dash.controls["strength"].value = value
    assert dash.blitter.full_draws == full and dash.blitter.blits >= 20


def test_training_set_size_control_rebuilds_with_that_many_samples():
    dash = widgets.Dashboard(**SMALL)
    assert len(dash.dataset.X_train) == 80
    dash.controls["n_train"].value = 40
    assert len(dash.dataset.X_train) == 40 and dash.settings.n_train == 40
    dash.run()
    assert dash.summary()["epoch"] == 30


def test_making_a_dashboard_leaves_pyplot_on_the_notebook_backend():
    # ipympl switches pyplot's backend when imported; a fresh interpreter shows whether the
    # dashboard keeps that from happening (in this process ipympl may be imported already).
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


def test_a_browser_snapping_a_value_onto_the_slider_grid_retrains_nothing():
    dash = widgets.Dashboard(lr=0.3, **SMALL)
    dash.run()
    trained = dash.summary()
    slider = dash.controls["lr"]
    slider.value = 10 ** (round(np.log10(0.3) / slider.step) * slider.step)   # 0.316, as sent back
    assert dash.settings.lr == 0.3 and dash.summary() == trained
    slider.value = 0.3 * 10 ** slider.step                                     # one real step
    assert dash.settings.lr == pytest.approx(0.3 * 10 ** slider.step)


def test_the_live_canvas_has_the_figures_pixel_size_before_any_frame():
    dash = widgets.Dashboard(**SMALL)
    assert dash.canvas is not None, "ipympl is a dependency: the dashboard has a live canvas"
    width, height = dash.figure.bbox.size  # inches × dpi
    ratio = dash.canvas.device_pixel_ratio
    assert width > 0 and height > 0
    assert tuple(dash.canvas._size) == pytest.approx((width / ratio, height / ratio))


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
            return  # replaced by the next frame before it was painted
        with Image.open(io.BytesIO(png)) as decoded:
            frame = np.asarray(decoded.convert("RGBA")).copy()
        if self.canvas._image_mode == "full" or self.image is None:
            self.image = frame
        else:
            self.image = np.where(frame[..., 3:] > 0, frame, self.image)


def test_a_browser_that_skips_frames_still_ends_on_the_drawn_figure():
    dash = widgets.Dashboard(mode="live", **SMALL)
    dash._repr_mimebundle_()
    dash.canvas.syncing_data_url = False
    browser = SkippingBrowser(dash.canvas, keep_every=3)
    dash.figure.canvas.draw()
    for _ in range(14):
        dash.step(2)
    assert browser.received >= 14 and dash.blitter.blits >= 1
    final = rendered(dash)
    browser.keep_every = 1
    dash.figure.canvas.blit()  # one more frame of the same, final state
    assert browser.image.shape == final.shape
    assert np.mean(np.any(browser.image != final, axis=-1)) == 0.0


def test_scrub_frames_are_diffs_and_skipped_ones_are_repaired_once_the_slider_rests():
    from nnreg_core.display.canvas import SETTLE_SECONDS

    async def scrub():
        dash = widgets.Dashboard(mode="scrub", **SMALL)
        dash._repr_mimebundle_()
        dash.canvas.syncing_data_url = False
        browser = SkippingBrowser(dash.canvas, keep_every=3)
        dash.figure.canvas.draw()
        slider, modes = dash.controls["strength"], []
        for exponent in np.linspace(slider.min, slider.max, 9):
            slider.value = 10 ** exponent
            await asyncio.sleep(0.03)            # the coalesced redraw runs on the loop
            modes.append(dash.canvas._image_mode)
        damaged = np.mean(np.any(browser.image != rendered(dash), axis=-1))
        browser.keep_every = 1
        await asyncio.sleep(3 * SETTLE_SECONDS)
        repaired = np.mean(np.any(browser.image != rendered(dash), axis=-1))
        return modes, damaged, repaired

    modes, damaged, repaired = asyncio.run(scrub())
    assert "diff" in modes                    # scrubbing sends the cheaper diff frames
    assert damaged > 0                         # skipped diffs leave the picture wrong for a moment
    assert repaired == 0.0                     # until the whole frame sent once the slider rests


def test_comparison_sides_fit_half_a_wide_screen_and_their_rows_line_up():
    from nnreg_core.display.compare import is_placeholder
    comp = widgets.Comparison(left=dict(regularizer="none"),
                              right=dict(regularizer="noise", strength=1.0), **SMALL)
    for dash in (comp.left, comp.right):
        assert dash.figure.get_size_inches()[0] * dash.figure.dpi <= 600   # half of 1600 px
    rows = [dash.ui.children[0].children for dash in (comp.left, comp.right)]
    assert len(rows[0]) == len(rows[1]) == 3                 # strength, (where | empty), mid_run
    assert is_placeholder(rows[0][1]) and not is_placeholder(rows[1][1])
    assert comp.left.controls["strength"].layout.width == "100%"


def test_comparison_panels_start_at_the_same_height_whatever_each_heading_needs():
    comp = widgets.Comparison(left=dict(regularizer="l1", strength=1e-3,
                                        knobs={"form": "proximal"}),
                              right=dict(regularizer="none"), **SMALL)
    tops = [dash.panels.artists["weights"].axes[0].get_position().y1
            for dash in (comp.left, comp.right)]
    assert tops[0] == tops[1]
    assert all("\n" in dash.panels.title.get_text() for dash in (comp.left, comp.right))
    alone = widgets.Dashboard(regularizer="none", **SMALL)
    assert "\n" not in alone.panels.title.get_text()        # a short heading keeps one line
    with pytest.raises(ValueError, match="title_lines"):
        widgets.Dashboard(title_lines=3, **SMALL)


def test_comparison_readout_shows_a_dash_for_the_strength_of_none():
    comp = widgets.Comparison(left=dict(regularizer="none"), right=dict(regularizer="l2"),
                              **SMALL)
    strength_row = next(r for r in comp.readout.value.split("<tr>") if "strength" in r)
    assert "<td>—</td>" in strength_row and "<td>0.001</td>" in strength_row


def test_comparison_readout_says_why_a_penalty_is_zero():
    comp = widgets.Comparison(left=dict(regularizer="l1", knobs={"form": "proximal"}),
                              right=dict(regularizer="l1"), **SMALL)
    comp.run()
    penalty_row = next(r for r in comp.readout.value.split("<tr>") if ">penalty<" in r)
    cells = penalty_row.split("<td>")[2:]
    assert cells[0].startswith("0 (L1 acts by soft threshold)")
    assert float(cells[1].split("<")[0]) > 0     # the subgradient form's penalty is a number


def test_every_control_carries_its_full_label_as_tooltip():
    dash = widgets.Dashboard(regularizer="elastic_net", **SMALL)
    for name in ("strength", "l1_ratio", "lr", "n_train"):
        control = dash.controls[name]
        assert control.tooltip == control.description
    assert "α(1−r)/2·Σw²" in dash.controls["strength"].tooltip


def test_every_menu_leaves_room_for_its_entries_after_the_label_column():
    from nnreg_core.display.controls import STYLE
    dash = widgets.Dashboard(regularizer="l1", **SMALL)
    label = int(STYLE["description_width"].removesuffix("px"))
    for name in ("regularizer", "form", "where", "dataset", "hidden"):
        width = dash.controls[name].layout.width
        assert width and int(width.removesuffix("px")) - label >= 200, (name, width)

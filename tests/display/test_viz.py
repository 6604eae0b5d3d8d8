"""Drawing: every plot updates its artists in place and draws what the data says."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

import nnreg_core as nc
from nnreg_core.display import viz


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def trained():
    ds = nc.load("moons", n_train=80, n_test=60, seed=3)
    net = nc.MLP(ds.sizes((8, 8)), loss=ds.loss)
    params = net.init(np.random.default_rng(0))
    run = nc.Run(net, params, ds.X_train, ds.y_train, ds.X_test, ds.y_test,
                 optimizer=nc.SGD(0.2), regularizers=[nc.L2(1e-2)], epochs=30, batch_size=16,
                 rng=0)
    return ds, net, params, run.run_all(), run.params


def test_histogram_counts_every_weight_on_fixed_bins(trained):
    _, _, params, history, _ = trained
    hist = viz.weight_histograms(params)
    edges = hist.edges.copy()
    sizes = [params[n].size for n in ("W1", "W2", "W3")]
    assert [int(c.sum()) for c in hist.counts] == sizes
    heights = hist.steps[1].get_data().values.astype(int).tolist()
    assert heights == hist.counts[1].tolist()
    hist.update({n: 0.1 * w for n, w in history[-1].weights.items()})
    np.testing.assert_array_equal(hist.edges, edges)
    assert [ax.get_xlim() for ax in hist.axes] == [(edges[0], edges[-1])] * 3
    assert [int(c.sum()) for c in hist.counts] == sizes


def test_shrinking_weights_pile_up_in_the_middle_bins(trained):
    _, _, params, _, _ = trained
    hist = viz.weight_histograms(params)
    middle = len(hist.edges) // 2 - 1
    before = hist.counts[1][middle - 1:middle + 2].sum()
    hist.update({n: 0.01 * w for n, w in params.items()})
    assert hist.counts[1][middle - 1:middle + 2].sum() > before
    assert hist.axes[1].get_ylim()[1] >= hist.counts[1].max()


def test_exact_zeros_are_counted_and_shown():
    w = {"W1": np.array([[0.0, 0.5], [0.0, -0.5]]), "W2": np.array([[0.0], [1.0]])}
    hist = viz.weight_histograms(w)
    assert hist.zeros == [2, 1]
    assert hist.zero_texts[0].get_text() == "exact zeros: 2 / 4"


def test_weights_outside_the_bins_land_in_the_edge_bins_and_are_said_to():
    hist = viz.weight_histograms(np.array([0.1, -0.2]), bins=np.linspace(-1, 1, 5))
    assert hist.outside == [0] and "past the axis" not in hist.zero_texts[0].get_text()
    hist.update(np.array([5.0, -7.0, 0.1]))
    assert hist.counts[0].tolist() == [1, 0, 1, 1]
    assert hist.outside == [2]
    assert hist.zero_texts[0].get_text().endswith("\n2 past the axis ends")


def test_histograms_refuse_bad_bins_and_axes():
    with pytest.raises(ValueError, match="increasing"):
        viz.weight_histograms(np.ones(3), bins=[1.0, 0.0])
    fig, axes = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="one axes per layer"):
        viz.weight_histograms({"W1": np.ones((2, 2)), "W2": np.ones(2), "W3": np.ones(1)},
                              ax=axes)


def test_loss_curves_plot_data_loss_penalty_and_their_sum(trained):
    _, _, _, history, _ = trained
    curves = viz.loss_curves(history[:5], epochs=30)
    assert len(curves.lines["train_loss"].get_ydata()) == 5
    curves.update(history)
    train = np.asarray(curves.lines["train_loss"].get_ydata())
    penalty = np.asarray(curves.lines["penalty"].get_ydata())
    objective = np.asarray(curves.lines["objective"].get_ydata())
    assert len(train) == 30
    np.testing.assert_allclose(train, history.curve("train_loss"))
    np.testing.assert_allclose(objective, train + penalty)
    assert np.all(penalty > 0)
    assert curves.ax.get_xlim() == (0, 30)
    band = curves.band.get_xy()            # train along the bottom, test back along the top
    test = history.curve("test_loss")
    np.testing.assert_allclose(band[:30, 1], train)
    np.testing.assert_allclose(band[30:60, 1], test[::-1])
    np.testing.assert_allclose(band[:30, 0], history.curve("epoch"))


def test_the_gap_band_leaves_out_epochs_without_numbers():
    from nnreg_core.display.style import set_band
    fig, ax = plt.subplots()
    x = np.arange(5.0)
    band = set_band(ax, None, x, [1, 1, 1, np.nan, np.nan], [2, 2, 2, np.nan, np.nan])
    assert np.isfinite(band.get_xy()).all() and band.get_xy()[:, 0].max() == 2
    assert set_band(ax, band, x, np.full(5, np.nan), np.full(5, np.nan)) is band
    fig.canvas.draw()                      # an empty band draws nothing, and does not fail
    plt.close(fig)


def test_accuracy_and_norm_curves_follow_the_history(trained):
    _, _, _, history, _ = trained
    acc = viz.accuracy_curves(history)
    np.testing.assert_allclose(acc.lines["test_accuracy"].get_ydata(),
                               history.curve("test_accuracy"))
    assert acc.ax.get_ylim() == (0, 1.02)
    norm = viz.norm_curve(history[:3])
    norm.update(history)
    np.testing.assert_allclose(norm.lines["weight_norm"].get_ydata(),
                               history.curve("weight_norm"))


def test_curves_accept_a_dict_of_arrays():
    curves = viz.loss_curves({"epoch": [1, 2], "train_loss": [0.5, 0.4], "penalty": [0.1, 0.1]})
    np.testing.assert_allclose(curves.lines["objective"].get_ydata(), [0.6, 0.5])
    with pytest.raises(ValueError, match="train_loss"):
        viz.loss_curves({"epoch": [1]})


def test_decision_boundary_redraws_in_place(trained):
    ds, net, params, _, final = trained
    db = viz.decision_boundary(net, params, ds.X_train, ds.y_train)
    first = db.image.get_array().copy()
    db.update(final)
    assert db.image is db.ax.images[0] and len(db.ax.images) == 1
    assert not np.allclose(first, db.image.get_array())
    x0, x1, y0, y1 = db.image.get_extent()
    p1 = db.probabilities(final)[:, 1].reshape(db.resolution, db.resolution)
    traced = db.ax.contour(np.linspace(x0, x1, db.resolution), np.linspace(y0, y1, db.resolution),
                           p1, levels=[0.5])
    expected = np.vstack(traced.allsegs[0])             # what ax.contour draws at p = 0.5
    drawn = np.column_stack(db.contour.get_data())
    np.testing.assert_allclose(drawn[np.isfinite(drawn[:, 0])], expected)
    assert len(expected) > 10


def test_decision_boundary_refuses_non_2d_inputs(trained):
    _, net, params, _, _ = trained
    with pytest.raises(ValueError, match="2-D inputs"):
        viz.decision_boundary(net, params, np.ones((4, 3)), np.zeros(4))


def test_regression_fit_line_follows_the_network():
    ds = nc.load("regression_1d", n_train=40, n_test=10)
    net = nc.MLP(ds.sizes((8,)), loss=ds.loss)
    params = net.init(np.random.default_rng(0))
    fit = viz.regression_fit(net, params, ds.X_train, ds.y_train)
    expected = net.forward(params, fit.xs)[0][:, 0]
    np.testing.assert_allclose(fit.line.get_ydata(), expected)


def test_regularization_path_lines_and_marker():
    strengths = np.logspace(-3, 0, 4)
    weights = np.outer(1 / (1 + strengths), [1.0, -2.0, 0.5])
    path = viz.regularization_path(strengths, weights)
    assert len(path.lines) == 3 and path.ax.get_xscale() == "log"
    np.testing.assert_allclose(path.lines[1].get_ydata(), weights[:, 1])
    path.update(2 * weights)
    np.testing.assert_allclose(path.lines[1].get_ydata(), 2 * weights[:, 1])
    path.mark(0.1)
    assert path.marker.get_visible() and path.marker.get_xdata()[0] == 0.1
    with pytest.raises(ValueError, match="n_strengths"):
        viz.regularization_path(strengths, weights[:2])


def test_axes_are_labelled_in_large_fonts(trained):
    _, _, _, history, _ = trained
    curves = viz.loss_curves(history, loss="binary_ce")
    assert "epoch" in curves.ax.get_xlabel()
    assert "cross" in curves.ax.get_ylabel().lower() or "ce" in curves.ax.get_ylabel().lower()
    assert curves.ax.xaxis.label.get_fontsize() >= 14


def _legend_inside(curves):
    box, frame = curves.legend.get_window_extent(), curves.ax.get_window_extent()
    return frame.x0 - 0.5 <= box.x0 and box.x1 <= frame.x1 + 0.5


@pytest.mark.parametrize("penalty_label, short", [
    ("penalty αrΣ|w|+α(1−r)/2Σw²", "penalty"), ("penalty = 0 (no loss term)", "penalty = 0")])
def test_long_penalty_label_is_shortened_to_keep_the_legend_inside_a_small_panel(penalty_label,
                                                                                 short):
    fig = Figure(figsize=(4.5, 3.5), dpi=72)
    ax = fig.add_axes([0.15, 0.15, 0.8, 0.75])
    curves = viz.loss_curves(_history(), ax=ax, penalty_label=penalty_label)
    assert _legend_inside(curves)
    assert curves.lines["penalty"].get_label() == short


def test_penalty_label_is_kept_whole_where_it_fits():
    fig = Figure(figsize=(12, 6), dpi=72)
    ax = fig.add_axes([0.1, 0.1, 0.85, 0.8])
    curves = viz.loss_curves(_history(), ax=ax, penalty_label="penalty λ/2·Σw²")
    assert _legend_inside(curves)
    assert curves.lines["penalty"].get_label() == "penalty λ/2·Σw²"


@pytest.mark.parametrize("regularizer", ["elastic_net", "max_norm", "dropout", "l2"])
def test_dashboard_loss_legend_stays_inside_its_panel(regularizer):
    from nnreg_core.display import Comparison, Dashboard
    dash = Dashboard(regularizer=regularizer, epochs=10, n_train=40, hidden=(4,))
    assert _legend_inside(dash.panels.artists["loss"])
    side = Comparison(left=dict(regularizer=regularizer), right=dict(regularizer="none"),
                      epochs=10, n_train=40, hidden=(4,)).left
    assert _legend_inside(side.panels.artists["loss"])


def _history(epochs=5):
    """Per-epoch arrays shaped like a History, for drawing curves."""
    e = np.arange(1, epochs + 1, dtype=float)
    return {"epoch": e, "train_loss": 1 / e, "test_loss": 1.2 / e, "penalty": 0.1 / e}


# ---------------------------------------------------------------- on a projector
def _png_width_at_notebook_dpi(fig):
    """The PNG width in pixels the lessons' inline backend shows (72 dpi, uncropped: each
    lesson sets ``InlineBackend.print_figure_kwargs = {"bbox_inches": None}``)."""
    import io

    from PIL import Image
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72, bbox_inches=None)
    return Image.open(buffer).size[0]


def _smallest_tick(fig):
    return min(t.get_fontsize() for ax in fig.axes
               for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text())


def test_default_figures_fit_the_output_area_with_ticks_of_14_px(trained):
    from nnreg_core.display import style
    ds, net, params, history, final = trained
    drawn = [viz.weight_histograms(params).axes[0], viz.loss_curves(history).ax,
             viz.decision_boundary(net, final, ds.X_train, ds.y_train).ax,
             style.subplots(1, 3)[1][0]]
    for ax in drawn:
        fig = ax.figure
        assert _png_width_at_notebook_dpi(fig) <= style.OUTPUT_WIDTH_PX
        if ax.has_data():
            assert _smallest_tick(fig) >= 14


def _deuteranope_sees(rgb):
    """sRGB colours (rows, 0…1) as a full deuteranope sees them (Machado et al. 2009)."""
    matrix = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                       [-0.011820, 0.042940, 0.968881]])
    rgb = np.asarray(rgb, dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(linear @ matrix.T, 0, 1)
    return np.where(seen <= 0.0031308, 12.92 * seen, 1.055 * seen ** (1 / 2.4) - 0.055)


def test_three_classes_stay_apart_under_deuteranopia_and_have_their_own_markers():
    from nnreg_core.display.style import CLASS_COLORS
    seen = _deuteranope_sees(CLASS_COLORS[:3])
    gaps = [np.linalg.norm(seen[i] - seen[j]) for i in range(3) for j in range(i + 1, 3)]
    assert min(gaps) > 0.35, gaps   # matplotlib's tab10 orange and green: 0.31
    ds = nc.load("spiral", n_train=60, n_test=30, seed=0)
    net = nc.MLP(ds.sizes((8,)), loss=ds.loss)
    drawn = viz.decision_boundary(net, net.init(np.random.default_rng(0)), ds.X_train,
                                  ds.y_train)
    markers = [scatter.get_paths()[0].vertices.round(3).tobytes() for scatter in drawn.points]
    assert len(drawn.points) == 3 and len(set(markers)) == 3
    assert sum(len(s.get_offsets()) for s in drawn.points) == len(ds.y_train)


def test_curves_differ_by_line_style_not_only_colour(trained):
    _, _, _, history, _ = trained
    lines = viz.loss_curves(history).lines
    assert len({line.get_linestyle() for line in lines.values()}) == len(lines)
    accuracy = viz.accuracy_curves(history).lines
    assert accuracy["train_accuracy"].get_linestyle() != accuracy["test_accuracy"].get_linestyle()


def test_the_notebooks_matplotlibrc_carries_the_style_modules_look():
    """Kernels started in notebooks/ read its matplotlibrc: the notebooks' own plots get the
    fonts, colours and line styles of ``style.RC`` without a ``fontsize=`` anywhere."""
    from pathlib import Path

    import matplotlib
    from nnreg_core.display import style
    path = Path(__file__).resolve().parents[2] / "notebooks" / "matplotlibrc"
    rc = matplotlib.rc_params_from_file(str(path), use_default_template=False)
    shared = ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize",
              "ytick.labelsize", "legend.fontsize", "figure.titlesize", "lines.linewidth")
    assert {k: float(rc[k]) for k in shared} == {k: float(style.RC[k]) for k in shared}
    assert min(rc["xtick.labelsize"], rc["ytick.labelsize"], rc["legend.fontsize"]) >= 14
    cycle, wanted = rc["axes.prop_cycle"].by_key(), style.RC["axes.prop_cycle"].by_key()
    assert [c.lower() for c in cycle["color"]] == [c.lower() for c in wanted["color"]]
    assert cycle["linestyle"] == wanted["linestyle"]

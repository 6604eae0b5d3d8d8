"""Live figures grow with the page: the zoom a probe's report asks for, and what it redraws."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib import pyplot as plt

from nnreg_core import display as widgets
from nnreg_core.display.geometry import GeometryExplorer
from nnreg_core.display.zoom import (ABOVE_FIGURE_PX, CANVAS_MARGIN_PX, MAX_ZOOM, MIN_ZOOM,
                                     ZOOM_STEP, zoom_for)

SMALL = dict(epochs=30, n_train=80, hidden=(8, 8))
DASHBOARD_PX = (828, 446)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def shown(dash):
    """``dash`` as after a browser's view said "initialized" (frames are rendered)."""
    dash._repr_mimebundle_()
    dash.canvas.syncing_data_url = False
    dash.figure.canvas.draw()
    return dash


def report(probe, room, window_height):
    """What the browser's probe sends: its width and the window's height, in CSS pixels."""
    probe.set_state({"room": room, "window_height": window_height})


def answer_resize(canvas):
    """What ipympl's frontend does on a "resize": ask for a refresh, then draw on request."""
    canvas._handle_message(canvas, {"type": "refresh"}, [])
    canvas._handle_message(canvas, {"type": "draw"}, [])


@pytest.mark.parametrize("room, window, expected", [
    (848, 720, 1.0),        # 1280 with the file browser open: as designed
    (848, 600, 1.0),        # a short window alone never shrinks it
    (831, 720, 0.95),       # a wider file browser: shrinks to fit rather than be cut off
    (600, 720, 0.7),
    (300, 720, MIN_ZOOM),
    (1488, 1080, MAX_ZOOM),  # 1920 with the file browser open: capped at 1920/1280
    (1800, 1080, MAX_ZOOM),
    (1180, 720, 1.15),      # 1280 without the file browser: the height decides
    (1000, 2000, 1.15),     # a tall window: the width decides (992 / 828 = 1.198)
])
def test_the_zoom_fills_the_room_within_the_window_and_its_bounds(room, window, expected):
    assert zoom_for(room, window, DASHBOARD_PX) == expected


def test_a_zoomed_figure_fits_its_room_and_leaves_the_controls_in_view():
    zooms = set()
    for room in range(400, 2000, 37):
        for window in range(500, 1400, 53):
            zoom = zoom_for(room, window, DASHBOARD_PX)
            zooms.add(zoom)
            assert MIN_ZOOM <= zoom <= MAX_ZOOM
            assert zoom == pytest.approx(round(zoom / ZOOM_STEP) * ZOOM_STEP)
            wide, tall = DASHBOARD_PX[0] * zoom + CANVAS_MARGIN_PX, DASHBOARD_PX[1] * zoom
            assert wide <= room or zoom == MIN_ZOOM
            if zoom > 1:
                assert tall <= window - ABOVE_FIGURE_PX
            bigger = zoom + ZOOM_STEP        # the largest step that fits was taken
            assert (bigger > MAX_ZOOM + 1e-9 or DASHBOARD_PX[0] * bigger + CANVAS_MARGIN_PX > room
                    or (bigger > 1 and DASHBOARD_PX[1] * bigger > window - ABOVE_FIGURE_PX))
    assert len(zooms) == round((MAX_ZOOM - MIN_ZOOM) / ZOOM_STEP) + 1   # every step occurs


def test_a_probe_report_renders_the_dashboard_larger_and_tells_the_browser():
    dash = shown(widgets.Dashboard(**SMALL))
    sent = []
    dash.canvas.send = lambda content, buffers=None: sent.append((content, buffers))
    inches = dash.figure.get_size_inches().copy()
    report(dash.view.zoom.probe, 1488, 1080)
    assert dash.view.zoom.zoom == MAX_ZOOM
    assert not [b for _, b in sent if b], "a frame before the browser knows the new size"
    answer_resize(dash.canvas)
    assert dash.figure.dpi == 72 * MAX_ZOOM
    assert np.allclose(dash.figure.get_size_inches(), inches, atol=1 / 72)
    width, height = dash.figure.bbox.size
    assert (width, height) == (round(828 * MAX_ZOOM), round(446.4 * MAX_ZOOM))
    assert tuple(dash.canvas._size) == (width, height)
    assert any('"resize"' in c.get("data", "") for c, _ in sent)
    frames = [b for _, b in sent if b]
    assert len(frames) == 1, f"{len(frames)} frames for one zoom"
    assert np.asarray(dash.canvas.get_renderer().buffer_rgba()).shape == (height, width, 4)


def test_a_zoomed_dashboard_blits_frames_equal_to_a_full_render_and_zooms_back():
    dash = shown(widgets.Dashboard(**SMALL))
    at_one = np.asarray(dash.canvas.get_renderer().buffer_rgba()).copy()
    report(dash.view.zoom.probe, 1100, 1080)               # 1092 / 828 = 1.32
    assert dash.view.zoom.zoom == 1.3
    answer_resize(dash.canvas)
    blits = dash.blitter.blits
    dash.controls["strength"].value = 0.03
    assert dash.blitter.blits == blits + 1
    blitted = np.asarray(dash.canvas.get_renderer().buffer_rgba()).copy()
    dash.figure.canvas.draw()
    full = np.asarray(dash.canvas.get_renderer().buffer_rgba())
    assert blitted.shape == full.shape
    assert np.mean(np.any(blitted != full, axis=-1)) < 1e-3
    dash.controls["strength"].value = dash.strengths[len(dash.strengths) // 2]
    report(dash.view.zoom.probe, 848, 720)
    answer_resize(dash.canvas)
    assert dash.figure.dpi == 72 and tuple(dash.figure.bbox.size) == (828, 446)
    assert np.asarray(dash.canvas.get_renderer().buffer_rgba()).shape == at_one.shape


def test_a_hidden_probe_leaves_the_zoom_alone():
    dash = shown(widgets.Dashboard(**SMALL))
    report(dash.view.zoom.probe, 1488, 1080)
    report(dash.view.zoom.probe, 0, 1080)           # a collapsed output reports no width
    assert dash.view.zoom.zoom == MAX_ZOOM


def test_a_high_density_screen_keeps_the_zoom():
    dash = shown(widgets.Dashboard(**SMALL))
    report(dash.view.zoom.probe, 1488, 1080)
    dash.canvas._set_device_pixel_ratio(2)           # what ipympl does on a retina screen
    assert dash.figure.dpi == 2 * 72 * MAX_ZOOM


def test_each_comparison_side_zooms_to_its_own_column():
    compare = widgets.Comparison(left=dict(regularizer="l2"), right=dict(regularizer="l1"),
                                 **SMALL)
    for dash in (compare.left, compare.right):
        shown(dash)
    report(compare.left.view.zoom.probe, 744, 1080)
    assert compare.left.view.zoom.zoom == 1.25 and compare.right.view.zoom.zoom == 1.0
    assert compare.left.figure.bbox.width == 576 * 1.25


def test_the_geometry_explorer_zooms_too():
    X = np.random.default_rng(0).standard_normal((30, 2))
    explorer = GeometryExplorer(X, X @ np.array([1.0, -2.0]), lam=0.3)
    width = explorer.figure.bbox.width
    report(explorer.zoom.probe, 1488, 1080)
    assert explorer.figure.bbox.width == pytest.approx(width * explorer.zoom.zoom, abs=1)
    assert explorer.zoom.zoom > 1
    explorer.close()


def test_closing_a_dashboard_closes_its_probe():
    dash = widgets.Dashboard(**SMALL)
    probe = dash.view.zoom.probe
    dash.close()
    assert probe.comm is None

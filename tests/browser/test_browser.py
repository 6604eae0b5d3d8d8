"""A real browser: JupyterLab, Debian's Chromium and Playwright move a lambda slider.

Each test copies a notebook into a temporary server root (committed notebooks are never touched),
runs all cells through JupyterLab's own command, waits for the figure to stop changing, presses
ArrowRight on the strength slider's handle until lambda is ten times larger, waits for any
training the change starts to finish, and asserts that a meaningful fraction of the figure's
pixels changed. Screenshots (before, after, their difference, and the whole page) are kept in
``tests/artifacts/browser/<test>/``.

Select with ``python -m pytest -m browser``. Without Chromium or Playwright the tests skip with
the install command; with ``CI=true`` they fail instead.
"""
import contextlib
import json
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

import page as browser
import lab as lab_server
import shots as screenshots

REPO = Path(__file__).resolve().parents[2]
TARGET_NOTEBOOK = REPO / "notebooks" / "02_l2.ipynb"
"""The notebook whose "try it" dashboard the browser test drives."""

ARTIFACTS = REPO / "tests" / "artifacts" / "browser"
STRENGTH_LABEL = re.compile(r"λ|lambda|strength", re.IGNORECASE)
"""How the strength slider is recognised: its label names lambda."""

MIN_CHANGED_FRACTION = 0.01
"""At least this fraction of the figure's pixels must change when the slider moves."""

MAX_UNLIKE_KERNEL_FRACTION = 0.002
"""At most this fraction of the browser's figure pixels may differ from the kernel's render of
the same state (a smeared frame leaves far more: stale curves, stripes through bars)."""

KERNEL_FRAME_TIMEOUT_S = 10.0
"""How long the browser's figure may take to show the kernel's latest frame."""

SAVE_KERNEL_FRAME = """\
import numpy as _np
from PIL import Image as _Image
_Image.fromarray(_np.asarray({figure}.canvas.get_renderer().buffer_rgba())).save({path!r})
"""
"""Kernel code saving the figure's current render as a PNG (relative to the notebook)."""

RUN_IN_NEXT_CELL = [
    "from nnreg_core.display import dashboard as widgets\n"
    "dash = widgets.Dashboard(regularizer='l2', dataset='moons', hidden=(16, 16), epochs=30,\n"
    "                         seed=0, controls=('strength',))\n"
    "dash",
    "history = dash.run()",
]
"""A dashboard shown in one cell and trained by ``run()`` in the next."""

VIEWPORT = {"width": 1800, "height": 1200}

GROWING = [
    "from nnreg_core.display import Comparison, Dashboard\n"
    "dash = Dashboard(regularizer='l2', dataset='moons', hidden=(16, 16), epochs=30, seed=0,\n"
    "                 controls=('strength',))\n"
    "dash",
    "compare = Comparison(left=dict(regularizer='l2', strength=1e-3),\n"
    "                     right=dict(regularizer='l1', strength=1e-3), dataset='moons',\n"
    "                     hidden=(16, 16), epochs=30, controls=('strength',))\n"
    "compare",
]
"""A dashboard and a comparison, to watch them grow with the screen."""
SCREENS = {"1920x1080": {"width": 1920, "height": 1080}, "1280x720": {"width": 1280, "height": 720}}
GROWTH_TIMEOUT_S = 30.0
"""How long the live figures may take to reach their new size after the window changed."""

CANVAS_SIZES = """() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jupyter-matplotlib-canvas-div canvas:first-child')]
    .map((canvas) => {
        const box = canvas.getBoundingClientRect();
        const room = canvas.closest('.jp-OutputArea-output').getBoundingClientRect();
        return {width: Math.round(box.width), height: Math.round(box.height),
                left: Math.round(box.left), right: Math.round(box.right),
                room_left: Math.round(room.left), room_right: Math.round(room.right),
                probe: Math.floor(canvas.closest('.jupyter-matplotlib').parentElement
                                  .firstElementChild.getBoundingClientRect().width)};
    })"""
"""Each live figure's size on the page, where it and its output area start and end, and the
width its probe (the first child of its box) reports (CSS pixels)."""

KERNEL_SIZES = ("import json, pathlib\n"
                "pathlib.Path({path!r}).write_text(json.dumps([[int(v) for v in f.bbox.size] "
                "for f in (dash.figure, compare.left.figure, compare.right.figure)]))")

PROBE_SOURCE = '''\
%matplotlib widget
import numpy as np
import matplotlib.pyplot as plt
import ipywidgets as widgets

rng = np.random.default_rng(0)
weights = rng.normal(size=2000)
bins = np.linspace(-4, 4, 41)
with plt.ioff():
    fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
_, _, patches = ax.hist(weights, bins=bins)
ax.set_ylim(0, 400)
ax.set_xlabel("weight")
strength = widgets.FloatLogSlider(value=1e-3, min=-4, max=0, step=0.25, description="λ")
unrelated = widgets.IntSlider(value=0, min=0, max=10, description="unrelated")

def redraw(change):
    """Shrink the weights by 1 / (1 + 100 λ) and redraw the bars in place."""
    counts, _ = np.histogram(weights / (1 + 100 * change["new"]), bins)
    for patch, count in zip(patches, counts):
        patch.set_height(count)
    fig.canvas.draw_idle()

strength.observe(redraw, names="value")
widgets.VBox([strength, unrelated, fig.canvas])
'''


def code_notebook(sources):
    """A notebook of code cells with the given sources, on the ``python3`` kernel."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return notebook


def assert_figure_shows_kernel_render(page, server, figure, shot, artifacts, variable="dash.figure",
                                      timeout_s=KERNEL_FRAME_TIMEOUT_S):
    """The browser's ``figure`` comes to show the kernel's render of ``variable`` now.

    ``shot`` is the settled screenshot taken before (kept as an artifact). The comparison reads
    the canvas's own pixels (:func:`page.canvas_png`), which a fractional position on the page
    does not blur. On a busy machine the last frame can still be on its way (encoded, sent,
    decoded), so the canvas is read again until it matches or ``timeout_s`` has passed; a
    smeared frame never heals and still fails. Saves ``kernel_frame.png``,
    ``browser_frame.png`` (the canvas) and ``browser_vs_kernel.png`` (differences in red).
    """
    kernel_png = server.root_dir / "kernel_frame.png"
    browser.kernel_execute(page, SAVE_KERNEL_FRAME.format(figure=variable, path=kernel_png.name))
    kernel = kernel_png.read_bytes()
    (artifacts / "kernel_frame.png").write_bytes(kernel)
    deadline = time.monotonic() + timeout_s
    shot = browser.canvas_png(figure)
    unlike = screenshots.aligned_changed_fraction(kernel, shot)
    while unlike > MAX_UNLIKE_KERNEL_FRACTION and time.monotonic() < deadline:
        time.sleep(0.25)
        shot = browser.canvas_png(figure)
        unlike = screenshots.aligned_changed_fraction(kernel, shot)
    (artifacts / "browser_frame.png").write_bytes(shot)
    screenshots.save_difference(kernel, shot, artifacts / "browser_vs_kernel.png")
    assert unlike <= MAX_UNLIKE_KERNEL_FRACTION, (
        f"{unlike:.2%} of the figure's pixels in the browser differ from the kernel's render "
        f"after {timeout_s:.0f} s")


def probe_notebook():
    """A one-cell notebook: an ipympl histogram redrawn by a log slider, and an unrelated slider."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.cells = [nbformat.v4.new_markdown_cell("# Browser probe"),
                      nbformat.v4.new_code_cell(PROBE_SOURCE)]
    return notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server and a headless Chromium, shared by this module's tests."""
    chromium = lab_server.require_browser_tools()
    from playwright.sync_api import sync_playwright

    server = lab_server.LabServer(tmp_path_factory.mktemp("lab-root"),
                                  tmp_path_factory.mktemp("lab-work"))
    try:
        with server, sync_playwright() as playwright:
            chromium_browser = browser.launch_chromium(playwright, chromium)
            try:
                yield server, chromium_browser
            finally:
                chromium_browser.close()
    finally:
        if server.log_path.exists():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(server.log_path, ARTIFACTS / "jupyter-lab.log")


def new_artifacts_dir(name):
    """An empty ``tests/artifacts/browser/<name>/`` directory."""
    path = ARTIFACTS / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@contextlib.contextmanager
def notebook_page(lab, notebook_name, artifacts, viewport=VIEWPORT):
    """A new page (``viewport`` large) on a notebook of the server's root, all cells run without
    an error.

    On any failure inside, the page is saved as ``page_on_failure.png`` in ``artifacts``; the page
    is always closed.
    """
    server, chromium_browser = lab
    page = chromium_browser.new_page(viewport=viewport)
    page.set_default_timeout(60_000)
    try:
        browser.open_notebook(page, server, notebook_name)
        in_dom, in_notebook = browser.attached_cells(page)
        assert in_dom == in_notebook, f"only {in_dom} of {in_notebook} cells are in the page"
        errors = browser.run_all_cells(page)
        assert not errors, f"cells of {notebook_name} raised: {errors}"
        yield page
    except BaseException:
        page.screenshot(path=artifacts / "page_on_failure.png")
        raise
    finally:
        page.close()


def raise_strength_tenfold(page, output, slider, artifacts):
    """Raise ``slider`` tenfold from the keyboard and compare the figure in ``output`` before/after.

    Before: the figure settled and any progress bar full. After: the figure changed by at least
    :data:`MIN_CHANGED_FRACTION`, then the run the change started is over and the figure settled.
    The screenshots and ``measurements.json`` are saved before returning, so they are there to
    look at whatever the caller asserts.

    Returns:
        A dict: ``value_before``, ``value_after`` (the slider's readout), ``presses``,
        ``changed_fraction`` (of the figure's pixels) and ``redraw_seconds`` (from the first key
        press to the settled redraw).
    """
    figure = browser.figure_in(output)
    before = browser.wait_until_finished(output, figure)
    value_before = browser.slider_readout(slider)
    page.screenshot(path=artifacts / "page_before.png")
    started = time.monotonic()
    presses = browser.press_slider_until(slider, lambda value: value >= 10 * value_before * 0.999)
    screenshots.wait_for_change(figure, before, MIN_CHANGED_FRACTION)
    after = browser.wait_until_finished(output, figure)
    measured = {"value_before": value_before, "value_after": browser.slider_readout(slider),
                "presses": presses, "changed_fraction": screenshots.changed_fraction(before, after),
                "redraw_seconds": round(time.monotonic() - started, 2)}
    (artifacts / "figure_before.png").write_bytes(before)
    (artifacts / "figure_after.png").write_bytes(after)
    screenshots.save_difference(before, after, artifacts / "figure_difference.png")
    page.screenshot(path=artifacts / "page_after.png")
    (artifacts / "measurements.json").write_text(json.dumps(measured, indent=2))
    return measured


@pytest.mark.browser
def test_probe_histogram_follows_its_slider_only(lab):
    """The harness itself: a slider wired to the histogram changes it; an unrelated one does not."""
    server, _ = lab
    nbformat.write(probe_notebook(), server.root_dir / "probe.ipynb")
    artifacts = new_artifacts_dir("probe")
    with notebook_page(lab, "probe.ipynb", artifacts) as page:
        output = browser.output_with_slider(page, STRENGTH_LABEL)
        figure = browser.figure_in(output)
        settled = screenshots.wait_until_settled(figure)
        unrelated = browser.slider_in(output, re.compile("unrelated"))
        browser.press_slider_until(unrelated, lambda value: value >= 4)
        untouched = screenshots.wait_until_settled(figure)
        assert screenshots.changed_fraction(settled, untouched) == 0.0

        slider = browser.slider_in(output, STRENGTH_LABEL)
        measured = raise_strength_tenfold(page, output, slider, artifacts)
        assert measured["presses"] == 4, "4 steps of 0.25 decades multiply λ by 10"
        assert measured["changed_fraction"] >= MIN_CHANGED_FRACTION, measured


@pytest.mark.browser
def test_dashboard_slider_redraws_histogram(lab):
    """The dashboard of the target notebook redraws its figure when the strength slider moves."""
    server, _ = lab
    assert TARGET_NOTEBOOK.exists(), f"{TARGET_NOTEBOOK.relative_to(REPO)} is missing"
    shutil.copy(TARGET_NOTEBOOK, server.root_dir / TARGET_NOTEBOOK.name)
    artifacts = new_artifacts_dir("dashboard")
    with notebook_page(lab, TARGET_NOTEBOOK.name, artifacts) as page:
        output = browser.output_with_slider(page, STRENGTH_LABEL)
        slider = browser.slider_in(output, STRENGTH_LABEL)
        measured = raise_strength_tenfold(page, output, slider, artifacts)
        assert measured["value_after"] == pytest.approx(10 * measured["value_before"], rel=0.01)
        assert measured["changed_fraction"] >= MIN_CHANGED_FRACTION, measured
        after = (artifacts / "figure_after.png").read_bytes()
        assert_figure_shows_kernel_render(page, server, browser.figure_in(output), after, artifacts)


@pytest.mark.browser
def test_dashboard_shown_before_run_shows_the_trained_state(lab):
    """A dashboard displayed in one cell and trained by ``run()`` in the next gets a visible
    canvas of the figure's size whose pixels are the kernel's render of the trained state."""
    server, _ = lab
    nbformat.write(code_notebook(RUN_IN_NEXT_CELL), server.root_dir / "run_next_cell.ipynb")
    artifacts = new_artifacts_dir("run_next_cell")
    with notebook_page(lab, "run_next_cell.ipynb", artifacts) as page:
        output = browser.output_with_slider(page, STRENGTH_LABEL)
        figure = browser.figure_in(output)
        box = figure.bounding_box()
        assert box["width"] > 0 and box["height"] > 0, box
        shot = browser.wait_until_finished(output, figure)
        (artifacts / "figure_after_run.png").write_bytes(shot)
        page.screenshot(path=artifacts / "page_after_run.png")
        assert_figure_shows_kernel_render(page, server, figure, shot, artifacts)


def kernel_sizes(page, server):
    """The pixel sizes the kernel renders the dashboard's and the comparison's figures at."""
    path = server.root_dir / "kernel_sizes.json"
    browser.kernel_execute(page, KERNEL_SIZES.format(path=path.name))
    return json.loads(path.read_text())


def expected_sizes(shown, window_height):
    """The sizes :func:`~nnreg_core.display.zoom.zoom_for` gives the dashboard (828x446.4 at
    zoom 1) and the comparison's sides (576x504) in the rooms their probes have on the page."""
    from nnreg_core.display.zoom import zoom_for

    sizes = []
    for size, seen in zip(((828, 446.4), (576, 504), (576, 504)), shown):
        zoom = zoom_for(seen["probe"], window_height, size)
        sizes.append([round(v * zoom) for v in size])
    return sizes


def sizes_once_grown(page, server, done, timeout_s=GROWTH_TIMEOUT_S):
    """``(shown, kernel)`` once ``done(shown)`` holds and every canvas shows its figure at the
    kernel's size (or the timeout passed): each canvas's size and room, and the kernel's."""
    deadline = time.monotonic() + timeout_s
    while True:
        shown, kernel = page.evaluate(CANVAS_SIZES), kernel_sizes(page, server)
        agree = [[s["width"], s["height"]] for s in shown] == kernel
        if (agree and done(shown)) or time.monotonic() > deadline:
            return shown, kernel
        time.sleep(0.5)


@pytest.mark.browser
def test_live_figures_grow_with_a_wider_screen_and_shrink_back(lab):
    """At 1920x1080 with the file browser open a dashboard is drawn 1.5 times larger (text too)
    and each side of a comparison fills its column; back at 1280x720 both are as designed, and
    nothing is wider than its output area at either size."""
    server, _ = lab
    nbformat.write(code_notebook(GROWING), server.root_dir / "growing.ipynb")
    artifacts = new_artifacts_dir("growing")
    with notebook_page(lab, "growing.ipynb", artifacts, SCREENS["1920x1080"]) as page:
        page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
        output = browser.output_with_slider(page, STRENGTH_LABEL)
        shown, kernel = sizes_once_grown(page, server,
                                         lambda s: len(s) == 3 and min(x["width"] for x in s) > 576)
        sizes = {"1920x1080": shown}
        (artifacts / "sizes.json").write_text(json.dumps(sizes, indent=1))
        assert kernel[0] == [1242, 670], f"the dashboard is not at 1.5 times 828x446: {kernel}"
        assert kernel == expected_sizes(shown, 1080), (kernel, shown)
        assert [[s["width"], s["height"]] for s in shown] == kernel, (shown, kernel)
        assert kernel[1] == kernel[2] and kernel[1][0] > 576 * 1.2, kernel
        assert shown[1]["right"] < shown[2]["right"] - kernel[2][0] + 1, "sides not side by side"
        assert all(s["right"] <= s["room_right"] for s in shown), shown
        figure = browser.figure_in(output)
        shot = browser.wait_until_finished(output, figure)
        assert_figure_shows_kernel_render(page, server, figure, shot, artifacts)
        page.screenshot(path=artifacts / "page_1920x1080.png")

        page.set_viewport_size(SCREENS["1280x720"])
        shown, kernel = sizes_once_grown(page, server,
                                         lambda s: len(s) == 3 and max(x["width"] for x in s) < 848)
        sizes["1280x720"] = shown
        (artifacts / "sizes.json").write_text(json.dumps(sizes, indent=1))
        assert kernel == expected_sizes(shown, 720), (kernel, shown)
        assert kernel[0][0] <= 828 and kernel[1] == [576, 504], kernel
        assert [[s["width"], s["height"]] for s in shown] == kernel, (shown, kernel)
        assert all(s["right"] <= s["room_right"] for s in shown), shown
        shrunk = new_artifacts_dir("growing/1280x720")
        assert_figure_shows_kernel_render(page, server, figure, browser.canvas_png(figure),
                                          shrunk)
        page.screenshot(path=artifacts / "page_1280x720.png")


@pytest.mark.parametrize("ci, outcome", [("", pytest.skip.Exception),
                                         ("true", pytest.fail.Exception)], ids=["local", "ci"])
def test_missing_chromium_names_the_install_command(monkeypatch, ci, outcome):
    """No Chromium: skip with ``apt-get install chromium``, or fail with it under ``CI=true``."""
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(lab_server, "find_chromium", lambda: None)
    with pytest.raises(outcome, match="apt-get install chromium"):
        lab_server.require_browser_tools()


@pytest.mark.parametrize("ci, outcome", [("", pytest.skip.Exception),
                                         ("true", pytest.fail.Exception)], ids=["local", "ci"])
def test_missing_playwright_names_the_install_command(monkeypatch, ci, outcome):
    """No Playwright: skip with ``pip install -r requirements.txt``, or fail under ``CI=true``."""
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(lab_server, "find_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # makes the import fail
    with pytest.raises(outcome, match=r"pip install -r requirements\.txt"):
        lab_server.require_browser_tools()

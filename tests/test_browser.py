"""A real browser: JupyterLab, Debian's Chromium and Playwright move a lambda slider.

Each test copies a notebook into a temporary server root (committed notebooks are never touched),
runs all cells through JupyterLab's own command, waits for the figure to stop changing, presses
ArrowRight on the strength slider's handle, and asserts that a meaningful fraction of the figure's
pixels changed. Screenshots (before, after, their difference, and the whole page) are kept in
``tests/artifacts/browser/<test>/``.

Select with ``python -m pytest -m browser``. Without Chromium or Playwright the tests skip with
the install command; with ``CI=true`` they fail instead.
"""
import contextlib
import json
import re
import shutil
import time
from pathlib import Path

import sys

import nbformat
import pytest

import browser
import lab_server
import screenshots

REPO = Path(__file__).resolve().parent.parent
TARGET_NOTEBOOK = REPO / "notebooks" / "02_l2.ipynb"
"""The notebook whose "try it" dashboard the browser test drives."""

ARTIFACTS = REPO / "tests" / "artifacts" / "browser"
STRENGTH_LABEL = re.compile(r"λ|lambda|strength", re.IGNORECASE)
"""How the strength slider is recognised: its label names lambda."""

MIN_CHANGED_FRACTION = 0.01
"""At least this fraction of the figure's pixels must change when the slider moves."""

KEY_PRESSES = 4
VIEWPORT = {"width": 1400, "height": 1000}

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
def notebook_page(lab, notebook_name, artifacts):
    """A new page on a notebook of the server's root, all cells run without an error.

    On any failure inside, the page is saved as ``page_on_failure.png`` in ``artifacts``; the page
    is always closed.
    """
    server, chromium_browser = lab
    page = chromium_browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(60_000)
    try:
        browser.open_notebook(page, server, notebook_name)
        errors = browser.run_all_cells(page)
        assert not errors, f"cells of {notebook_name} raised: {errors}"
        yield page
    except BaseException:
        page.screenshot(path=artifacts / "page_on_failure.png")
        raise
    finally:
        page.close()


def move_slider_and_compare(page, output, slider, artifacts):
    """Press ArrowRight on ``slider``, wait for the figure in ``output`` to redraw, compare pixels.

    The screenshots and ``measurements.json`` are saved before returning, so they are there to
    look at whatever the caller asserts.

    Returns:
        A dict: ``value_before``, ``value_after`` (the slider's readout), ``changed_fraction``
        (of the figure's pixels) and ``redraw_seconds`` (from the first key press to the settled
        redraw).
    """
    figure = browser.figure_in(output)
    before = screenshots.wait_until_settled(figure)
    value_before = browser.slider_readout(slider)
    page.screenshot(path=artifacts / "page_before.png")
    started = time.monotonic()
    browser.press_slider_keys(slider, "ArrowRight", KEY_PRESSES)
    after = screenshots.wait_for_change(figure, before, MIN_CHANGED_FRACTION)
    measured = {"value_before": value_before, "value_after": browser.slider_readout(slider),
                "changed_fraction": screenshots.changed_fraction(before, after),
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
        browser.press_slider_keys(unrelated, "ArrowRight", KEY_PRESSES)
        untouched = screenshots.wait_until_settled(figure)
        assert browser.slider_readout(unrelated) == KEY_PRESSES
        assert screenshots.changed_fraction(settled, untouched) == 0.0

        slider = browser.slider_in(output, STRENGTH_LABEL)
        measured = move_slider_and_compare(page, output, slider, artifacts)
        assert measured["value_after"] == pytest.approx(measured["value_before"] * 10), \
            "4 steps of 0.25 decades should multiply λ by 10"
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
        measured = move_slider_and_compare(page, output, slider, artifacts)
        assert measured["value_after"] > measured["value_before"], measured
        assert measured["changed_fraction"] >= MIN_CHANGED_FRACTION, measured


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

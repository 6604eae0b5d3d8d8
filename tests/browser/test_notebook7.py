"""Notebook 7's interface (``jupyter notebook``), as many classrooms use it: a notebook with a
dashboard opens, runs, and its strength slider moves its figure from the keyboard.

Screenshots are kept in ``tests/artifacts/browser/notebook7/``. Without Chromium or Playwright
the test skips with the install command; with ``CI=true`` it fails instead.
"""
import re
import shutil
from pathlib import Path

import nbformat
import pytest

import lab as lab_server
import page as browser
import shots as screenshots

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts" / "browser" / "notebook7"
VIEWPORT = {"width": 1280, "height": 720}
STRENGTH_LABEL = re.compile(r"^λ \(")
CELLS = [
    "from nnreg_core.display import Dashboard\n"
    "dash = Dashboard(regularizer='l2', strength=1e-3, dataset='moons', hidden=(8,), n_train=60,\n"
    "                 epochs=30, seed=0, controls=('strength',))\n"
    "dash",
    "history = dash.run()",
]


class NotebookServer(lab_server.LabServer):
    """``jupyter notebook`` (Notebook 7) with the same private settings as the JupyterLab one."""

    notebook_path = "notebooks/{name}"
    """Where Notebook 7 opens a notebook (it has no workspaces)."""

    app, name = "notebook", "jupyter notebook"
    app_flags = ("--JupyterNotebookApp.expose_app_in_browser=True",)


def notebook_with_a_dashboard():
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    return notebook


@pytest.mark.browser
@pytest.mark.xfail(strict=True, reason=(
    "Notebook 7 binds ArrowRight in command mode (notebook:move-cursor-heading-below-or-expand) "
    "and takes the key before a focused slider handle sees it; the page opens, runs and draws"))
def test_a_dashboard_runs_and_its_slider_moves_in_notebook_7(tmp_path):
    chromium = lab_server.require_browser_tools()
    pytest.importorskip("notebook", minversion="7")
    from playwright.sync_api import sync_playwright

    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(REPO / "notebooks" / "matplotlibrc", root / "matplotlibrc")
    nbformat.write(notebook_with_a_dashboard(), root / "dashboard.ipynb")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    server = NotebookServer(root, tmp_path / "work")
    with server, sync_playwright() as playwright:
        chromium_browser = browser.launch_chromium(playwright, chromium)
        page = chromium_browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(60_000)
        console = []
        page.on("pageerror", lambda error: console.append(str(error)))
        try:
            browser.open_notebook(page, server, "dashboard.ipynb")
            assert page.locator("#main-panel, .jp-NotebookPanel").count(), "no notebook page"
            errors = browser.run_all_cells(page)
            assert not errors, f"the cells raised: {errors}"
            output = browser.output_with_slider(page, STRENGTH_LABEL)
            figure = browser.figure_in(output)
            before = browser.wait_until_finished(output, figure)
            page.screenshot(path=ARTIFACTS / "page_before.png")
            slider = browser.slider_in(output, STRENGTH_LABEL)
            value = browser.slider_readout(slider)
            browser.press_slider_until(slider, lambda moved: moved > value, max_presses=10)
            screenshots.wait_for_change(figure, before, 0.01)
            after = browser.wait_until_finished(output, figure)
            page.screenshot(path=ARTIFACTS / "page_after.png")
            screenshots.save_difference(before, after, ARTIFACTS / "figure_difference.png")
            assert screenshots.changed_fraction(before, after) >= 0.01
            assert not console, console
        finally:
            page.close()
            chromium_browser.close()

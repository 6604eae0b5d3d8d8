"""App mode: Voilà serves the playground and every lesson as pages without code, in Chromium.

- The playground, served exactly as the README says (``voila notebooks/playground.ipynb``), at
  1280x720: no code on the page, no console error, no failed request; a strength slider moved
  from the keyboard changes the figure.
- A scenario in the page's URL (``?state=…``, made by ``Dashboard.state()``) opens that
  scenario, where the page without a query opens the default one.
- Every lesson renders under Voilà (``voila notebooks/``) without an error output, and each of its
  dashboards draws its figure on the page, with no console error and no failed request.

Screenshots are kept in ``tests/artifacts/voila/<test>/``. Select with ``python -m pytest -m
browser``; without Chromium or Playwright the tests skip, and with ``CI=true`` they fail.
"""
import contextlib
import json
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

import lab as lab_server
import page as browser
import shots as screenshots
import voila_app
from quiet import computing

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
PLAYGROUND = NOTEBOOKS / "playground.ipynb"
LESSONS = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = REPO / "tests" / "artifacts" / "voila"
VIEWPORT = {"width": 1280, "height": 720}

STRENGTH_LABEL = re.compile(r"λ|lambda|strength", re.IGNORECASE)
"""The strength slider is the one whose label names lambda (as in the JupyterLab test)."""
MIN_CHANGED_FRACTION = 0.01
"""At least this fraction of the figure's pixels must change when the slider moves."""
MIN_INK_FRACTION = 0.02
"""A drawn figure has at least this fraction of non-white pixels (a blank canvas has none)."""

SCENARIO = dict(regularizer="l1", strength=1e-2, dataset="circles", hidden=(8,), epochs=60,
                knobs={"form": "proximal"})
"""The scenario the link test sends; every field differs from the playground's default (the
strength is on the slider's grid, so the readout shows it as it is)."""
SOURCE_MARKERS = ("parse_qs(", "QUERY_STRING\"", "Dashboard(", "import ")
"""Text from the playground's code cells that must not appear on the page."""


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium shared by this module's tests."""
    executable = lab_server.require_browser_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = browser.launch_chromium(playwright, executable)
        try:
            yield launched
        finally:
            launched.close()


def serve(target, work_dir, *extra_args):
    """A started :class:`voila_app.VoilaServer` whose log is copied to the artifacts at exit."""
    server = voila_app.VoilaServer(target, work_dir, extra_args)
    try:
        with server:
            yield server
    finally:
        if server.log_path.exists():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(server.log_path, ARTIFACTS / f"voila-{Path(target).stem}.log")


@pytest.fixture(scope="module")
def playground(chromium, tmp_path_factory):
    """``voila notebooks/playground.ipynb``, as the README gives it."""
    yield from serve(PLAYGROUND, tmp_path_factory.mktemp("voila-playground"))


@pytest.fixture(scope="module")
def lessons(chromium, tmp_path_factory):
    """``voila notebooks/`` with tracebacks shown, so that a failing cell is on the page."""
    yield from serve(NOTEBOOKS, tmp_path_factory.mktemp("voila-lessons"),
                     "--show_tracebacks=True")


def new_artifacts_dir(name):
    path = ARTIFACTS / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@contextlib.contextmanager
def opened_page(chromium, url, artifacts):
    """``(page, seen)``: a 1280x720 page on ``url``, watched (see :func:`voila_app.watch_page`),
    loaded; closed after the ``with`` block. Voilà runs the notebook's cells while the page
    loads and draws, so the block holds :func:`quiet.computing` (no other test process times an
    answer meanwhile)."""
    with computing():
        page = chromium.new_page(viewport=VIEWPORT)
        try:
            page.set_default_timeout(120_000)
            seen = voila_app.watch_page(page)
            page.goto(url, wait_until="load")
            page.screenshot(path=artifacts / "page_loaded.png")
            yield page, seen
        finally:
            page.close()


def dropdown_text(output, label):
    """The text of the option selected in the dropdown labelled ``label`` inside ``output``."""
    dropdown = output.locator(".widget-dropdown", has=output.page.locator(
        ".widget-label", has_text=re.compile(f"^{re.escape(label)}$"))).first
    return dropdown.locator("select").evaluate("s => s.options[s.selectedIndex].text")


def ink_fraction(png):
    """The fraction of non-white pixels in a screenshot."""
    return float((screenshots.decode_png(png).min(axis=2) < 245).mean())


def wait_for_ink(figure, timeout_s=60.0, poll_s=0.5):
    """Screenshot ``figure`` until it is drawn (:data:`MIN_INK_FRACTION`) and settled; the
    first frame reaches a new view a moment after the canvas appears, blank."""
    deadline = time.monotonic() + timeout_s
    while ink_fraction(figure.screenshot()) < MIN_INK_FRACTION and time.monotonic() < deadline:
        time.sleep(poll_s)
    return screenshots.wait_until_settled(figure, timeout_s=max(1.0, deadline - time.monotonic()))


def expected_figures(path):
    """How many live figures a notebook shows: one per Dashboard or GeometryExplorer, two per
    Comparison built."""
    cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    return sum(s.count("Dashboard(") + s.count("GeometryExplorer(") + 2 * s.count("Comparison(")
               for s in cells)


@pytest.mark.browser
def test_playground_is_a_page_without_code_whose_slider_changes_the_figure(chromium, playground):
    artifacts = new_artifacts_dir("playground")
    with opened_page(chromium, playground.url(), artifacts) as (page, seen):
        output = browser.output_with_slider(page, STRENGTH_LABEL)
        text = page.inner_text("body")
        shown = [marker for marker in SOURCE_MARKERS if marker in text]
        assert not shown, f"the page shows code: {shown}"
        assert dropdown_text(output, "regularizer") == "L2"
        assert dropdown_text(output, "data set") == "moons"

        slider = browser.slider_in(output, STRENGTH_LABEL)
        figure = browser.figure_in(output)
        before = browser.wait_until_finished(output, figure)
        value = browser.slider_readout(slider)
        browser.press_slider_until(slider, lambda now: now >= 10 * value * 0.999)
        screenshots.wait_for_change(figure, before, MIN_CHANGED_FRACTION)
        after = browser.wait_until_finished(output, figure)
        (artifacts / "figure_before.png").write_bytes(before)
        (artifacts / "figure_after.png").write_bytes(after)
        screenshots.save_difference(before, after, artifacts / "figure_difference.png")
        page.screenshot(path=artifacts / "page_after.png")
        changed = screenshots.changed_fraction(before, after)
        assert changed >= MIN_CHANGED_FRACTION, f"only {changed:.2%} of the figure changed"
        assert voila_app.unexpected(seen) == {}


@pytest.mark.browser
def test_a_scenario_in_the_url_opens_that_scenario(chromium, playground):
    from nnreg_core.display import Dashboard

    text = Dashboard(**SCENARIO).state()
    artifacts = new_artifacts_dir("scenario")
    (artifacts / "link.json").write_text(json.dumps({"state": text, "scenario": SCENARIO}))
    with opened_page(chromium, playground.url(query=f"state={text}"), artifacts) as (page, seen):
        output = browser.output_with_slider(page, STRENGTH_LABEL)
        figure = browser.figure_in(output)
        browser.wait_until_finished(output, figure)
        page.screenshot(path=artifacts / "page_settled.png")
        assert dropdown_text(output, "regularizer") == "L1"
        assert dropdown_text(output, "data set") == "circles"
        assert dropdown_text(output, "hidden layers") == "8"
        assert dropdown_text(output, "L1 form") == "proximal"
        slider = browser.slider_in(output, STRENGTH_LABEL)
        assert browser.slider_readout(slider) == pytest.approx(1e-2, rel=0.01)
        assert voila_app.unexpected(seen) == {}


@pytest.mark.browser
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_renders_with_its_dashboards_drawn(chromium, lessons, path):
    artifacts = new_artifacts_dir(path.stem)
    url = lessons.url(f"voila/render/{path.name}")
    with opened_page(chromium, url, artifacts) as (page, seen):
        errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr'], "
                              ".jp-RenderedText[data-mime-type*='error']")
        assert errors.count() == 0, errors.first.inner_text()[:2000]
        figures = page.locator(".jupyter-matplotlib-canvas-div")
        expected = expected_figures(path)
        page.wait_for_function(f"() => document.querySelectorAll("
                               f"'.jupyter-matplotlib-canvas-div').length >= {expected}")
        assert figures.count() == expected
        for index in range(expected):
            figures.nth(index).scroll_into_view_if_needed()
            shot = wait_for_ink(figures.nth(index))
            (artifacts / f"figure_{index}.png").write_bytes(shot)
            assert ink_fraction(shot) >= MIN_INK_FRACTION, f"figure {index} is blank"
        page.screenshot(path=artifacts / "page_drawn.png")
        assert voila_app.unexpected(seen) == {}

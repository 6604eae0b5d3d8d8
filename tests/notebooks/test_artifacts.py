"""The committed notebooks as files a reader gets: small, without stale widget state, and
readable as a static HTML page (``jupyter nbconvert --to html``) with their figures in it.

The size bound and the figure encoding come from ``tools/run_notebooks.py``, the one way
notebooks are saved; these tests check what it saved.
"""
import base64
import importlib.util
import io
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
MIN_FIGURE_WIDTH = 300
"""A static figure narrower than this (pixels) is too small to read on a projector."""


def load_runner():
    """``tools/run_notebooks.py`` as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("run_notebooks",
                                                  REPO / "tools" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUNNER = load_runner()


def static_figures(notebook):
    """The base64 text of every ``image/png`` output, in order."""
    return ["".join(output["data"]["image/png"].split()) for cell in notebook["cells"]
            for output in cell.get("outputs", ()) if "image/png" in output.get("data", {})]


def html_page(path):
    """The notebook as ``jupyter nbconvert --to html`` writes it (nbconvert's HTMLExporter)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_filename(str(path))
    return body


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_small_and_has_no_widget_state(path):
    size = path.stat().st_size
    assert size <= RUNNER.MAX_BYTES, (
        f"{path.name} is {size / 1000:.0f} KB, over {RUNNER.MAX_BYTES / 1000:.0f} KB: save it "
        f"with `python tools/run_notebooks.py notebooks/{path.name}`")
    notebook = json.loads(path.read_text())
    assert "widgets" not in notebook["metadata"], "stale widget state is saved in the notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_html_page_shows_every_static_figure_readably(path):
    from PIL import Image

    figures = static_figures(json.loads(path.read_text()))
    page = html_page(path)
    shown = ["".join(text.split())
             for text in re.findall(r'<img[^>]+src="data:image/png;base64,([^"]+)"', page)]
    assert shown == figures, (f"{path.name}: the HTML page shows {len(shown)} of its "
                              f"{len(figures)} static figures, or others")
    for index, text in enumerate(figures):
        with Image.open(io.BytesIO(base64.b64decode(text))) as image:
            assert image.width >= MIN_FIGURE_WIDTH, f"figure {index} is {image.width} px wide"
    headings = [line for cell in json.loads(path.read_text())["cells"]
                if cell["cell_type"] == "markdown"
                for line in "".join(cell["source"]).splitlines() if line.startswith("# ")]
    for heading in headings:
        assert heading[2:].strip().split()[0] in page, f"the page lacks the heading {heading!r}"


def test_compact_png_keeps_the_picture_and_shrinks_it():
    """tools/run_notebooks.py's re-encoding of a figure: smaller, the same pixels to within
    its bound, and unchanged for an image it cannot encode safely (transparency)."""
    import numpy as np
    from matplotlib.figure import Figure
    from PIL import Image

    figure = Figure(figsize=(6, 3), dpi=72)
    ax = figure.subplots()
    grid = np.linspace(-1, 1, 200)
    ax.contourf(grid, grid, np.add.outer(grid, grid ** 2), levels=40)
    ax.set_title("a smooth colour map and text")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    original = buffer.getvalue()
    compact = RUNNER.compact_png(original)
    assert len(compact) < len(original)
    before = np.asarray(Image.open(io.BytesIO(original)).convert("RGB"), dtype=np.int16)
    after = np.asarray(Image.open(io.BytesIO(compact)).convert("RGB"), dtype=np.int16)
    assert after.shape == before.shape
    assert np.abs(after - before).mean() <= RUNNER.MAX_MEAN_ERROR

    transparent = io.BytesIO()
    figure.savefig(transparent, format="png", transparent=True)
    assert RUNNER.compact_png(transparent.getvalue()) == transparent.getvalue()

"""Execute notebooks from a fresh kernel, in order, and save them with their outputs.

The committed notebooks must come from a fresh kernel run top to bottom (nbval strict compares
every printed output with a new run): this is the one way to make them.

Run: ``python tools/run_notebooks.py [notebooks/NN_name.ipynb …]`` (default: every notebook).

What is saved besides the run's outputs:

- Widget state (``metadata.widgets``) is not kept: a saved dashboard cannot come back to life
  without its kernel, and the static figure after it is what a reader without a kernel sees.
- Static figures are re-encoded as palette PNGs (256 colours, no dithering) when that leaves
  the picture as it was (see :func:`compact_png`); otherwise as plain RGB PNGs, losslessly.
  Their pixel size is set where every kernel gets it, in ``notebooks/matplotlibrc``
  (72 dpi: a point is a pixel).
- A live widget's output (a dashboard) in a cell tagged ``nbval-ignore-output`` is saved as one
  line of text saying how to bring it to life (:data:`WIDGET_NOTE`): without its saved state
  the widget view could only show an error ("model not found") or its Python repr.
- A notebook over :data:`MAX_BYTES` is reported as a failure.
"""
import argparse
import base64
import io
import os
import sys
import time
from pathlib import Path

# The kernels run as the tests' do (tests/conftest.py): OpenBLAS splits float32 products
# differently on two threads, which moves the float32 sweeps' last digits.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
MAX_BYTES = 400_000
"""The size bound of a saved notebook (bytes)."""

MAX_MEAN_ERROR = 0.5
"""A palette PNG is kept when its mean channel error (0-255 scale) is at most this …"""
MAX_OFF_FRACTION = 0.005
"""… and at most this fraction of pixels is off by more than :data:`OFF_BY` in a channel."""
OFF_BY = 24


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "[an interactive dashboard: run the notebook, or open it with Voilà, to use it]"


def note_widgets(notebook):
    """Replace each widget output of a cell tagged ``nbval-ignore-output`` by
    :data:`WIDGET_NOTE` (in place); return how many were replaced."""
    replaced = 0
    for cell in notebook.cells:
        if "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", ()):
            continue
        for output in cell.get("outputs", ()):
            if WIDGET_MIME in output.get("data", {}):
                output["data"] = {"text/plain": WIDGET_NOTE}
                replaced += 1
    return replaced


def encode_png(image, optimize=True):
    """PNG bytes of a Pillow image, at zlib's best compression."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=optimize)
    return buffer.getvalue()


def palette_error(rgb, palette_image):
    """``(mean channel error, fraction of pixels off by more than OFF_BY)`` of a palette image
    against the RGB image it was made from (arrays ``(height, width, 3)``, 0-255)."""
    import numpy as np

    original = np.asarray(rgb, dtype=np.int16)
    error = np.abs(np.asarray(palette_image.convert("RGB"), dtype=np.int16) - original)
    return float(error.mean()), float((error.max(axis=2) > OFF_BY).mean())


def compact_png(png):
    """The smallest safe encoding of one figure's PNG bytes (the same pixel size).

    An opaque RGBA image loses its alpha channel; then a 256-colour palette (median cut, no
    dithering) is used when its mean channel error is at most :data:`MAX_MEAN_ERROR` and at
    most :data:`MAX_OFF_FRACTION` of the pixels are off by more than :data:`OFF_BY` (anti-aliased
    edges only: text and lines stay where they were); otherwise the RGB image, losslessly.
    Images with transparency, or whose re-encoding is not smaller, come back unchanged.
    """
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image.load()
    if image.mode == "RGBA" and image.getextrema()[3][0] < 255:
        return png
    rgb = image.convert("RGB")
    palette = rgb.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    mean_error, off_fraction = palette_error(rgb, palette)
    safe = mean_error <= MAX_MEAN_ERROR and off_fraction <= MAX_OFF_FRACTION
    smaller = encode_png(palette if safe else rgb)
    return smaller if len(smaller) < len(png) else png


def compact_figures(notebook):
    """Re-encode every ``image/png`` output of ``notebook`` in place with :func:`compact_png`;
    return ``(bytes before, bytes after)`` of the base64 text."""
    before = after = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            text = data["image/png"]
            new = base64.b64encode(compact_png(base64.b64decode(text))).decode("ascii")
            data["image/png"] = new
            before, after = before + len(text), after + len(new)
    return before, after


def execute(path, timeout=600):
    """Run ``path`` in a new ``python3`` kernel (working directory: its folder) and save it.

    Returns:
        ``(seconds, error outputs)``.
    """
    import nbformat
    from nbclient import NotebookClient
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    notebook.metadata.pop("widgets", None)
    note_widgets(notebook)
    compact_figures(notebook)
    errors = [o for c in notebook.cells for o in c.get("outputs", ())
              if o.get("output_type") == "error"]
    nbformat.write(notebook, path)
    return seconds, errors


def problems(path, errors):
    """What is wrong with a saved notebook: its error outputs, a size over the bound."""
    found = [f"{len(errors)} error output(s): {errors[0]['ename']}"] if errors else []
    size = path.stat().st_size
    if size > MAX_BYTES:
        found.append(f"{size / 1000:.0f} KB is over the {MAX_BYTES / 1000:.0f} KB bound")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    args = parser.parse_args()
    failed = False
    for path in args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb")):
        seconds, errors = execute(path.resolve())
        found = problems(path, errors)
        note = "".join(f"  {p}" for p in found)
        print(f"{path.name:40s} {seconds:6.1f} s  {path.stat().st_size / 1000:7.0f} KB{note}")
        failed = failed or bool(found)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

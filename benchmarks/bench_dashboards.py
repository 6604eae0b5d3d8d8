"""Every notebook's own dashboards, measured in the kernel-side Python (no browser).

The dashboards are built from the ``Dashboard(...)`` and ``Comparison(...)`` calls in the
notebooks themselves (names they use are taken from the notebook's earlier literal
assignments; a regularizer a notebook chooses by a sweep is L2 at 0.01 here). For each notebook:

- path build: seconds to train every strength of the slider at once (what building does);
- slider change -> end state drawn: a strength-slider change until the frame is PNG-encoded
  and handed to the canvas (artists updated, changed ones blitted), median and worst over
  every value of the slider; goals <= 30 ms median, <= 100 ms worst;
- replay: animation frames per second drawn from the cache (goal >= 30);
- rebuild: seconds to train the path again after a control it does not cover (epochs);
- cache: memory of the cached paths of the notebook's dashboards.

Then 30 re-creations of a dashboard in one cell (as re-running it does): resident memory growth
(goal < 20 MB).

Run: ``python benchmarks/bench_dashboards.py [--zoom Z] [NN ... | playground]`` (timings vary
with the machine's load). ``--zoom 1.5`` draws every figure as a 1920 px screen shows it
(:mod:`nnreg_core.display.zoom`): 2.25 times the pixels of the default, 1280 px, size.
BLAS runs on one thread, as in the tests and the notebook kernels they start.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # as the tests and their notebook kernels

import ast  # noqa: E402
import gc
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib

matplotlib.use("Agg")

import psutil  # noqa: E402
from IPython.core.inputtransformer2 import TransformerManager  # noqa: E402

import numpy as np  # noqa: E402

from nnreg_core.display import Comparison, Dashboard, layout  # noqa: E402
from nnreg_core.display.dashboard import CONTROLS  # noqa: E402
from nnreg_core.draws import augment_knobs, digits_draw  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
STAND_INS = {"best_single": "l2", "best_value": 0.01, "best": "l2", "values": np.array([0.01]),
             "counts": np.array([1]), "augment_knobs": augment_knobs, "digits_draw": digits_draw,
             "dash_draw": digits_draw(5), "CONTROLS": CONTROLS}
"""What the benchmark uses for names a notebook computes (a sweep's choice: L2 at 0.01)."""


def literal_names(node):
    """``{name: value}`` of the literal parts of an assignment (``a, b = 0.1, f(x)`` gives a)."""
    found = {}
    for target in node.targets:
        pairs = [(target, node.value)]
        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
            pairs = list(zip(target.elts, node.value.elts))
        for name, value in pairs:
            if isinstance(name, ast.Name):
                try:
                    found[name.id] = ast.literal_eval(value)
                except ValueError:
                    pass
    return found


def notebook_calls(path):
    """``[(source, namespace)]``: each Dashboard/Comparison call of a notebook, with the values
    of the names it uses (literal assignments of earlier cells)."""
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    names, calls, ipython = dict(STAND_INS), [], TransformerManager()
    for number, cell in enumerate(cells):
        source = ipython.transform_cell("".join(cell["source"]))   # magics as calls
        try:
            tree = ast.parse(source)
        except SyntaxError as error:   # said, not skipped: a skipped cell hides its dashboards
            raise SystemExit(f"{path.name}, code cell {number}: not Python even after IPython's "
                             f"transformer ({error.msg}, line {error.lineno}).") from error
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                names.update(literal_names(node))
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("Dashboard", "Comparison")):
                calls.append((ast.get_source_segment(source, node), dict(names)))
    return calls


def connect(dash, zoom=1.0):
    """As a dashboard shown in a browser: displayed (its figure at ``zoom``), the first full
    render done, and ipympl no longer re-encoding a PNG for embedding."""
    dash._repr_mimebundle_()
    dash.canvas.syncing_data_url = False
    dash.view.zoom.apply(zoom)
    dash.figure.canvas.draw()
    return dash


def slider_times(dash):
    """Milliseconds per strength change, over every slider value (shuffled deterministically)."""
    values = list(dash.strengths)
    values = values[1::2] + values[::2]
    times = []
    for value in values + values[:1]:
        start = time.perf_counter()
        dash.controls["strength"].value = value
        times.append(1000 * (time.perf_counter() - start))
    return times


def replay_fps(dash):
    """Frames per second of a replay from the cache (what play draws, frame after frame)."""
    dash.index, frames = 0, 0
    start = time.perf_counter()
    while dash._frame():
        frames += 1
    return (frames + 1) / (time.perf_counter() - start)


def rebuild_seconds(dash):
    epochs = dash.settings.epochs
    start = time.perf_counter()
    dash.controls["epochs"].value = epochs + 10 if epochs < 1000 else epochs - 10
    return time.perf_counter() - start


def measure(source, names, zoom=1.0):
    namespace = {"Dashboard": Dashboard, "Comparison": Comparison, **names}
    start = time.perf_counter()
    made = eval(source, namespace)  # noqa: S307 - the notebook's own call
    made.run()
    build = time.perf_counter() - start
    dashes = [made.left, made.right] if isinstance(made, Comparison) else [made]
    times, fps, rebuild, cache = [], [], [], 0
    for dash in dashes:
        connect(dash, zoom)
        times += slider_times(dash)
        fps.append(replay_fps(dash))
        rebuild.append(rebuild_seconds(dash))
        cache += dash.cache_bytes()
    made.close()
    return dict(build=build, median=statistics.median(times), worst=max(times), fps=min(fps),
                rebuild=sum(rebuild), cache=cache / 2 ** 20, kind=type(made).__name__)


def recreation_growth(n=30):
    """Resident memory growth (MB) over ``n`` re-creations of one dashboard cell, and over the
    last half of them (what is left once caches and the allocator have warmed up)."""
    runs = iter(range(n + 5))
    layout.current_execution = lambda: ("cell", next(runs))
    process = psutil.Process()
    for _ in range(3):                       # warm-up: imports, fonts, caches
        connect(Dashboard())
    rss = []
    for _ in range(n):
        connect(Dashboard())
        gc.collect()
        rss.append(process.memory_info().rss / 2 ** 20)
    return rss[-1] - rss[0], rss[-1] - rss[n // 2]


def main(selected, zoom=1.0):
    if zoom != 1:
        print(f"Figures drawn at zoom {zoom:g}")
    print("notebook   dashboard    path build  slider median  worst   replay   rebuild  cache")
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        name = path.stem.split("_")[0]            # "01", …, "playground"
        if selected and name not in selected:
            continue
        for source, names in notebook_calls(path):
            try:
                r = measure(source, names, zoom)
            except NameError as err:      # a name computed by an earlier cell, not a literal
                print(f"{name:<10} skipped: {err}")
                continue
            print(f"{name:<10} {r['kind']:<12} {r['build']:7.2f} s  {r['median']:9.1f} ms "
                  f"{r['worst']:6.1f} ms {r['fps']:6.1f} fps {r['rebuild']:6.2f} s "
                  f"{r['cache']:5.1f} MB", flush=True)
    total, last_half = recreation_growth()
    print(f"30 re-creations of a dashboard cell: {total:+.1f} MB resident memory (goal < 20 MB); "
          f"{last_half:+.1f} MB over the last 15")


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="NN or playground (default: all)")
    parser.add_argument("--zoom", type=float, default=1.0,
                        help="draw the figures at this zoom (1.5: a 1920 px screen)")
    args = parser.parse_args()
    main(args.notebooks, args.zoom)

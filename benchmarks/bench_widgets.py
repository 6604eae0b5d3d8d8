"""Dashboard speed and leaks, measured in the kernel-side Python (no browser).

Prints:

- path mode (the default): median time from a strength-slider change to the redraw finished in the kernel
  (artists updated, the changed ones drawn onto the cached background, the whole frame
  PNG-encoded and sent by the ipympl canvas); goal <= 30 ms;
- live mode: animation frames per second (train ``frame_epochs`` epochs, update, render) for a
  2-16-16-1 network on 200 moons points; goal >= 20;
- 500 slider changes in a row: open pyplot figures, live matplotlib Figure objects and resident
  memory growth; goals: no growth in figures, < 5 MB.

Run: ``python benchmarks/bench_widgets.py`` (timings vary with the machine and its load).
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # as the tests and their notebook kernels

import gc  # noqa: E402
import statistics  # noqa: E402
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np
import psutil
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from nnreg_core.display import dashboard as widgets


def render(dash):
    """A full render, as the browser's first draw request after display does."""
    dash.figure.canvas.draw()


def connected(dash):
    """Behave as a displayed dashboard with a browser attached: shown (so each change sends
    its frame) and ipympl no longer re-encoding a full PNG for embedding."""
    if dash.canvas is not None:
        dash.canvas.syncing_data_url = False
    dash._repr_mimebundle_()
    render(dash)
    return dash


def grid_values(dash, n_changes, seed):
    """``n_changes`` values of the strength slider, drawn at random."""
    return np.random.default_rng(seed).choice(dash.strengths, n_changes)


def scrub_latency(n_changes=60, seed=0):
    dash = widgets.Dashboard()
    dash.run()
    connected(dash)
    values = grid_values(dash, n_changes, seed)
    times = []
    for value in values:
        start = time.perf_counter()
        dash.controls["strength"].value = value  # updates the artists and sends the frame
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times), dash


def live_fps():
    dash = connected(widgets.Dashboard(mode="live", frame_epochs=4))
    dash.reset()
    frames, start = 1, time.perf_counter()
    while dash._frame():  # one animation frame: train, update the artists, send the frame
        frames += 1
    return frames / (time.perf_counter() - start), frames, dash.live.epoch


def figures_alive():
    gc.collect()
    return sum(isinstance(obj, Figure) for obj in gc.get_objects())


def leak_check(dash, n_changes=500, seed=1):
    process = psutil.Process()
    values = grid_values(dash, n_changes, seed)
    for value in values[:50]:  # warm-up: caches, fonts
        dash.controls["strength"].value = value
    open_before, alive_before = len(plt.get_fignums()), figures_alive()
    rss_before = process.memory_info().rss
    for value in values:
        dash.controls["strength"].value = value
    gc.collect()
    rss_growth = (process.memory_info().rss - rss_before) / 2 ** 20
    return open_before, len(plt.get_fignums()), alive_before, figures_alive(), rss_growth


def main():
    start = time.perf_counter()
    widgets.Dashboard()
    print(f"construct a dashboard:     {1000 * (time.perf_counter() - start):7.1f} ms")
    start = time.perf_counter()
    connected(widgets.Dashboard())
    print(f"first full render:         {1000 * (time.perf_counter() - start):7.1f} ms "
          "(once, when shown; again only when an axis range changes)")
    median_ms, dash = scrub_latency()
    print(f"slider redraw (median):    {median_ms:7.1f} ms   (goal <= 30 ms)")
    fps, frames, epochs = live_fps()
    print(f"live animation:            {fps:7.1f} fps  ({frames} frames, {epochs} epochs; "
          "goal >= 20)")
    open_before, open_after, alive_before, alive_after, rss = leak_check(dash)
    print(f"500 changes, open figures: {open_before} -> {open_after}; Figure objects "
          f"{alive_before} -> {alive_after}")
    print(f"500 changes, RSS growth:   {rss:7.2f} MB  (goal < 5 MB)")


if __name__ == "__main__":
    main()

"""The series: how long each notebook takes to execute from a fresh kernel, and the total.

Every ``notebooks/*.ipynb`` is run top to bottom with nbclient in a new ``python3`` kernel, timed
from the kernel's start to the last cell's reply: what a teacher waits for after "Restart & Run
All". The kernel's shut-down afterwards is not counted (nobody waits for it; it takes 0.1-0.2 s,
now and then seconds). Goals: each notebook under 10 s, all together under 60 s.

Beside each time: the range over the repeats, and the part every notebook pays before its
lesson starts (the kernel's start and the first cell's imports).

Run: ``python benchmarks/bench_notebooks.py [--repeats 1] [notebook.ipynb …]``
"""
import argparse
import statistics
import time
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EACH_GOAL, TOTAL_GOAL = 10.0, 60.0


def machine_check_seconds(repeats=5):
    """A fixed piece of NumPy work (a small network's products and tanh, many short calls),
    timed before and after the notebooks: this machine's speed varies from run to run, and the
    notebooks' times move with it. Median of ``repeats``."""
    import numpy as np
    rng = np.random.default_rng(0)
    X, W = rng.standard_normal((20, 200, 32)), rng.standard_normal((20, 32, 32))

    def work():
        start = time.perf_counter()
        for _ in range(200):
            np.tanh(X @ W)
        return time.perf_counter() - start
    return statistics.median(work() for _ in range(repeats))


def execute_seconds(path, timeout=600):
    """``(seconds, before_lesson)``: from starting a fresh kernel to the reply to the notebook's
    last cell, and to the reply to its first code cell (the imports). Outputs are not saved."""
    import nbformat
    from nbclient import NotebookClient
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.reset_execution_trackers()
    start, before_lesson = time.perf_counter(), None
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
            if before_lesson is None and cell.cell_type == "code":
                before_lesson = time.perf_counter() - start
        seconds = time.perf_counter() - start
    return seconds, before_lesson


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--repeats", type=int, default=1, help="runs per notebook (median)")
    args = parser.parse_args()
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        print(f"No notebooks found in {NOTEBOOKS}.")
        return
    print(f"Each notebook executed from a fresh python3 kernel (start-up included, shut-down "
          f"not), median of {args.repeats} run(s); goals: each < {EACH_GOAL:g} s, total < {TOTAL_GOAL:g} s.\n")
    before = machine_check_seconds()
    total = fixed = 0.0
    print(f"{'notebook':34s} {'median':>8} {'range over runs':>17}  {'kernel + imports':>16}")
    for path in paths:
        runs = [execute_seconds(path) for _ in range(args.repeats)]
        seconds = statistics.median(s for s, _ in runs)
        start_up = statistics.median(b for _, b in runs)
        total, fixed = total + seconds, fixed + start_up
        spread = f"{min(s for s, _ in runs):.2f}-{max(s for s, _ in runs):.2f} s"
        verdict = "ok" if seconds < EACH_GOAL else "OVER"
        print(f"{path.name:34s} {seconds:6.2f} s {spread:>17}  {start_up:14.2f} s  {verdict}")
    verdict = "ok" if total < TOTAL_GOAL else "OVER"
    print(f"{'total':34s} {total:6.2f} s {'':17}  {fixed:14.2f} s  {verdict}  "
          f"({len(paths)} notebooks)")
    print(f"machine check (fixed NumPy work, lower is faster): {before:.3f} s before, "
          f"{machine_check_seconds():.3f} s after")


if __name__ == "__main__":
    main()

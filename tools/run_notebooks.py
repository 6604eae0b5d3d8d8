"""Execute notebooks from a fresh kernel, in order, and save them with their outputs.

The committed notebooks must come from a fresh kernel run top to bottom (nbval strict compares
every printed output with a new run): this is the one way to make them.

Run: ``python tools/run_notebooks.py [notebooks/NN_name.ipynb …]`` (default: every notebook).
Widget state (``metadata.widgets``) is not kept: a saved dashboard cannot come back to life
without its kernel, and the static figure after it is what a reader without a kernel sees.
"""
import argparse
import sys
import time
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def execute(path, timeout=600):
    """Run ``path`` in a new ``python3`` kernel (working directory: its folder) and save it."""
    import nbformat
    from nbclient import NotebookClient
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    notebook.metadata.pop("widgets", None)
    errors = [o for c in notebook.cells for o in c.get("outputs", ())
              if o.get("output_type") == "error"]
    nbformat.write(notebook, path)
    return seconds, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    args = parser.parse_args()
    failed = False
    for path in args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb")):
        seconds, errors = execute(path.resolve())
        size = path.stat().st_size / 1000
        note = "" if not errors else f"  {len(errors)} error output(s): {errors[0]['ename']}"
        print(f"{path.name:40s} {seconds:6.1f} s  {size:7.0f} KB{note}")
        failed = failed or bool(errors)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""``import nnreg_core``: its time in a fresh interpreter, and proof that it loads no plotting.

Each measurement starts a new Python process that imports NumPy first (a baseline every user
pays anyway) and then times ``import nnreg_core`` alone, and lists what the import brought in.

Run: ``python benchmarks/bench_import.py [--repeats 7]``
"""
import argparse
import json
import statistics
import subprocess
import sys

PROBE = """
import json, sys, time
import numpy
before = set(sys.modules)
start = time.perf_counter()
import nnreg_core
seconds = time.perf_counter() - start
new = sorted(m for m in set(sys.modules) - before if "." not in m)
print(json.dumps({"seconds": seconds, "new_top_level": new}))
"""
FORBIDDEN = ("matplotlib", "ipywidgets", "IPython", "sklearn", "scipy", "torch")


def measure_once():
    """One fresh interpreter: the import's seconds and the new top-level modules."""
    done = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True,
                          text=True)
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    runs = [measure_once() for _ in range(args.repeats)]
    times = [r["seconds"] * 1000 for r in runs]
    modules = runs[-1]["new_top_level"]
    loaded = [m for m in FORBIDDEN if m in modules]
    print(f"import nnreg_core (NumPy already imported): median {statistics.median(times):.1f} ms, "
          f"best {min(times):.1f} ms over {args.repeats} fresh interpreters.")
    print(f"New top-level modules: {', '.join(modules)}")
    print("Heavy or plotting modules loaded: " + (", ".join(loaded) if loaded else "none"))
    if loaded:
        sys.exit(1)


if __name__ == "__main__":
    main()

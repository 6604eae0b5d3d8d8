"""The README's Python examples run as printed, in order, in a fresh interpreter."""
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def python_blocks(text):
    """The bodies of the ```python fenced blocks of ``text``, in order."""
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_the_readme_examples_run_and_the_sweep_takes_worker_processes():
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 2
    script = "\n".join(blocks) + (
        "\nprint('sweep:', sweep.stepper.kind, sweep.params['W1'].dtype,"
        " len(sweep.history[-1].test_loss))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, cwd=README.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "sweep: fused in processes float32 32"

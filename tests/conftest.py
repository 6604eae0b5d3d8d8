"""Shared fixtures for the core's tests: small seeded data sets, a way to run to the end, and
the hypothesis profile (reproducible: the same examples on every run, no database on disk)."""
import os

# The notebooks' kernels and the browser test's JupyterLab inherit this. Their matrices are small,
# and BLAS threads only fight each other on a busy machine (several times slower on 2 cores).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import nbval.kernel  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

import nnreg_core as nc  # noqa: E402

KERNEL_DIED = "Kernel died before replying to kernel_info"


def start_again_if_the_kernel_died(start):
    """nbval's kernel start, tried once more when the kernel dies before answering its first
    message (seen once in three full runs, with two workers and the browser tests' servers
    starting processes and taking ports at the same time; nbval sends the kernel's stderr to
    /dev/null). The kernel had run no cell, so nothing a notebook does is retried."""
    def start_new_kernel(*args, **kwargs):
        try:
            return start(*args, **kwargs)
        except RuntimeError as error:
            if KERNEL_DIED not in str(error):
                raise
            return start(*args, **kwargs)
    return start_new_kernel


nbval.kernel.start_new_kernel = start_again_if_the_kernel_died(nbval.kernel.start_new_kernel)

settings.register_profile("nnreg", max_examples=40, deadline=None, derandomize=True,
                          database=None)
settings.load_profile("nnreg")


@pytest.fixture
def moons():
    """A small binary set (60 training points, 40 test points), fixed seed."""
    return nc.load("moons", n_train=60, n_test=40, noise=0.25, seed=0)


def final_params(model, params, X, y, **run_options):
    """Train a :class:`nnreg_core.Run` to the end and return its parameters.

    Evaluation is skipped (``evaluate_every`` = the number of epochs, no snapshots) because
    these tests look at the weights only. With ``backend="reference"`` the run is checked to
    have taken the reference step (the one every equivalence is proved on).
    """
    epochs = run_options.pop("epochs")
    run = nc.Run(model, params, X, y, epochs=epochs, evaluate_every=epochs, snapshots=False,
                 **run_options)
    run.run_all()
    assert run.stopped is None, run.message
    if run_options.get("backend") == "reference":
        assert run.stepper.kind == "reference", run.stepper.kind
    return run.params


def max_abs_diff(a, b, names=None):
    """Largest ``|a[n] - b[n]|`` over the parameter names (all of ``a``'s by default)."""
    names = list(a) if names is None else names
    return max(float(np.max(np.abs(np.asarray(a[n]) - np.asarray(b[n])))) for n in names)


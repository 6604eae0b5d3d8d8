"""Notebook 06: the projection checker tells right from the usual wrong projections."""
import numpy as np
import pytest

from nnreg_core.regularizers.constraints import column_norms
from nnreg_core.exercises.max_norm import check_max_norm_projection, check_preactivation_bound


def right(W, c):
    return W * np.minimum(1.0, c / np.linalg.norm(W, axis=0))


def test_right_projection_passes_and_keeps_short_columns():
    assert check_max_norm_projection(right).startswith("Correct")
    assert check_max_norm_projection(right, c=5.0).startswith("Correct")


def test_in_place_projection_that_also_returns_passes():
    def in_place(W, c):
        W *= np.minimum(1.0, c / np.sqrt((W ** 2).sum(axis=0)))
        return W
    assert check_max_norm_projection(in_place).startswith("Correct")


@pytest.mark.parametrize("project, says", [
    (None, "Replace None"),
    (3.0, "not a value"),
    (lambda W, c: right(W.T, c).T, "bounded the rows"),
    (lambda W, c: W * (c / np.linalg.norm(W, axis=0)), "exactly c"),
    (lambda W, c: W / np.linalg.norm(W, axis=0), "norm 1"),
    (lambda W, c: np.clip(W, -c, c), "np.clip"),
    (lambda W, c: None, "returned None"),
    (lambda W, c: W[:2], "shape"),
    (lambda W, c: W.nope, "raised AttributeError"),
    (lambda W, c: W * 0.5, "Not yet"),
])
def test_wrong_projections_are_explained(project, says):
    assert says in check_max_norm_projection(project)


def test_column_norms_are_taken_over_the_fan_in_axis():
    W = np.array([[3.0, 0.0], [4.0, 1.0]])
    assert column_norms(W).tolist() == [5.0, 1.0]


def test_preactivation_bound_is_reached_and_never_exceeded():
    c, n = 2.0, 16
    rng = np.random.default_rng(0)
    W = right(rng.normal(size=(n, 2000)) * 5, c)          # columns of norm <= c
    x = rng.choice([-1.0, 1.0], size=n)
    assert np.max(np.abs(x @ W)) <= c * np.sqrt(n) + 1e-12
    aligned = c * x / np.linalg.norm(x)
    assert aligned @ x == pytest.approx(c * np.sqrt(n))
    assert check_preactivation_bound(c * np.sqrt(n), c=c, fan_in=n).startswith("Correct")
    assert check_preactivation_bound(6.0, c=3.0, fan_in=2, input_bound=np.sqrt(2)).startswith(
        "Correct")


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"), (2.0, "length ‖x‖₂"), (32.0, "Cauchy"), (4.0, "dropped c"),
    (0.5, "Upside down"), (64.0, "the square"), (7.0, "Not yet"), (True, "True/False"),
])
def test_preactivation_slips_are_named(answer, says):
    message = check_preactivation_bound(answer, c=2.0, fan_in=16)
    assert not message.startswith("Correct")
    assert says in message

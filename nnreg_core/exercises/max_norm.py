"""Answer checkers for the notebook on max-norm constraints (06). NumPy only.

A max-norm constraint keeps the incoming weight vector of every unit inside a ball of radius c.
With weights laid out ``W[fan_in, fan_out]`` (``z = a @ W + b``), unit j's incoming weights are
the column ``W[:, j]``, and the projection is ``w_j <- w_j · min(1, c / ‖w_j‖₂)``.

Each checker prints and returns ``"Correct: …"`` or what to look at (see :mod:`.answers`):
the projection written by the learner, and the largest pre-activation a bounded unit can reach,
``c·√n·x_max`` (Cauchy–Schwarz), which the notebook does not print.
"""
import numpy as np

from ..regularizers.constraints import MaxNorm, column_norms
from .answers import call_answer, judge, read_function, read_number, say


def _test_matrix():
    """A (5, 4) weight matrix with columns of norm 1, 2, 4, 8 and rows of other norms."""
    W = np.random.default_rng(7).standard_normal((5, 4))
    return W / column_norms(W) * np.array([1.0, 2.0, 4.0, 8.0])


def _reference(W, c):
    projected = {"W1": W.copy()}
    MaxNorm(c).apply(projected)
    return projected["W1"]


def _rows_projected(W, c):
    return _reference(W.T, c).T


def check_max_norm_projection(project, c=3.0):
    """Check a learner's ``project(W, c)``: returns W with every column's norm at most c.

    Args:
        project: a function ``(W of shape (fan_in, fan_out), c) -> array of the same shape``.
        c: the bound used in the check.

    >>> _ = check_max_norm_projection(lambda W, c: W * np.minimum(1, c / np.linalg.norm(W, axis=0)))
    Correct: columns with norm above 3 now have norm 3; the others are unchanged.
    """
    project, problem = read_function(project, "project(W, c)")
    if problem:
        return say(problem)
    W = _test_matrix()
    result, problem = call_answer(project, W.copy(), c)
    if problem:
        return say(problem)
    if result is None:
        return say("Your function returned None: return the projected array (the constraint "
                   "in the core works in place, but here the result must be returned).")
    result = np.asarray(result, dtype=float)
    if result.shape != W.shape:
        return say(f"Your result has shape {result.shape}; it must keep W's shape {W.shape}.")
    right = _reference(W, c)
    norms = column_norms(W)
    slips = [
        (_rows_projected(W, c), "You bounded the rows. In W[fan_in, fan_out] a row holds one "
                                "input's outgoing weights; a unit's incoming weights are a column: "
                                "take the norm over axis=0."),
        (W * (c / norms), "Every column now has norm exactly c, also those that were shorter. "
                          "The constraint only shrinks columns whose norm exceeds c: scale by "
                          "min(1, c / norm)."),
        (W / norms, "The columns now have norm 1: scale to c, not to 1, and only when the norm "
                    "exceeds c."),
        (np.clip(W, -c, c), "np.clip bounds each weight on its own; max-norm bounds the length "
                            "of each unit's whole weight vector, keeping its direction."),
    ]
    correct = (f"Correct: columns with norm above {c:g} now have norm {c:g}; the others are "
               "unchanged.")
    otherwise = (f"Not yet: the column norms were {np.round(norms, 3).tolist()}; yours became "
                 f"{np.round(column_norms(result), 3).tolist()}, expected "
                 f"{np.round(column_norms(right), 3).tolist()}.")
    return say(judge(result, right, correct, slips, otherwise, rtol=1e-9, atol=1e-12))


def check_preactivation_bound(answer, c, fan_in, input_bound=1.0):
    """Check the largest ``|w·x|`` of a unit with ``‖w‖₂ <= c`` and inputs ``|x_i| <= input_bound``.

    By Cauchy–Schwarz ``|w·x| <= ‖w‖₂·‖x‖₂ <= c·√n·x_max`` (n = fan-in), reached when w points
    along x = x_max·(±1, …, ±1). The bias comes on top, and max-norm does not bound it.

    >>> _ = check_preactivation_bound(6.0, c=3.0, fan_in=4)
    Correct: |w·x| <= ‖w‖₂·‖x‖₂ <= 3·√4·1 = 6 (Cauchy–Schwarz), reached when w is parallel to x.
    """
    value, problem = read_number(answer, "the largest |w·x|")
    if problem:
        return say(problem)
    root = np.sqrt(fan_in)
    right = c * root * input_bound
    slips = [
        (c * input_bound, "That is ‖w‖₂ times one input. The input vector has n entries of size "
                          "up to x_max, so its length ‖x‖₂ is up to √n·x_max."),
        (c * fan_in * input_bound, "c·n would need every |w_i| = c, but then ‖w‖₂ = c·√n > c. "
                                   "Bound w·x by ‖w‖₂·‖x‖₂ (Cauchy–Schwarz)."),
        (root * input_bound, "You dropped c: the weight vector may be as long as c."),
        (c * input_bound / root, "Upside down: spreading the length c over n weights gives each "
                                 "c/√n, and n of them add up to c·√n."),
        (c ** 2 * fan_in * input_bound ** 2, "That is the square, (c·√n·x_max)²."),
    ]
    correct = (f"Correct: |w·x| <= ‖w‖₂·‖x‖₂ <= {c:g}·√{fan_in:g}·{input_bound:g} = {right:.4g} "
               "(Cauchy–Schwarz), reached when w is parallel to x.")
    otherwise = (f"Not yet: {value:.4g} is not it. Which x with |x_i| <= {input_bound:g} is "
                 "longest, and which w of length c gives the largest w·x for it?")
    return say(judge(value, right, correct, slips, otherwise))

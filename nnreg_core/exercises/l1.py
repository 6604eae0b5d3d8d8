"""Answer checkers for the L1 notebook (03_l1). NumPy only.

Each ``check_…`` function prints a message and returns it (see :mod:`.answers`): ``"Correct: …"``
for a right answer, otherwise ``"Not yet: …"`` and what to look at; ``None`` asks for an answer.
"""
import numpy as np

from ..regularizers.decay import soft_threshold
from .answers import call_answer, judge, known_slip, read_function, read_number, say

#: The shrink question: plain SGD, learning rate and the L1 strength in the CS231n convention
#: ``λ·Σ|w|`` (gradient ``λ·sign(w)``).
SHRINK_LR = 0.05
SHRINK_LAM = 1e-3

#: Inputs on which a learner's soft threshold is tried: values on both sides of zero, inside
#: and outside the threshold, exactly on it, and a model axis.
_TRIALS = (
    (np.array([-2.0, -0.3, -0.05, 0.0, 0.05, 0.3, 2.0]), 0.1),
    (np.array([[0.5, -0.5], [0.25, -0.75]]), 0.25),
    (np.array([1.0, -1.0, 0.01]), 0.0),
)


def check_shrink_amount(answer):
    """How far one plain-SGD step moves a non-zero weight toward zero because of L1.

    The question: with learning rate ``SHRINK_LR`` and the penalty ``λ·Σ|w|`` with
    ``λ = SHRINK_LAM``, the update is ``w -= lr·(g + λ·sign(w))``. The L1 part moves every
    non-zero weight by ``lr·λ`` toward zero, whatever its size.

    Args:
        answer: a number (the distance), or None while the learner has not answered.

    Returns:
        The printed message: ``"Correct: …"`` when the answer equals ``lr·λ`` (to a relative
        1e-6), otherwise the hint for the slip it shows.

    >>> _ = check_shrink_amount(5e-05)
    Correct: lr·λ = 5e-05 per step, the same for a big weight and a tiny one.
    """
    value, problem = read_number(answer, "the distance")
    if problem:
        return say(problem)
    expected = SHRINK_LR * SHRINK_LAM
    slips = [(wrong, f"Not yet: {hint}") for wrong, hint in (
        (SHRINK_LAM, "That is λ itself. The penalty's gradient λ·sign(w) is multiplied by the "
                     "learning rate before it reaches the weight."),
        (-expected, "The distance is positive: the step moves the weight toward zero by lr·λ."),
        (SHRINK_LR, "That is the learning rate alone: multiply it by the gradient of λ·|w|, "
                    "which is λ·sign(w)."),
        (2 * expected, "There is no factor 2 for L1: the derivative of λ·|w| is λ·sign(w) "
                       "(the 1/2 belongs to L2's λ/2·w²)."),
        (SHRINK_LR / SHRINK_LAM, "Multiply the learning rate by λ, do not divide."),
    )]
    correct = (f"Correct: lr·λ = {expected:.3g} per step, the same for a big weight and a tiny "
               "one.")
    otherwise = (f"Not yet: {value:.4g} is not it. Write the update w -= lr·(g + λ·sign(w)) and "
                 "read off the part that does not depend on the data gradient g.")
    return say(judge(value, expected, correct, slips, otherwise, rtol=1e-6, atol=0))


def check_soft_threshold(fn):
    """Check a learner's proximal step ``fn(w, t) = sign(w)·max(|w| − t, 0)``.

    ``fn`` is tried on arrays with values inside and outside the threshold, on both sides of
    zero, with a 2-D array and with ``t = 0``. The most common slips are recognised: the
    constant shrink that crosses zero, the blog's sign (away from zero), a hard threshold that
    keeps large weights unshrunk, and returning nothing.

    Args:
        fn: a function ``(w: ndarray, t: float) -> ndarray`` shaped like ``w``; None while the
            learner has not answered.

    Returns:
        The printed message: ``"Correct: …"`` when every trial matches
        :func:`nnreg_core.regularizers.decay.soft_threshold` to 1e-12, otherwise the first problem found.

    >>> _ = check_soft_threshold(lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t, 0))
    Correct: weights within t of zero land exactly on zero, the rest move t toward it.
    """
    fn, problem = read_function(fn, "fn(w, t)")
    if problem:
        return say(problem)
    for w, t in _TRIALS:
        problem = _threshold_problem(fn, w, t)
        if problem:
            return say(problem)
    return say("Correct: weights within t of zero land exactly on zero, the rest move t toward "
               "it.")


def _threshold_problem(fn, w, t):
    """What is wrong with ``fn(w, t)`` on one trial, or None when it equals the soft threshold."""
    got, problem = call_answer(fn, w.copy(), t,
                               advice="It must accept an array w and a number t.")
    if problem:
        return problem
    if got is None:
        return "Your function returned None: return the new array (did you forget `return`?)."
    got = np.asarray(got, dtype=float)
    if got.shape != w.shape:
        return f"The result has shape {got.shape}; it must have the shape of w, {w.shape}."
    if np.allclose(got, soft_threshold(w, t), rtol=0, atol=1e-12):
        return None
    return "Not yet: " + _diagnose_threshold(w, t, got)


def _diagnose_threshold(w, t, got):
    """Name the slip that produced ``got`` from ``w`` and threshold ``t``."""
    slips = [
        (w - t * np.sign(w), "that is the constant shrink w − t·sign(w): a weight smaller than t "
                             "jumps across zero. Clip at zero: max(|w| − t, 0), then put the "
                             "sign back."),
        (w + t * np.sign(w), "your step moves weights away from zero (the blog's w + sgn(w)·λ). "
                             "Subtract the threshold from |w|."),
        (np.where(np.abs(w) > t, w, 0.0), "that is a hard threshold: small weights become 0 but "
                                          "large ones must also move t toward zero."),
        (np.maximum(np.abs(w) - t, 0.0), "the magnitudes are right but the signs are lost: "
                                         "multiply by sign(w)."),
    ]
    hint = known_slip(got, slips, rtol=1e-5, atol=1e-12)
    if hint is None:
        return ("compare your output with sign(w)·max(|w| − t, 0) on "
                f"w = {np.round(w, 3).tolist()}, t = {t}.")
    return hint

"""Answer checkers for the L1 notebook (03_l1). NumPy only.

Each ``check_…`` function prints ``"Correct"`` or what to look at, and returns True or False.
"""
import numpy as np

from ..decay import soft_threshold

PLACEHOLDER = "Replace None with your answer, then run the cell again"

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


def _placeholder(answer):
    if answer is None:
        print(PLACEHOLDER + ".")
        return True
    return False


def check_shrink_amount(answer):
    """How far one plain-SGD step moves a non-zero weight toward zero because of L1.

    The question: with learning rate ``SHRINK_LR`` and the penalty ``λ·Σ|w|`` with
    ``λ = SHRINK_LAM``, the update is ``w -= lr·(g + λ·sign(w))``. The L1 part moves every
    non-zero weight by ``lr·λ`` toward zero, whatever its size.

    Args:
        answer: a number (the distance), or None while the learner has not answered.

    Returns:
        True when the answer equals ``lr·λ`` (to a relative 1e-6).
    """
    if _placeholder(answer):
        return False
    try:
        value = float(answer)
    except (TypeError, ValueError):
        print(f"Give one number (a distance), not {answer!r}.")
        return False
    expected = SHRINK_LR * SHRINK_LAM
    diagnoses = (
        (SHRINK_LAM, "That is λ itself. The penalty's gradient λ·sign(w) is multiplied by the "
                     "learning rate before it reaches the weight."),
        (-expected, "The distance is positive: the step moves the weight toward zero by lr·λ."),
        (SHRINK_LR, "That is the learning rate alone: multiply it by the gradient of λ·|w|, "
                    "which is λ·sign(w)."),
        (2 * expected, "There is no factor 2 for L1: the derivative of λ·|w| is λ·sign(w) "
                       "(the 1/2 belongs to L2's λ/2·w²)."),
        (SHRINK_LR / SHRINK_LAM, "Multiply the learning rate by λ, do not divide."),
    )
    if np.isclose(value, expected, rtol=1e-6, atol=0):
        print(f"Correct: lr·λ = {expected:.3g} per step, the same for a big weight and a tiny "
              "one.")
        return True
    for wrong, hint in diagnoses:
        if np.isclose(value, wrong, rtol=1e-6, atol=0):
            print(f"Not yet: {hint}")
            return False
    print(f"Not yet: {value:.4g} is not it. Write the update w -= lr·(g + λ·sign(w)) and read "
          "off the part that does not depend on the data gradient g.")
    return False


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
        True when every trial matches :func:`nnreg_core.decay.soft_threshold` to 1e-12.
    """
    if _placeholder(fn):
        return False
    if not callable(fn):
        print(f"Give a function fn(w, t), not {type(fn).__name__}.")
        return False
    for w, t in _TRIALS:
        try:
            got = fn(w.copy(), t)
        except Exception as err:  # the learner's code: report any failure as a hint
            print(f"Your function raised {type(err).__name__}: {err}. It must accept an array w "
                  "and a number t.")
            return False
        if got is None:
            print("Your function returned None: return the new array (did you forget "
                  "`return`?).")
            return False
        got = np.asarray(got, dtype=float)
        if got.shape != w.shape:
            print(f"The result has shape {got.shape}; it must have the shape of w, {w.shape}.")
            return False
        expected = soft_threshold(w, t)
        if not np.allclose(got, expected, rtol=0, atol=1e-12):
            print("Not yet: " + _diagnose_threshold(w, t, got))
            return False
    print("Correct: weights within t of zero land exactly on zero, the rest move t toward it.")
    return True


def _diagnose_threshold(w, t, got):
    """Name the slip that produced ``got`` from ``w`` and threshold ``t``."""
    if np.allclose(got, w - t * np.sign(w), atol=1e-12):
        return ("that is the constant shrink w − t·sign(w): a weight smaller than t jumps across "
                "zero. Clip at zero: max(|w| − t, 0), then put the sign back.")
    if np.allclose(got, w + t * np.sign(w), atol=1e-12):
        return ("your step moves weights away from zero (the blog's w + sgn(w)·λ). Subtract the "
                "threshold from |w|.")
    if np.allclose(got, np.where(np.abs(w) > t, w, 0.0), atol=1e-12):
        return ("that is a hard threshold: small weights become 0 but large ones must also move "
                "t toward zero.")
    if np.allclose(got, np.maximum(np.abs(w) - t, 0.0), atol=1e-12):
        return "the magnitudes are right but the signs are lost: multiply by sign(w)."
    return ("compare your output with sign(w)·max(|w| − t, 0) on "
            f"w = {np.round(w, 3).tolist()}, t = {t}.")

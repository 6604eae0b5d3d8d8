"""Answer checkers for the L1 notebook (03_l1). NumPy only.

Each ``check_…`` function prints a message and returns it (see :mod:`.answers`): ``"Correct: …"``
for a right answer, otherwise ``"Not yet: …"`` and what to look at; ``None`` asks for an answer.
"""
import numpy as np

from ..regularizers.decay import soft_threshold
from .answers import (PLACEHOLDER, call_answer, close, judge, known_slip, read_function,
                      read_number, say)

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


#: The hop question: a weight with no data gradient, under the subgradient step of L1.
HOP_START = 0.0123
HOP_SHRINK = 0.003


def hop_cycle(w, shrink, steps=1000):
    """The two values a weight settles between under ``w -= shrink·sign(w)`` alone, sorted.

    It walks toward zero by ``shrink`` per step, overshoots, and then alternates between a
    value in ``(0, shrink)`` and that value minus ``shrink`` (period 2), unless it lands on 0.

    >>> [round(v, 6) for v in hop_cycle(0.0123, 0.003)]
    [-0.0027, 0.0003]
    """
    for _ in range(steps):
        w = w - shrink * np.sign(w)
    return tuple(sorted((float(w), float(w - shrink * np.sign(w)))))


def check_hop_cycle(answer):
    """Check the pair of values the weight ``HOP_START`` hops between (subgradient L1 only).

    >>> _ = check_hop_cycle((0.0003, -0.0027))
    Correct: it settles into -0.0027 ↔ 0.0003, a period-2 hop that never reaches 0.
    """
    if answer is None:
        return say(PLACEHOLDER)
    pair = np.sort(np.ravel(np.asarray(answer, dtype=float))) if np.size(answer) == 2 else None
    if pair is None:
        return say(f"Give the two values as a pair, e.g. (a, b); got {answer!r}.")
    low, high = hop_cycle(HOP_START, HOP_SHRINK)
    right = np.array([low, high])
    slips = [
        (np.zeros(2), "The subgradient step never stops at 0: from 0.0003 it moves a full "
                      "lr·λ = 0.003 past zero. Landing exactly on 0 is what the proximal step "
                      "does."),
        (np.array([-high, high]), "The hop is not symmetric: each step moves exactly 0.003, so "
                                  "the two values are 0.003 apart."),
        (np.array([high, high + HOP_SHRINK]), "One step too early: 0.0033 is still above 0.003, "
                                              "so the next step keeps going toward zero."),
        (np.array([-abs(low), -high]), "Check the signs: one value of the pair is positive, the "
                                       "other negative."),
    ]
    hint = known_slip(np.sort(pair), [(np.sort(w), h) for w, h in slips], rtol=0, atol=1e-9)
    if close(pair, right, rtol=0, atol=1e-9):
        return say(f"Correct: it settles into {low:.4g} ↔ {high:.4g}, a period-2 hop that never "
                   "reaches 0.")
    if hint:
        return say(f"Not yet: {hint}")
    return say("Not yet: step it by hand: subtract 0.003 while the weight is positive, add it "
               "while it is negative, and write down where it starts repeating.")


def cumulative_penalty(w, q, u):
    """One step of Tsuruoka, Tsujii & Ananiadou's (2009) cumulative L1 penalty, per weight.

    ``u`` is the total L1 penalty a weight could have received so far (the sum of ``lr·λ``
    over the steps taken, this one included); ``q`` is what it actually received (the signed
    sum of what this step function has moved it). A positive weight moves down by ``u + q``
    and a negative one up by ``u − q``, each clipped at zero; then ``q += w_new − w``.

    Args:
        w, q: arrays of one shape; u: a number.

    Returns:
        ``(w_new, q_new)``.

    >>> w, q = cumulative_penalty(np.array([0.5, -0.01, 0.0]), np.zeros(3), 0.02)
    >>> w.tolist(), q.round(12).tolist()
    ([0.48, 0.0, 0.0], [-0.02, 0.01, 0.0])
    """
    w, q = np.asarray(w, dtype=float), np.asarray(q, dtype=float)
    new = np.where(w > 0, np.maximum(0.0, w - (u + q)),
                   np.where(w < 0, np.minimum(0.0, w + (u - q)), w))
    return new, q + (new - w)


_CUMULATIVE_TRIALS = (
    (np.array([0.5, -0.5, 0.01, -0.01, 0.0]), np.zeros(5), 0.02),
    (np.array([0.3, -0.3, 0.05, -0.05]), np.array([-0.01, 0.01, -0.04, 0.04]), 0.06),
    (np.array([[0.2, -0.02], [0.0, 1.0]]), np.array([[-0.1, 0.1], [0.0, -0.05]]), 0.11),
)


def _cumulative_slips(w, q, u):
    """``(what a usual wrong version returns, hint)`` on one trial."""
    right_w, right_q = cumulative_penalty(w, q, u)
    clipped_total = np.sign(w) * np.maximum(np.abs(w) - u, 0.0)
    unclipped = np.where(w > 0, w - (u + q), np.where(w < 0, w + (u - q), w))
    return [
        ((right_w, q), "w is right but q is unchanged: add what this step moved the weight, "
                       "q += w_new − w, or the next step will charge the same penalty again."),
        ((right_w, q - (right_w - w)), "q has the wrong sign: q += w_new − w (it goes down when "
                                       "a positive weight is pulled down)."),
        ((clipped_total, q + clipped_total - w), "That charges the whole total u again and "
                                                  "forgets what the weight already received: a "
                                                  "positive weight moves by u + q (q ≤ 0), not "
                                                  "by u."),
        ((unclipped, q + unclipped - w), "Clip at zero: a weight may reach 0 but must not cross "
                                         "it (max(0, ·) for positive, min(0, ·) for negative)."),
    ]


def check_cumulative_penalty(fn):
    """Check a learner's ``fn(w, q, u) -> (w_new, q_new)`` against :func:`cumulative_penalty`.

    >>> _ = check_cumulative_penalty(cumulative_penalty)
    Correct: each weight receives at most the total penalty u, clipped at zero, and q remembers what it got.
    """
    fn, problem = read_function(fn, "my_cumulative_step(w, q, u)")
    if problem:
        return say(problem)
    for w, q, u in _CUMULATIVE_TRIALS:
        got, problem = call_answer(fn, w.copy(), q.copy(), u,
                                   advice="It must accept arrays w, q and a number u.")
        if problem:
            return say(problem)
        if not isinstance(got, tuple) or len(got) != 2:
            return say(f"Your function returned {type(got).__name__}; return the pair "
                       "(w_new, q_new).")
        got = tuple(np.asarray(g, dtype=float) for g in got)
        if any(g.shape != w.shape for g in got):
            return say(f"w_new and q_new must have the shape of w, {w.shape}.")
        right = cumulative_penalty(w, q, u)
        if all(np.allclose(g, r, rtol=0, atol=1e-12) for g, r in zip(got, right)):
            continue
        for wrong, hint in _cumulative_slips(w, q, u):
            if all(np.allclose(g, x, rtol=0, atol=1e-12) for g, x in zip(got, wrong)):
                return say(f"Not yet: {hint}")
        return say(f"Not yet: on w = {w.tolist()}, q = {q.tolist()}, u = {u} compare your "
                   "result with the rule above, weight by weight.")
    return say("Correct: each weight receives at most the total penalty u, clipped at zero, and "
               "q remembers what it got.")

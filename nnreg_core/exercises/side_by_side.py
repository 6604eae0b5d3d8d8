"""Answer checkers for the notebook comparing every regularizer on the digits set (11).

Each ``check_…`` function prints a message for the learner and returns it: ``"Correct: …"`` or
what to look at (see :mod:`.answers`); ``None`` asks for an answer.
"""
import numpy as np

from .. import paired
from .answers import judge, read_number, say

#: Accuracies and standard errors are printed to 3 or 4 digits: accept what copying them gives.
_TOLERANCE = {"rtol": 2e-3, "atol": 1e-12}


def check_paired_t(answer, a, b):
    """Is a difference real? The paired t statistic ``mean(d) / (sd(d)/√D)`` of ``d = a − b``.

    Args:
        answer: the learner's t.
        a, b: two methods' test accuracies on the same D draws, shape ``(D,)``.

    >>> _ = check_paired_t(5.0, [0.90, 0.92, 0.88], [0.88, 0.90, 0.87])  # doctest: +ELLIPSIS
    Correct: ...
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ValueError("a and b must be equal 1-D arrays of at least two draws.")
    value, problem = read_number(answer, "t")
    if problem:
        return say(problem)
    d, n = a - b, len(a)
    right = d.mean() / (d.std(ddof=1) / np.sqrt(n))
    critical = paired.t_quantile(n - 1)
    unpaired = d.mean() / np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / n)
    slips = [(d.mean() / d.std(ddof=1), "You divided by the standard deviation of the "
                                        "differences; t divides by their standard error, "
                                        "sd/√D."),
             (d.mean() / (d.std(ddof=0) / np.sqrt(n)), "That uses np.std's default ddof=0; a "
                                                       "sample's sd divides by D − 1 "
                                                       "(ddof=1)."),
             (unpaired, "That is the unpaired t: it treats the draws' shared ups and downs as "
                        "noise. Pair them: take d = a − b draw by draw first."),
             (d.mean() / (d.std(ddof=1) / n), "Divide the sd by √D, not by D."),
             (-right, "Right size, wrong sign: d = a − b.")]
    verdict = "real" if abs(right) > critical else "within the noise"
    correct = (f"Correct: t = {right:.3g}; against t_0.975,{n - 1} = {critical} the difference is "
               f"{verdict}.")
    return say(judge(value, right, correct, slips,
                     "Not yet: d = a − b for each draw; t = mean(d) / (sd(d, ddof=1)/√D).",
                     **_TOLERANCE))


def check_one_standard_error(answer, strengths, mean, sd, k, stronger="larger"):
    """The one-standard-error rule: the strongest strength whose mean CV accuracy is within one
    standard error (``sd/√k``) of the best mean.

    Args:
        answer: the learner's strength.
        strengths: the swept strengths ``(S,)``; mean, sd: the CV curve over k folds ``(S,)``.
        k: the number of folds.
        stronger: ``"larger"`` if a larger value regularizes more, ``"smaller"`` otherwise.
    """
    strengths, mean, sd = (np.asarray(v, dtype=float) for v in (strengths, mean, sd))
    value, problem = read_number(answer, "a strength")
    if problem:
        return say(problem)
    best = int(np.argmax(mean))

    def strongest(bar):
        within = np.flatnonzero(mean >= mean[best] - bar)
        order = strengths[within]
        return order.max() if stronger == "larger" else order.min()

    right = strongest(sd[best] / np.sqrt(k))
    slips = [(strongest(sd[best]), "You used the folds' standard deviation; the rule uses the "
                                   "standard error of the best mean, sd/√k."),
             (strengths[best], "That is the best mean itself; the rule keeps the strongest "
                               "strength whose mean is within one standard error of it.")]
    correct = (f"Correct: {right:.4g}, the strongest strength the folds cannot tell apart from "
               "the best.")
    message = judge(value, right, correct, [(w, h) for w, h in slips if w != right],
                    "Not yet: find the best mean, subtract sd/√k at that strength, and of the "
                    "strengths above that bar keep the strongest.", **_TOLERANCE)
    return say(message)


def check_standard_error(answer, accuracy, n_test):
    """How precise is a test accuracy? Its standard error is ``sqrt(p (1 - p) / n_test)``.

    Each test image is right (1) or wrong (0) with probability ``p``; the mean of ``n_test``
    such draws has variance ``p (1 - p) / n_test``.

    Args:
        answer: the learner's standard error, as a fraction (not a percentage).
        accuracy: the measured test accuracy ``p``, between 0 and 1.
        n_test: the number of test images.

    Returns:
        The printed message.

    >>> message = check_standard_error(0.01, accuracy=0.9, n_test=900)  # doctest: +ELLIPSIS
    Correct: sqrt(p(1 − p)/n) = sqrt(0.9·0.1/900) = 0.01. ...
    """
    p = float(accuracy)
    if not 0 <= p <= 1 or int(n_test) != n_test or n_test < 1:
        raise ValueError("accuracy must lie in 0…1 and n_test be a whole number >= 1.")
    value, problem = read_number(answer, "the standard error")
    if problem:
        return say(problem)
    right = np.sqrt(p * (1 - p) / n_test)
    correct = (f"Correct: sqrt(p(1 − p)/n) = sqrt({p:.4g}·{1 - p:.4g}/{int(n_test)}) = "
               f"{right:.4g}. Differences between rows smaller than about twice this are "
               "within the noise of the test set.")
    slips = [(right ** 2, "That is the variance p(1 − p)/n; the standard error is its square "
                          "root."),
             (100 * right, "That is a percentage; give the standard error as a fraction, like "
                           "the accuracies."),
             (np.sqrt(p * (1 - p)), "That is the spread of one image's 0/1 score; divide the "
                                    "variance by the number of test images first."),
             (np.sqrt(p / n_test), "Each image is a 0/1 draw with variance p(1 − p), not p.")]
    otherwise = ("A standard error is a square root: it cannot be negative." if value < 0 else
                 f"Not yet: {value:.4g} is not it. Each test image is a 0/1 draw with mean p and "
                 "variance p(1 − p); the accuracy is the mean of n of them.")
    return say(judge(value, right, correct, slips, otherwise, **_TOLERANCE))

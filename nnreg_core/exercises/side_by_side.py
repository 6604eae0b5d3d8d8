"""Answer checkers for the notebook comparing every regularizer on the digits set (09).

Each ``check_…`` function prints a message for the learner and returns it: ``"Correct: …"`` or
what to look at (see :mod:`.answers`); ``None`` asks for an answer.
"""
import numpy as np

from .answers import close, judge, read_number, say

#: Accuracies and standard errors are printed to 3 or 4 digits: accept what copying them gives.
_TOLERANCE = {"rtol": 2e-3, "atol": 1e-12}


def _scores(strengths, *scores):
    """The arrays as floats of one common shape ``(K,)``, or a ValueError."""
    arrays = [np.asarray(a, dtype=float) for a in (strengths,) + scores]
    if any(a.ndim != 1 for a in arrays) or len({len(a) for a in arrays}) != 1 or not len(arrays[0]):
        raise ValueError("strengths and the accuracies must be 1-D arrays of one common, "
                         "non-zero length (one entry per model of the sweep).")
    return arrays


def check_validation_choice(answer, strengths, val_accuracy, test_accuracy):
    """Which strength should a sweep keep? The one with the best *validation* accuracy.

    Args:
        answer: the learner's chosen strength.
        strengths: the swept strengths, shape ``(K,)``.
        val_accuracy: validation accuracy of each model, shape ``(K,)``.
        test_accuracy: test accuracy of each model, shape ``(K,)``.

    Returns:
        The printed message. Any strength tied for the best validation accuracy is correct.

    >>> message = check_validation_choice(0.1, [0.01, 0.1], [0.8, 0.9], [0.85, 0.84])
    ... # doctest: +ELLIPSIS
    Correct: 0.1 has the best validation accuracy (0.9); its test accuracy, 0.84, ...
    """
    strengths, val_accuracy, test_accuracy = _scores(strengths, val_accuracy, test_accuracy)
    value, problem = read_number(answer, "a strength")
    if problem:
        return say(problem)
    matches = np.flatnonzero([close(value, s, **_TOLERANCE) for s in strengths])
    if not len(matches):
        return say(f"{value:.4g} is not one of the swept strengths: choose one of "
                   f"{', '.join(f'{s:.4g}' for s in strengths)}.")
    k = matches[0]
    best_val = val_accuracy.max()
    if val_accuracy[k] == best_val:
        return say(f"Correct: {value:.4g} has the best validation accuracy ({best_val:.4g}); its "
                   f"test accuracy, {test_accuracy[k]:.4g}, is then an honest estimate.")
    if test_accuracy[k] == test_accuracy.max():
        return say(f"{value:.4g} has the best *test* accuracy. Choosing with the test set makes "
                   "its accuracy an optimistic estimate: choose on the validation set, and look "
                   "at the test set once, at the end.")
    return say(f"Not yet: {value:.4g} has validation accuracy {val_accuracy[k]:.4g}; another "
               f"strength reaches {best_val:.4g}. Pick the highest validation accuracy.")


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

"""Answer checkers for the notebook on overfitting (01). NumPy only.

Each ``check_…`` function prints a message and returns it (see :mod:`.answers`): ``"Correct: …"``
for a right answer, otherwise what to look at; ``None`` asks the learner for an answer.
"""
import numpy as np

from .answers import call_answer, close, judge, known_slip, read_function, read_number, say


def best_epoch(epochs, test_losses):
    """The epoch with the lowest test loss: what early stopping would keep.

    Args:
        epochs: epoch numbers, shape ``(m,)`` (counted from 1, as in an ``EpochReport``).
        test_losses: the test loss measured at those epochs, shape ``(m,)``.

    Returns:
        ``epochs[argmin(test_losses)]`` as an int (the first one on ties).

    >>> best_epoch([10, 20, 30], [0.5, 0.3, 0.4])
    20
    """
    epochs, test_losses = np.asarray(epochs), np.asarray(test_losses, dtype=float)
    if epochs.ndim != 1 or epochs.shape != test_losses.shape or len(epochs) == 0:
        raise ValueError(f"epochs and test_losses must be 1-D and of equal, non-zero length; got "
                         f"shapes {epochs.shape} and {test_losses.shape}.")
    return int(epochs[np.argmin(test_losses)])


def check_best_epoch(answer, epochs, test_losses):
    """Check the epoch early stopping would keep: the one with the lowest test loss.

    Args:
        answer: the learner's epoch number.
        epochs: epoch numbers of the curve, shape ``(m,)``, e.g. ``history.curve("epoch")``.
        test_losses: the test loss at those epochs, shape ``(m,)``.

    >>> _ = check_best_epoch(20, [10, 20, 30], [0.5, 0.3, 0.4])
    Correct: epoch 20 has the lowest test loss (0.3).
    """
    value, problem = read_number(answer, "an epoch")
    if problem:
        return say(problem)
    epochs, losses = np.asarray(epochs), np.asarray(test_losses, dtype=float)
    right = best_epoch(epochs, losses)
    if value == right:
        return say(f"Correct: epoch {right} has the lowest test loss ({losses.min():.4g}).")
    index = int(np.argmin(losses))
    if value == index:
        return say(f"{value:g} is the position of the minimum in the array, not the epoch: look "
                   "up the epoch number at that position (epochs are counted from 1 and may "
                   "be recorded only every few epochs).")
    if value == int(epochs[np.argmax(losses)]):
        return say(f"At epoch {value:g} the test loss is at its largest; early stopping keeps "
                   "the smallest.")
    if value == int(epochs[-1]):
        return say(f"Epoch {value:g} is the end of training; early stopping keeps the epoch "
                   "where the test loss was lowest, usually much earlier.")
    measured = value in set(epochs.tolist())
    note = "" if measured else f" (the test loss was not even measured at epoch {value:g})"
    return say(f"Not yet: find the smallest entry of the test-loss curve and read off its "
               f"epoch{note}.")


def largest_weight(params):
    """Largest absolute weight over the ``W…`` arrays of a parameter dict (biases left out).

    Formula: ``max_l max_ij |W_l[i, j]|``.

    >>> largest_weight({"W1": np.array([[1.0, -3.0]]), "b1": np.array([9.0])})
    3.0
    """
    weights = [np.abs(p).max() for name, p in params.items() if name.startswith("W")]
    if not weights:
        raise ValueError("params contain no weight arrays named W1, W2, …")
    return float(max(weights))


def check_largest_weight(answer, params):
    """Check the largest absolute weight of a network (weights only, not biases).

    Args:
        answer: the learner's number.
        params: the network's parameter dict (``W1, b1, …``), no model axis.

    >>> _ = check_largest_weight(3.0, {"W1": np.array([[1.0, -3.0]]), "b1": np.array([9.0])})
    Correct: the largest |w| is 3.
    """
    value, problem = read_number(answer, "the largest |w|")
    if problem:
        return say(problem)
    right = largest_weight(params)
    if close(value, right):
        return say(f"Correct: the largest |w| is {right:.4g}.")
    everything = float(max(np.abs(p).max() for p in params.values()))
    signed_max = float(max(p.max() for n, p in params.items() if n.startswith("W")))
    if close(value, everything) and not close(everything, right):
        return say("That number comes from a bias. The claim is about weights: use only the "
                   "arrays whose names start with W.")
    if close(value, signed_max) or close(value, -right):
        return say("Take the absolute value first: a weight of -5 is larger in magnitude "
                   "than one of 3.")
    last = [p for n, p in params.items() if n.startswith("W")][-1]
    if close(value, np.abs(last).max()):
        return say("That is the largest |w| of the last layer only; look at every W array.")
    return say(f"Not yet: {value:.4g} is not it. Take max |w| of each W array, then the largest "
               "of those.")


def floor_spread(sigma, n):
    """Standard deviation of the true function's training loss ``½·mean_i (σ·ε_i)²`` over draws.

    With ε ~ N(0, 1), ``Var(ε²) = E[ε⁴] − 1 = 2``, so the mean of n squares has standard deviation
    ``√(2/n)`` and the loss ``(σ²/2)·√(2/n) = σ²/√(2n)``.

    >>> round(floor_spread(0.3, 20), 5)
    0.01423
    """
    return float(sigma ** 2 / np.sqrt(2 * n))


def check_floor_spread(answer, sigma=0.3, n=20):
    """Check the spread (standard deviation) of the noise floor measured on n training points.

    >>> _ = check_floor_spread(0.0142)
    Correct: σ²/√(2n) = 0.01423: a floor measured on 20 points moves by about ±0.014 from draw to draw.
    """
    value, problem = read_number(answer, "the standard deviation")
    if problem:
        return say(problem)
    right, half = floor_spread(sigma, n), sigma ** 2 / 2
    slips = [
        (2 * right, "That has lost the ½ of the loss: it is ½·mean(noise²), so its spread is "
                    "half the spread of mean(noise²)."),
        (half / np.sqrt(n), "Var(ε²) is not 1: for a standard normal E[ε⁴] = 3, so "
                            "Var(ε²) = 3 − 1 = 2."),
        (half * 2 / n, "That is a variance of the mean, not its standard deviation: take the "
                       "square root of 2/n."),
        (half * np.sqrt(2), "That is the spread of one point's loss; the loss is a mean over n "
                            "points, which divides the standard deviation by √n."),
        (right ** 2, "That is the variance; the question asks for the standard deviation."),
    ]
    correct = (f"Correct: σ²/√(2n) = {right:.4g}: a floor measured on {n} points moves by about "
               f"±{right:.2g} from draw to draw.")
    return say(judge(value, right, correct, slips,
                     f"Not yet: {value:.4g} is not it. Write the loss as (σ²/2)·mean(ε²), use "
                     "Var(ε²) = E[ε⁴] − 1 and that a mean of n independent terms divides the "
                     "variance by n.", rtol=2e-2))


def early_stopping_epochs(losses, patience):
    """``(best, stop)``: the epochs early stopping keeps and stops at, the rule of ``Run(patience=)``.

    ``losses[i]`` is the held-out loss after epoch ``i + 1``. ``best`` is the first epoch with a
    loss lower than every earlier one (strictly); training stops at the first epoch ``e`` with
    ``e − best ≥ patience``, or at the last epoch if that never happens.

    >>> early_stopping_epochs([0.5, 0.4, 0.45, 0.4, 0.6], patience=2)
    (2, 4)
    """
    return _stopping_rule(losses, patience)


def _stopping_rule(losses, patience, ties_improve=False, extra=0):
    """The rule, and two usual slips: a tie counted as an improvement, stopping ``extra`` late."""
    best, best_loss = None, np.inf
    for epoch, loss in enumerate(np.asarray(losses, dtype=float), start=1):
        if loss < best_loss or (ties_improve and loss == best_loss):
            best, best_loss = epoch, loss
        elif epoch - best >= patience + extra:
            return best, epoch
    return best, len(losses)


_STOPPING_TRIALS = (
    ([0.9, 0.7, 0.6, 0.62, 0.61, 0.65, 0.7, 0.5], 3),
    ([0.3, 0.25, 0.25, 0.25, 0.25], 2),
    ([0.5, 0.4, 0.45, 0.4, 0.6, 0.3], 2),
    ([1.0, 0.9, 0.8, 0.7], 2),
)


def _stopping_slips(losses, patience):
    """``(what a usual wrong version returns, hint)`` on one curve."""
    best, stop = early_stopping_epochs(losses, patience)
    return [
        ((best - 1, stop - 1), "Epochs are counted from 1 (the loss after epoch 1 is "
                               "losses[0]): add 1 to the positions."),
        ((stop, best), "The pair is the wrong way round: return (best, stop)."),
        ((int(np.argmin(losses)) + 1, len(losses)), "That looks at the whole curve at once, the "
                                                    "future included: while training you only "
                                                    "know the losses so far. Stop once "
                                                    "`patience` epochs pass without improvement."),
        (_stopping_rule(losses, patience, extra=1), "Off by one: stop as soon as epoch − best "
                                                    "reaches patience (≥), not when it exceeds "
                                                    "it."),
        (_stopping_rule(losses, patience, ties_improve=True), "A tie is not an improvement: "
                                                              "count only a strictly lower loss, "
                                                              "so the earlier epoch stays best."),
    ]


def _two_numbers(value):
    """Whether ``value`` is a pair of finite numbers."""
    try:
        pair = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return pair.shape == (2,) and bool(np.all(np.isfinite(pair)))


def check_early_stopping(fn):
    """Check a learner's ``fn(losses, patience) -> (best, stop)`` against the core's rule.

    >>> _ = check_early_stopping(early_stopping_epochs)
    Correct: your rule keeps and stops at the same epochs as Run(patience=...) on every trial curve.
    """
    fn, problem = read_function(fn, "my_early_stopping(losses, patience)")
    if problem:
        return say(problem)
    for losses, patience in _STOPPING_TRIALS:
        got, problem = call_answer(fn, list(losses), patience,
                                   advice="It must accept a list of losses and a whole number.")
        if problem:
            return say(problem)
        right = early_stopping_epochs(losses, patience)
        if not _two_numbers(got):
            return say(f"Your function returned {got!r}; return two epoch numbers (best, stop).")
        if not close(got, right):
            hint = known_slip(got, [(w, h) for w, h in _stopping_slips(losses, patience)
                                    if not close(w, right)])
            return say(f"Not yet: on losses = {losses}, patience = {patience} you return "
                       f"{tuple(got)}. " + (hint or f"Walk through the curve epoch by epoch: "
                                                    f"keep the best so far and stop when it is "
                                                    f"{patience} epochs old."))
    return say("Correct: your rule keeps and stops at the same epochs as Run(patience=...) on "
               "every trial curve.")

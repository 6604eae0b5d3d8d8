"""Answer checkers for the notebook on overfitting (01). NumPy only.

Each ``check_…`` function prints a message and returns it (see :mod:`.answers`): ``"Correct: …"``
for a right answer, otherwise what to look at; ``None`` asks the learner for an answer.
"""
import numpy as np

from .answers import close, read_number, say


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

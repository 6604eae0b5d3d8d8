"""Answer checkers for the notebook on overfitting (01). NumPy only.

Each ``check_…`` function returns a message and prints it: ``"Correct: …"`` for a right answer,
otherwise what to look at. A placeholder answer of ``None`` asks the learner to replace it.
"""
import numpy as np

PLACEHOLDER = "Replace None with your answer, then run the cell again."


def _say(message):
    print(message)
    return message


def _number(answer, what):
    """``answer`` as a float, or a message saying why it is not a usable number."""
    if isinstance(answer, (bool, np.bool_)):
        return None, f"Your answer is True/False; {what} is a number."
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None, f"Your answer {answer!r} is not a number; {what} is a number."
    if not np.isfinite(value):
        return None, f"Your answer {answer!r} is not finite; {what} is a finite number."
    return value, None


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
    if answer is None:
        return _say(PLACEHOLDER)
    value, problem = _number(answer, "an epoch")
    if problem:
        return _say(problem)
    epochs, losses = np.asarray(epochs), np.asarray(test_losses, dtype=float)
    right = best_epoch(epochs, losses)
    if value == right:
        return _say(f"Correct: epoch {right} has the lowest test loss ({losses.min():.4g}).")
    index = int(np.argmin(losses))
    if value == index:
        return _say(f"{value:g} is the position of the minimum in the array, not the epoch: look "
                    "up the epoch number at that position (epochs are counted from 1 and may "
                    "be recorded only every few epochs).")
    if value == int(epochs[np.argmax(losses)]):
        return _say(f"At epoch {value:g} the test loss is at its largest; early stopping keeps "
                    "the smallest.")
    if value == int(epochs[-1]):
        return _say(f"Epoch {value:g} is the end of training; early stopping keeps the epoch "
                    "where the test loss was lowest, usually much earlier.")
    measured = value in set(epochs.tolist())
    hint = "" if measured else " (the test loss was not even measured at that epoch)"
    return _say(f"Not quite{hint}: find the smallest entry of the test-loss curve and read off "
                "its epoch.")


def _close(a, b):
    """Equal to 4 significant digits: what a learner copying a printed number gets."""
    return bool(np.isclose(a, b, rtol=1e-3, atol=1e-9))


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
    if answer is None:
        return _say(PLACEHOLDER)
    value, problem = _number(answer, "the largest |w|")
    if problem:
        return _say(problem)
    right = largest_weight(params)
    if _close(value, right):
        return _say(f"Correct: the largest |w| is {right:.4g}.")
    everything = float(max(np.abs(p).max() for p in params.values()))
    signed_max = float(max(p.max() for n, p in params.items() if n.startswith("W")))
    if _close(value, everything) and not _close(everything, right):
        return _say("That number comes from a bias. The claim is about weights: use only the "
                    "arrays whose names start with W.")
    if _close(value, signed_max) or _close(value, -right):
        return _say("Take the absolute value first: a weight of -5 is larger in magnitude "
                    "than one of 3.")
    last = [p for n, p in params.items() if n.startswith("W")][-1]
    if _close(value, np.abs(last).max()):
        return _say("That is the largest |w| of the last layer only; look at every W array.")
    return _say(f"Not quite ({value:.4g}): take max |w| of each W array, then the largest "
                "of those.")

"""Answer checkers for the weight-decay notebook (04_weight_decay). NumPy only.

Each ``check_…`` function prints ``"Correct"`` or what to look at, and returns True or False.
"""
import numpy as np

from ..conventions import convert

PLACEHOLDER = "Replace None with your answer, then run the cell again"

#: The decay-factor question: PyTorch SGD ``weight_decay`` (``grad += wd·w``) at this learning
#: rate, to be rewritten as ``w *= f`` before each plain-SGD step.
FACTOR_LR = 0.1
FACTOR_WD = 5e-4

#: The scikit-learn question: an L2 strength in the CS231n convention ``(λ/2)·Σw²``, a
#: training set of ``ALPHA_N_TRAIN`` samples and minibatches of ``ALPHA_BATCH``.
ALPHA_LAM = 1e-3
ALPHA_N_TRAIN = 256
ALPHA_BATCH = 32


def _number(answer):
    """``answer`` as a float, or None after telling the learner what is wrong with it."""
    if answer is None:
        print(PLACEHOLDER + ".")
        return None
    try:
        return float(answer)
    except (TypeError, ValueError):
        print(f"Give one number, not {answer!r}.")
        return None


def _verdict(value, expected, diagnoses, fallback, praise):
    """Print "Correct", a matching diagnosis, or the fallback hint; return True if correct."""
    if np.isclose(value, expected, rtol=1e-9, atol=0):
        print(f"Correct: {praise}")
        return True
    for wrong, hint in diagnoses:
        if np.isclose(value, wrong, rtol=1e-9, atol=0):
            print(f"Not yet: {hint}")
            return False
    print(f"Not yet: {value:.6g} is not it. {fallback}")
    return False


def check_decay_factor(answer):
    """The factor ``f`` in ``w *= f`` (before the step) equal to PyTorch SGD's weight_decay.

    PyTorch SGD adds ``wd·w`` to the gradient, so one plain step is
    ``w - lr·(g + wd·w) = (1 - lr·wd)·w - lr·g``: the factor is ``f = 1 - lr·wd``.

    Args:
        answer: a number, or None while the learner has not answered.

    Returns:
        True when ``answer == 1 - FACTOR_LR·FACTOR_WD`` (to a relative 1e-9).
    """
    value = _number(answer)
    if value is None:
        return False
    expected = convert(FACTOR_WD, "pytorch_sgd", "decay_factor", lr=FACTOR_LR)
    diagnoses = (
        (1 - FACTOR_WD, "you left out the learning rate: the gradient term wd·w is multiplied "
                        "by lr before it changes the weight."),
        (FACTOR_LR * FACTOR_WD, "that is the fraction removed per step (lr·wd); the factor that "
                                "multiplies w is one minus it."),
        (1 - 2 * FACTOR_LR * FACTOR_WD, "PyTorch's weight_decay has no factor 2 (that is Keras' "
                                        "λ·Σw², whose gradient is 2λ·w)."),
        (1 + FACTOR_LR * FACTOR_WD, "the factor must shrink the weight: below 1, not above."),
        (1 - FACTOR_WD / FACTOR_LR, "multiply by the learning rate, do not divide."),
    )
    return _verdict(value, expected, diagnoses,
                    "Write one step w - lr·(g + wd·w) and collect the terms in w.",
                    f"f = 1 - lr·wd = {expected:.6g}; the seed's f = 0.98 would be wd = "
                    f"{(1 - 0.98) / FACTOR_LR:.3g} at this learning rate.")


def check_sklearn_alpha(answer):
    """scikit-learn's ``alpha`` equal to a CS231n ``λ`` for MLPClassifier trained by SGD.

    scikit-learn adds ``alpha·w`` to the summed gradient and divides both by the number of
    samples *in the minibatch* (its docstring says "divided by the sample size", which reads as
    the training-set size). The mean gradient then gains ``(alpha / batch)·w``, so
    ``alpha = λ·batch``.

    Args:
        answer: a number, or None while the learner has not answered.

    Returns:
        True when ``answer == ALPHA_LAM·ALPHA_BATCH`` (to a relative 1e-9).
    """
    value = _number(answer)
    if value is None:
        return False
    expected = convert(ALPHA_LAM, "cs231n", "sklearn_alpha", batch_size=ALPHA_BATCH,
                       n_train=ALPHA_N_TRAIN)
    diagnoses = (
        (ALPHA_LAM * ALPHA_N_TRAIN, "that is the docstring's reading (divided by the training-set "
                                    "size n). scikit-learn's source divides by the minibatch "
                                    "size: run the cross-check above with batch < n_train."),
        (ALPHA_LAM, "scikit-learn divides alpha by a number of samples; λ alone is too small."),
        (ALPHA_LAM / ALPHA_BATCH, "divide alpha by the batch size to get λ, so multiply λ by it "
                                  "to get alpha."),
        (2 * ALPHA_LAM * ALPHA_BATCH, "scikit-learn's penalty is 0.5·alpha·Σw²/m, the same 1/2 as "
                                      "CS231n: no factor 2."),
    )
    return _verdict(value, expected, diagnoses,
                    "Compare the two gradients: λ·w against (alpha/m)·w, with m the number of "
                    "samples scikit-learn divides by.",
                    f"alpha = λ·batch = {expected:.4g} (not λ·n = "
                    f"{ALPHA_LAM * ALPHA_N_TRAIN:.4g}).")

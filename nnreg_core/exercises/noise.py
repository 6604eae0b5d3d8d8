"""Answer checkers for the notebook on Gaussian noise as a regularizer (08_noise).

Each ``check_…`` function prints a message for the learner and returns it: ``"Correct: …"`` or
what to look at; ``None`` asks for an answer.

The fact they test: for a linear model ``x . w + b`` trained on the mean squared error
``0.5 * mean (y - x . w - b)^2`` with fresh input noise ``x -> x + sigma * eps``,
``eps ~ N(0, I)``, the expected loss is ``0.5 * mean (y - x . w - b)^2 + (sigma^2 / 2) * ||w||^2``:
L2 in CS231n's form ``(lam / 2) * ||w||^2`` with ``lam = sigma^2``, bias not penalized.
"""
import numpy as np

from ..conventions import convert
from .overfitting import PLACEHOLDER, _say


def _number(answer):
    """The answer as a float, or a message saying what is wrong with it."""
    if answer is None:
        return PLACEHOLDER
    if isinstance(answer, bool) or not np.isscalar(answer):
        return f"Give one number, not {type(answer).__name__}."
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return f"Give one number, not {answer!r}."
    if not np.isfinite(value):
        return f"Give a finite number, not {value}."
    return value


def _close(a, b):
    return bool(np.isclose(a, b, rtol=1e-3, atol=1e-12))


def _noise_lambda_message(answer, sigma):
    """The feedback for :func:`check_noise_lambda`."""
    value = _number(answer)
    if isinstance(value, str):
        return value
    right = sigma ** 2
    if _close(value, right):
        return (f"Correct: λ = σ² = {right:.4g}. The cross term has mean 0 and "
                f"E[(ε·w)²] = ||w||², so the noise adds (σ²/2)·||w||² to the loss.")
    if _close(value, sigma):
        return ("That is σ itself. The extra term is 0.5·E[(σ ε·w)²]: it grows with the "
                "variance σ², not with σ.")
    if _close(value, right / 2):
        return ("You counted the 1/2 twice. The noise adds (σ²/2)·||w||², and CS231n's form "
                "(λ/2)·||w||² already carries the 1/2: compare the two and read off λ.")
    if _close(value, 2 * right):
        return ("Too large by 2: the loss is 0.5·mean(…)², so the noise term is "
                "0.5·σ²·||w||², not σ²·||w||².")
    if value < 0:
        return "A penalty strength cannot be negative: the noise term 0.5·σ²·||w||² is >= 0."
    return ("Not yet. Expand 0.5·(y - (x + σε)·w - b)², take the mean over ε ~ N(0, I) "
            "(E[ε] = 0, E[εεᵀ] = I), and match the extra term with (λ/2)·||w||².")


def _keras_sigma_message(answer, keras_l2):
    """The feedback for :func:`check_keras_sigma`."""
    value = _number(answer)
    if isinstance(value, str):
        return value
    variance = convert(keras_l2, "keras", "cs231n")
    right = float(np.sqrt(variance))
    if _close(value, right):
        return (f"Correct: Keras's l2·Σw² equals (σ²/2)·Σw² when σ² = 2·l2 = {variance:.4g}, "
                f"so σ = {right:.4g}.")
    if _close(value, variance):
        return f"That is σ² = {variance:.4g}, the variance; the question asks for σ."
    if _close(value, np.sqrt(keras_l2)):
        return ("Keras has no 1/2 in front: l2·Σw² = (σ²/2)·Σw² gives σ² = 2·l2, "
                "not σ² = l2.")
    if _close(value, np.sqrt(keras_l2 / 2)):
        return ("The factor 2 went the wrong way: the noise adds (σ²/2)·Σw², and Keras "
                "adds l2·Σw², so σ² = 2·l2.")
    if value < 0:
        return "σ is a standard deviation: it cannot be negative."
    return ("Not yet. Write the noise penalty in Keras's form: (σ²/2)·Σw² = l2·Σw², "
            "then solve for σ.")


def check_noise_lambda(answer, sigma=0.3):
    """Which CS231n lambda matches input noise of standard deviation ``sigma``?

    Args:
        answer: the learner's lambda, in the form ``(lam / 2) * sum w^2`` (CS231n).
        sigma: the noise standard deviation the question uses.

    Returns:
        The printed message: ``"Correct: …"`` or a hint. The right answer is ``sigma ** 2``.

    >>> message = check_noise_lambda(0.09)  # doctest: +ELLIPSIS
    Correct: λ = σ² = 0.09. The cross term has mean 0 ...
    """
    return _say(_noise_lambda_message(answer, sigma))


def check_keras_sigma(answer, keras_l2=0.02):
    """Which noise sigma matches Keras ``regularizers.L2(l2=keras_l2)`` on the same model?

    Keras writes the penalty as ``l2 * sum w^2`` (no 1/2), so ``sigma^2 / 2 = l2`` and
    ``sigma = sqrt(2 * l2)``.

    Args:
        answer: the learner's sigma (a standard deviation, >= 0).
        keras_l2: the Keras strength the question uses.

    Returns:
        The printed message: ``"Correct: …"`` or a hint.

    >>> message = check_keras_sigma(None)
    Replace None with your answer, then run the cell again.
    """
    return _say(_keras_sigma_message(answer, keras_l2))

"""Answer checkers for the notebook on Gaussian noise as a regularizer (08_noise).

Each ``check_…`` function prints a message for the learner and returns it: ``"Correct: …"`` or
what to look at (see :mod:`.answers`); ``None`` asks for an answer.

The fact they test: for a linear model ``x . w + b`` trained on the mean squared error
``0.5 * mean (y - x . w - b)^2`` with fresh input noise ``x -> x + sigma * eps``,
``eps ~ N(0, I)``, the expected loss is ``0.5 * mean (y - x . w - b)^2 + (sigma^2 / 2) * ||w||^2``:
L2 in CS231n's form ``(lam / 2) * ||w||^2`` with ``lam = sigma^2``, bias not penalized.
"""
import numpy as np

from ..conventions import convert
from .answers import judge, read_number, say


def _noise_lambda_message(value, sigma):
    """The feedback for :func:`check_noise_lambda` on a number ``value``."""
    right = sigma ** 2
    correct = (f"Correct: λ = σ² = {right:.4g}. The cross term has mean 0 and "
               f"E[(ε·w)²] = ||w||², so the noise adds (σ²/2)·||w||² to the loss.")
    slips = [
        (sigma, "That is σ itself. The extra term is 0.5·E[(σ ε·w)²]: it grows with the "
                "variance σ², not with σ."),
        (right / 2, "You counted the 1/2 twice. The noise adds (σ²/2)·||w||², and CS231n's form "
                    "(λ/2)·||w||² already carries the 1/2: compare the two and read off λ."),
        (2 * right, "Too large by 2: the loss is 0.5·mean(…)², so the noise term is "
                    "0.5·σ²·||w||², not σ²·||w||²."),
    ]
    otherwise = ("A penalty strength cannot be negative: the noise term 0.5·σ²·||w||² is >= 0."
                 if value < 0 else
                 "Not yet: expand 0.5·(y - (x + σε)·w - b)², take the mean over ε ~ N(0, I) "
                 "(E[ε] = 0, E[εεᵀ] = I), and match the extra term with (λ/2)·||w||².")
    return judge(value, right, correct, slips, otherwise)


def _keras_sigma_message(value, keras_l2):
    """The feedback for :func:`check_keras_sigma` on a number ``value``."""
    variance = convert(keras_l2, "keras", "cs231n")
    right = float(np.sqrt(variance))
    correct = (f"Correct: Keras's l2·Σw² equals (σ²/2)·Σw² when σ² = 2·l2 = {variance:.4g}, "
               f"so σ = {right:.4g}.")
    slips = [
        (variance, f"That is σ² = {variance:.4g}, the variance; the question asks for σ."),
        (np.sqrt(keras_l2), "Keras has no 1/2 in front: l2·Σw² = (σ²/2)·Σw² gives σ² = 2·l2, "
                            "not σ² = l2."),
        (np.sqrt(keras_l2 / 2), "The factor 2 went the wrong way: the noise adds (σ²/2)·Σw², "
                                "and Keras adds l2·Σw², so σ² = 2·l2."),
    ]
    otherwise = ("σ is a standard deviation: it cannot be negative." if value < 0 else
                 "Not yet: write the noise penalty in Keras's form: (σ²/2)·Σw² = l2·Σw², "
                 "then solve for σ.")
    return judge(value, right, correct, slips, otherwise)


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
    value, problem = read_number(answer, "λ")
    return say(problem or _noise_lambda_message(value, sigma))


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
    value, problem = read_number(answer, "σ")
    return say(problem or _keras_sigma_message(value, keras_l2))

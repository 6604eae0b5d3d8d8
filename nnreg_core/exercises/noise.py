"""Answer checkers for the notebook on Gaussian noise as a regularizer (08_noise).

Each ``check_…`` function prints a message for the learner and returns it: ``"Correct: …"`` or
what to look at (see :mod:`.answers`); ``None`` asks for an answer.

The fact they test: for a linear model ``x . w + b`` trained on the mean squared error
``0.5 * mean (y - x . w - b)^2`` with fresh input noise ``x -> x + sigma * eps``,
``eps ~ N(0, I)``, the expected loss is ``0.5 * mean (y - x . w - b)^2 + (sigma^2 / 2) * ||w||^2``:
L2 in CS231n's form ``(lam / 2) * ||w||^2`` with ``lam = sigma^2``, bias not penalized.
Against a loss without the 1/2 (Keras's and PyTorch's mean squared error) the noise adds
``sigma^2 * ||w||^2``, which that loss's ``l2 * sum w^2`` matches when ``l2 = sigma^2``.
Multiplicative noise ``x -> x * (1 + sigma * eps)`` gives one strength per weight,
``lam_j = sigma^2 * mean_i x_ij^2``.
"""
import numpy as np

from .answers import PLACEHOLDER, judge, read_number, say


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
    right = float(np.sqrt(keras_l2))
    ours = float(np.sqrt(2 * keras_l2))
    correct = (f"Correct: with Keras's mean squared error (no ½) input noise adds σ²·Σw², the "
               f"same as l2·Σw² when σ² = l2 = {keras_l2:.4g}: σ = {right:.4g}.")
    slips = [
        (ours, f"That matches our loss, with its ½. Keras's mean squared error has no ½: "
               f"mean (y − x·w − b)² plus noise gives σ²·Σw², so σ² = l2 and σ = {right:.4g}."),
        (keras_l2, f"That is σ² = {keras_l2:.4g}, the variance; the question asks for σ."),
        (np.sqrt(keras_l2 / 2), "The factor 2 went the wrong way, and Keras's loss has no ½ to "
                                "halve: its noise term is σ²·Σw²."),
        (2 * keras_l2, "That is a variance, and twice too big for Keras's loss: σ² = l2."),
    ]
    otherwise = ("σ is a standard deviation: it cannot be negative." if value < 0 else
                 "Not yet: expand mean (y − (x + σε)·w − b)² (no ½), take the mean over ε, "
                 "and match the extra term with Keras's l2·Σw².")
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
    """Which noise sigma matches Keras ``regularizers.L2(l2=keras_l2)`` on Keras's own MSE?

    Keras's mean squared error is ``mean (y − ŷ)²`` with no ½, and its penalty ``l2·Σw²``. Input
    noise on that loss adds ``σ²·Σw²`` (the ½ of ours is absent), so ``σ² = l2`` and
    ``σ = √l2``; against our loss with its ½ the answer would be ``√(2·l2)``.

    Args:
        answer: the learner's sigma (a standard deviation, >= 0).
        keras_l2: the Keras strength the question uses.

    Returns:
        The printed message: ``"Correct: …"`` or a hint.

    >>> message = check_keras_sigma(None)
    Replace None with your answer, then run the cell again.
    >>> message = check_keras_sigma(0.1414)  # doctest: +ELLIPSIS
    Correct: with Keras's mean squared error (no ½) ... σ = 0.1414.
    """
    value, problem = read_number(answer, "σ")
    return say(problem or _keras_sigma_message(value, keras_l2))


def multiplicative_noise_strengths(X, sigma):
    """Per-weight L2 strengths of noise ``x_ij -> x_ij·(1 + σ·ε_ij)`` on a linear model: ``(d,)``.

    With our loss ``(1/n)·Σ_i ½(y_i − x_i·w − b)²`` the noise term averages to
    ``½·Σ_j σ²·mean_i(x_ij²)·w_j²``: L2 in CS231n's form with ``λ_j = σ²·mean_i x_ij²``
    (Gaussian dropout penalizes a weight by how large its input is).

    >>> multiplicative_noise_strengths(np.array([[1.0, 2.0], [3.0, 0.0]]), 0.5).tolist()
    [1.25, 0.5]
    """
    X = np.asarray(X, dtype=float)
    return sigma ** 2 * np.mean(X ** 2, axis=0)


def check_multiplicative_noise(answer, X, sigma):
    """Check the per-weight strengths ``λ_j`` (CS231n form) of multiplicative input noise.

    Args:
        answer: the learner's strengths, one per input column of ``X``: shape ``(d,)``.
        X: the training inputs ``(n, d)``.
        sigma: the noise's standard deviation, ``x -> x·(1 + σ·ε)``.

    >>> X = np.array([[1.0, 2.0], [3.0, 0.0]])
    >>> _ = check_multiplicative_noise([1.25, 0.5], X, 0.5)
    Correct: λ_j = σ²·mean_i x_ij²: each weight is penalized by how large its input is.
    """
    X = np.asarray(X, dtype=float)
    if answer is None:
        return say(PLACEHOLDER)
    try:
        value = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return say(f"Your answer is not an array of numbers; give one λ_j per input, "
                   f"shape ({X.shape[1]},).")
    if value.shape != (X.shape[1],):
        return say(f"Your answer has shape {value.shape}; give one λ_j per input, shape "
                   f"({X.shape[1]},).")
    right = multiplicative_noise_strengths(X, sigma)
    slips = [
        (np.full(X.shape[1], sigma ** 2), "That is the additive case, x + σε. Here the noise "
                                          "is σ·ε·x: its size is proportional to the input, "
                                          "so E[(σ ε_j x_ij w_j)²] keeps x_ij²."),
        (sigma ** 2 * X.var(axis=0), "Close: the noise multiplies x_ij itself, not x_ij minus "
                                     "its mean. Average x_ij², not the variance."),
        (sigma * np.mean(X ** 2, axis=0), "It grows with the variance σ², not with σ."),
        (2 * right, "Too large by 2: our loss carries a ½, so the noise adds "
                    "½·σ²·x_ij²·w_j², and CS231n's form (λ_j/2)·w_j² has the same ½."),
        (right / 2, "You counted the ½ twice: the noise adds ½·Σ_j σ²·mean(x_j²)·w_j², and "
                    "(λ_j/2)·w_j² carries the ½ already."),
        (sigma ** 2 * np.mean(np.abs(X), axis=0) ** 2, "Square each x_ij before averaging: "
                                                        "E[(x_ij ε)²] = x_ij²."),
    ]
    correct = ("Correct: λ_j = σ²·mean_i x_ij²: each weight is penalized by how large its "
               "input is.")
    otherwise = ("Not yet: expand ½(y_i − Σ_j x_ij(1 + σε_ij)w_j − b)², average over the ε "
                 "(independent, mean 0, variance 1) and read off the factor of each w_j².")
    return say(judge(value, right, correct, slips, otherwise))

"""Answer checkers for the notebook on why regularization works (10). NumPy only.

Each ``check_…`` function works out the right answer from the same data the learner has,
compares, and prints and returns ``"Correct: …"`` or the slip it recognised (see
:mod:`.answers`). ``None`` asks for an answer.
"""
import numpy as np

from .. import linear
from .answers import judge, read_number, say


def l1_landing_lambda(X, y):
    """The λ at which the lasso path of a two-weight problem reaches ``w₂ = 0``.

    With ``G = XᵀX/n`` and ``c = Xᵀy/n``, on the w₁ axis ``w₁ = (c₁ − λ)/G₁₁`` (for c₁ > 0), and
    w₂ stays 0 while ``|c₂ − G₂₁·w₁| ≤ λ``. Equality gives
    ``λ = (c₂ − G₂₁·c₁/G₁₁) / (1 − G₂₁/G₁₁)`` (for ``c₂ − G₂₁w₁ > 0``).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    G, c = X.T @ X / len(X), X.T @ y / len(X)
    return (c[1] - G[1, 0] * c[0] / G[0, 0]) / (1 - G[1, 0] / G[0, 0])


def check_l1_landing(answer, X, y):
    """At which λ does the L1 path land on the w₁ axis? (the KKT condition of w₂ = 0).

    >>> X, y = linear.two_weight_problem()
    >>> _ = check_l1_landing(l1_landing_lambda(X, y), X, y)  # doctest: +ELLIPSIS
    Correct: ...
    """
    value, problem = read_number(answer, "λ")
    if problem:
        return say(problem)
    right = l1_landing_lambda(X, y)
    n = len(X)
    G, c = X.T @ X / n, X.T @ y / n
    slips = [
        (right * n, "That is n times too large: use the mean form, G = XᵀX/n and c = Xᵀy/n "
                    "(the data loss has 1/(2n) in front)."),
        (c[0], "That is where w₁ reaches 0 too (λ = c₁): the whole path ends there. w₂ "
               "leaves earlier; set w₂ = 0 and ask when its subgradient condition starts to "
               "hold."),
        (c[1], "λ = c₂ is when w₂ would be zero with w₁ = 0. On the axis w₁ is not 0: the "
               "correlation G₂₁·w₁ shares in what w₂ has to explain."),
        (c[1] - G[1, 0] * c[0] / G[0, 0], "You forgot that w₁ shrinks by λ/G₁₁ as well: solve "
                                          "c₂ − G₂₁·(c₁ − λ)/G₁₁ = λ for λ."),
    ]
    correct = (f"Correct: λ = {right:.4g}. Beyond it the subgradient of |w₂| can absorb the "
               "whole pull of the data on w₂, so w₂ stays exactly 0.")
    otherwise = (f"Not yet: {value:.4g} is not it. On the axis, w₁ = (c₁ − λ)/G₁₁; w₂ stays 0 "
                 "while |c₂ − G₂₁·w₁| ≤ λ. Set the two sides equal.")
    return say(judge(value, right, correct, slips, otherwise, rtol=5e-3))


def check_prior_sigma(answer, sklearn_alpha, sigma_noise, n):
    """Which prior standard deviation makes the MAP estimate scikit-learn's
    ``Ridge(alpha=sklearn_alpha, fit_intercept=False)`` solution on ``n`` samples?

    ``Ridge`` minimizes ``‖y − Xw‖² + alpha·‖w‖²``, a sum with no ½ on either term. Halved, it is
    Bishop's sum form ``½‖y − Xw‖² + (λ/2)‖w‖²`` with ``λ = alpha = σ²_noise/σ²_prior``, so
    ``σ_prior = σ_noise/√alpha``; ``n`` does not enter (in the series' mean form ``λ = alpha/n``
    and ``σ²_prior = σ²_noise/(n·λ)``, the same number).

    >>> _ = check_prior_sigma(0.5 / np.sqrt(5), sklearn_alpha=5.0, sigma_noise=0.5, n=50)
    ... # doctest: +ELLIPSIS
    Correct: σ_prior = 0.2236...
    """
    value, problem = read_number(answer, "σ_prior")
    if problem:
        return say(problem)
    alpha = sklearn_alpha
    right = sigma_noise / np.sqrt(alpha)
    slips = [
        (sigma_noise / np.sqrt(n * alpha), "You read alpha as our mean-form λ. Ridge's objective "
                                           "is a sum, ‖y − Xw‖² + alpha·‖w‖²: divided by 2n it "
                                           "is our form with λ = alpha/n."),
        (sigma_noise / np.sqrt(alpha / n), "You converted alpha to our mean form (λ = alpha/n) "
                                           "but then used the sum form's σ²_prior = "
                                           "σ²_noise/λ; in the mean form it is "
                                           "σ²_noise/(n·λ)."),
        (sigma_noise / np.sqrt(alpha / 2), "You halved alpha. Ridge has no ½ on either term: "
                                           "halving the whole objective gives ½‖y − Xw‖² + "
                                           "(alpha/2)·‖w‖², Bishop's form with λ = alpha."),
        (sigma_noise / np.sqrt(2 * alpha), "You doubled alpha. Ridge has no ½ on either term, "
                                           "so the ½ cancels: λ = alpha in Bishop's sum form."),
        (right ** 2, "That is the prior's variance σ²_prior; the question asks for its "
                     "standard deviation."),
        (sigma_noise ** 2 / np.sqrt(alpha), "σ_noise enters squared only in the variance: "
                                            "σ²_prior = σ²_noise/alpha, then take the square "
                                            "root of both sides."),
        (sigma_noise / alpha, "Take the square root of alpha too: σ²_prior = σ²_noise/alpha."),
        (1 / np.sqrt(alpha), "σ_noise is missing: the data term of −log p is "
                             "‖y − Xw‖²/(2σ²_noise)."),
        (np.sqrt(alpha) / sigma_noise, "Upside down: a larger alpha means a narrower prior, "
                                       "σ_prior = σ_noise/√alpha."),
    ]
    correct = (f"Correct: σ_prior = {right:.4g}. Ridge's alpha is Bishop's sum-form λ = "
               f"σ²_noise/σ²_prior; in our mean form it is λ = alpha/n = {alpha / n:.4g}, "
               "with the same prior.")
    otherwise = (f"Not yet: {value:.4g} is not it. Write −log p(w | data) = "
                 "‖y − Xw‖²/(2σ²_noise) + ‖w‖²/(2σ²_prior), multiply by 2σ²_noise and compare "
                 "it with Ridge's ‖y − Xw‖² + alpha·‖w‖².")
    return say(judge(value, right, correct, slips, otherwise, rtol=2e-3))

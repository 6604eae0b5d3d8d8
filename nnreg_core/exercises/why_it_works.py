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


def check_prior_sigma(answer, lam, sigma_noise, n):
    """Which prior standard deviation makes the MAP estimate the ridge solution at ``lam``?

    In the series' mean form ``λ = σ²_noise/(n·σ²_prior)``, so ``σ_prior = σ_noise/√(n·λ)``.

    >>> _ = check_prior_sigma(0.5 / np.sqrt(5), lam=0.1, sigma_noise=0.5, n=50)
    ... # doctest: +ELLIPSIS
    Correct: ...
    """
    value, problem = read_number(answer, "σ_prior")
    if problem:
        return say(problem)
    right = sigma_noise / np.sqrt(n * lam)
    slips = [
        (sigma_noise / np.sqrt(lam), "That is the sum form's answer (Bishop's ½‖y − Xw‖²). "
                                     "Our data loss is a mean, 1/(2n)·‖y − Xw‖²: n enters."),
        (right ** 2, "That is the prior's variance σ²_prior; the question asks for its "
                     "standard deviation."),
        (sigma_noise ** 2 / (n * lam), "That is σ²_prior; take the square root."),
        (np.sqrt(n * lam) / sigma_noise, "Upside down: a larger λ means a narrower prior, "
                                         "σ_prior = σ_noise/√(nλ)."),
        (sigma_noise * np.sqrt(n * lam), "Upside down: a larger λ means a narrower prior."),
    ]
    correct = (f"Correct: σ_prior = {right:.4g}. A narrower prior (more belief that weights are "
               "small) is a larger λ.")
    otherwise = ("Not yet: write −log p(w | data) = ‖y − Xw‖²/(2σ²_noise) + ‖w‖²/(2σ²_prior), "
                 "multiply by σ²_noise/n and read off λ/2.")
    return say(judge(value, right, correct, slips, otherwise, rtol=2e-3))

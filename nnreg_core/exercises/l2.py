"""Answer checkers for the notebook on L2 regularization (02). NumPy only.

Each ``check_…`` function converts an L2 strength from the CS231n form ``(λ/2)·Σw²`` (gradient
``+= λ·w``) into another form with :func:`nnreg_core.conventions.convert`, compares the learner's
answer, and prints and returns ``"Correct: …"`` or what to look at (see :mod:`.answers`).
``None`` asks for an answer.
"""
import numpy as np

from ..conventions import convert
from .answers import judge, read_number, say


def _verdict(answer, right, what, slips):
    """Read ``answer`` and compare it with ``right``; ``slips`` are ``(wrong value, hint)`` pairs.

    Returns the printed message: "Correct", the hint of the first slip the answer matches, or a
    general hint.
    """
    value, problem = read_number(answer, what)
    if problem:
        return say(problem)
    return say(judge(value, right, f"Correct: {what} is {right:.4g}.", slips,
                     f"Not yet: {value:.4g} is not it. Write both updates for one SGD step and "
                     "make the factor in front of w the same."))


def check_blog_decay_lambda(answer, lam, lr):
    """The decay-form λ (``w -= λ_d·w``, then the plain step) equal to gradient-form ``lam``.

    Under SGD with learning rate ``lr`` the gradient form gives ``w -= lr·(g + lam·w)``, so the
    decay form removes the fraction ``λ_d = lr·lam`` of each weight per step.

    >>> _ = check_blog_decay_lambda(0.0015, lam=0.03, lr=0.05)
    Correct: the decay-form λ is 0.0015.
    """
    right = convert(lam, "cs231n", "blog_decay", lr=lr)
    slips = [
        (lam, "That is the gradient-form value itself. In the gradient form λ·w is multiplied "
              "by the learning rate before it changes w; the decay form applies its λ directly."),
        (1 - right, "That is the factor each weight keeps (w *= f). The decay form asks for the "
                    "fraction removed, w -= λ·w: one minus your number."),
        (lam / lr, "You divided by the learning rate; the gradient-form penalty is multiplied "
                   "by it in the step w -= lr·(g + λ·w)."),
        (1 - lam, "1 - λ is a factor kept, and it forgets the learning rate: write out "
                  "w -= lr·(g + λ·w) and read off the fraction of w removed."),
    ]
    return _verdict(answer, right, "the decay-form λ", slips)


def check_nielsen_lambda(answer, lam, n_train, batch_size):
    """Nielsen's λ (cost ``C0 + (λ/2n)·Σw²``) equal to the CS231n ``lam`` (``(λ/2)·Σw²``).

    Nielsen's gradient adds ``(λ/n)·w`` with n the training-set size, so ``λ_N = n·lam``.
    ``batch_size`` is given to recognise the common slip of using it for n.

    >>> _ = check_nielsen_lambda(5.0, lam=0.025, n_train=200, batch_size=20)
    Correct: Nielsen's λ is 5.
    """
    right = convert(lam, "cs231n", "nielsen", n_train=n_train)
    slips = [
        (lam * batch_size, f"You used the batch size ({batch_size}). Nielsen's n is the size of "
                           f"the whole training set ({n_train}), even when each step sees one "
                           "minibatch."),
        (lam / n_train, "Upside down: Nielsen divides his λ by n, so his λ is n times the "
                        "CS231n value, not 1/n of it."),
        (lam, "Nielsen's λ is divided by n in the cost (λ/2n), so the same penalty needs a "
              "λ n times larger."),
        (2 * right, "Both forms carry the 1/2 (λ/2 and λ/2n): no factor 2 is needed."),
        (right / 2, "Both forms carry the 1/2 (λ/2 and λ/2n): no factor 2 is needed."),
    ]
    return _verdict(answer, right, "Nielsen's λ", slips)


def check_keras_lambda(answer, lam):
    """The Keras ``l2`` value (``loss += λ_K·Σw²``, gradient ``2·λ_K·w``) equal to CS231n ``lam``.

    >>> _ = check_keras_lambda(0.005, lam=0.01)
    Correct: the Keras l2 value is 0.005.
    """
    right = convert(lam, "cs231n", "keras")
    slips = [
        (lam, "Same number, different penalty: Keras writes λ·Σw² without the 1/2, so its "
              "gradient is 2λ·w, twice CS231n's λ·w."),
        (2 * lam, "The factor 2 goes the other way: Keras's gradient 2·λ_K·w must equal λ·w, so "
                  "λ_K = λ/2."),
    ]
    return _verdict(answer, right, "the Keras l2 value", slips)


def check_ridge_shrink(answer, lam):
    """The factor by which L2 shrinks a linear model's least-squares weights (white inputs).

    Loss ``½·mean (x·w − y)² + (λ/2)·‖w‖²`` with inputs whose second moments are the identity
    (``mean x xᵀ = I``): the gradient ``(w − w_ls) + λ·w`` vanishes at ``w* = w_ls / (1 + λ)``.

    >>> _ = check_ridge_shrink(0.8, lam=0.25)
    Correct: w* = w_ls/(1 + λ): every weight keeps the fraction 0.8.
    """
    right = 1 / (1 + lam)
    slips = [
        (1 - lam, "1 − λ is one gradient step of size 1, not the minimum: set the whole "
                  "gradient (w − w_ls) + λ·w to zero and solve for w."),
        (1 / (1 + lam / 2), "The derivative of (λ/2)·w² is λ·w: the 1/2 is gone after "
                            "differentiating."),
        (1 / (1 + 2 * lam), "A factor 2 too many: the penalty is (λ/2)·Σw², whose gradient is "
                            "λ·w (2λ·w would be Keras's λ·Σw²)."),
        (lam / (1 + lam), "That is the fraction removed; the question asks for the fraction "
                          "each weight keeps."),
        (1 + lam, "L2 makes weights smaller: the factor is below 1."),
    ]
    return _verdict_with(answer, right, "the shrink factor", slips,
                         f"Correct: w* = w_ls/(1 + λ): every weight keeps the fraction "
                         f"{right:.4g}.",
                         "Set the gradient of ½·mean (x·w − y)² + (λ/2)·‖w‖² to zero, using "
                         "mean x xᵀ = I.")


def check_half_life(answer, lam, lr):
    """How many plain-SGD steps L2 alone (no data gradient) takes to halve a weight.

    Each step multiplies ``w`` by ``1 − lr·λ``, so ``(1 − lr·λ)^k = ½`` at
    ``k = ln 2 / −ln(1 − lr·λ) ≈ ln 2 / (lr·λ)`` (both accepted).

    >>> _ = check_half_life(693, lam=0.01, lr=0.1)
    Correct: about 693 steps: (1 − lr·λ)^k = ½ gives k = ln 2/−ln(1 − lr·λ) ≈ ln 2/(lr·λ).
    """
    c = lr * lam
    right = np.log(2) / -np.log1p(-c)
    slips = [
        (np.log(2) / lam, "The learning rate is missing: the penalty's gradient λ·w is "
                          "multiplied by lr before it changes w."),
        (1 / c, "That is when w has fallen to 1/e ≈ 37 % of its start; halving takes ln 2 "
                "times as many steps."),
        (0.5 / c, "That counts a constant step of lr·λ·w₀, as if the pull stayed the same; "
                  "it shrinks with w (a fixed fraction per step), so the decay is geometric."),
        (np.log(2) / (2 * c), "A factor 2 too many: the gradient of (λ/2)·w² is λ·w."),
        (np.log10(2) / c, "Use the natural logarithm: (1 − c)^k = ½ means k·ln(1 − c) = ln ½."),
    ]
    correct = (f"Correct: about {right:.0f} steps: (1 − lr·λ)^k = ½ gives k = ln 2/−ln(1 − lr·λ) "
               "≈ ln 2/(lr·λ).")
    return _verdict_with(answer, right, "the number of steps", slips, correct,
                         "Write what one step does to w when the data gradient is 0, then "
                         "apply it k times.")


def _verdict_with(answer, right, what, slips, correct, otherwise):
    """Like :func:`_verdict` with this question's own messages (tolerance: 4 digits)."""
    value, problem = read_number(answer, what)
    if problem:
        return say(problem)
    return say(judge(value, right, correct, slips, f"Not yet: {value:.4g} is not it. {otherwise}"))

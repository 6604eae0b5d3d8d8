"""Answer checkers for the weight-decay notebook (04_weight_decay). NumPy only.

Each ``check_…`` function prints a message and returns it (see :mod:`.answers`): ``"Correct: …"``
for a right answer, otherwise ``"Not yet: …"`` and what to look at; ``None`` asks for an answer.
"""
from ..conventions import convert
from .answers import judge, read_number, say

#: The decay-factor question: PyTorch SGD ``weight_decay`` (``grad += wd·w``) at this learning
#: rate, to be rewritten as ``w *= f`` before each plain-SGD step.
FACTOR_LR = 0.1
FACTOR_WD = 5e-4

#: The scikit-learn question: an L2 strength in the CS231n convention ``(λ/2)·Σw²``, a
#: training set of ``ALPHA_N_TRAIN`` samples and minibatches of ``ALPHA_BATCH``.
ALPHA_LAM = 1e-3
ALPHA_N_TRAIN = 256
ALPHA_BATCH = 32


def _verdict(answer, what, expected, slips, fallback, praise, rtol=1e-9):
    """Read ``answer`` and print "Correct", the hint of a matching slip, or the fallback hint.

    Where exact arithmetic is asked for, answers must agree to a relative 1e-9 (``rtol``).

    Returns:
        The printed message.
    """
    value, problem = read_number(answer, what)
    if problem:
        return say(problem)
    slips = [(wrong, f"Not yet: {hint}") for wrong, hint in slips]
    return say(judge(value, expected, f"Correct: {praise}", slips,
                     f"Not yet: {value:.6g} is not it. {fallback}", rtol=rtol, atol=0))


def check_decay_factor(answer):
    """The factor ``f`` in ``w *= f`` (before the step) equal to PyTorch SGD's weight_decay.

    PyTorch SGD adds ``wd·w`` to the gradient, so one plain step is
    ``w - lr·(g + wd·w) = (1 - lr·wd)·w - lr·g``: the factor is ``f = 1 - lr·wd``.

    Args:
        answer: a number, or None while the learner has not answered.

    Returns:
        The printed message: ``"Correct: …"`` when ``answer == 1 - FACTOR_LR·FACTOR_WD`` (to a
        relative 1e-9), otherwise the hint for the slip it shows.

    >>> _ = check_decay_factor(0.98)
    Not yet: 0.98 is not it. Write one step w - lr·(g + wd·w) and collect the terms in w.
    """
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
    return _verdict(answer, "the factor f", expected, diagnoses,
                    "Write one step w - lr·(g + wd·w) and collect the terms in w.",
                    f"f = 1 - lr·wd = {expected:.6g}; McCaffrey's f = 0.98 would be wd = "
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
        The printed message: ``"Correct: …"`` when ``answer == ALPHA_LAM·ALPHA_BATCH`` (to a
        relative 1e-9), otherwise the hint for the slip it shows.

    >>> _ = check_sklearn_alpha(0.032)
    Correct: alpha = λ·batch = 0.032 (not λ·n = 0.256).
    """
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
    return _verdict(answer, "alpha", expected, diagnoses,
                    "Compare the two gradients: λ·w against (alpha/m)·w, with m the number of "
                    "samples scikit-learn divides by.",
                    f"alpha = λ·batch = {expected:.4g} (not λ·n = "
                    f"{ALPHA_LAM * ALPHA_N_TRAIN:.4g}).")


#: The momentum question: heavy-ball momentum ``v = β·v + g + λ·w``, ``w -= lr·v``.
MOMENTUM_LR, MOMENTUM_LAM, MOMENTUM_BETA = 0.1, 1e-3, 0.9

#: The Adam question: one weight with a steady data gradient, Adam + L2 (CS231n λ).
ADAM_G, ADAM_W, ADAM_LAM, ADAM_LR = 0.5, 2.0, 0.01, 0.01


def check_momentum_decay(answer):
    """The fraction of ``w`` that L2 removes per step under momentum, once the velocity settles.

    With ``v = β·v + g + λ·w`` and ``w -= lr·v``, a slowly changing ``λ·w`` enters ``v`` as the
    geometric sum ``λ·w·(1 + β + β² + …) = λ·w/(1 − β)``: the step removes
    ``lr·λ/(1 − β)`` of w, ten times plain SGD's ``lr·λ`` at β = 0.9 (while ``lr·λ`` is small
    against ``(1 − β)²``).

    >>> _ = check_momentum_decay(0.001)
    Correct: lr·λ/(1 − β) = 0.001 per step, 10× plain SGD's lr·λ: a decoupled decay (w *= 0.999) matches it, not w *= 0.9999.
    """
    lr, lam, beta = MOMENTUM_LR, MOMENTUM_LAM, MOMENTUM_BETA
    expected = lr * lam / (1 - beta)
    diagnoses = (
        (lr * lam, "that is plain SGD's lr·λ. Under momentum λ·w is added to the velocity "
                   "every step and the velocity keeps a fraction β of it: sum the series."),
        (lr * lam * beta, "β multiplies the old velocity; the pull builds up over many steps "
                          "as 1 + β + β² + …"),
        (lr * lam / beta, "the series 1 + β + β² + … sums to 1/(1 − β), not 1/β."),
        (lr * lam * (1 - beta), "upside down: the velocity accumulates, so the pull grows by "
                                "1/(1 − β)."),
        (1 - expected, "that is the factor kept (w *= f); the question asks for the fraction "
                       "removed."),
    )
    return _verdict(answer, "the fraction removed per step", expected, diagnoses,
                    "Assume λ·w is the same at every step and add up what it contributes to v.",
                    f"lr·λ/(1 − β) = {expected:.3g} per step, {1 / (1 - beta):.0f}× plain SGD's "
                    f"lr·λ: a decoupled decay (w *= {1 - expected:.3g}) matches it, not "
                    f"w *= {1 - lr * lam:.4g}.")


def check_adam_large_gradient(answer):
    """The per-step decay Adam + L2 gives a weight whose data gradient is large and steady.

    Once Adam's averages settle, ``m̂ = g + λ·w`` and ``√ŝ = |g + λ·w|``: the penalty's share of
    the step is ``lr·λ·w/|g + λ·w|``, a fraction ``lr·λ/|g + λ·w|`` of w per step.

    >>> _ = check_adam_large_gradient(1.923e-4)
    Correct: lr·λ/|g + λw| = 0.0001923 of w per step, 1.9× AdamW's lr·wd = 0.0001, and 26× less than a weight with no data gradient gets (lr/|w| = 0.005).
    """
    g, w, lam, lr = ADAM_G, ADAM_W, ADAM_LAM, ADAM_LR
    total = abs(g + lam * w)
    expected = lr * lam / total
    diagnoses = (
        (lr * lam, "that is SGD's (or AdamW's) lr·λ. Adam divides the whole gradient g + λw, "
                   "penalty included, by its RMS."),
        (lr * lam / abs(g), "the RMS Adam divides by is that of the total gradient g + λ·w, "
                            "not of the data gradient g alone."),
        (lr * lam * w / total, "that is the distance the penalty moves w per step; divide by w "
                               "for the fraction of w."),
        (lr / w, "that is the tiny-gradient case (the step is then lr·sign(w)); here g "
                 "dominates the RMS."),
        (lam / total, "the learning rate is missing: Adam's step is lr·m̂/√ŝ."),
    )
    return _verdict(answer, "the fraction removed per step", expected, diagnoses,
                    "In steady state m̂ = g + λw and √ŝ = |g + λw|: take the part of lr·m̂/√ŝ "
                    "that comes from λw and divide it by w.",
                    f"lr·λ/|g + λw| = {expected:.4g} of w per step, {expected / (lr * lam):.1f}× "
                    f"AdamW's lr·wd = {lr * lam:.2g}, and {lr / w / expected:.0f}× less than a "
                    f"weight with no data gradient gets (lr/|w| = {lr / w:.3g}).", rtol=1e-3)

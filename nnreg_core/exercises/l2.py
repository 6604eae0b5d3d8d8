"""Answer checkers for the notebook on L2 regularization (02). NumPy only.

Each ``check_…`` function converts an L2 strength from the CS231n form ``(λ/2)·Σw²`` (gradient
``+= λ·w``) into another form with :func:`nnreg_core.conventions.convert`, compares the learner's
answer, and prints and returns ``"Correct: …"`` or what to look at (see :mod:`.answers`).
``None`` asks for an answer.
"""
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

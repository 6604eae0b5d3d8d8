"""Answer checkers for the notebook on dropout (07). NumPy only.

The core's :class:`~nnreg_core.regularizers.stochastic.Dropout` takes ``keep``, the probability of keeping a
unit. Other texts use one letter for either meaning: Srivastava et al. (2014) and the CS231n notes
write p for the probability of *keeping* (retaining) a unit; PyTorch's ``nn.Dropout(p)`` and
Keras' ``Dropout(rate)`` give the probability of *dropping* it.

Each ``check_…`` function prints and returns ``"Correct: …"`` or what to look at (see
:mod:`.answers`); ``None`` asks for an answer. Two of them ask for what the notebook does not
print: inverted dropout written by the learner, and the variance it adds to an activation,
``Var[a·m/keep] = a²·(1 − keep)/keep``.
"""
import numpy as np

from .answers import call_answer, judge, read_function, read_number, say

MEANINGS = {"pytorch": "drop", "keras": "drop", "srivastava": "keep", "cs231n": "keep"}
WRITTEN = {"pytorch": "PyTorch's nn.Dropout(p=…)", "keras": "Keras' Dropout(rate=…)",
           "srivastava": "Srivastava et al.'s p", "cs231n": "the CS231n notes' p"}


def keep_from(value, source):
    """The keep probability meant by ``value`` as written in ``source``.

    Args:
        value: the number as written, in [0, 1).
        source: ``"pytorch"`` or ``"keras"`` (a drop probability), ``"srivastava"`` or
            ``"cs231n"`` (a keep probability).

    >>> keep_from(0.2, "pytorch"), keep_from(0.8, "srivastava")
    (0.8, 0.8)
    """
    if source not in MEANINGS:
        raise ValueError(f"unknown source {source!r}; choose one of {', '.join(MEANINGS)}.")
    if not 0 <= value <= 1:
        raise ValueError(f"a probability lies in [0, 1], got {value!r}.")
    return round(1.0 - value, 12) if MEANINGS[source] == "drop" else float(value)


def check_keep(answer, value, source):
    """Check the ``keep`` to pass to our ``Dropout`` for ``value`` as written in ``source``.

    >>> _ = check_keep(0.7, 0.3, "pytorch")
    Correct: PyTorch's nn.Dropout(p=…) gives the probability of dropping a unit, so keep = 0.7.
    """
    got, problem = read_number(answer, "keep")
    if problem:
        return say(problem)
    right = keep_from(value, source)
    meaning = "dropping" if MEANINGS[source] == "drop" else "keeping"
    correct = (f"Correct: {WRITTEN[source]} gives the probability of {meaning} a unit, so "
               f"keep = {right:.4g}.")
    slips = [(1 - right, f"The other way round: {WRITTEN[source]} is the probability of "
                         f"{meaning} a unit, and keep is the probability of keeping it.")]
    otherwise = (f"keep is a probability in (0, 1]; {got:.4g} is not." if not 0 < got <= 1 else
                 f"Not yet: {got:.4g} is not it. Read {WRITTEN[source]} as a probability of "
                 f"{meaning} a unit and convert it to the probability of keeping it.")
    return say(judge(got, right, correct, slips, otherwise, rtol=1e-5, atol=1e-9))


def _values_are(a_out, a, factor):
    """Whether every entry of ``a_out`` is 0 or ``factor · a``."""
    return bool(np.all(np.isclose(a_out, 0.0) | np.isclose(a_out, factor * a)))


def _run(dropout_forward, a, keep, seed):
    """The learner's output on a copy of ``a`` with ``rng`` seeded by ``seed``, as floats."""
    out, problem = call_answer(dropout_forward, a.copy(), keep, np.random.default_rng(seed))
    if problem:
        return None, problem
    try:
        return np.asarray(out, dtype=float), None
    except (TypeError, ValueError):
        return None, f"Your function returned {type(out).__name__}; return an array like a."


def check_inverted_dropout(dropout_forward, keep=0.8):
    """Check a learner's ``dropout_forward(a, keep, rng)`` for inverted dropout.

    Right: each entry is kept with probability ``keep`` (mask ``rng.random(a.shape) < keep``) and
    kept entries are divided by ``keep``, so the mean activation is unchanged.

    >>> _ = check_inverted_dropout(lambda a, keep, rng: a * (rng.random(a.shape) < keep) / keep)
    Correct: about 80% of units are kept, each scaled by 1/keep = 1.25, and the mean is unchanged.
    """
    dropout_forward, problem = read_function(dropout_forward, "dropout_forward(a, keep, rng)")
    if problem:
        return say(problem)
    a = np.random.default_rng(3).uniform(0.5, 1.5, size=(400, 50))
    first, problem = _run(dropout_forward, a, keep, 0)
    if problem:
        return say(problem)
    if first.shape != a.shape:
        return say(f"Your output has shape {first.shape}; it must keep the input's shape "
                   f"{a.shape}.")
    again, _ = _run(dropout_forward, a, keep, 0)
    other, _ = _run(dropout_forward, a, keep, 1)
    if again is None or not np.array_equal(first, again) or np.array_equal(first, other):
        return say("Draw the mask with the rng you are given (rng.random(a.shape)), not with "
                   "np.random: the same seed must give the same mask, another seed another.")
    kept = float(np.mean(~np.isclose(first, 0.0)))
    if abs(kept - (1 - keep)) < 0.02 and abs(kept - keep) >= 0.02:
        return say(f"You kept about {kept:.0%} of the units: that is the drop rate. Keep a unit "
                   f"where rng.random(a.shape) < keep.")
    if abs(kept - keep) >= 0.02:
        return say(f"You kept {kept:.0%} of the units; each should be kept with probability "
                   f"keep = {keep:g}.")
    if _values_are(first, a, 1 / keep):
        return say(f"Correct: about {keep:.0%} of units are kept, each scaled by "
                   f"1/keep = {1 / keep:.4g}, and the mean is unchanged.")
    if _values_are(first, a, 1.0):
        return say("This is dropout without the inversion: kept units must be divided by keep, "
                   "or the mean activation falls to keep times its value at training time.")
    if _values_are(first, a, keep):
        return say("You multiplied by keep; inverted dropout divides by keep so that the mean "
                   "activation stays the same.")
    if _values_are(first, a, 1 / (1 - keep)):
        return say("You divided by the drop rate 1 − keep; divide by keep, the probability "
                   "of keeping.")
    return say("Not yet: every output should be 0 or the input divided by keep.")


def check_dropout_variance(answer, a, keep):
    """Check ``Var[a·m/keep]`` for ``m ~ Bernoulli(keep)``: ``a²·(1 − keep)/keep``.

    ``E[a·m/keep] = a`` and ``E[(a·m/keep)²] = a²/keep``, so the variance is
    ``a²/keep − a² = a²·(1 − keep)/keep``: the noise dropout injects grows fast as keep falls.

    >>> _ = check_dropout_variance(1.0, a=2.0, keep=0.8)
    Correct: E[(a·m/keep)²] = a²/keep, minus the squared mean a²: a²·(1 − keep)/keep = 1.
    """
    value, problem = read_number(answer, "the variance")
    if problem:
        return say(problem)
    right = a ** 2 * (1 - keep) / keep
    slips = [
        (a ** 2 * keep * (1 - keep), "That is the variance of a·m, without the 1/keep of "
                                     "inverted dropout: dividing by keep multiplies the "
                                     "variance by 1/keep²."),
        ((1 - keep) / keep, "You left out a²: the variance of a·m/keep scales with the "
                            "activation squared."),
        (abs(a) * (1 - keep) / keep, "Square a too: Var[c·X] = c²·Var[X]."),
        (a ** 2 * (1 - keep), "E[(a·m/keep)²] is a²·keep/keep² = a²/keep; subtract the squared "
                              "mean a², then simplify."),
        (a ** 2 / keep, "That is E[(a·m/keep)²]; the variance subtracts the squared mean a²."),
    ]
    correct = (f"Correct: E[(a·m/keep)²] = a²/keep, minus the squared mean a²: "
               f"a²·(1 − keep)/keep = {right:.4g}.")
    otherwise = (f"Not yet: {value:.4g} is not it. m is 1 with probability keep and 0 "
                 "otherwise: compute E[a·m/keep] and E[(a·m/keep)²], then Var = E[X²] − E[X]².")
    return say(judge(value, right, correct, slips, otherwise))

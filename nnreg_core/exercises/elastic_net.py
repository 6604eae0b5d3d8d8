"""Answer checkers for the notebook on elastic net (05). NumPy only.

The core writes elastic net as ``λ1·Σ|w| + (λ2/2)·Σw²``; scikit-learn writes the same penalty
as ``α·r·Σ|w| + (α·(1 − r)/2)·Σw²`` with ``r = l1_ratio``. So ``λ1 = α·r`` and
``λ2 = α·(1 − r)``, and back: ``α = λ1 + λ2``, ``r = λ1 / (λ1 + λ2)``. Each ``check_…``
function prints and returns ``"Correct: …"`` or what to look at (see :mod:`.answers`); ``None``
asks for an answer.
"""
import numpy as np

from ..regularizers.penalties import ElasticNet
from .answers import PLACEHOLDER, judge, read_number, say


def _pair(answer):
    """``answer`` as two floats, or a message saying why it is not a usable pair."""
    if answer is None:
        return None, PLACEHOLDER
    if isinstance(answer, (str, bytes)) or np.ndim(answer) != 1 or len(answer) != 2:
        return None, (f"Your answer {answer!r} is not a pair; give two numbers, "
                      "(λ1, λ2).")
    values = []
    for item, name in zip(answer, ("λ1", "λ2")):
        value, problem = read_number(item, name)
        if problem:
            return None, problem
        values.append(value)
    return tuple(values), None


def check_elastic_net_strengths(answer, alpha, l1_ratio):
    """Check ``(λ1, λ2)`` for ``λ1·Σ|w| + (λ2/2)·Σw²`` equal to scikit-learn's ``(alpha, l1_ratio)``.

    Args:
        answer: the learner's pair ``(λ1, λ2)``.
        alpha: scikit-learn's overall strength ``α >= 0``.
        l1_ratio: scikit-learn's mixing ``0 <= r <= 1``.

    >>> _ = check_elastic_net_strengths((0.005, 0.015), alpha=0.02, l1_ratio=0.25)
    Correct: λ1 = α·r = 0.005 and λ2 = α·(1 − r) = 0.015.
    """
    pair, problem = _pair(answer)
    if problem:
        return say(problem)
    right = ElasticNet.from_alpha_l1_ratio(alpha, l1_ratio)
    l1, l2 = right.l1, right.l2
    slips = [
        ((l2, l1), "Swapped: l1_ratio r is the share of α that goes to the L1 term |w|, so "
                   "λ1 = α·r and the L2 term gets the rest, α·(1 − r)."),
        ((l1, l2 / 2), "Your λ2 is half too small: scikit-learn's L2 term is (α(1 − r)/2)·Σw², "
                       "and our form (λ2/2)·Σw² carries the same 1/2, so λ2 = α·(1 − r). (Your "
                       "value is the λ2 of the form λ2·Σw², written without the 1/2.)"),
        ((l1, 2 * l2), "Your λ2 is twice too big: both forms carry the 1/2 in front of Σw², so "
                       "no factor 2 is needed."),
        ((l1_ratio, 1 - l1_ratio), "You gave the shares r and 1 − r; multiply both by α."),
        ((alpha, alpha), "α is the total; l1_ratio splits it between the two terms."),
    ]
    correct = f"Correct: λ1 = α·r = {l1:.4g} and λ2 = α·(1 − r) = {l2:.4g}."
    otherwise = (f"Not yet: {pair} is not it. Expand α·r·Σ|w| + (α(1 − r)/2)·Σw² and match it "
                 "term by term with λ1·Σ|w| + (λ2/2)·Σw².")
    return say(judge(pair, (l1, l2), correct, slips, otherwise))

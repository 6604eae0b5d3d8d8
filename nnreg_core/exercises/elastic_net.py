"""Answer checkers for the notebook on elastic net (05). NumPy only.

The core writes elastic net as ``λ1·Σ|w| + (λ2/2)·Σw²``; scikit-learn writes the same penalty
as ``α·r·Σ|w| + (α·(1 − r)/2)·Σw²`` with ``r = l1_ratio``. So ``λ1 = α·r`` and
``λ2 = α·(1 − r)``, and back: ``α = λ1 + λ2``, ``r = λ1 / (λ1 + λ2)``. Each ``check_…``
function prints and returns ``"Correct: …"`` or what to look at (see :mod:`.answers`); ``None``
asks for an answer. Besides the conversion, two exercises whose answers the notebook does not
print: the largest learning rate for which the proximal iterate settles when the L2 part is
written in CS231n's form ``λ2·Σw²`` (no 1/2), ``2 / (L + 2·λ2)``, and one proximal-gradient
step written by the learner.
"""
import numpy as np

from ..regularizers.decay import soft_threshold
from ..regularizers.penalties import ElasticNet
from .answers import PLACEHOLDER, call_answer, judge, read_function, read_number, say


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


def largest_stable_lr(curvature, cs231n_l2):
    """``2 / (L + 2·λ2)`` for an L2 part written ``λ2·Σw²`` (CS231n, no 1/2).

    Below it a proximal-gradient iterate settles. The penalty ``λ2·Σw²`` has gradient
    ``2·λ2·w`` and curvature ``2·λ2`` (the core's ``(λ2/2)·Σw²`` with twice the number). The
    step ``w <- S_{lr·λ1}(w − lr·(∇L(w) + 2·λ2·w))`` contracts along every direction only when
    ``|1 − lr·h| < 1`` for each curvature ``h <= L + 2·λ2`` of the smooth part; L1 adds no
    curvature (the soft threshold is a non-expansive map).

    >>> round(largest_stable_lr(4.0, cs231n_l2=0.5), 4)
    0.4
    """
    return 2.0 / (curvature + 2.0 * cs231n_l2)


def check_learning_rate_bound(answer, curvature, cs231n_l2=0.4):
    """Check the largest learning rate for which the elastic-net proximal iterate settles
    when the L2 part is written in CS231n's form ``λ2·Σw²`` (no 1/2).

    Args:
        answer: the learner's learning rate.
        curvature: L, the largest curvature (Hessian eigenvalue) of the data loss.
        cs231n_l2: λ2 in ``λ2·Σw²``.

    >>> _ = check_learning_rate_bound(2 / 4.8, curvature=4.0, cs231n_l2=0.4)
    Correct: lr < 2 / (L + 2·λ2) = 2 / (4 + 0.8) = 0.4167: without the 1/2 the penalty's curvature is 2·λ2.
    """
    value, problem = read_number(answer, "the learning rate")
    if problem:
        return say(problem)
    l2 = cs231n_l2
    right = largest_stable_lr(curvature, l2)
    slips = [
        (2.0 / (curvature + l2), "You added λ2 itself, as for the core's (λ2/2)·Σw². Written "
                                 "λ2·Σw² (no 1/2), the penalty's gradient is 2·λ2·w, so its "
                                 "curvature is 2·λ2."),
        (2.0 / (curvature + l2 / 2), "You halved λ2 on the way to the core form; double it: "
                                     "λ2·Σw² is the core's (λ/2)·Σw² with λ = 2·λ2."),
        (2.0 / curvature, "You left out the L2 part: the penalty adds its curvature to every "
                          "curvature of the data loss, so the largest is L plus the penalty's."),
        (2.0 / (2 * l2), "You left out the data loss: its largest curvature L adds to the "
                         "penalty's."),
        (1.0 / (curvature + 2 * l2), "1/(L + 2·λ2) is the step that guarantees the objective "
                                     "goes down at every step; the iterate still settles up to "
                                     "twice that: where does |1 − lr·h| reach 1?"),
    ]
    correct = (f"Correct: lr < 2 / (L + 2·λ2) = 2 / ({curvature:.4g} + {2 * l2:.4g}) = "
               f"{right:.4g}: without the 1/2 the penalty's curvature is 2·λ2.")
    otherwise = (f"Not yet: {value:.4g} is not it. Find the curvature of λ2·Σw² (differentiate "
                 "it twice), add it to L, and find the lr at which one step's factor "
                 "(1 − lr·h) reaches −1 for the largest h.")
    return say(judge(value, right, correct, slips, otherwise))


def _prox_cases():
    """Weights, data gradients and settings that tell the usual wrong steps apart."""
    rng = np.random.default_rng(11)
    w = rng.normal(0.0, 1.0, size=(6, 5))
    w[0] = [0.05, -0.05, 0.0, 0.02, -0.3]          # near zero: the threshold decides
    grad = rng.normal(0.0, 1.0, size=w.shape)
    return w, grad, 0.1, 0.6, 0.3


def _right_step(w, grad, lr, l1, l2):
    """``S_{lr·λ1}(w − lr·(grad + λ2·w))``: the core's order (coupled L2, update, proximal L1)."""
    return soft_threshold(w - lr * (grad + l2 * w), lr * l1)


def check_prox_step(step):
    """Check a learner's ``step(w, grad, lr, l1, l2)``: one proximal-gradient elastic-net step.

    Right: ``soft_threshold(w − lr·(grad + λ2·w), lr·λ1)``, with
    ``soft_threshold(v, t) = sign(v)·max(|v| − t, 0)``.

    >>> _ = check_prox_step(lambda w, g, lr, l1, l2: np.sign(w - lr * (g + l2 * w))
    ...     * np.maximum(np.abs(w - lr * (g + l2 * w)) - lr * l1, 0))
    Correct: the gradient step on the data loss and L2, then the soft threshold lr·λ1.
    """
    step, problem = read_function(step, "step(w, grad, lr, l1, l2)")
    if problem:
        return say(problem)
    w, grad, lr, l1, l2 = _prox_cases()
    result, problem = call_answer(step, w.copy(), grad.copy(), lr, l1, l2)
    if problem:
        return say(problem)
    try:
        result = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return say(f"Your function returned {type(result).__name__}; return an array like w.")
    if result.shape != w.shape:
        return say(f"Your result has shape {result.shape}; it must keep w's shape {w.shape}.")
    plain = w - lr * (grad + l2 * w)
    slips = [
        (soft_threshold(plain, l1), "Your threshold is λ1; it is lr·λ1: the L1 step is a step "
                                    "of length lr, like the gradient step."),
        (plain - lr * l1 * np.sign(w), "This is the subgradient step: it subtracts lr·λ1·sign(w) "
                                       "and overshoots zero. The proximal step shrinks |v| by "
                                       "lr·λ1 and stops at exactly 0."),
        (np.maximum(plain - lr * l1, 0.0), "max(v − t, 0) also zeroes every negative weight: "
                                           "shrink the magnitude, sign(v)·max(|v| − t, 0)."),
        (soft_threshold(w - lr * grad, lr * l1), "The L2 term is missing: add λ2·w to the "
                                                 "gradient before the step."),
        (soft_threshold(w, lr * l1) - lr * (grad + l2 * w), "Threshold first, then the gradient "
                                                            "step: the weights then never land "
                                                            "on 0. Take the gradient step, then "
                                                            "threshold its result."),
        (soft_threshold(w - lr * grad, lr * l1) / (1 + lr * l2),
         "Also a right step, another one: the proximal map of the whole elastic net (L2 "
         "inside the prox). It has the same fixed points; here write the core's order, L2 "
         "in the gradient and only L1 in the soft threshold."),
    ]
    correct = "Correct: the gradient step on the data loss and L2, then the soft threshold lr·λ1."
    zeros, expected = int(np.sum(result == 0)), int(np.sum(_right_step(w, grad, lr, l1, l2) == 0))
    otherwise = (f"Not yet: your step gives {zeros} exact zeros of {w.size}, the right one "
                 f"{expected}. Take v = w − lr·(grad + λ2·w), then shrink each |v| by lr·λ1, "
                 "stopping at 0.")
    return say(judge(result, _right_step(w, grad, lr, l1, l2), correct, slips, otherwise,
                     rtol=1e-9, atol=1e-12))

"""The L1 notebook's answer checkers: a right answer passes, each typical slip is told why."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.regularizers.decay import soft_threshold
from nnreg_core.exercises import l1


def test_shrink_amount_right_answer_passes(capsys):
    message = l1.check_shrink_amount(l1.SHRINK_LR * l1.SHRINK_LAM)
    assert message.startswith("Correct")
    assert capsys.readouterr().out.strip() == message


@pytest.mark.parametrize("wrong, hint", [
    (l1.SHRINK_LAM, "multiplied by the learning rate"),
    (-l1.SHRINK_LR * l1.SHRINK_LAM, "toward zero"),
    (l1.SHRINK_LR, "learning rate alone"),
    (2 * l1.SHRINK_LR * l1.SHRINK_LAM, "no factor 2"),
    (l1.SHRINK_LR / l1.SHRINK_LAM, "do not divide"),
    (0.123, "read off the part"),
])
def test_shrink_amount_wrong_answers_are_explained(wrong, hint):
    message = l1.check_shrink_amount(wrong)
    assert message.startswith("Not yet")
    assert hint in message


@pytest.mark.parametrize("answer, says", [("a lot", "not a number"), ([5e-5], "not one number"),
                                          (float("nan"), "not finite")])
def test_shrink_amount_unusable_answers_are_told_why(answer, says):
    message = l1.check_shrink_amount(answer)
    assert not message.startswith("Correct")
    assert says in message and "the distance" in message


def test_placeholder_asks_for_an_answer():
    assert l1.check_shrink_amount(None).startswith("Replace None with your answer")
    assert l1.check_soft_threshold(None).startswith("Replace None with your answer")


def written_out(w, t):
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def clipped(w, t):
    return np.clip(w - t, 0, None) + np.clip(w + t, None, 0)


@pytest.mark.parametrize("fn", [written_out, clipped, soft_threshold])
def test_soft_threshold_right_answers_pass(fn, capsys):
    message = l1.check_soft_threshold(fn)
    assert message.startswith("Correct")
    assert capsys.readouterr().out.strip() == message


@pytest.mark.parametrize("fn, hint", [
    (lambda w, t: w - t * np.sign(w), "jumps across zero"),
    (lambda w, t: w + t * np.sign(w), "away from zero"),
    (lambda w, t: np.where(np.abs(w) > t, w, 0.0), "hard threshold"),
    (lambda w, t: np.maximum(np.abs(w) - t, 0.0), "signs are lost"),
    (lambda w, t: np.sign(w) * np.maximum(np.abs(w) - 2 * t, 0.0), "compare your output"),
    (lambda w, t: None, "forget `return`"),
    (lambda w, t: np.zeros(3), "shape"),
    (lambda w: w, "raised TypeError"),
    (0.5, "Give a function"),
])
def test_soft_threshold_slips_are_explained(fn, hint):
    message = l1.check_soft_threshold(fn)
    assert not message.startswith("Correct")
    assert hint in message


def test_soft_threshold_checker_does_not_let_the_answer_change_its_trials():
    def in_place(w, t):
        w[:] = np.sign(w) * np.maximum(np.abs(w) - t, 0.0)
        return w

    assert l1.check_soft_threshold(in_place).startswith("Correct")
    assert l1.check_soft_threshold(soft_threshold).startswith("Correct")


# ---------------------------------------------------------------- the period-2 hop
def test_hop_cycle_is_what_the_core_step_does():
    from nnreg_core.exercises.l1 import HOP_SHRINK, HOP_START, hop_cycle
    step = nc.L1Shrink(HOP_SHRINK)
    w = {"W1": np.array([[HOP_START]])}
    seen = []
    for _ in range(20):
        step.apply(w, lr=1.0)
        seen.append(float(w["W1"][0, 0]))
    assert seen[-1] == pytest.approx(seen[-3]) and seen[-1] != pytest.approx(seen[-2])
    assert sorted(seen[-2:]) == pytest.approx(list(hop_cycle(HOP_START, HOP_SHRINK)))


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"),
    ((0.0003, -0.0027), "Correct"), ((-0.0027, 0.0003), "Correct"),
    ((0, 0), "never stops at 0"), ((0.0003, -0.0003), "not symmetric"),
    ((0.0033, 0.0003), "One step too early"), ((-0.0003, -0.0027), "signs"),
    ((0.001, 0.002), "step it by hand"), (0.0003, "as a pair"),
])
def test_hop_cycle_checker_names_each_slip(answer, says):
    from nnreg_core.exercises.l1 import check_hop_cycle
    assert says in check_hop_cycle(answer)


# ---------------------------------------------------------------- Tsuruoka's cumulative penalty
def test_cumulative_penalty_gives_zeros_under_sgd():
    """Run on a weight with a noisy data gradient, the cumulative penalty parks it at exactly
    0 while the subgradient step keeps it hopping."""
    from nnreg_core.exercises.l1 import cumulative_penalty
    rng = np.random.default_rng(0)
    w_cum, q, u, w_sub = np.full(50, 0.2), np.zeros(50), 0.0, np.full(50, 0.2)
    for _ in range(400):
        g = 0.01 * rng.standard_normal(50)
        w_cum, w_sub, u = w_cum - 0.1 * g, w_sub - 0.1 * g, u + 0.1 * 0.02
        w_cum, q = cumulative_penalty(w_cum, q, u)
        w_sub = w_sub - 0.1 * 0.02 * np.sign(w_sub)
    assert np.sum(w_cum == 0) > 40 and np.sum(w_sub == 0) == 0


def _cumulative(forget_q=False, q_sign=1, charge_total=False, clip=True):
    from nnreg_core.exercises.l1 import cumulative_penalty

    def step(w, q, u):
        if charge_total:
            new = np.sign(w) * np.maximum(np.abs(w) - u, 0.0)
        elif not clip:
            new = np.where(w > 0, w - (u + q), np.where(w < 0, w + (u - q), w))
        else:
            new = cumulative_penalty(w, q, u)[0]
        return new, (q if forget_q else q + q_sign * (new - w))
    return step


@pytest.mark.parametrize("fn, says", [
    (None, "Replace None"), (_cumulative(), "Correct"),
    (_cumulative(forget_q=True), "q is unchanged"), (_cumulative(q_sign=-1), "wrong sign"),
    (_cumulative(charge_total=True), "forgets what the weight already received"),
    (_cumulative(clip=False), "Clip at zero"),
    (lambda w, q, u: (w, q), "compare your result"),
    (lambda w, q, u: w, "return the pair"),
    (lambda w, q: w, "raised TypeError"),
])
def test_cumulative_checker_names_each_slip(fn, says):
    from nnreg_core.exercises.l1 import check_cumulative_penalty
    assert says in check_cumulative_penalty(fn)

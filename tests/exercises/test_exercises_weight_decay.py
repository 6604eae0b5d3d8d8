"""The weight-decay notebook's answer checkers: a right answer passes, slips are told why."""
from fractions import Fraction

import numpy as np
import pytest

from nnreg_core.exercises import weight_decay as wd


@pytest.mark.parametrize("answer", [1 - wd.FACTOR_LR * wd.FACTOR_WD, 0.99995, "0.99995"])
def test_decay_factor_right_answer_passes(answer, capsys):
    message = wd.check_decay_factor(answer)
    assert message.startswith("Correct")
    assert capsys.readouterr().out.strip() == message


@pytest.mark.parametrize("wrong, hint", [
    (1 - wd.FACTOR_WD, "left out the learning rate"),
    (wd.FACTOR_LR * wd.FACTOR_WD, "one minus it"),
    (1 - 2 * wd.FACTOR_LR * wd.FACTOR_WD, "no factor 2"),
    (1 + wd.FACTOR_LR * wd.FACTOR_WD, "below 1"),
    (1 - wd.FACTOR_WD / wd.FACTOR_LR, "do not divide"),
    (0.98, "collect the terms"),
])
def test_decay_factor_wrong_answers_are_explained(wrong, hint):
    message = wd.check_decay_factor(wrong)
    assert message.startswith("Not yet")
    assert hint in message


@pytest.mark.parametrize("answer", [wd.ALPHA_LAM * wd.ALPHA_BATCH, Fraction(32, 1000)])
def test_sklearn_alpha_right_answer_passes(answer):
    assert wd.check_sklearn_alpha(answer).startswith("Correct")


@pytest.mark.parametrize("wrong, hint", [
    (wd.ALPHA_LAM * wd.ALPHA_N_TRAIN, "docstring's reading"),
    (wd.ALPHA_LAM, "too small"),
    (wd.ALPHA_LAM / wd.ALPHA_BATCH, "multiply λ"),
    (2 * wd.ALPHA_LAM * wd.ALPHA_BATCH, "no factor 2"),
    (1.0, "Compare the two gradients"),
])
def test_sklearn_alpha_wrong_answers_are_explained(wrong, hint):
    message = wd.check_sklearn_alpha(wrong)
    assert message.startswith("Not yet")
    assert hint in message


@pytest.mark.parametrize("check", [wd.check_decay_factor, wd.check_sklearn_alpha])
@pytest.mark.parametrize("answer, says", [
    (None, "Replace None with your answer"), ([0.9], "not one number"), ("alpha", "not a number"),
    (True, "True/False"), (float("inf"), "not finite"),
])
def test_unusable_answers_are_told_why(check, answer, says):
    message = check(answer)
    assert not message.startswith("Correct")
    assert says in message


def test_momentum_decay_is_what_the_core_momentum_does():
    """A weight with no data gradient under Momentum + L2 shrinks, once v has settled, by the
    fraction the checker accepts."""
    import nnreg_core as nc
    from nnreg_core.exercises.weight_decay import (MOMENTUM_BETA, MOMENTUM_LAM, MOMENTUM_LR,
                                                    check_momentum_decay)
    opt, l2 = nc.Momentum(MOMENTUM_LR, beta=MOMENTUM_BETA), nc.L2(MOMENTUM_LAM)
    w = {"W1": np.array([1.0])}
    state = opt.init(w)
    for _ in range(200):
        delta, state = opt.update({"W1": l2.grad(w["W1"])}, state)
        before = w["W1"][0]
        w["W1"] = w["W1"] + delta["W1"]
    removed = 1 - w["W1"][0] / before
    assert removed == pytest.approx(MOMENTUM_LR * MOMENTUM_LAM / (1 - MOMENTUM_BETA), rel=0.02)
    assert check_momentum_decay(round(removed, 4)).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"), (1e-4, "plain SGD"), (9e-5, "old velocity"),
    (1e-4 / 0.9, "not 1/β"), (1e-5, "upside down"), (0.999, "factor kept"), (0.5, "Not yet"),
])
def test_momentum_decay_names_each_slip(answer, says):
    from nnreg_core.exercises.weight_decay import check_momentum_decay
    message = check_momentum_decay(answer)
    assert not message.startswith("Correct") and says in message


def test_adam_large_gradient_is_what_the_core_adam_does():
    """Adam on a steady gradient g + λw: the penalty's part of the settled step."""
    import nnreg_core as nc
    from nnreg_core.exercises.weight_decay import (ADAM_G, ADAM_LAM, ADAM_LR, ADAM_W,
                                                    check_adam_large_gradient)
    opt = nc.Adam(ADAM_LR)
    total = np.array([ADAM_G + ADAM_LAM * ADAM_W])
    state = opt.init({"W1": total})
    for _ in range(5000):
        delta, state = opt.update({"W1": total.copy()}, state)
    share = ADAM_LAM * ADAM_W / total[0]          # the penalty's share of the gradient
    fraction = -delta["W1"][0] * share / ADAM_W
    assert check_adam_large_gradient(fraction).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"), (1e-4, "AdamW's"), (2e-4, "not of the data gradient"),
    (3.846e-4, "divide by w"), (0.005, "tiny-gradient case"), (0.01923, "learning rate is missing"),
    (0.3, "Not yet"),
])
def test_adam_large_gradient_names_each_slip(answer, says):
    from nnreg_core.exercises.weight_decay import check_adam_large_gradient
    message = check_adam_large_gradient(answer)
    assert not message.startswith("Correct") and says in message

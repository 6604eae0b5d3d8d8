"""The weight-decay notebook's answer checkers: a right answer passes, slips are told why."""
from fractions import Fraction

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

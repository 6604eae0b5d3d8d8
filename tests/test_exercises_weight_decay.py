"""The weight-decay notebook's answer checkers: a right answer passes, slips are told why."""
from fractions import Fraction

import pytest

from nnreg_core.exercises import weight_decay as wd


def test_decay_factor_right_answer_passes(capsys):
    assert wd.check_decay_factor(1 - wd.FACTOR_LR * wd.FACTOR_WD)
    assert wd.check_decay_factor(0.99995)
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize("wrong, hint", [
    (1 - wd.FACTOR_WD, "left out the learning rate"),
    (wd.FACTOR_LR * wd.FACTOR_WD, "one minus it"),
    (1 - 2 * wd.FACTOR_LR * wd.FACTOR_WD, "no factor 2"),
    (1 + wd.FACTOR_LR * wd.FACTOR_WD, "below 1"),
    (1 - wd.FACTOR_WD / wd.FACTOR_LR, "do not divide"),
    (0.98, "collect the terms"),
    ([0.9], "Give one number"),
])
def test_decay_factor_wrong_answers_are_explained(wrong, hint, capsys):
    assert not wd.check_decay_factor(wrong)
    out = capsys.readouterr().out
    assert "Correct" not in out
    assert hint in out


def test_sklearn_alpha_right_answer_passes(capsys):
    assert wd.check_sklearn_alpha(wd.ALPHA_LAM * wd.ALPHA_BATCH)
    assert wd.check_sklearn_alpha(Fraction(32, 1000))
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize("wrong, hint", [
    (wd.ALPHA_LAM * wd.ALPHA_N_TRAIN, "docstring's reading"),
    (wd.ALPHA_LAM, "too small"),
    (wd.ALPHA_LAM / wd.ALPHA_BATCH, "multiply λ"),
    (2 * wd.ALPHA_LAM * wd.ALPHA_BATCH, "no factor 2"),
    (1.0, "Compare the two gradients"),
    ("alpha", "Give one number"),
])
def test_sklearn_alpha_wrong_answers_are_explained(wrong, hint, capsys):
    assert not wd.check_sklearn_alpha(wrong)
    out = capsys.readouterr().out
    assert "Correct" not in out
    assert hint in out


def test_placeholder_asks_for_an_answer(capsys):
    assert not wd.check_decay_factor(None)
    assert not wd.check_sklearn_alpha(None)
    assert capsys.readouterr().out.count("Replace None with your answer") == 2

"""The L1 notebook's answer checkers: a right answer passes, each typical slip is told why."""
import numpy as np
import pytest

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

"""The answer checkers of notebook 01: right answers pass, typical wrong ones are told why."""
import numpy as np
import pytest

from nnreg_core.exercises.overfitting import (best_epoch, check_best_epoch, check_largest_weight,
                                              largest_weight)

EPOCHS = np.array([10, 20, 30, 40, 50])
LOSSES = np.array([0.50, 0.30, 0.35, 0.45, 0.60])
PARAMS = {"W1": np.array([[0.5, -4.0], [2.0, 1.0]]), "b1": np.array([7.0, 0.1]),
          "W2": np.array([[-3.0], [1.0]]), "b2": np.array([0.2])}


def test_best_epoch_reads_the_epoch_at_the_minimum():
    assert best_epoch(EPOCHS, LOSSES) == 20
    assert best_epoch([1, 2, 3], [0.2, 0.1, 0.1]) == 2  # first of a tie


def test_best_epoch_refuses_mismatched_curves():
    with pytest.raises(ValueError, match="equal, non-zero length"):
        best_epoch([1, 2], [0.3])


def test_best_epoch_checker_accepts_the_right_epoch(capsys):
    message = check_best_epoch(20, EPOCHS, LOSSES)
    assert message.startswith("Correct")
    assert capsys.readouterr().out.strip() == message


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"),
    ("twenty", "not a number"),
    (1, "position of the minimum"),
    (50, "largest"),
    (40, "Not yet"),
    (25, "not even measured"),
])
def test_best_epoch_checker_explains_wrong_answers(answer, says):
    message = check_best_epoch(answer, EPOCHS, LOSSES)
    assert not message.startswith("Correct")
    assert says in message


def test_best_epoch_checker_names_the_last_epoch():
    losses = np.array([0.5, 0.3, 0.35, 0.6, 0.45])  # the end is not the maximum here
    assert "end of training" in check_best_epoch(50, EPOCHS, losses)


def test_largest_weight_leaves_biases_out():
    assert largest_weight(PARAMS) == 4.0
    with pytest.raises(ValueError, match="no weight arrays"):
        largest_weight({"b1": np.ones(2)})


def test_largest_weight_checker_accepts_a_rounded_answer():
    assert check_largest_weight(4.0, PARAMS).startswith("Correct")
    assert check_largest_weight(4.0004, PARAMS).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"),
    (True, "True/False"),
    (float("nan"), "not finite"),
    (7.0, "bias"),
    (3.0, "last layer"),
    (-4.0, "absolute value"),
    (2.0, "absolute value"),
    (2.5, "Not yet"),
])
def test_largest_weight_checker_explains_wrong_answers(answer, says):
    message = check_largest_weight(answer, PARAMS)
    assert not message.startswith("Correct")
    assert says in message


def test_largest_weight_checker_catches_a_signed_maximum():
    params = {"W1": np.array([[1.0, -6.0]]), "W2": np.array([[2.0]])}
    assert "absolute value" in check_largest_weight(2.0, params)

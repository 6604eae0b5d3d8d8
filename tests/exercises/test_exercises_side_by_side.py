"""Tests of the 09_side_by_side checkers: right answers pass, wrong ones are told why."""
import numpy as np
import pytest

from nnreg_core.exercises.side_by_side import check_standard_error, check_validation_choice

STRENGTHS = np.array([1e-3, 1e-2, 1e-1, 1.0])
VAL = np.array([0.80, 0.90, 0.90, 0.50])
TEST = np.array([0.85, 0.86, 0.88, 0.40])


@pytest.mark.parametrize("answer", [1e-2, 1e-1, 0.1000001])
def test_validation_choice_accepts_any_strength_tied_for_best(answer):
    assert check_validation_choice(answer, STRENGTHS, VAL, TEST).startswith("Correct")


@pytest.mark.parametrize("answer, hint", [
    (None, "Replace None"), (1e-3, "Pick the highest validation"), (1.0, "Pick the highest"),
    (0.5, "not one of the swept"), ("abc", "not a number"), (True, "True/False"),
])
def test_validation_choice_wrong_answers_are_told_why(answer, hint):
    message = check_validation_choice(answer, STRENGTHS, VAL, TEST)
    assert not message.startswith("Correct")
    assert hint in message


def test_validation_choice_names_choosing_on_the_test_set():
    val, test = np.array([0.9, 0.8]), np.array([0.85, 0.87])
    message = check_validation_choice(2.0, [1.0, 2.0], val, test)
    assert "test* accuracy" in message and not message.startswith("Correct")


def test_validation_choice_refuses_mismatched_arrays():
    with pytest.raises(ValueError, match="one common"):
        check_validation_choice(0.1, STRENGTHS, VAL[:2], TEST)


def test_standard_error_right_answer_passes():
    right = np.sqrt(0.875 * 0.125 / 1188)
    assert check_standard_error(right, 0.875, 1188).startswith("Correct")
    assert check_standard_error(round(right, 4), 0.875, 1188).startswith("Correct")


@pytest.mark.parametrize("answer, hint", [
    (None, "Replace None"), (0.875 * 0.125 / 1188, "variance"),
    (100 * np.sqrt(0.875 * 0.125 / 1188), "percentage"), (np.sqrt(0.875 * 0.125), "0/1 score"),
    (np.sqrt(0.875 / 1188), "not p"), (-0.01, "negative"), (0.05, "Not yet"),
    ("x", "not a number"),
])
def test_standard_error_wrong_answers_are_told_why(answer, hint):
    message = check_standard_error(answer, 0.875, 1188)
    assert not message.startswith("Correct")
    assert hint in message


@pytest.mark.parametrize("accuracy, n_test", [(1.5, 100), (0.9, 0), (0.9, 10.5)])
def test_standard_error_refuses_bad_settings(accuracy, n_test):
    with pytest.raises(ValueError):
        check_standard_error(0.01, accuracy, n_test)


def test_checkers_print_the_message_they_return(capsys):
    message = check_standard_error(0.01, 0.9, 900)
    assert capsys.readouterr().out.strip() == message

"""Tests of the 11_side_by_side checkers: right answers pass, wrong ones are told why."""
import numpy as np
import pytest

from scipy import stats

from nnreg_core.exercises.side_by_side import (check_one_standard_error, check_paired_t,
                                              check_standard_error)

A = np.array([0.895, 0.909, 0.902, 0.893, 0.877])
B = np.array([0.888, 0.874, 0.869, 0.871, 0.847])
D = A - B


def test_the_paired_t_is_scipys():
    right = stats.ttest_rel(A, B).statistic
    assert check_paired_t(right, A, B).startswith("Correct")
    assert "real" in check_paired_t(round(right, 2), A, B)


@pytest.mark.parametrize("answer, hint", [
    (D.mean() / D.std(ddof=1), "standard error"), (D.mean() / (D.std() / np.sqrt(5)), "ddof"),
    (stats.ttest_ind(A, B).statistic, "unpaired"), (D.mean() / (D.std(ddof=1) / 5), "√D"),
    (-stats.ttest_rel(A, B).statistic, "sign"), (1.0, "Not yet"), (None, "Replace None"),
])
def test_paired_t_slips_are_named(answer, hint):
    message = check_paired_t(answer, A, B)
    assert hint in message and not message.startswith("Correct")


STRENGTHS = np.array([0.001, 0.003, 0.01, 0.03])
MEAN = np.array([0.85, 0.87, 0.88, 0.86])
SD = np.array([0.02, 0.02, 0.04, 0.02])


def test_the_one_standard_error_rule():
    # best 0.88 at 0.01, se = 0.04/2 = 0.02: 0.86 at 0.03 is within it
    assert check_one_standard_error(0.03, STRENGTHS, MEAN, SD, k=4).startswith("Correct")
    assert check_one_standard_error(0.003, STRENGTHS, MEAN, SD, k=4,
                                    stronger="smaller").startswith("Correct")


@pytest.mark.parametrize("answer, hint", [(0.01, "best mean"), (0.5, "Not yet"),
                                          (None, "Replace None")])
def test_one_standard_error_slips_are_named(answer, hint):
    message = check_one_standard_error(answer, STRENGTHS, MEAN, SD, k=4)
    assert hint in message and not message.startswith("Correct")


def test_the_sd_slip_is_named():
    sd = np.array([0.05, 0.05, 0.05, 0.05])  # se 0.025 keeps 0.03 and 0.003; sd 0.05 keeps all
    message = check_one_standard_error(0.001, STRENGTHS, MEAN, sd, k=4, stronger="smaller")
    assert "standard error of the best mean" in message


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

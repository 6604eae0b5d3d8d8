"""Tests of the 09_augmentation checkers: right answers pass, each slip is named."""
import numpy as np
import pytest

from nnreg_core.draws import digits_draw
from nnreg_core.exercises.augmentation import check_newly_inked, check_shift_right, newly_inked

DRAW = digits_draw(0)


def shift_by_slicing(image):
    out = np.zeros_like(image)
    out[:, 1:] = image[:, :-1]
    return out


def test_a_right_shift_passes():
    assert check_shift_right(shift_by_slicing).startswith("Correct")


@pytest.mark.parametrize("function, hint", [
    (lambda img: np.roll(img, 1, axis=1), "np.roll"),
    (lambda img: np.pad(img, ((0, 0), (0, 1)))[:, 1:], "to the left"),
    (lambda img: np.pad(img, ((1, 0), (0, 0)))[:-1], "down"),
    (lambda img: img, "unchanged"),
    (lambda img: img[:, :-1], "shape"),
    (lambda img: 1 / 0, "ZeroDivisionError"),
    (0.5, "not a value"),
    (None, "Replace None"),
])
def test_shift_slips_are_named(function, hint):
    message = check_shift_right(function)
    assert hint in message and not message.startswith("Correct")


def test_the_count_of_newly_inked_pixels_is_what_a_slice_shift_gives():
    raw = (DRAW.X_train * DRAW.scale + DRAW.mean).reshape(-1, 8, 8)
    moved = np.array([shift_by_slicing(img) for img in raw])
    expected = int(np.sum(~np.any(raw > 0, axis=0) & np.any(moved > 0, axis=0)))
    assert newly_inked(DRAW) == expected
    assert check_newly_inked(expected, DRAW).startswith("Correct")


@pytest.mark.parametrize("answer, hint", [
    (10, "blank in every"), (8, "to the left"), (1, "down"), (2.5, "whole number"),
    (None, "Replace None"), (40, "Not yet"),
])
def test_count_slips_are_named(answer, hint):
    message = check_newly_inked(answer, DRAW)
    assert hint in message and not message.startswith("Correct")

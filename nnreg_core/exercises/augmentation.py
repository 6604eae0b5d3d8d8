"""Answer checkers for the notebook on data augmentation (09). NumPy only.

Each ``check_…`` function prints a message for the learner and returns it: ``"Correct: …"`` or
the slip it recognised (see :mod:`.answers`); ``None`` asks for an answer.
"""
import numpy as np

from ..data import load_digits
from ..regularizers.augment import transform
from .answers import call_answer, judge, read_function, read_number, say


def _digits(count=12):
    return load_digits()[0][:count].reshape(-1, 8, 8)


def check_shift_right(shift_right):
    """The learner's ``shift_right(image)``: an 8x8 image moved one pixel to the right, a blank
    (0) column coming in on the left, the right column dropped.

    >>> _ = check_shift_right(lambda img: transform(img, 0, 1, 0))  # doctest: +ELLIPSIS
    Correct: ...
    """
    function, problem = read_function(shift_right, "shift_right(image)")
    if problem:
        return say(problem)
    images = _digits()
    results = []
    for image in images:
        result, problem = call_answer(function, image.copy(),
                                      advice="It takes one (8, 8) array and returns one.")
        if problem:
            return say(problem)
        result = np.asarray(result, dtype=float)
        if result.shape != (8, 8):
            return say(f"Your function returned shape {result.shape}; it must return an (8, 8) "
                       "image.")
        results.append(result)
    results = np.array(results)
    right = transform(images, 0, 1, 0)
    if np.allclose(results, right):
        return say("Correct: every pixel moves one column right and a blank column comes in. "
                   "The label does not change: a digit moved by a pixel is the same digit.")
    slips = [(np.roll(images, 1, axis=2), "That is np.roll: the right column wraps around to "
                                          "the left. A shifted image has a blank (0) column "
                                          "coming in, not the other edge."),
             (transform(images, 0, -1, 0), "That moves the image to the left: column j of the "
                                           "result must hold column j − 1 of the original."),
             (transform(images, 1, 0, 0), "That moves the image down (along the rows, axis 0): "
                                          "right is along the columns, axis 1."),
             (np.roll(images, 1, axis=1), "That rolls the rows (down, wrapping around): move "
                                          "along the columns, axis 1, and bring in zeros."),
             (images, "The image came back unchanged: return a new, moved image.")]
    for wrong, hint in slips:
        if np.allclose(results, wrong):
            return say(hint)
    return say("Not yet: result[:, 1:] should be image[:, :-1] and result[:, 0] should be 0.")


def _inked(images):
    """Which of the 64 pixels have ink (> 0) in at least one of ``images`` ``(n, 8, 8)``."""
    return np.any(images > 0, axis=0)


def newly_inked(draw, shift=(0, 1)):
    """How many pixels blank in every raw training image of ``draw`` get ink in at least one
    image once every image is moved by ``shift`` = (down, right) pixels."""
    raw = (draw.X_train * draw.scale + draw.mean).reshape(-1, 8, 8)
    moved = transform(raw, shift[0], shift[1], 0)
    return int(np.sum(~_inked(raw) & _inked(moved)))


def check_newly_inked(answer, draw):
    """After moving every training image one pixel to the right, how many of the pixels that
    were blank in all training images have ink in at least one image?

    A pixel blank in every training image gives its weights no gradient at all (its
    standardized value is 0 for every image); augmentation gives them data.
    """
    value, problem = read_number(answer, "the number of pixels")
    if problem:
        return say(problem)
    if value != int(value) or value < 0:
        return say(f"{value:g} is not a count: the answer is a whole number of pixels.")
    raw = (draw.X_train * draw.scale + draw.mean).reshape(-1, 8, 8)
    right = newly_inked(draw)
    blank = int(np.sum(~_inked(raw)))
    rolled = int(np.sum(~_inked(raw) & _inked(np.roll(raw, 1, axis=2))))
    slips = [(blank, f"{blank} is how many pixels are blank in every training image; count "
                     "only those that get ink once the images are moved."),
             (newly_inked(draw, (0, -1)), "That is the count for a shift to the left."),
             (newly_inked(draw, (1, 0)), "That is the count for a shift down (along the rows)."),
             (int(np.sum(_inked(transform(raw, 0, 1, 0)))), "That counts every pixel with ink "
                                                           "after the shift; keep only those "
                                                           "blank before it."),
             (rolled, "np.roll wraps the right column around to the left: a shift brings in "
                      "blank pixels instead.")]
    correct = (f"Correct: {right} pixels. Without augmentation their weights never receive a "
               "gradient (only a penalty would move them); with it, they learn from the moved "
               "strokes.")
    return say(judge(value, right, correct, [(float(w), h) for w, h in slips if w != right],
                     "Not yet: find the pixels with no ink in any training image (raw values, "
                     "np.any(images > 0, axis=0)), move every image, and count the blank ones "
                     "that now have ink."))

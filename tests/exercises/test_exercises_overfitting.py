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


# ---------------------------------------------------------------- the spread of the noise floor
def test_floor_spread_matches_a_simulation():
    from nnreg_core.exercises.overfitting import floor_spread
    rng = np.random.default_rng(0)
    losses = 0.5 * np.mean((0.3 * rng.standard_normal((40_000, 20))) ** 2, axis=1)
    assert losses.std() == pytest.approx(floor_spread(0.3, 20), rel=0.02)


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"),
    (0.0142, "Correct"),
    (0.0285, "lost the ½"),
    (0.01006, "Var(ε²) is not 1"),
    (0.0045, "variance of the mean"),
    (0.0636, "one point's loss"),
    (0.0002025, "That is the variance"),
    (0.05, "Not yet"),
])
def test_floor_spread_names_each_slip(answer, says):
    from nnreg_core.exercises.overfitting import check_floor_spread
    assert says in check_floor_spread(answer)


# ---------------------------------------------------------------- early stopping, implemented
def test_the_stopping_rule_is_the_runs_own():
    import nnreg_core as nc
    from nnreg_core.exercises.overfitting import early_stopping_epochs
    data = nc.load("regression_1d", n_train=20, n_test=50, noise=0.3, seed=0)
    net = nc.MLP(data.sizes((32, 32)), activation="tanh", loss=data.loss)
    params = net.init(np.random.default_rng(0))
    free = nc.Run(net, params, data.X_train, data.y_train, data.X_test, data.y_test,
                  optimizer=nc.Adam(0.02), epochs=300, rng=0)
    losses = free.run_all().curve("test_loss")
    stopped = nc.Run(net, params, data.X_train, data.y_train, data.X_test, data.y_test,
                     optimizer=nc.Adam(0.02), epochs=300, rng=0, patience=20)
    stopped.run_all()
    best, stop = early_stopping_epochs(losses, 20)
    assert stop < 300 and (stopped.best[0], stopped.epoch) == (best, stop)


def _rule(strict=True, zero_based=False, swapped=False, extra=0, lookahead=False):
    def stop_rule(losses, patience):
        if lookahead:
            return int(np.argmin(losses)) + 1, len(losses)
        best, best_loss, stop = None, np.inf, len(losses)
        for epoch, loss in enumerate(losses, start=1):
            if loss < best_loss or (not strict and loss == best_loss):
                best, best_loss = epoch, loss
            elif epoch - best >= patience + extra:
                stop = epoch
                break
        pair = (best - 1, stop - 1) if zero_based else (best, stop)
        return pair[::-1] if swapped else pair
    return stop_rule


@pytest.mark.parametrize("fn, says", [
    (None, "Replace None"),
    (_rule(), "Correct"),
    (_rule(zero_based=True), "counted from 1"),
    (_rule(swapped=True), "wrong way round"),
    (_rule(lookahead=True), "future included"),
    (_rule(extra=1), "Off by one"),
    (_rule(strict=False), "A tie is not an improvement"),
    (lambda losses, patience: (1, 1), "Walk through the curve"),
    (lambda losses, patience: None, "return two epoch numbers"),
    (lambda losses, patience: (None, None), "return two epoch numbers"),
    (lambda losses, patience: ("best", 3), "return two epoch numbers"),
    (lambda losses: 0, "Your function raised TypeError"),
    (3, "not a value"),
])
def test_early_stopping_checker_names_each_slip(fn, says):
    from nnreg_core.exercises.overfitting import check_early_stopping
    assert says in check_early_stopping(fn)

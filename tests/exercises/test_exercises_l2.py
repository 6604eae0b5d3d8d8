"""The answer checkers of notebook 02: right answers pass, typical wrong ones are told why."""
import pytest

from nnreg_core.exercises.l2 import (check_blog_decay_lambda, check_half_life, check_keras_lambda,
                                     check_nielsen_lambda, check_ridge_shrink)


def test_decay_lambda_right_answer_is_lr_times_lambda():
    assert check_blog_decay_lambda(0.0015, lam=0.03, lr=0.05).startswith("Correct")
    assert check_blog_decay_lambda(0.002, lam=0.01, lr=0.2).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"),
    ("0.03", "Correct"),  # a numeric string is read as a number
    (0.03, "gradient-form value itself"),
    (0.9985, "factor each weight keeps"),
    (0.6, "divided by the learning rate"),
    (0.97, "1 - λ"),
    (0.5, "Not yet"),
    ([0.1], "not one number"),
])
def test_decay_lambda_wrong_answers_are_explained(answer, says):
    lam = 0.0015 / 0.05 if answer == "0.03" else 0.03
    lr = 1.0 if answer == "0.03" else 0.05
    assert says in check_blog_decay_lambda(answer, lam=lam, lr=lr)


def test_nielsen_lambda_uses_the_training_set_size():
    assert check_nielsen_lambda(5.0, lam=0.025, n_train=200, batch_size=20).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"),
    (0.5, "batch size"),
    (0.025 / 200, "Upside down"),
    (0.025, "n times larger"),
    (10.0, "no factor 2"),
    (2.5, "no factor 2"),
    (7.0, "Not yet"),
])
def test_nielsen_lambda_wrong_answers_are_explained(answer, says):
    message = check_nielsen_lambda(answer, lam=0.025, n_train=200, batch_size=20)
    assert not message.startswith("Correct")
    assert says in message


def test_keras_lambda_halves_the_cs231n_value():
    assert check_keras_lambda(0.005, lam=0.01).startswith("Correct")


@pytest.mark.parametrize("answer, says", [(0.01, "Same number"), (0.02, "other way"),
                                          (0.1, "Not yet")])
def test_keras_lambda_wrong_answers_are_explained(answer, says):
    message = check_keras_lambda(answer, lam=0.01)
    assert not message.startswith("Correct")
    assert says in message


def test_checkers_reject_invalid_strengths():
    with pytest.raises(ValueError, match="must be >= 0"):
        check_keras_lambda(0.1, lam=-1.0)
    with pytest.raises(ValueError, match="needs n_train"):
        check_nielsen_lambda(1.0, lam=0.1, n_train=None, batch_size=10)


def test_ridge_factor_is_what_gradient_descent_reaches():
    """A linear model trained to convergence on white inputs keeps 1/(1 + λ) of w_ls."""
    import numpy as np
    import nnreg_core as nc
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 3))
    X -= X.mean(axis=0)
    X = X @ np.linalg.inv(np.linalg.cholesky(X.T @ X / 400).T)  # centred, mean x xᵀ = I
    y = X @ np.array([1.0, -2.0, 0.5])
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    net = nc.MLP((3, 1), loss="mse")
    run = nc.Run(net, net.init(rng), X, y, optimizer=nc.SGD(0.5), regularizers=[nc.L2(0.25)],
                 epochs=200, backend="reference")
    run.run_all()
    assert run.params["W1"][:, 0] == pytest.approx(w_ls / 1.25, rel=1e-8)
    assert check_ridge_shrink(float(run.params["W1"][0, 0] / w_ls[0]), lam=0.25).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"), (0.75, "not the minimum"), (1 / 1.125, "the 1/2 is gone"),
    (1 / 1.5, "factor 2 too many"), (0.2, "fraction removed"), (1.25, "below 1"),
    (0.5, "Not yet"),
])
def test_ridge_shrink_names_each_slip(answer, says):
    message = check_ridge_shrink(answer, lam=0.25)
    assert not message.startswith("Correct") and says in message


def test_half_life_counts_steps_of_a_bare_l2_pull():
    import numpy as np
    import nnreg_core as nc
    w = np.array([1.0])
    steps = 0
    while w[0] > 0.5:
        w -= 0.1 * nc.L2(0.01).grad(w)
        steps += 1
    assert steps == 693
    assert check_half_life(693, lam=0.01, lr=0.1).startswith("Correct")
    assert check_half_life(692.8, lam=0.01, lr=0.1).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (69.3, "learning rate is missing"), (1000, "1/e"), (500, "geometric"),
    (346.6, "factor 2 too many"), (301, "natural logarithm"), (10, "Not yet"),
])
def test_half_life_names_each_slip(answer, says):
    message = check_half_life(answer, lam=0.01, lr=0.1)
    assert not message.startswith("Correct") and says in message

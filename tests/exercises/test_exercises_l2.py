"""The answer checkers of notebook 02: right answers pass, typical wrong ones are told why."""
import pytest

from nnreg_core.exercises.l2 import check_blog_decay_lambda, check_keras_lambda, check_nielsen_lambda


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

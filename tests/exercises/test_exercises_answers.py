"""The shared answer pieces, and the one contract every ``check_…`` function keeps: it prints
one message and returns it, "Correct: …" for a right answer and the placeholder for None."""
import importlib
import inspect
import pkgutil
from fractions import Fraction

import numpy as np
import pytest

import nnreg_core.exercises
from nnreg_core.regularizers.decay import soft_threshold
from nnreg_core.exercises import (augmentation, dropout, elastic_net, l1, l2, max_norm, noise,
                                  overfitting, side_by_side, weight_decay, why_it_works)
from nnreg_core.draws import digits_draw
from nnreg_core.linear import two_weight_problem
from nnreg_core.regularizers.augment import transform
from nnreg_core.exercises import answers
from nnreg_core.exercises.answers import (PLACEHOLDER, Feedback, call_answer, close, judge,
                                          known_slip, read_function, read_number, say)


# ---------------------------------------------------------------- reading an answer
@pytest.mark.parametrize("answer, value", [
    (0.5, 0.5), (3, 3.0), (np.float32(0.25), 0.25), (np.array(0.125), 0.125),
    (Fraction(1, 8), 0.125), ("0.03", 0.03), (np.int64(-2), -2.0),
])
def test_read_number_accepts_single_finite_numbers(answer, value):
    assert read_number(answer, "λ") == (value, None)


@pytest.mark.parametrize("answer, says", [
    (None, PLACEHOLDER),
    (True, "Your answer is True/False; λ is a number."),
    (np.bool_(False), "Your answer is True/False; λ is a number."),
    ([0.1], "Your answer [0.1] is not one number; λ is a single number."),
    ((0.1, 0.2), "Your answer (0.1, 0.2) is not one number; λ is a single number."),
    ([[1.0], [1.0, 2.0]], "Your answer [[1.0], [1.0, 2.0]] is not one number; λ is a single "
                          "number."),
    (np.ones(2), "Your answer array([1., 1.]) is not one number; λ is a single number."),
    ("0.1x", "Your answer '0.1x' is not a number; λ is a number."),
    (1 + 2j, "Your answer (1+2j) is not a number; λ is a number."),
    ({}, "Your answer {} is not a number; λ is a number."),
    (float("nan"), "Your answer nan is not finite; λ is a finite number."),
    (-np.inf, "Your answer -inf is not finite; λ is a finite number."),
])
def test_read_number_says_why_an_answer_is_not_usable(answer, says):
    assert read_number(answer, "λ") == (None, says)


def test_read_function_wants_something_callable():
    assert read_function(len, "fn(w)") == (len, None)
    assert read_function(None, "fn(w)") == (None, PLACEHOLDER)
    function, problem = read_function([1, 2], "fn(w)")
    assert function is None
    assert problem.startswith("Give a function fn(w), not a value (list)")


def test_call_answer_turns_an_exception_into_a_message():
    assert call_answer(lambda a, b: a - b, 5, 3) == (2, None)
    assert call_answer(lambda w: w.nope, 1.0) == (
        None, "Your function raised AttributeError: 'float' object has no attribute 'nope'")
    result, problem = call_answer(lambda w: 1 / w, 0, advice="Take a number w.")
    assert result is None
    assert problem == "Your function raised ZeroDivisionError: division by zero. Take a number w."


# ---------------------------------------------------------------- comparing it
def test_close_accepts_four_significant_digits_and_compares_arrays():
    assert close(0.0015, 0.001501)
    assert not close(0.0015, 0.00151)
    assert close(0.0, 1e-13) and not close(0.0, 1e-11)
    assert close([1.0, 2.0], np.array([1.0, 2.0001]))
    assert not close([1.0, 2.0], [1.0, 2.1])
    assert close(0.99995, 0.9999500001, rtol=1e-9, atol=0)
    assert not close(0.99995, 0.99996, rtol=1e-9, atol=0)


def test_known_slip_returns_the_first_matching_hint_or_none():
    slips = [(0.06, "twice"), (0.03, "itself"), (0.03, "never reached")]
    assert known_slip(0.03, slips) == "itself"
    assert known_slip(0.0300001, slips) == "itself"
    assert known_slip(0.05, slips) is None
    assert known_slip(0.0300001, slips, rtol=1e-9) is None
    assert known_slip((1.0, 2.0), [((2.0, 1.0), "swapped"), ((1.0, 2.0), "same")]) == "same"


def test_judge_puts_right_before_slips_before_the_fallback():
    slips = [(2.0, "twice"), (1.0, "shadowed by the right answer")]
    assert judge(1.0, 1.0, "Correct: 1.", slips, "Not yet.") == "Correct: 1."
    assert judge(2.0, 1.0, "Correct: 1.", slips, "Not yet.") == "twice"
    assert judge(3.0, 1.0, "Correct: 1.", slips, "Not yet.") == "Not yet."
    assert judge(1.01, 1.0, "Correct: 1.", [], "Not yet.", rtol=0.1) == "Correct: 1."


def test_say_prints_the_message_it_returns(capsys):
    assert say("Not yet: look again.") == "Not yet: look again."
    assert capsys.readouterr().out == "Not yet: look again.\n"


# ---------------------------------------------------------------- how it looks
@pytest.mark.parametrize("message, kind, heading, edge", [
    ("Correct: λ = 0.0015.", "correct", "Correct", "#1e8a46"),
    ("Not yet: halve it.", "not yet", "Not yet", "#d08a00"),
    ("That is λ itself, not lr·λ.", "not yet", "Not yet", "#d08a00"),
    (PLACEHOLDER, "your turn", "Your turn", "#78909c"),
])
def test_feedback_is_a_coloured_block_with_the_message_as_plain_text(message, kind, heading,
                                                                     edge):
    feedback = Feedback(message)
    bundle = feedback._repr_mimebundle_()
    assert feedback == message and feedback.kind == kind
    assert bundle["text/plain"] == message
    assert heading in bundle["text/html"] and f"solid {edge}" in bundle["text/html"]
    assert bundle["text/html"].count("Correct") == (1 if kind == "correct" else 0)


def test_feedback_html_escapes_the_message():
    html = Feedback("Not yet: is 1 < 2 & 3 > 2?")._repr_html_()
    assert "1 &lt; 2 &amp; 3 &gt; 2" in html and "1 < 2" not in html


class RecordingShell:
    """Stands in for a Jupyter kernel's shell: keeps what is published."""

    def __init__(self):
        self.published = []
        self.display_pub = self

    def publish(self, data, metadata=None):
        self.published.append(data)


def test_say_publishes_html_and_text_in_a_kernel_and_prints_nothing(monkeypatch, capsys):
    shell = RecordingShell()
    monkeypatch.setattr(answers.builtins, "get_ipython", lambda: shell, raising=False)
    reply = say("Correct: 0.5.")
    assert reply == "Correct: 0.5." and isinstance(reply, str)
    assert capsys.readouterr().out == ""
    [data] = shell.published
    assert data["text/plain"] == "Correct: 0.5." and "Correct" in data["text/html"]


def test_a_real_kernel_stores_display_data_nbval_compares():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "from nnreg_core.exercises.answers import say\nverdict = say('Not yet: halve it.')")]
    nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    [output] = notebook.cells[0].outputs
    assert output.output_type == "display_data"
    assert output.data["text/plain"] == "Not yet: halve it."
    assert "Not yet" in output.data["text/html"] and "#d08a00" in output.data["text/html"]


# ---------------------------------------------------------------- every checker
def _inverted(a, keep, rng):
    return a * (rng.random(a.shape) < keep) / keep


def _project(W, c):
    return W * np.minimum(1.0, c / np.linalg.norm(W, axis=0))


#: (checker, its other arguments, a right answer, a wrong answer)
CHECKERS = [
    (overfitting.check_floor_spread, {}, 0.3 ** 2 / np.sqrt(40), 0.3 ** 2 / np.sqrt(20)),
    (overfitting.check_early_stopping, {}, overfitting.early_stopping_epochs,
     lambda losses, patience: (0, 0)),
    (l2.check_ridge_shrink, dict(lam=0.25), 0.8, 0.6),
    (l2.check_half_life, dict(lam=0.01, lr=0.1), 693, 1234),
    (l1.check_hop_cycle, {}, (0.0003, -0.0027), (0.0, 0.0)),
    (l1.check_cumulative_penalty, {}, l1.cumulative_penalty, lambda w, q, u: (w, q)),
    (weight_decay.check_momentum_decay, {}, 0.001, 0.0001),
    (weight_decay.check_adam_large_gradient, {}, 1.923e-4, 1e-4),
    (overfitting.check_best_epoch, dict(epochs=[10, 20, 30], test_losses=[0.5, 0.3, 0.4]),
     20, 15),
    (overfitting.check_largest_weight, dict(params={"W1": np.array([[1.0, -3.0]])}), 3.0, 2.5),
    (l2.check_blog_decay_lambda, dict(lam=0.03, lr=0.05), 0.0015, 0.5),
    (l2.check_nielsen_lambda, dict(lam=0.025, n_train=200, batch_size=20), 5.0, 7.0),
    (l2.check_keras_lambda, dict(lam=0.01), 0.005, 0.1),
    (l1.check_shrink_amount, {}, l1.SHRINK_LR * l1.SHRINK_LAM, 0.123),
    (l1.check_soft_threshold, {}, soft_threshold, lambda w, t: 2 * w),
    (weight_decay.check_decay_factor, {}, 1 - weight_decay.FACTOR_LR * weight_decay.FACTOR_WD,
     0.98),
    (weight_decay.check_sklearn_alpha, {}, weight_decay.ALPHA_LAM * weight_decay.ALPHA_BATCH,
     1.0),
    (elastic_net.check_elastic_net_strengths, dict(alpha=0.02, l1_ratio=0.25), (0.005, 0.015),
     (0.01, 0.01)),
    (max_norm.check_max_norm_projection, {}, _project, lambda W, c: W * 0.5),
    (dropout.check_keep, dict(value=0.3, source="pytorch"), 0.7, 0.5),
    (dropout.check_inverted_dropout, {}, _inverted,
     lambda a, keep, rng: _inverted(a + 1, keep, rng)),
    (noise.check_noise_lambda, {}, 0.09, 1.0),
    (noise.check_keras_sigma, {}, np.sqrt(0.02), 0.7),
    (noise.check_multiplicative_noise, dict(X=np.array([[1.0, 2.0]]), sigma=0.5),
     [0.25, 1.0], [1.0, 1.0]),
    (elastic_net.check_learning_rate_bound, dict(curvature=4.0, cs231n_l2=0.25), 2 / 4.5, 0.3),
    (elastic_net.check_prox_step, {}, lambda w, g, lr, l1, l2: soft_threshold(
        w - lr * (g + l2 * w), lr * l1), lambda w, g, lr, l1, l2: w),
    (max_norm.check_preactivation_bound, dict(c=3.0, fan_in=4), 6.0, 7.0),
    (dropout.check_dropout_variance, dict(a=2.0, keep=0.8), 1.0, 3.0),
    (side_by_side.check_paired_t, dict(a=[0.90, 0.92, 0.88], b=[0.88, 0.90, 0.87]), 5.0, 1.0),
    (side_by_side.check_one_standard_error,
     dict(strengths=[0.001, 0.003, 0.01, 0.03], mean=[0.85, 0.87, 0.88, 0.86],
          sd=[0.02, 0.02, 0.04, 0.02], k=4), 0.03, 0.5),
    (augmentation.check_shift_right, {}, lambda img: transform(img, 0, 1, 0),
     lambda img: np.zeros_like(img)),
    (augmentation.check_newly_inked, dict(draw=digits_draw(0)), 2, 40),
    (why_it_works.check_l1_landing, dict(zip(("X", "y"), two_weight_problem())),
     why_it_works.l1_landing_lambda(*two_weight_problem()), 0.3),
    (why_it_works.check_prior_sigma, dict(sklearn_alpha=5.0, sigma_noise=0.5, n=50),
     0.5 / np.sqrt(5), 1.0),
    (side_by_side.check_standard_error, dict(accuracy=0.9, n_test=900), 0.01, 0.05),
]
NAMES = [row[0].__name__ for row in CHECKERS]


def _all_checkers():
    """Every ``check_…`` function defined in a module of :mod:`nnreg_core.exercises`."""
    found = set()
    for info in pkgutil.iter_modules(nnreg_core.exercises.__path__):
        module = importlib.import_module(f"nnreg_core.exercises.{info.name}")
        found |= {function for name, function in inspect.getmembers(module, inspect.isfunction)
                  if name.startswith("check_") and function.__module__ == module.__name__}
    return found


def test_the_contract_covers_every_checker():
    assert _all_checkers() == {row[0] for row in CHECKERS}


@pytest.mark.parametrize("check, kwargs, right, wrong", CHECKERS, ids=NAMES)
def test_every_checker_prints_the_message_it_returns(check, kwargs, right, wrong, capsys):
    for answer, start in ((None, PLACEHOLDER), (right, "Correct: ")):
        message = check(answer, **kwargs)
        assert isinstance(message, str) and message.startswith(start)
        assert capsys.readouterr().out == message + "\n"
    message = check(wrong, **kwargs)
    assert isinstance(message, str) and not message.startswith("Correct")
    assert capsys.readouterr().out == message + "\n"


@pytest.mark.parametrize("check, kwargs, right, wrong", CHECKERS, ids=NAMES)
def test_a_generic_wrong_answer_hears_not_yet(check, kwargs, right, wrong):
    assert check(wrong, **kwargs).startswith("Not yet: ")

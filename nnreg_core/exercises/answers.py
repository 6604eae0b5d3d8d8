"""What every answer checker shares: reading an answer, comparing it, and telling the learner.

Every ``check_…`` function in :mod:`nnreg_core.exercises` prints one message and returns it:
``"Correct: …"`` for a right answer, :data:`PLACEHOLDER` while the answer is still ``None``, and
otherwise a hint that names the slip it recognised or starts with ``"Not yet: "``. The pieces here
make that one pattern::

    value, problem = read_number(answer, "the decay-form λ")
    if problem:
        return say(problem)
    return say(judge(value, right, "Correct: …", slips, "Not yet: …"))

In a notebook :func:`say` shows the message as a coloured block (:class:`Feedback`: green
"Correct", amber "Not yet", grey "Your turn"), with the message itself as the plain-text
fallback that nbval compares; elsewhere it prints the message. NumPy only: the running IPython
shell is found through the ``get_ipython`` builtin that IPython installs, never imported.
"""
import builtins
import html

import numpy as np

#: What a checker says while the learner's answer is still the ``None`` the notebook shows.
PLACEHOLDER = "Replace None with your answer, then run the cell again."

#: ``kind: (heading, prefix dropped from the message, text colour, background, edge colour)``.
#: Dark text on a light tint (contrast above 7:1), and a word and a mark besides the colour.
LOOKS = {
    "correct": ("✔ Correct", "Correct: ", "#0b3d1f", "#e3f4e8", "#1e8a46"),
    "not yet": ("✘ Not yet", "Not yet: ", "#4d2c00", "#fff1d6", "#d08a00"),
    "your turn": ("✎ Your turn", "", "#263238", "#eef1f4", "#78909c"),
}


class Feedback(str):
    """A checker's message: a ``str`` (compared, printed) that Jupyter shows as a block.

    ``kind`` is ``"correct"`` for a message starting with ``"Correct"``, ``"your turn"`` for
    :data:`PLACEHOLDER`, else ``"not yet"`` (a named slip, a bad input, "Not yet: …").

    >>> Feedback("Correct: 0.5.").kind, Feedback("Twice too big.").kind
    ('correct', 'not yet')
    >>> Feedback("Not yet: halve it.")._repr_mimebundle_()["text/plain"]
    'Not yet: halve it.'
    """

    @property
    def kind(self):
        if self.startswith("Correct"):
            return "correct"
        return "your turn" if self == PLACEHOLDER else "not yet"

    def _repr_html_(self):
        heading, prefix, ink, paper, edge = LOOKS[self.kind]
        body = self[len(prefix):] if prefix and self.startswith(prefix) else str(self)
        return (f'<div class="nnreg-feedback nnreg-{self.kind.replace(" ", "-")}" '
                f'style="color:{ink};background-color:{paper};border:2px solid {edge};'
                f'border-left:10px solid {edge};border-radius:4px;padding:8px 14px;'
                f'margin:4px 0;font-size:16px;line-height:1.45;white-space:pre-wrap">'
                f'<strong style="font-size:18px">{heading}</strong>  '
                f'{html.escape(body)}</div>')

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": str(self), "text/html": self._repr_html_()}


def running_shell():
    """The IPython shell running this code (a Jupyter kernel, IPython), or None (plain Python)."""
    finder = getattr(builtins, "get_ipython", None)
    return finder() if finder is not None else None


def say(message):
    """Show ``message`` to the learner and return it (a :class:`Feedback`, so a ``str``), so
    tests and cells can read it too.

    In a Jupyter kernel it is published as display data (``text/html``, the coloured block, and
    ``text/plain``, the message); without IPython it is printed.

    >>> reply = say("Correct: 0.5.")
    Correct: 0.5.
    >>> reply
    'Correct: 0.5.'
    """
    feedback = Feedback(message)
    shell = running_shell()
    if shell is None or not hasattr(shell, "display_pub"):
        print(feedback)
    else:
        shell.display_pub.publish(data=feedback._repr_mimebundle_(), metadata={})
    return feedback


def read_number(answer, what):
    """The answer as one finite float, or the message that says why it is not usable.

    Accepted: Python and NumPy numbers, 0-d arrays, fractions and numeric strings (``"0.03"``).

    Args:
        answer: what the learner wrote in place of ``None``.
        what: the quantity asked for, as it reads in a sentence (``"the decay factor f"``).

    Returns:
        ``(value, None)`` for a usable answer, else ``(None, message)``: the placeholder for
        ``None``, and a sentence naming the problem for True/False, several values, text that is
        not a number and NaN or infinity.

    >>> read_number("0.25", "λ")
    (0.25, None)
    >>> read_number(True, "λ")
    (None, 'Your answer is True/False; λ is a number.')
    >>> read_number([0.1, 0.2], "λ")
    (None, 'Your answer [0.1, 0.2] is not one number; λ is a single number.')
    """
    if answer is None:
        return None, PLACEHOLDER
    if isinstance(answer, (bool, np.bool_)):
        return None, f"Your answer is True/False; {what} is a number."
    if _holds_several(answer):
        return None, f"Your answer {answer!r} is not one number; {what} is a single number."
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None, f"Your answer {answer!r} is not a number; {what} is a number."
    if not np.isfinite(value):
        return None, f"Your answer {answer!r} is not finite; {what} is a finite number."
    return value, None


def _holds_several(answer):
    """Whether ``answer`` is a container (list, tuple, array with ndim > 0, even a ragged one)."""
    try:
        return np.ndim(answer) != 0
    except ValueError:  # NumPy refuses ragged nested lists
        return True


def read_function(answer, signature):
    """The answer as a function, or the message that says why it is not one.

    Args:
        answer: what the learner wrote in place of ``None``.
        signature: how the function is called, as in the question (``"project(W, c)"``).

    Returns:
        ``(answer, None)`` when it can be called, else ``(None, message)``: the placeholder for
        ``None``, otherwise a request for a function.

    >>> read_function(0.5, "fn(w, t)")[1]
    'Give a function fn(w, t), not a value (float): define it with def and pass its name.'
    """
    if answer is None:
        return None, PLACEHOLDER
    if not callable(answer):
        return None, (f"Give a function {signature}, not a value ({type(answer).__name__}): "
                      "define it with def and pass its name.")
    return answer, None


def call_answer(function, *args, advice=""):
    """Call the learner's function; whatever it raises becomes a message instead of a traceback.

    Args:
        function: the learner's function.
        *args: the arguments to call it with (pass copies of arrays it must not change).
        advice: a sentence added after the error, e.g. what the function must accept.

    Returns:
        ``(result, None)``, or ``(None, "Your function raised <Error>: <text>. <advice>")``.

    >>> call_answer(lambda w: 1 / w, 0)
    (None, 'Your function raised ZeroDivisionError: division by zero')
    """
    try:
        return function(*args), None
    except Exception as err:  # the learner's code may fail in any way: report it
        problem = f"Your function raised {type(err).__name__}: {err}"
        return None, f"{problem}. {advice}" if advice else problem


def close(a, b, rtol=1e-3, atol=1e-12):
    """Whether ``a`` and ``b`` agree entry by entry: ``|a - b| <= atol + rtol·|b|`` everywhere.

    The default relative tolerance accepts about 4 significant digits, what a learner copying a
    printed number gets. Shapes broadcast, so pairs and arrays compare as well as numbers.

    >>> close(0.0015, 0.001501), close((1.0, 2.0), (1.0, 2.1))
    (True, False)
    """
    return bool(np.all(np.isclose(a, b, rtol=rtol, atol=atol)))


def known_slip(value, slips, rtol=1e-3, atol=1e-12):
    """The hint of the first known slip that ``value`` matches, or ``None``.

    Args:
        value: the learner's answer, read already (a number or an array).
        slips: ``(wrong answer, hint)`` pairs, most telling first.
        rtol, atol: the tolerances of :func:`close`.

    >>> known_slip(0.03, [(0.06, "No factor 2."), (0.03, "That is λ itself.")])
    'That is λ itself.'
    """
    for wrong, hint in slips:
        if close(value, wrong, rtol, atol):
            return hint
    return None


def judge(value, right, correct, slips, otherwise, rtol=1e-3, atol=1e-12):
    """The message for an answer: ``correct`` if it is right, a slip's hint, or ``otherwise``.

    Args:
        value: the learner's answer, read already (a number or an array).
        right: the right answer.
        correct: the message for a right answer (starts with ``"Correct: "``).
        slips: ``(wrong answer, hint)`` pairs, see :func:`known_slip`.
        otherwise: the message when the answer is neither right nor a known slip.
        rtol, atol: the tolerances of :func:`close`.

    >>> judge(2.0, 1.0, "Correct: 1.", [(2.0, "Twice too big.")], "Not yet: halve it.")
    'Twice too big.'
    """
    if close(value, right, rtol, atol):
        return correct
    hint = known_slip(value, slips, rtol, atol)
    return otherwise if hint is None else hint

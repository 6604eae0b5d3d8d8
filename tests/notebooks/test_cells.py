"""Every notebook is readable as a lesson: short code cells that define nothing, saved from one
fresh run in order, with no error in what was saved.

An exercise's template, the cell a learner fills in, may be longer and may define a function:
it is the cell that calls a ``check_…`` function, or the one just before it.
"""
import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
MAX_LINES = 15


def code_cells(path):
    cells = json.loads(path.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def exercise_flags(sources):
    """Which cells are an exercise's template: they call ``check_…``, or the next one does."""
    calls = ["check_" in s for s in sources]
    return [calls[i] or (i + 1 < len(calls) and calls[i + 1]) for i in range(len(sources))]


def defines_something(source):
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    named_lambda = (lambda node: isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Lambda))
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
               or named_lambda(node) for node in ast.walk(tree))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_short_and_define_nothing(path):
    sources = ["".join(c["source"]).strip() for c in code_cells(path)]
    exercise = exercise_flags(sources)
    long = [i for i, s in enumerate(sources) if len(s.splitlines()) > MAX_LINES and not exercise[i]]
    defining = [i for i, s in enumerate(sources) if not exercise[i] and defines_something(s)]
    assert (long, defining) == ([], []), "code cells (counted from 0) too long / defining"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_saved_from_one_fresh_run_without_errors(path):
    cells = code_cells(path)
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))
    errors = [o.get("ename") for c in cells for o in c["outputs"] if o["output_type"] == "error"]
    assert errors == []


def test_the_rules_see_a_long_cell_and_a_definition():
    """Control: the checks above notice what they are for."""
    assert defines_something("def f(x):\n    return x")
    assert defines_something("f = lambda x: x")
    assert not defines_something("%matplotlib inline\nx = sorted([2, 1], key=lambda v: -v)")
    assert exercise_flags(["answer = None", "check_x(answer)", "print(1)"]) == [True, True, False]

"""The package's architecture: layers that import one way, no import cycle, and a NumPy-only core.

The import graph is read from the source (every ``import`` statement, also those inside
functions), so a lazy import that closes a circle counts as one.
"""
import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import nnreg_core

PACKAGE = Path(nnreg_core.__file__).parent
HEAVY = ("matplotlib", "ipywidgets", "IPython", "ipympl", "PIL", "sklearn", "scipy", "torch")
DISPLAY_ONLY = ("matplotlib", "ipywidgets", "IPython", "ipympl", "PIL")
# Layers, lowest first: a module may import from its own layer or a lower one, never a higher.
LAYERS = [
    ("validate", "activations", "reports", "checks", "data", "crosscheck", "linear", "priors",
     "early_stopping", "paired", "draws", "sensitivity"),
    ("regularizers",),
    ("optim", "conventions", "model", "catalog"),
    ("steps",),
    ("fast",),
    ("train", "experiments", "cv", "holdout"),
    ("exercises",),
    ("display",),
]


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path):
    """``(package-internal modules, top-level external packages)`` that ``path`` imports."""
    tree = ast.parse(path.read_text())
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    inside, outside = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (inside if alias.name.startswith("nnreg_core") else outside).add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if not target.startswith("nnreg_core"):
                outside.add(target)
                continue
            for alias in node.names:  # "from . import viz" imports the module nnreg_core.viz
                candidate = f"{target}.{alias.name}"
                inside.add(candidate if candidate in MODULES else target)
    return {m for m in inside if m in MODULES} | {resolve(m) for m in inside if m not in MODULES}, \
        {m.split(".")[0] for m in outside}


def resolve(name):
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: imports_of(path) for name, path in MODULES.items()}


def layer(name):
    part = name.split(".")[1] if "." in name else None
    if part is None:
        return None  # the package's own __init__ gathers the public names
    return next(i for i, names in enumerate(LAYERS) if part in names)


def test_every_module_has_a_layer():
    assert all(layer(name) is not None for name in MODULES if name != "nnreg_core")


def test_imports_point_down_the_layers():
    upward = [(a, b) for a, (inside, _) in GRAPH.items() if a != "nnreg_core"
              for b in inside if b != "nnreg_core" and layer(b) > layer(a)]
    assert upward == []


def test_the_import_graph_has_no_cycle():
    done, path, cycles = set(), [], []

    def visit(node):
        if node in path:
            cycles.append(path[path.index(node):] + [node])
            return
        if node in done:
            return
        path.append(node)
        for nxt in sorted(GRAPH[node][0]):
            # a package's __init__ importing its own submodules is how a package is made
            if not (node.count(".") < nxt.count(".") and nxt.startswith(node + ".")
                    and MODULES[node].name == "__init__.py"):
                visit(nxt)
        path.pop()
        done.add(node)

    for name in sorted(MODULES):
        visit(name)
    assert cycles == []


def test_the_cycle_check_sees_a_cycle(monkeypatch):
    """Control: a made-up circle between two modules is found by the same walk."""
    graph = dict(GRAPH)
    graph["nnreg_core.steps"] = (GRAPH["nnreg_core.steps"][0] | {"nnreg_core.train"}, set())
    monkeypatch.setitem(globals(), "GRAPH", graph)
    with pytest.raises(AssertionError):
        test_the_import_graph_has_no_cycle()


def test_only_the_display_layer_imports_drawing_or_widget_libraries():
    offenders = {name: sorted(outside & set(DISPLAY_ONLY)) for name, (_, outside) in GRAPH.items()
                 if not name.startswith("nnreg_core.display") and outside & set(DISPLAY_ONLY)}
    assert offenders == {}


def test_the_training_loop_imports_one_function_from_the_fast_paths():
    tree = ast.parse(MODULES["nnreg_core.train"].read_text())
    fast = [(node.module, [a.name for a in node.names]) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("fast")]
    assert fast == [("fast", ["choose_step"])]


def modules_loaded_by(code):
    """Top-level package names of ``HEAVY`` that ``code`` imports, run in a fresh interpreter."""
    probe = (f"{code}\nimport sys\n"
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    return eval(result.stdout.strip().splitlines()[-1])


def test_import_loads_no_drawing_or_widget_library():
    assert modules_loaded_by("import nnreg_core") == []


def test_no_core_module_loads_one_when_imported():
    modules = [m.name for m in pkgutil.walk_packages(nnreg_core.__path__, "nnreg_core.")
               if not m.name.startswith("nnreg_core.display")]
    assert "nnreg_core.train" in modules and "nnreg_core.fast.processes" in modules
    code = "\n".join(f"import {m}" for m in modules)
    assert modules_loaded_by(code) == [], modules


def test_the_probe_sees_an_import():
    """Control: the check above would notice matplotlib being imported."""
    pytest.importorskip("matplotlib")
    assert "matplotlib" in modules_loaded_by("import nnreg_core\nimport matplotlib")

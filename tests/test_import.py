"""``import nnreg_core`` loads NumPy only: drawing and widget libraries come in on demand."""
import pkgutil
import subprocess
import sys

import pytest

import nnreg_core

HEAVY = ("matplotlib", "ipywidgets", "IPython", "sklearn", "scipy")
# Drawing and dashboard modules, imported explicitly by the notebooks: nnreg_core.viz, viz_*,
# widgets, dashboard_*, converter_widget. Everything else must stay NumPy-only.
DISPLAY_PREFIXES = ("viz", "widgets", "dashboard", "converter_widget")


def modules_loaded_by(code):
    """Top-level package names of ``HEAVY`` that ``code`` imports, run in a fresh interpreter."""
    probe = (f"{code}\nimport sys\n"
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    return eval(result.stdout.strip().splitlines()[-1])


def core_modules():
    """Every module of the package except the drawing and dashboard ones."""
    return [m.name for m in pkgutil.walk_packages(nnreg_core.__path__, "nnreg_core.")
            if not m.name.split(".")[1].startswith(DISPLAY_PREFIXES)]


def test_import_loads_no_drawing_or_widget_library():
    assert modules_loaded_by("import nnreg_core") == []


def test_no_core_module_loads_one():
    modules = core_modules()
    assert "nnreg_core.train" in modules and "nnreg_core.conventions" in modules
    code = "\n".join(f"import {m}" for m in modules)
    assert modules_loaded_by(code) == [], modules


def test_the_probe_sees_an_import():
    """Control: the check above would notice matplotlib being imported."""
    pytest.importorskip("matplotlib")
    assert "matplotlib" in modules_loaded_by("import nnreg_core\nimport matplotlib")

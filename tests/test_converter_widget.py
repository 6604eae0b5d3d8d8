"""The lambda converter form and its plain-text table: numbers agree with conventions.convert."""
import pytest

import nnreg_core as nc
from nnreg_core.converter_widget import Converter, conversion_rows, conversion_table

CONTEXT = dict(lr=0.1, n_train=200, batch_size=20)


def test_table_lists_every_convention_with_the_converted_value():
    text = conversion_table(0.98, "decay_factor", **CONTEXT)
    for name in nc.conventions.CONVENTIONS:
        expected = nc.convert(0.98, "decay_factor", name, **CONTEXT)
        line = next(l for l in text.splitlines() if l.startswith(name + " "))
        assert f"{expected:.6g}" in line, line


def test_rows_name_the_context_each_conversion_uses():
    rows = {name: needs for name, _, needs, _ in conversion_rows(1e-3, "cs231n", **CONTEXT)}
    assert rows["cs231n"] == "-"
    assert rows["nielsen"] == "n_train"
    assert rows["sklearn_alpha"] == "batch_size"
    assert rows["adamw"] == "lr"


def test_table_refuses_coupled_to_decoupled_under_adam_and_says_why():
    text = conversion_table(1e-3, "cs231n", optimizer="adam", **CONTEXT)
    adamw = next(l for l in text.splitlines() if l.startswith("adamw "))
    keras = next(l for l in text.splitlines() if l.startswith("keras "))
    assert "refused" in adamw and "refused" not in keras
    assert "plain SGD only" in text


def test_form_recomputes_when_a_control_changes():
    form = Converter(0.98, "decay_factor", **CONTEXT)
    assert form.value_in("cs231n") == pytest.approx(0.2, rel=1e-12)
    form.controls["lr"].value = 0.5
    assert form.value_in("cs231n") == pytest.approx(0.04, rel=1e-12)
    form.controls["convention"].value = "keras"
    form.controls["value"].value = 0.01
    assert form.value_in("pytorch_sgd") == pytest.approx(0.02, rel=1e-12)
    assert "0.02" in form.table.value


def test_form_shows_bad_input_instead_of_raising():
    form = Converter(0.98, "decay_factor", **CONTEXT)
    form.controls["value"].value = 1.5
    assert form.rows == [] and "decay factor f must be <= 1" in form.error
    assert "Cannot convert" in form.table.value
    with pytest.raises(ValueError, match="decay factor"):
        form.value_in("cs231n")
    form.controls["value"].value = 0.99
    assert form.error == "" and form.value_in("decay_factor") == 0.99


def test_form_marks_refusals_when_the_optimizer_changes():
    form = Converter(1e-3, "cs231n", **CONTEXT)
    assert form.value_in("adamw") is not None
    form.controls["optimizer"].value = "momentum"
    assert form.value_in("adamw") is None
    assert "refused" in form.table.value


def test_unknown_names_are_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="known: cs231n"):
        Converter(1e-3, "torch")
    with pytest.raises(ValueError, match="choose one of"):
        Converter(1e-3, "cs231n", optimizer="rmsprop")

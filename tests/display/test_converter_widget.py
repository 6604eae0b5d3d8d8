"""The lambda converter form and its plain-text table: numbers agree with conventions.convert."""
import pytest

import nnreg_core as nc
from nnreg_core.display.converter import Converter, conversion_rows, conversion_table

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


def _column_starts(line):
    """Where each field of a table line starts (fields are separated by two or more spaces)."""
    import re
    return [0] + [m.end() for m in re.finditer(r" {2,}", line.rstrip())]


@pytest.mark.parametrize("value, convention", [(0.98, "decay_factor"), (1.234567e-5, "cs231n")])
def test_table_columns_are_aligned_and_never_touch(value, convention):
    from nnreg_core.conventions import TABLE_COLUMN_GAP as COLUMN_GAP
    lines = conversion_table(value, convention, **CONTEXT).splitlines()
    table = [l for l in lines[1:] if not l.startswith("[")]
    head_starts = _column_starts(table[0])
    assert len(head_starts) == 4, table[0]
    for line in table[1:]:
        fields = [f for f in line.split("  ") if f.strip()]
        assert len(fields) >= 4, line                       # value, uses, note all apart
        value_end = head_starts[1] + len("value")
        assert line[value_end:value_end + COLUMN_GAP] == " " * COLUMN_GAP, line
        assert line[head_starts[2] - COLUMN_GAP:head_starts[2]] == " " * COLUMN_GAP, line
        assert line[head_starts[3] - COLUMN_GAP:head_starts[3]] == " " * COLUMN_GAP, line


def test_form_table_cells_have_room_between_columns():
    from nnreg_core.display.converter import CELL_PADDING
    html_table = Converter(0.98, "decay_factor", **CONTEXT).table.value
    n_cells = html_table.count("<td") + html_table.count("<th")
    assert n_cells == 4 * (1 + len(nc.conventions.CONVENTIONS))
    assert html_table.count(CELL_PADDING) == n_cells


def test_the_table_lives_in_the_numpy_core_and_the_widget_module_still_offers_it():
    import nnreg_core.conventions as conventions
    import nnreg_core.display.converter as converter
    assert converter.conversion_table is conventions.conversion_table
    assert conventions.conversion_table.__module__ == "nnreg_core.conventions"


def test_form_rows_wrap_instead_of_running_past_a_narrow_output_area():
    form = Converter(0.98, "decay_factor", **CONTEXT)
    rows = [child for child in form.widget.children if hasattr(child, "children")]
    assert len(rows) == 2 and all(row.layout.flex_flow == "row wrap" for row in rows)

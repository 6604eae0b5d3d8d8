"""A lambda converter: one L2 strength typed in one library's convention, shown in all of them.

Built on :func:`nnreg_core.conventions.convert_all`. :func:`conversion_table` gives the same
numbers as plain text (for printed, compared notebook output); :class:`Converter` is the
ipywidgets form: a value, its convention, and the learning rate, training-set size, minibatch
size and optimizer the conversion depends on.

>>> name, value, uses, note = conversion_rows(0.98, "decay_factor", lr=0.1)[0]
>>> name, round(value, 12), uses
('cs231n', 0.2, 'lr')
"""
import html

import ipywidgets as widgets

from ..conventions import CONVENTIONS, OPTIMIZERS, convert_all

COLUMN_GAP = 4
"""Spaces between the columns of the plain-text table."""
CELL_PADDING = "padding:2px 14px 2px 0"
"""Room after every cell of the HTML table, so no column runs into the next."""
LABELS = {
    "cs231n": "CS231n λ",
    "nielsen": "Nielsen λ",
    "keras": "Keras l2",
    "sklearn_alpha": "scikit-learn alpha",
    "pytorch_sgd": "PyTorch SGD weight_decay",
    "adamw": "AdamW weight_decay",
    "decay_factor": "decay factor f (w *= f)",
    "blog_decay": "blog λ (w -= λ·w)",
}


def conversion_rows(value, from_, *, lr=None, n_train=None, batch_size=None, optimizer="sgd"):
    """Rows ``(name, value or None, needs, note)`` for every convention.

    ``needs`` lists the context the conversion to that row uses (with the source's own needs):
    e.g. ``"lr"`` for the decoupled forms, ``"batch_size"`` for scikit-learn. ``note`` is the
    formula, or the reason the conversion is refused.

    Raises:
        ValueError: the value itself is invalid in ``from_`` (negative, NaN, missing context).
    """
    rows = convert_all(value, from_, lr=lr, n_train=n_train, batch_size=batch_size,
                       optimizer=optimizer)
    source_needs = CONVENTIONS[from_].needs
    out = []
    for name, converted, note in rows:
        needs = tuple(dict.fromkeys(source_needs + CONVENTIONS[name].needs))
        out.append((name, converted, ", ".join(needs) or "-", note))
    return out


def _format(value):
    return "refused" if value is None else f"{float(value):.6g}"


def conversion_table(value, from_, *, lr=None, n_train=None, batch_size=None, optimizer="sgd"):
    """The conversions of :func:`conversion_rows` as an aligned plain-text table.

    Values are shown to 6 significant digits; a header line states the input and context.
    Columns are as wide as their longest entry and :data:`COLUMN_GAP` spaces apart.
    Refused rows point to a numbered reason printed once below the table.
    """
    rows = conversion_rows(value, from_, lr=lr, n_train=n_train, batch_size=batch_size,
                           optimizer=optimizer)
    header = (f"{float(value):.6g} in {from_!r}, with lr={lr}, n_train={n_train}, "
              f"batch_size={batch_size}, optimizer={optimizer!r}")
    name_w = max(len(name) for name, *_ in rows)
    value_w = max(len("value"), *(len(_format(converted)) for _, converted, _, _ in rows))
    uses_w = max(len("uses"), *(len(needs) for _, _, needs, _ in rows))
    gap = " " * COLUMN_GAP
    lines = [header, gap.join([f"{'convention':<{name_w}}", f"{'value':>{value_w}}",
                               f"{'uses':<{uses_w}}", "written as"])]
    reasons = []
    for name, converted, needs, note in rows:
        if converted is None:
            if note not in reasons:
                reasons.append(note)
            note = f"refused, see [{reasons.index(note) + 1}]"
        lines.append(gap.join([f"{name:<{name_w}}", f"{_format(converted):>{value_w}}",
                               f"{needs:<{uses_w}}", note]))
    lines += [f"[{i}] {reason}" for i, reason in enumerate(reasons, start=1)]
    return "\n".join(lines)


class Converter:
    """An ipywidgets form: type a strength in one convention, read it in all the others.

    Args:
        value: the strength typed in.
        convention: its convention, a key of :data:`nnreg_core.conventions.CONVENTIONS`.
        lr: learning rate (the decoupled forms depend on it).
        n_train: training-set size (Nielsen; scikit-learn's last-batch check).
        batch_size: minibatch size (scikit-learn's alpha).
        optimizer: ``"sgd"``, ``"momentum"`` or ``"adam"``; coupled <-> decoupled conversions
            are refused for the last two.

    Attributes:
        controls: dict of the input widgets (``value``, ``convention``, ``lr``, ``n_train``,
            ``batch_size``, ``optimizer``); setting ``.value`` on one redraws the table.
        table: the ``HTML`` widget with the conversions.
        rows: the last rows computed (see :func:`conversion_rows`); empty after bad input.
        error: the message of the last bad input, or ``""``.
        widget: the whole form; the object displays as it.
    """

    def __init__(self, value=0.98, convention="decay_factor", *, lr=0.1, n_train=200,
                 batch_size=20, optimizer="sgd"):
        if convention not in CONVENTIONS:
            raise ValueError(f"unknown convention {convention!r}; known: "
                             f"{', '.join(CONVENTIONS)}.")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {OPTIMIZERS}.")
        style = {"description_width": "9em"}
        self.controls = {
            "value": widgets.FloatText(value=value, description="value", style=style),
            "convention": widgets.Dropdown(options=[(LABELS[n], n) for n in CONVENTIONS],
                                           value=convention, description="written in",
                                           style=style),
            "lr": widgets.FloatText(value=lr, description="learning rate", style=style),
            "n_train": widgets.IntText(value=n_train, description="training set n",
                                       style=style),
            "batch_size": widgets.IntText(value=batch_size, description="minibatch m",
                                          style=style),
            "optimizer": widgets.Dropdown(options=list(OPTIMIZERS), value=optimizer,
                                          description="optimizer", style=style),
        }
        self.table = widgets.HTML()
        self.rows, self.error = [], ""
        c = self.controls
        self.widget = widgets.VBox([
            widgets.HBox([c["value"], c["convention"]]),
            widgets.HBox([c["lr"], c["n_train"], c["batch_size"], c["optimizer"]]),
            self.table,
        ])
        for control in self.controls.values():
            control.observe(self._refresh, names="value")
        self._refresh()

    def _refresh(self, change=None):
        """Recompute the rows from the controls and redraw the table (errors shown, not raised)."""
        c = {name: control.value for name, control in self.controls.items()}
        try:
            self.rows = conversion_rows(c["value"], c["convention"], lr=c["lr"],
                                        n_train=c["n_train"], batch_size=c["batch_size"],
                                        optimizer=c["optimizer"])
            self.error = ""
        except ValueError as err:
            self.rows, self.error = [], str(err)
        self.table.value = self._html()

    def _html(self):
        if self.error:
            return f"<p style='color:#b00020'><b>Cannot convert:</b> {html.escape(self.error)}</p>"
        pad = f"style='{CELL_PADDING}'"
        cells = [f"<tr><th align='left' {pad}>convention</th><th align='right' {pad}>value</th>"
                 f"<th align='left' {pad}>uses</th>"
                 f"<th align='left' {pad}>written as / why refused</th></tr>"]
        for name, converted, needs, note in self.rows:
            mine = name == self.controls["convention"].value
            weight = "font-weight:bold;" if mine else ""
            cells.append(f"<tr style='{weight}'><td {pad}>{html.escape(LABELS[name])}</td>"
                         f"<td align='right' {pad}>{_format(converted)}</td>"
                         f"<td {pad}>{needs}</td><td {pad}>{html.escape(note)}</td></tr>")
        return ("<table style='font-size:110%;border-collapse:collapse'>" + "".join(cells)
                + "</table>")

    def value_in(self, name):
        """The current value converted into convention ``name`` (None if refused)."""
        for row_name, converted, _, _ in self.rows:
            if row_name == name:
                return converted
        raise ValueError(self.error or f"unknown convention {name!r}.")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

"""A lambda converter: one L2 strength typed in one library's convention, shown in all of them.

Built on :func:`nnreg_core.conventions.conversion_rows`. The same numbers as plain text (for
printed, compared notebook output) come from :func:`nnreg_core.conventions.conversion_table`
(NumPy only), importable from here too; :class:`Converter` is the ipywidgets form: a value, its
convention, and the learning rate, training-set size, minibatch size and optimizer the
conversion depends on.
"""
import html

import ipywidgets as widgets

from ..conventions import (CONVENTIONS, OPTIMIZERS, conversion_rows, conversion_table,  # noqa: F401
                           format_converted)

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
        widget: the whole form; the object displays as it. Its rows wrap where the output area
            is narrower than they are (a projector at 1280 px with the file browser open).
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
        wrap = widgets.Layout(flex_flow="row wrap", max_width="100%")
        self.widget = widgets.VBox([
            widgets.HBox([c["value"], c["convention"]], layout=wrap),
            widgets.HBox([c["lr"], c["n_train"], c["batch_size"], c["optimizer"]], layout=wrap),
            self.table,
        ], layout=widgets.Layout(max_width="100%"))
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
                         f"<td align='right' {pad}>{format_converted(converted)}</td>"
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

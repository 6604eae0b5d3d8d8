"""Every common way of writing the L2 "lambda", and exact conversion between them.

All conventions are mapped to one common quantity, the **per-step coefficient** ``c``: under plain
SGD with learning rate ``lr`` each of them gives the update

    w <- w - lr * (grad_of_mean_batch_loss + c * w)  =  (1 - lr * c) * w - lr * grad

Coupled conventions put ``c * w`` into the gradient, so it passes through the optimizer
(momentum, Adam's normalization). Decoupled ones multiply the weights by ``1 - lr * c`` beside the
optimizer. Hence:

- coupled <-> coupled and decoupled <-> decoupled conversions are exact under any optimizer;
- coupled <-> decoupled is exact under plain SGD only, and :func:`convert` refuses it otherwise.

Conversions use only ``+ - * /``, so they are exact in rational arithmetic: pass
``fractions.Fraction`` values to get exact results; floats round once per operation.

>>> convert(0.03, "cs231n", "keras")
0.015
>>> convert(5.0, "nielsen", "cs231n", n_train=1000)
0.005
"""
from dataclasses import dataclass
from numbers import Real

from .regularizers.base import check_strength
from .validate import real_number, whole_number

CONTEXT = {"lr": "the learning rate", "n_train": "the training-set size n",
           "batch_size": "the minibatch size"}
OPTIMIZERS = ("sgd", "momentum", "adam")


@dataclass(frozen=True)
class Convention:
    """One way of writing L2 strength.

    Attributes:
        name: key used by :func:`convert`.
        written: how the value enters the computation.
        source: where this form is used.
        coupled: True if it acts through the gradient, False if on the weights.
        needs: context values the conversion requires (``lr``, ``n_train``, ``batch_size``).
        to_c: ``(value, ctx) -> c``, the per-step coefficient.
        from_c: ``(c, ctx) -> value``, the inverse.
        typical: an everyday value, for the notebooks' tables.
    """

    name: str
    written: str
    source: str
    coupled: bool
    needs: tuple
    to_c: object
    from_c: object
    typical: float


CONVENTIONS = {c.name: c for c in (
    Convention("cs231n", "loss += (λ/2)·Σw²  →  grad += λ·w",
               "CS231n notes; J. McCaffrey's gradient form (λ ≈ 0.03)", True, (),
               lambda v, x: v, lambda c, x: c, 1e-3),
    Convention("nielsen", "C = C0 + (λ/2n)·Σw², n = training-set size  →  grad += (λ/n)·w",
               "Nielsen, Neural Networks and Deep Learning, ch. 3 (network2.py)", True,
               ("n_train",), lambda v, x: v / x["n_train"], lambda c, x: c * x["n_train"], 5.0),
    Convention("keras", "loss += λ·Σw²  →  grad += 2λ·w",
               "Keras regularizers.L2(l2) (no 1/2)", True, (),
               lambda v, x: 2 * v, lambda c, x: c / 2, 1e-2),
    Convention("sklearn_alpha", "grad += (α/m)·w with m the minibatch size; its docstring says "
               "'divided by the sample size'",
               "scikit-learn MLPClassifier/MLPRegressor alpha (source: _backprop divides by the "
               "batch's sample count)", True, ("batch_size",),
               lambda v, x: v / x["batch_size"], lambda c, x: c * x["batch_size"], 1e-4),
    Convention("pytorch_sgd", "grad += wd·w", "PyTorch SGD/Adam weight_decay (coupled)", True,
               (), lambda v, x: v, lambda c, x: c, 1e-4),
    Convention("adamw", "w -= lr·wd·w, beside the optimizer step",
               "AdamW as PyTorch, optax and Keras write it; in Loshchilov & Hutter 2019 (Alg. 2) "
               "the decay is η_t·λ·w with η_t the schedule multiplier, so the paper's λ is "
               "lr·wd and in PyTorch changing lr changes the decay", False, ("lr",),
               lambda v, x: v, lambda c, x: c, 1e-2),
    Convention("decay_factor", "w *= f each step, before the gradient step (f = 0.98: 2 %)",
               "weight decay as engineers write it (J. McCaffrey, 'The Difference Between Neural "
               "Network L2 Regularization and Weight Decay': w *= 0.98)", False,
               ("lr",), lambda v, x: (1 - v) / x["lr"], lambda c, x: 1 - x["lr"] * c, 0.98),
    Convention("blog_decay", "w -= λ·w, then the plain gradient step",
               "J. McCaffrey's decay form in 'Implementing Neural Network L2 Regularization' (it "
               "suggests λ ≈ 0.97, which only makes sense as "
               "the factor f = 0.97, i.e. λ = 0.03)", False, ("lr",),
               lambda v, x: v / x["lr"], lambda c, x: x["lr"] * c, 0.03),
)}


def convention(name):
    """The :class:`Convention` called ``name``, or a ValueError listing the known names."""
    if not isinstance(name, str) or name not in CONVENTIONS:
        raise ValueError(f"unknown convention {name!r}; known: {', '.join(CONVENTIONS)}.")
    return CONVENTIONS[name]


def _context(src, dst, lr, n_train, batch_size):
    given = {"lr": lr, "n_train": n_train, "batch_size": batch_size}
    for conv in (src, dst):
        for key in conv.needs:
            if given[key] is None:
                raise ValueError(f"converting {'from' if conv is src else 'to'} {conv.name!r} "
                                 f"needs {key}= ({CONTEXT[key]}).")
    if lr is not None:
        check_strength(real_number(lr, "lr"), "lr", positive=True)
    for key in ("n_train", "batch_size"):
        if given[key] is not None:
            whole_number(given[key], key)
    if "batch_size" in src.needs + dst.needs and n_train is not None:
        if n_train % batch_size:
            raise ValueError(
                f"not exact: with n_train={n_train} and batch_size={batch_size} the last batch "
                f"has {n_train % batch_size} samples, and scikit-learn divides alpha by each "
                "batch's own size; choose a batch size that divides n_train.")
    return given


def _check_value(value, conv):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"the value must be a number, got {value!r}.")
    if conv.name == "decay_factor":
        check_strength(float(value), "decay factor f", positive=True, upper=1.0)
    else:
        check_strength(float(value), f"{conv.name} strength")


def convert(value, from_, to, *, lr=None, n_train=None, batch_size=None, optimizer="sgd"):
    """Convert an L2 strength written in convention ``from_`` into convention ``to``.

    Args:
        value: the strength (a float, or a ``fractions.Fraction`` for exact arithmetic).
        from_, to: names from :data:`CONVENTIONS`.
        lr: learning rate (needed by the decoupled forms).
        n_train: training-set size (Nielsen; also checks scikit-learn's last batch).
        batch_size: minibatch size (scikit-learn's alpha).
        optimizer: ``"sgd"``, ``"momentum"`` or ``"adam"``: the optimizer the value is used with.

    Raises:
        ValueError: unknown names, missing or invalid context, a negative or NaN value, or a
            conversion that is not exact (coupled <-> decoupled under momentum or Adam;
            scikit-learn's alpha with a ragged last batch; a decay factor that would be <= 0).

    >>> convert(0.98, "decay_factor", "cs231n", lr=0.5)
    0.040000000000000036
    """
    src, dst = convention(from_), convention(to)
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {OPTIMIZERS}.")
    _check_value(value, src)
    ctx = _context(src, dst, lr, n_train, batch_size)
    if src.coupled != dst.coupled and optimizer != "sgd":
        coupled, decoupled = (src, dst) if src.coupled else (dst, src)
        raise ValueError(
            f"not exact: {coupled.name!r} adds λ·w to the gradient, which {optimizer} then "
            f"transforms ({'averages into its velocity' if optimizer == 'momentum' else 'divides by its running RMS'}), "
            f"while {decoupled.name!r} shrinks the weights beside the optimizer. They agree "
            "under plain SGD only (optimizer='sgd').")
    result = dst.from_c(src.to_c(value, ctx), ctx)
    if dst.name == "decay_factor" and result <= 0:
        raise ValueError(f"no decay factor matches: 1 - lr·c = {float(result):.3g} <= 0; the "
                         "learning rate times the strength must be below 1.")
    return result


def convert_all(value, from_, *, lr=None, n_train=None, batch_size=None, optimizer="sgd"):
    """``value`` in every convention: a list of ``(name, converted value or None, note)``.

    The note is the formula, or the reason a conversion is refused.
    """
    rows = []
    for name, conv in CONVENTIONS.items():
        try:
            converted = convert(value, from_, name, lr=lr, n_train=n_train,
                                batch_size=batch_size, optimizer=optimizer)
            rows.append((name, converted, conv.written))
        except ValueError as err:
            if name == from_:
                raise
            rows.append((name, None, str(err)))
    return rows


TABLE_COLUMN_GAP = 4
"""Spaces between the columns of :func:`conversion_table`."""


def conversion_rows(value, from_, *, lr=None, n_train=None, batch_size=None, optimizer="sgd"):
    """Rows ``(name, value or None, needs, note)`` for every convention.

    ``needs`` lists the context the conversion to that row uses (with the source's own needs):
    e.g. ``"lr"`` for the decoupled forms, ``"batch_size"`` for scikit-learn. ``note`` is the
    formula, or the reason the conversion is refused.

    >>> name, value, uses, note = conversion_rows(0.98, "decay_factor", lr=0.1)[0]
    >>> name, round(value, 12), uses
    ('cs231n', 0.2, 'lr')

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


def format_converted(value):
    """A converted value to 6 significant digits, or ``"refused"`` for None.

    >>> format_converted(0.0015), format_converted(None)
    ('0.0015', 'refused')
    """
    return "refused" if value is None else f"{float(value):.6g}"


def conversion_table(value, from_, *, lr=None, n_train=None, batch_size=None, optimizer="sgd"):
    """The conversions of :func:`conversion_rows` as an aligned plain-text table.

    Values are shown to 6 significant digits; a header line states the input and context.
    Columns are as wide as their longest entry and :data:`TABLE_COLUMN_GAP` spaces apart.
    Refused rows point to a numbered reason printed once below the table.

    >>> print(conversion_table(0.01, "keras", lr=0.1).splitlines()[2])
    cs231n              0.02    -             loss += (λ/2)·Σw²  →  grad += λ·w
    """
    rows = conversion_rows(value, from_, lr=lr, n_train=n_train, batch_size=batch_size,
                           optimizer=optimizer)
    header = (f"{float(value):.6g} in {from_!r}, with lr={lr}, n_train={n_train}, "
              f"batch_size={batch_size}, optimizer={optimizer!r}")
    name_w = max(len(name) for name, *_ in rows)
    value_w = max(len("value"), *(len(format_converted(c)) for _, c, _, _ in rows))
    uses_w = max(len("uses"), *(len(needs) for _, _, needs, _ in rows))
    gap = " " * TABLE_COLUMN_GAP
    lines = [header, gap.join([f"{'convention':<{name_w}}", f"{'value':>{value_w}}",
                               f"{'uses':<{uses_w}}", "written as"])]
    reasons = []
    for name, converted, needs, note in rows:
        if converted is None:
            if note not in reasons:
                reasons.append(note)
            note = f"refused, see [{reasons.index(note) + 1}]"
        lines.append(gap.join([f"{name:<{name_w}}", f"{format_converted(converted):>{value_w}}",
                               f"{needs:<{uses_w}}", note]))
    lines += [f"[{i}] {reason}" for i, reason in enumerate(reasons, start=1)]
    return "\n".join(lines)

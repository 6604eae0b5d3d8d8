"""A dashboard's whole scenario as one short, URL-safe line of text, and back.

The text is base64url (no padding) of a compact JSON object holding only the settings that
differ from a fresh ``Dashboard()``, plus a version: ``{"v": 1, "regularizer": "l1", …}``.
It fits a URL query (``?state=eyJ2IjoxLC…``) or a chat message, and decodes to keyword
arguments for ``Dashboard(...)``.

>>> text = encode({"regularizer": "l1", "strength": 0.003, "hidden": (8, 8)})
>>> decode(text) == {"regularizer": "l1", "strength": 0.003, "hidden": (8, 8)}
True
>>> decode("not a state")
Traceback (most recent call last):
...
ValueError: this is not a dashboard state (base64url of a JSON object): 'not a state'.
"""
import base64
import binascii
import json
import numbers

VERSION = 1


def _number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _whole(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _names(value):
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def _widths(value):
    return isinstance(value, (list, tuple)) and all(_whole(v) for v in value)


FIELDS = {
    "regularizer": (lambda v: isinstance(v, str), "a regularizer name such as 'l2'"),
    "strength": (_number, "a number"),
    "knobs": (lambda v: isinstance(v, dict), "a JSON object of knobs, e.g. {\"l1_ratio\": 0.5}"),
    "dataset": (lambda v: isinstance(v, str), "a data set name such as 'moons'"),
    "n_train": (_whole, "a whole number"),
    "seed": (_whole, "a whole number"),
    "hidden": (_widths, "a list of layer widths such as [16, 16]"),
    "lr": (_number, "a number"),
    "epochs": (_whole, "a whole number"),
    "batch_size": (_whole, "a whole number"),
    "panels": (_names, "a list of panel names"),
    "controls": (_names, "a list of control names"),
    "mode": (lambda v: isinstance(v, str), "'path' or 'live'"),
}
"""Every field a state may hold: ``{name: (check, what it must be)}``."""
SEQUENCES = ("hidden", "panels", "controls")


def encode(fields):
    """Text for ``fields`` (a dict of Dashboard keyword arguments from :data:`FIELDS`)."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ValueError(f"cannot put {unknown} into a dashboard state; it holds {list(FIELDS)}.")
    plain = {"v": VERSION, **{k: list(v) if k in SEQUENCES else v for k, v in fields.items()}}
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text):
    """The Dashboard keyword arguments in ``text``; a ValueError names a bad or unknown field."""
    if not isinstance(text, str):
        raise ValueError(f"a dashboard state is text, got {type(text).__name__}.")
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
        plain = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise ValueError(f"this is not a dashboard state (base64url of a JSON object): "
                         f"{shown!r}.") from None
    if not isinstance(plain, dict):
        raise ValueError("this is not a dashboard state: it decodes to "
                         f"{type(plain).__name__}, not a JSON object.")
    version = plain.pop("v", None)
    if version != VERSION:
        raise ValueError(f"state field 'v' (the format version) must be {VERSION}, got "
                         f"{version!r}.")
    for name, value in plain.items():
        if name not in FIELDS:
            raise ValueError(f"unknown state field {name!r}; a state holds {list(FIELDS)}.")
        check, what = FIELDS[name]
        if not check(value):
            raise ValueError(f"state field {name!r} must be {what}, got {value!r}.")
    return {k: tuple(v) if k in SEQUENCES else v for k, v in plain.items()}

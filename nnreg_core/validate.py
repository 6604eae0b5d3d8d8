"""Checks for what users pass in, one per kind of value, each raising an error that names the
parameter, shows the value and says what to do.

A wrong type (None, a string, a list where a number belongs) raises ``TypeError``; a value of the
right type out of range raises ``ValueError``. Nothing is silently converted: ``4.5`` is not a
layer width, ``"0.1"`` is not a learning rate. Every public entry point of the core checks its
input here, once per call (constructors, :class:`~nnreg_core.train.Run`, setters), never inside
a training step.
"""
import math
import numbers

import numpy as np

__all__ = ["whole_number", "real_number", "flag", "numeric_array", "generator",
           "float_dtype", "number_list", "decay_factor", "per_model_count"]


def whole_number(value, name, least=1, most=None):
    """``value`` as an int, if it is a whole number in ``[least, most]``.

    Floats that are whole (``3.0``) are accepted; ``2.5``, NaN, infinities, booleans, strings
    and None are not.

    >>> whole_number(3.0, "epochs")
    3
    >>> whole_number(2.5, "epochs")
    Traceback (most recent call last):
    ...
    ValueError: epochs must be a whole number >= 1, got 2.5.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number, got {value!r} "
                        f"({type(value).__name__}).")
    bound = f">= {least}" if most is None else f"in {least}…{most}"
    if not math.isfinite(value) or int(value) != value or value < least:
        raise ValueError(f"{name} must be a whole number {bound}, got {value!r}.")
    if most is not None and value > most:
        raise ValueError(f"{name} must be a whole number {bound}, got {value!r}; "
                         f"use at most {most}.")
    return int(value)


def real_number(value, name, least=None):
    """``value`` as a finite float (``>= least`` if given); strings, None, complex refused.

    >>> real_number(0.25, "noise", least=0)
    0.25
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__}).")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    if least is not None and value < least:
        raise ValueError(f"{name} must be >= {least}, got {value!r}.")
    return float(value)


def flag(value, name):
    """``value`` if it is True or False (NumPy's booleans too); anything else is refused, so
    that ``shuffle="no"`` does not silently mean True.

    >>> flag(False, "shuffle")
    False
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def numeric_array(value, name, ndim=None, booleans=False):
    """``value`` as a NumPy array of real numbers (ints, floats, and booleans if asked; never
    complex numbers, strings or objects), with ``ndim`` dimensions if given. The array is not
    copied when it need not be.

    >>> numeric_array([[1, 2]], "X", ndim=2).shape
    (1, 2)
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}.")
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers; its rows differ in "
                         "length.") from None
    if array.dtype.kind not in ("biuf" if booleans else "iuf"):
        kind = {"c": "complex numbers", "b": "booleans", "U": "strings", "S": "strings",
                "O": "Python objects"}.get(array.dtype.kind, f"dtype {array.dtype}")
        raise TypeError(f"{name} must hold real numbers (ints or floats), got {kind}; "
                        "convert it first (e.g. np.asarray(..., dtype=float)).")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {array.shape}.")
    return array


def generator(rng, name="rng"):
    """A ``np.random.Generator`` from a Generator (returned as it is) or a seed >= 0.

    >>> int(generator(0).integers(10)) == int(generator(0).integers(10))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(f"{name} must be a seed (a whole number >= 0) or "
                        f"np.random.default_rng(seed), got {rng!r}.")
    return np.random.default_rng(whole_number(rng, name, least=0))


def float_dtype(value, name="dtype"):
    """``value`` as ``np.dtype(np.float64)`` or ``np.dtype(np.float32)``, the two precisions a run
    trains in; integer weights would all round to 0, float16 or complex ones are not trained.

    >>> float_dtype("float32")
    dtype('float32')
    """
    try:
        dtype = np.dtype(value)
    except TypeError:
        raise TypeError(f"{name} must be np.float64 or np.float32, got {value!r}.") from None
    if dtype not in (np.float64, np.float32):
        raise ValueError(f"{name} must be np.float64 or np.float32, got {dtype}; a run trains "
                         "in one of these two.")
    return dtype


def number_list(value, name):
    """``value`` as a 1-D float array of at least one number (a list of strengths to try).

    >>> number_list([0.0, 1e-3], "strengths")
    array([0.   , 0.001])
    """
    array = numeric_array(value, name)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a list of at least one number, e.g. [0.0, 1e-3, 1e-2]; "
                         f"got {value!r}.")
    return array.astype(float)


def decay_factor(lr, wd):
    """``1 - lr * wd``, the factor a decoupled decay multiplies the weights by, if it is > 0.

    ``wd`` may be one value per model; a factor <= 0 would flip or zero every weight in one
    step, and is refused.

    >>> decay_factor(0.1, 0.5)
    0.95
    """
    factor = 1.0 - lr * np.asarray(wd)
    if np.any(factor <= 0):
        raise ValueError(f"lr·wd must be < 1 (lr={lr:.3g}, wd={np.max(wd):.3g}): the decay "
                         "would flip or zero every weight in one step; lower wd or the "
                         "learning rate.")
    return float(factor) if factor.ndim == 0 else factor


def per_model_count(value, n_models, name):
    """Check that a strength is one number, or exactly one per model of ``n_models``
    (None: a single model, which takes one number only).

    >>> per_model_count([0.1, 0.2], 3, "L2 lam")
    Traceback (most recent call last):
    ...
    ValueError: L2 lam has 2 values but the run trains 3 models; give one value, or one per model.
    """
    count = np.size(value) if np.ndim(value) else None
    if count is None or count == n_models:
        return
    if n_models is None:
        raise ValueError(f"{name} has {count} values (one per model) but the parameters have no "
                         "model axis; give one value, or params made with "
                         f"model.init(rng, n_models={count}).")
    raise ValueError(f"{name} has {count} values but the run trains {n_models} models; give one "
                     "value, or one per model.")

"""What a regularizer acts on: how strong (one value, or one per model) and on which parameters.

A strength is a non-negative finite number, or an array of shape ``(K,)`` giving one value to each
of K models trained at once (the model axis, see :mod:`nnreg_core.model`). Parameters named
``W…`` are weights; ``b…`` are biases, regularized only when asked (``include_biases=True``).
"""
import functools

import numpy as np

from ..validate import flag, numeric_array


def check_strength(value, name, *, positive=False, upper=None, upper_inclusive=True,
                   scalar=False):
    """Validate a strength and return it as a float or a float array of shape ``(K,)``.

    Args:
        value: a number or a 1-D sequence of numbers (one per model).
        name: the parameter's name, used in the error message.
        positive: refuse 0 as well as negative values.
        upper: an upper bound, if any.
        upper_inclusive: whether ``upper`` itself is allowed.
        scalar: refuse one value per model (a learning rate, a momentum coefficient).

    Raises:
        TypeError: the value is not a number or numbers (None, a string, a complex number).
        ValueError: the value is NaN, infinite, negative (or 0 when ``positive``), above
            ``upper``, or not a scalar or 1-D array.

    >>> check_strength(0.1, "lam")
    0.1
    >>> check_strength(-1, "lam")
    Traceback (most recent call last):
    ...
    ValueError: lam must be >= 0, got -1.0; a strength of 0 turns the regularizer off.
    """
    arr = numeric_array(value, name).astype(float)
    if scalar and arr.ndim:
        raise ValueError(f"{name} must be one number, got an array of shape {arr.shape}.")
    if arr.ndim > 1 or arr.size == 0:
        raise ValueError(f"{name} must be a number or one number per model (shape (K,)), "
                         f"got an array of shape {arr.shape}.")
    shown = arr.tolist()
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a finite number, got {shown}.")
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got {shown}.")
    if np.any(arr < 0):
        # a regularizer's strength (no upper bound, per model allowed) is off at 0; a bounded
        # setting such as a momentum coefficient or an l1 ratio is not
        off = ("; a strength of 0 turns the regularizer off" if upper is None and not scalar
               else "")
        raise ValueError(f"{name} must be >= 0, got {shown}{off}.")
    if upper is not None:
        too_big = arr > upper if upper_inclusive else arr >= upper
        if np.any(too_big):
            bound = f"<= {upper}" if upper_inclusive else f"< {upper}"
            raise ValueError(f"{name} must be {bound}, got {shown}.")
    return float(arr) if arr.ndim == 0 else arr


def per_model(value, ndim):
    """Shape a strength to broadcast against an array of ``ndim`` dimensions.

    A scalar is returned as it is; an array of shape ``(K,)`` becomes ``(K, 1, …, 1)`` so that
    model k's arrays meet model k's strength.
    """
    if np.ndim(value) == 0:
        return value
    return np.reshape(value, (-1,) + (1,) * (ndim - 1))


def regularized_names(params, include_biases=False):
    """Names of the parameters a regularizer acts on: weights ``W…``, and biases ``b…`` if asked.

    >>> regularized_names({"W1": 0, "b1": 0, "W2": 0, "b2": 0})
    ['W1', 'W2']
    """
    return [name for name in params
            if name.startswith("W") or (include_biases and name.startswith("b"))]


def has_model_axis(name, array):
    """Whether a parameter carries a leading model axis: ``W`` arrays of 3 dims, ``b`` of 2."""
    return array.ndim == (2 if name.startswith("b") else 3)


def sum_per_model(array, model_axis):
    """Sum over everything, or over all axes but the leading model axis when ``model_axis``.

    Returns a float, or an array of shape ``(K,)``.
    """
    if model_axis:
        return array.reshape(array.shape[0], -1).sum(axis=1)
    return float(array.sum())


class Strength:
    """A validated strength attribute: assigning to it runs :func:`check_strength`.

    Regularizers read their strengths at every step, so a value set mid-run takes effect at
    the next step without restarting training.
    """

    def __init__(self, **limits):
        self.limits = limits

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, objtype=None):
        return self if obj is None else obj.__dict__[self.name]

    def __set__(self, obj, value):
        label = f"{type(obj).__name__} {self.name}"
        obj.__dict__[self.name] = check_strength(value, label, **self.limits)


def strengths_of(obj):
    """``{label: value}`` of every :class:`Strength` attribute of ``obj`` (a regularizer or an
    optimizer), labelled as in their error messages (``"L2 lam"``)."""
    label = type(obj).__name__
    return {f"{label} {name}": obj.__dict__[name] for name in strength_names(type(obj))
            if name in obj.__dict__}


@functools.lru_cache(maxsize=None)
def strength_names(cls):
    """The names of the :class:`Strength` attributes of the class ``cls`` (looked up once)."""
    return tuple(dict.fromkeys(name for klass in cls.__mro__ for name, attribute
                               in vars(klass).items() if isinstance(attribute, Strength)))


class Regularizer:
    """Base class: ``acts`` says where in a training step a regularizer works.

    ``"gradient"`` (a penalty added to loss and gradient), ``"decay"`` (applied to the weights
    by the update), ``"constraint"`` (a projection after the update) or ``"forward"`` (noise in
    the forward pass, training mode only).
    """

    acts = None
    #: The fast paths of :mod:`nnreg_core.fast` this class may take. Each class declares its
    #: own; a subclass that does not takes none (it runs on the reference step):
    #:
    #: - ``"packed"``: acts element by element on the arrays :meth:`names` selects, so it may act
    #:   on the whole packed block of weights at once (:mod:`nnreg_core.fast.packed`);
    #: - ``"chunks"``: acts on each model of a model axis alone, its per-model strengths cut with
    #:   the axis, so chunks of the axis may run apart (:mod:`nnreg_core.fast.threads`);
    #: - ``"fused"``: the fused SGD step folds it into its update (:mod:`nnreg_core.fast.fused`).
    fast_paths = frozenset()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "fast_paths" not in vars(cls):
            cls.fast_paths = frozenset()

    def __init__(self, include_biases=False):
        self.include_biases = flag(include_biases, "include_biases")

    def names(self, params):
        """The parameters this regularizer acts on."""
        return regularized_names(params, self.include_biases)

    def biases_note(self):
        """``'biases in'`` or ``'biases out'``, for titles."""
        return "biases in" if self.include_biases else "biases out"

    def describe(self):
        """A short label for plot titles, e.g. ``'L2 λ=0.01 (λ/2·Σw², biases out)'``."""
        return type(self).__name__


def format_strength(value):
    """A strength for a label: ``'0.01'``, or ``'[K values]'`` for one per model."""
    if np.ndim(value):
        return f"[{len(value)} values]"
    return f"{value:.3g}"

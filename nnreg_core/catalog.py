"""The regularizers a dashboard or a sweep can pick by name, with their sliders.

Each name maps to core regularizer objects built by :func:`make`. The *strength* is the one
number a slider moves, in the convention its label names:

============  =========================================  ======================================
name          built as                                   strength (slider)
============  =========================================  ======================================
none          nothing                                    ignored
l2            ``L2(lam)``: ``(λ/2)·Σw²``, grad ``λ·w``   λ
l1            ``L1(lam)``: ``λ·Σ|w|``, grad ``λ·sign w`` λ (knob ``form="proximal"``:
              or ``ProximalL1(lam)``, soft threshold     exact zeros)
elastic_net   ``ElasticNet`` from ``(α, l1_ratio r)``:   α (knob ``l1_ratio``)
              ``α·r·Σ|w| + (α(1−r)/2)·Σw²``
weight_decay  ``DecoupledWeightDecay(wd)``:              wd (equals L2's λ under plain SGD)
              ``w -= lr·wd·w`` beside the step
max_norm      ``MaxNorm(c)``: ``‖w_j‖₂ ≤ c`` per unit    c (smaller is stronger)
dropout       ``Dropout(keep)``, inverted                keep probability (1 turns it off)
noise         ``GaussianNoise(sigma)``: ``a + σ·ε``      σ (knob ``where``: input or hidden)
augment       ``Augment(shift)``: shifts ≤ shift px and  shift in pixels (knobs ``degrees``,
              rotations ≤ degrees of each 8x8 image      ``mean``, ``scale``: the inputs'
                                                         standardization)
============  =========================================  ======================================

A strength may be an array of shape ``(K,)``: one value per model when K models train at once.

>>> [type(r).__name__ for r in make("l2", 1e-3)]
['L2']
>>> make("dropout", 0.8)[0].keep
0.8
"""
from .regularizers.augment import Augment
from .regularizers.constraints import MaxNorm
from .regularizers.decay import DecoupledWeightDecay, ProximalL1
from .regularizers.penalties import L1, L2, ElasticNet
from .regularizers.base import check_strength
from .regularizers.stochastic import Dropout, GaussianNoise
from .validate import decay_factor

NAMES = ("none", "l2", "l1", "elastic_net", "weight_decay", "max_norm", "dropout", "noise",
         "augment")

TITLES = {"none": "none", "l2": "L2", "l1": "L1", "elastic_net": "elastic net",
          "weight_decay": "weight decay (decoupled)", "max_norm": "max-norm",
          "dropout": "dropout", "noise": "Gaussian noise",
          "augment": "data augmentation"}

STRENGTHS = {
    "none": dict(param=None, default=0.0, label="no strength (no regularizer)"),
    "l2": dict(param="lam", default=1e-3, label="λ (L2, λ/2·Σw²)"),
    "l1": dict(param="lam", default=1e-3, label="λ (L1, λ·Σ|w|)"),
    "elastic_net": dict(param="alpha", default=1e-3,
                        label="α (elastic net, α·r·Σ|w| + α(1−r)/2·Σw²)"),
    "weight_decay": dict(param="wd", default=1e-3, label="wd (decoupled, w −= lr·wd·w)"),
    "max_norm": dict(param="c", default=3.0, label="c (max-norm, ‖w_j‖₂ ≤ c per unit)"),
    "dropout": dict(param="keep", default=0.8, label="keep probability (dropout, 1 = off)"),
    "noise": dict(param="sigma", default=0.1, label="σ (Gaussian noise, a + σ·ε)"),
    "augment": dict(param="shift", default=1.0,
                    label="shift (augmentation, pixels; rotations ≤ degrees)"),
}
"""Each name's strength: the keyword it is (``param``), its default and its label with the
convention. The ranges a slider offers belong to the display layer
(:mod:`nnreg_core.display.sliders`)."""

KNOBS = {"none": {}, "l2": {}, "l1": {"form": "subgradient"}, "elastic_net": {"l1_ratio": 0.5},
         "weight_decay": {}, "max_norm": {"layers": None}, "dropout": {"where": "hidden"},
         "noise": {"where": "input"},
         "augment": {"degrees": 10.0, "mean": 0.0, "scale": 1.0}}
"""Each name's own settings and their defaults."""

L1_FORMS = ("subgradient", "proximal")
TUNABLE = {L2: ("lam",), L1: ("lam",), ProximalL1: ("lam",), ElasticNet: ("l1", "l2"),
           DecoupledWeightDecay: ("wd",), MaxNorm: ("c",), Dropout: ("keep",),
           GaussianNoise: ("sigma",), Augment: ("shift", "degrees")}
"""The attributes :func:`retune` may change mid-run, by regularizer class."""


def every_knob():
    """Every knob and strength keyword of any name: one dict of knobs may serve them all."""
    params = {spec["param"] for spec in STRENGTHS.values() if spec["param"]}
    return set().union(*KNOBS.values()) | params


def check_name(name):
    """Return ``name`` if it is in :data:`NAMES`, else raise a ValueError listing them."""
    if name not in NAMES:
        raise ValueError(f"unknown regularizer {name!r}; choose one of {', '.join(NAMES)}.")
    return name


def _knobs(name, strength, knobs):
    """Merge the caller's knobs with the defaults; the main parameter may come as a knob."""
    param = STRENGTHS[name]["param"]
    allowed = set(KNOBS[name]) | ({param} if param else set())
    unknown = sorted(set(knobs) - every_knob())
    if unknown:
        raise ValueError(f"unknown knob(s) {unknown} for {name!r}; it takes "
                         f"{sorted(allowed) or 'none'}.")
    merged = {**KNOBS[name], **{k: v for k, v in knobs.items() if k in KNOBS[name]}}
    if param in knobs:
        if strength is not None:
            raise ValueError(f"give the {name} strength once: as strength= or as {param}=, "
                             "not both.")
        strength = knobs[param]
    if strength is None:
        strength = STRENGTHS[name]["default"]
    return strength, merged


def make(name, strength=None, lr=0.1, **knobs):
    """Build the regularizers called ``name`` at ``strength``.

    Args:
        name: one of :data:`NAMES`.
        strength: the slider's value (see the module table), a number or one per model
            ``(K,)``; None takes the default (:data:`STRENGTHS`).
        lr: the learning rate the regularizer will be used with; weight decay checks
            ``lr·wd < 1``.
        **knobs: the regularizer's own settings: ``l1_ratio`` (elastic net, 0…1),
            ``where`` (dropout, noise: ``"input"`` or ``"hidden"``), ``layers`` (max-norm),
            ``form`` (L1: ``"subgradient"``, the coupled penalty, or ``"proximal"``, soft
            thresholding after the step, which makes exact zeros). Knobs of other
            regularizers (:func:`every_knob`) are ignored, so one dict of knobs can serve
            every name.

    Returns:
        A list of regularizer objects (empty for ``"none"``).

    Raises:
        ValueError: an unknown name or knob, or a strength out of range (the message says
            which range).

    >>> make("elastic_net", 0.5, l1_ratio=0.2)[0].l1
    0.1
    """
    check_name(name)
    strength, k = _knobs(name, strength, knobs)
    if name == "none":
        return []
    if name == "l2":
        return [L2(strength)]
    if name == "l1":
        return [_l1(strength, k["form"])]
    if name == "elastic_net":
        return [ElasticNet.from_alpha_l1_ratio(strength, k["l1_ratio"])]
    if name == "weight_decay":
        return [_weight_decay(strength, lr)]
    if name == "max_norm":
        return [MaxNorm(strength, layers=k["layers"])]
    if name == "dropout":
        return [Dropout(strength, where=k["where"])]
    if name == "augment":
        return [Augment(strength, degrees=k["degrees"], mean=k["mean"], scale=k["scale"])]
    return [GaussianNoise(strength, where=k["where"])]


def _l1(lam, form):
    """L1 as a subgradient penalty (``"subgradient"``) or a soft threshold (``"proximal"``)."""
    if form not in L1_FORMS:
        raise ValueError(f"L1 form must be one of {L1_FORMS}, got {form!r}.")
    return L1(lam) if form == "subgradient" else ProximalL1(lam)


def _weight_decay(wd, lr):
    lr = check_strength(lr, "lr", positive=True)
    wd = check_strength(wd, "weight decay wd")
    decay_factor(lr, wd)
    return DecoupledWeightDecay(wd)


def retune(regularizers, name, strength, lr=0.1, **knobs):
    """Set a new strength on regularizers made by :func:`make`, in place (mid-run changes).

    The training loop reads strengths at every step, so the change acts from the next step on.
    The new value is validated first; on a ValueError nothing is changed.

    >>> regs = make("l2", 1e-3)
    >>> retune(regs, "l2", 0.1); regs[0].lam
    0.1
    """
    fresh = make(name, strength, lr=lr, **knobs)
    if len(fresh) != len(regularizers):
        raise ValueError(f"these regularizers were not made as {name!r}.")
    for old, new in zip(regularizers, fresh):
        if type(old) is not type(new):
            raise ValueError(f"{type(old).__name__} was not made as {name!r}.")
        if type(new) not in TUNABLE:
            raise ValueError(f"{type(new).__name__} cannot change its strength mid-run; add it "
                             "to catalog.TUNABLE with the attributes that hold its strength.")
    for old, new in zip(regularizers, fresh):
        for attr in TUNABLE[type(new)]:
            setattr(old, attr, getattr(new, attr))


def describe(name, regularizers):
    """A title for plots: the regularizers' own descriptions, or ``'no regularizer'``."""
    if not regularizers:
        return "no regularizer"
    return "; ".join(r.describe() for r in regularizers)

"""The values a dashboard's sliders offer: exact, readable numbers, never snapped.

A strength slider steps through a grid of plain numbers (1 and 3 per decade on a log range:
the half-decade grid of most hyper-parameter searches; steps of 0.1 on a linear one) plus the
value a notebook asked for, exactly as given. What the slider reads, what the title says and
what trains are the same number. The path a dashboard trains at once is this grid, so its size
sets the dashboard's build time (about proportional: 11 strengths take half as long as 21).
Learning rates are not a path (a new one retrains), so their slider is finer: 1, 2, 3, 5 per
decade.

>>> strength_grid("max_norm", 2.0)
(0.1, 0.3, 1.0, 2.0, 3.0, 10.0)
>>> len(strength_grid("l2", 0.0004)), 0.0004 in strength_grid("l2", 0.0004)
(12, True)
>>> lr_grid(0.1)[:5]
(0.001, 0.002, 0.003, 0.005, 0.01)
>>> show(0.0003), show(1e-05), show(0.031622776601683794)
('0.0003', '1e-05', '0.0316')
"""
import math

import numpy as np

from .. import catalog
from ..regularizers.base import format_strength

RANGES = {
    "none": dict(min=0.0, max=0.0, log=False),
    "l2": dict(min=1e-5, max=1.0, log=True),
    "l1": dict(min=1e-5, max=1e-1, log=True),
    "elastic_net": dict(min=1e-5, max=1.0, log=True),
    "weight_decay": dict(min=1e-5, max=1.0, log=True),
    "max_norm": dict(min=0.1, max=10.0, log=True),
    "dropout": dict(min=0.1, max=1.0, log=False),
    "noise": dict(min=1e-3, max=1.0, log=True),
    "augment": dict(min=0.0, max=2.0, log=False, step=0.25),
}
"""Each regularizer's slider range. A name missing here gets :func:`default_range`."""
LR_RANGE = dict(min=1e-3, max=100.0, log=True)
"""Learning rates from slow to far too fast (SGD on these small networks blows up near 10)."""
STRENGTH_MANTISSAS = (1, 3)
LR_MANTISSAS = (1, 2, 3, 5)
LINEAR_STEP = 0.1


def show(value):
    """A strength as the slider, the title and the readout print it (as regularizers describe
    themselves: :func:`nnreg_core.regularizers.base.format_strength`)."""
    return format_strength(float(value))


def default_range(name):
    """A range around the catalog's default strength, for a regularizer added without one."""
    default = catalog.STRENGTHS[name]["default"]
    if default > 0:
        return dict(min=default / 100, max=default * 10, log=True)
    return dict(min=0.0, max=1.0, log=False)


def grid(spec, value=None, mantissas=STRENGTH_MANTISSAS):
    """The plain numbers in ``spec``'s range (``min``, ``max``, ``log``), with ``value`` added:
    ``m·10^e`` for each of ``mantissas`` on a log range, steps of ``spec["step"]`` (default
    :data:`LINEAR_STEP`) on a linear one."""
    lo, hi = spec["min"], spec["max"]
    if spec["log"]:
        values = [float(f"{m * 10.0 ** e:.3g}")
                  for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
                  for m in mantissas]
    else:
        step = spec.get("step", LINEAR_STEP)
        values = [round(lo + i * step, 10) for i in range(int(round((hi - lo) / step)) + 1)]
    values = {v for v in values if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)}
    if value is not None:
        values.add(float(value))
    return tuple(sorted(values))


def strength_grid(name, value=None, lr=None):
    """Strength values for ``name``'s slider and path; weight decay keeps ``lr·wd < 1``."""
    catalog.check_name(name)
    if name == "none":
        return (0.0,)
    values = grid(RANGES.get(name) or default_range(name), value)
    if name == "weight_decay" and lr is not None:
        values = tuple(v for v in values if lr * v < 1 or v == value)
    return values


def lr_grid(value):
    """Learning rates the lr slider offers, ``value`` among them."""
    return grid(LR_RANGE, value, LR_MANTISSAS)


def nearest(values, value):
    """Index of the entry of sorted ``values`` nearest to ``value`` (on a log scale when all
    are positive)."""
    values = np.asarray(values, dtype=float)
    if np.all(values > 0) and value > 0:
        return int(np.argmin(np.abs(np.log(values) - np.log(value))))
    return int(np.argmin(np.abs(values - value)))

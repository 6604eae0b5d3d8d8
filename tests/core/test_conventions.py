"""The lambda conventions: each one's step written out as its source writes it, exact round trips,
and the conversions that are refused because they are not exact."""
import itertools
from fractions import Fraction

import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.conventions import CONVENTIONS, convention

NAMES = list(CONVENTIONS)
PAIRS = list(itertools.permutations(NAMES, 2))
COUPLED = [n for n in NAMES if CONVENTIONS[n].coupled]
DECOUPLED = [n for n in NAMES if not CONVENTIONS[n].coupled]
CONTEXT = {"lr": 0.1, "n_train": 200, "batch_size": 20}
EXACT_CONTEXT = {"lr": Fraction(1, 10), "n_train": 200, "batch_size": 20}


# One plain-SGD step with L2 written as each source writes it; g is the mean data gradient of
# the batch: (v, w, g, lr, n_train, batch_size) -> new w.
STEPS_AS_WRITTEN = {
    "cs231n": lambda v, w, g, lr, n, m: w - lr * (g + v * w),             # loss += (λ/2)Σw²
    "nielsen": lambda v, w, g, lr, n, m: w - lr * (g + (v / n) * w),      # C0 + (λ/2n)Σw²
    "keras": lambda v, w, g, lr, n, m: w - lr * (g + 2 * v * w),          # loss += λΣw²
    "sklearn_alpha": lambda v, w, g, lr, n, m: w - lr * (m * g + v * w) / m,  # (Σ grad + αw)/m
    "pytorch_sgd": lambda v, w, g, lr, n, m: w - lr * (g + v * w),        # grad += wd·w
    "adamw": lambda v, w, g, lr, n, m: w - lr * v * w - lr * g,           # w -= lr·wd·w beside
    "decay_factor": lambda v, w, g, lr, n, m: v * w - lr * g,             # w *= f, then the step
    "blog_decay": lambda v, w, g, lr, n, m: (w - v * w) - lr * g,         # w -= λw, then the step
}


def test_every_convention_is_written_out_here():
    assert sorted(STEPS_AS_WRITTEN) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_converted_strength_gives_the_same_sgd_step(name):
    rng = np.random.default_rng(0)
    w, g = rng.standard_normal(50), rng.standard_normal(50)
    value = convention(name).typical
    lam = nc.convert(value, name, "cs231n", **CONTEXT)
    ours = w - CONTEXT["lr"] * (g + nc.L2(lam).grad(w))
    written = STEPS_AS_WRITTEN[name](value, w, g, CONTEXT["lr"], CONTEXT["n_train"],
                                     CONTEXT["batch_size"])
    np.testing.assert_allclose(ours, written, rtol=1e-14, atol=1e-15)
    # Control: the strength matters at this size, so a wrong conversion would show.
    assert np.max(np.abs(written - (w - CONTEXT["lr"] * g))) > 1e-7


def start_value(name, context):
    """A valid strength in convention ``name``: CS231n's λ = 3/100 converted."""
    return nc.convert(Fraction(3, 100), "cs231n", name, **context)


@pytest.mark.parametrize("src,dst", PAIRS)
def test_fraction_round_trip_is_exact(src, dst):
    value = start_value(src, EXACT_CONTEXT)
    there = nc.convert(value, src, dst, **EXACT_CONTEXT)
    back = nc.convert(there, dst, src, **EXACT_CONTEXT)
    assert isinstance(there, Fraction) and isinstance(back, Fraction)
    assert back == value
    assert there == start_value(dst, EXACT_CONTEXT), "conversion depends on the path"


def ulps(a, b):
    return abs(a - b) / np.spacing(abs(b))


@pytest.mark.parametrize("src,dst", [p for p in PAIRS if p[1] != "decay_factor"])
def test_float_round_trip_within_two_ulp(src, dst):
    for c in np.random.default_rng(1).uniform(1e-4, 5.0, 200):
        value = nc.convert(float(c), "cs231n", src, **CONTEXT)
        back = nc.convert(nc.convert(value, src, dst, **CONTEXT), dst, src, **CONTEXT)
        assert ulps(back, value) <= 2, (src, dst, value, back)


@pytest.mark.parametrize("src", [n for n in NAMES if n != "decay_factor"])
def test_float_round_trip_through_a_decay_factor_loses_what_rounding_f_loses(src):
    """``f = 1 - lr c`` is stored near 1, so c comes back with an absolute error of up to half
    a spacing of f divided by lr (and scaled to ``src``'s units): ``1 - f`` cancels the rest.
    Fractions avoid it (see the exact round trip)."""
    unit = nc.convert(1.0, "cs231n", src, **CONTEXT)  # src units per unit of c
    worst = 0.0
    for c in np.random.default_rng(2).uniform(1e-4, 5.0, 200):
        value = nc.convert(float(c), "cs231n", src, **CONTEXT)
        f = nc.convert(value, src, "decay_factor", **CONTEXT)
        back = nc.convert(f, "decay_factor", src, **CONTEXT)
        bound = unit * (np.spacing(f) / CONTEXT["lr"]) + 4 * np.spacing(value)
        assert abs(back - value) <= bound, (src, value, back)
        worst = max(worst, ulps(back, value))
    assert worst > 2, "the round trip through f became exact: tighten this test"


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
@pytest.mark.parametrize("coupled,decoupled", list(itertools.product(COUPLED, DECOUPLED)))
def test_coupled_to_decoupled_is_refused_under_momentum_and_adam(coupled, decoupled, optimizer):
    value = nc.convert(0.03, "cs231n", coupled, **CONTEXT)
    for src, dst, v in ((coupled, decoupled, value),
                        (decoupled, coupled, nc.convert(value, coupled, decoupled, **CONTEXT))):
        with pytest.raises(ValueError, match=f"not exact.*{optimizer}.*plain SGD only"):
            nc.convert(v, src, dst, optimizer=optimizer, **CONTEXT)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_same_kind_conversions_are_allowed_under_every_optimizer(optimizer):
    assert nc.convert(0.03, "cs231n", "keras", optimizer=optimizer) == 0.015
    assert nc.convert(0.5, "adamw", "blog_decay", lr=0.1, optimizer=optimizer) == 0.05


def test_convert_all_lists_every_convention():
    rows = nc.convert_all(0.03, "cs231n", **CONTEXT)
    assert [name for name, _, _ in rows] == NAMES
    for name, value, note in rows:
        assert value == nc.convert(0.03, "cs231n", name, **CONTEXT)
        assert note == CONVENTIONS[name].written


def test_convert_all_gives_the_reason_for_each_refusal():
    rows = {name: (value, note) for name, value, note in
            nc.convert_all(0.03, "cs231n", optimizer="adam", **CONTEXT)}
    assert sorted(rows) == sorted(NAMES)
    for name in DECOUPLED:
        value, note = rows[name]
        assert value is None and "not exact" in note and "adam" in note
    for name in COUPLED:
        assert rows[name][0] is not None


def test_documented_examples():
    assert nc.convert(0.03, "cs231n", "keras") == 0.015
    assert nc.convert(5.0, "nielsen", "cs231n", n_train=1000) == 0.005
    # The blog's 0.98 factor at lr = 0.5 is CS231n's λ = 0.04.
    assert nc.convert(Fraction(98, 100), "decay_factor", "cs231n", lr=Fraction(1, 2)) == \
        Fraction(4, 100)
    # The blog's "λ ≈ 0.97" in w -= λw would wipe out 97 % of each weight per step; as a factor
    # f = 0.97 it is the decay form's λ = 0.03.
    assert nc.convert(Fraction(97, 100), "decay_factor", "blog_decay", lr=Fraction(1, 10)) == \
        Fraction(3, 100)

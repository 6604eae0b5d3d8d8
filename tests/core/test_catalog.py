"""The regularizer catalog: names, sliders, construction, mid-run retuning, refusals."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core import catalog


def test_every_name_has_a_strength_with_a_labelled_convention_and_knobs():
    assert set(catalog.STRENGTHS) == set(catalog.NAMES) == set(catalog.KNOBS)
    for name in catalog.NAMES:
        assert catalog.STRENGTHS[name]["label"], name


@pytest.mark.parametrize("name", catalog.NAMES)
def test_the_default_strength_builds_and_is_what_none_takes(name):
    regs = catalog.make(name, catalog.STRENGTHS[name]["default"])
    assert len(regs) == (0 if name == "none" else 1)
    param = catalog.STRENGTHS[name]["param"]
    if param:
        default = catalog.make(name)[0]
        assert getattr(default, param if param != "alpha" else "l1") == pytest.approx(
            catalog.STRENGTHS[name]["default"] * (0.5 if param == "alpha" else 1))


def test_the_ui_ranges_live_in_the_display_layer():
    assert not hasattr(catalog, "SLIDERS") and not hasattr(catalog, "SHARED_KNOBS")


def test_make_builds_the_documented_objects():
    assert isinstance(catalog.make("l2", 0.01)[0], nc.L2)
    assert catalog.make("l1", 0.02)[0].lam == 0.02
    enet = catalog.make("elastic_net", 0.5, l1_ratio=0.2)[0]
    assert (enet.l1, enet.l2) == pytest.approx((0.1, 0.4))
    assert catalog.make("weight_decay", 0.3)[0].wd == 0.3
    assert catalog.make("max_norm", 2.0)[0].c == 2.0
    drop = catalog.make("dropout", 0.7)[0]
    assert (drop.keep, drop.where) == (0.7, "hidden")
    noise = catalog.make("noise", 0.2, where="hidden")[0]
    assert (noise.sigma, noise.where) == (0.2, "hidden")


def test_the_main_parameter_may_come_as_a_knob_but_not_twice():
    assert catalog.make("dropout", keep=0.5)[0].keep == 0.5
    with pytest.raises(ValueError, match="once"):
        catalog.make("dropout", 0.4, keep=0.5)


def test_knobs_of_other_regularizers_are_ignored_unknown_ones_refused():
    assert catalog.make("l2", 0.1, keep=0.5, sigma=0.3)[0].lam == 0.1
    with pytest.raises(ValueError, match="unknown knob"):
        catalog.make("l2", 0.1, momentum=0.9)


def test_one_strength_per_model():
    path = np.logspace(-4, -1, 5)
    reg = catalog.make("l2", path)[0]
    np.testing.assert_array_equal(reg.lam, path)


@pytest.mark.parametrize("name, value, words", [
    ("l2", -1.0, ">= 0"), ("l2", float("nan"), "finite"), ("dropout", 0.0, "> 0"),
    ("dropout", 1.5, "<= 1.0"), ("max_norm", 0.0, "> 0"), ("weight_decay", 20.0, "lr·wd"),
    ("elastic_net", 0.1, "l1_ratio"),
])
def test_bad_strengths_are_refused_with_what_to_fix(name, value, words):
    knobs = {"l1_ratio": 2.0} if name == "elastic_net" else {}
    with pytest.raises(ValueError, match=words):
        catalog.make(name, value, lr=0.1, **knobs)


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="l2, l1"):
        catalog.make("ridge", 0.1)


def test_retune_changes_the_running_objects_in_place():
    regs = catalog.make("elastic_net", 0.1, l1_ratio=0.5)
    same = regs[0]
    catalog.retune(regs, "elastic_net", 1.0, l1_ratio=0.25)
    assert regs[0] is same
    assert (same.l1, same.l2) == pytest.approx((0.25, 0.75))


def test_retune_sets_exactly_the_strength_attributes():
    regs = catalog.make("dropout", 0.5, where="input")
    catalog.retune(regs, "dropout", 0.9, where="hidden")
    assert regs[0].keep == 0.9 and regs[0].where == "input"     # a knob is no strength


def test_retune_refuses_a_class_it_does_not_know_how_to_tune(monkeypatch):
    regs = catalog.make("l2", 0.1)
    monkeypatch.delitem(catalog.TUNABLE, nc.L2)
    with pytest.raises(ValueError, match="cannot change its strength mid-run"):
        catalog.retune(regs, "l2", 0.2)
    assert regs[0].lam == 0.1


def test_retune_refuses_bad_values_and_keeps_the_old_one():
    regs = catalog.make("l2", 0.1)
    with pytest.raises(ValueError):
        catalog.retune(regs, "l2", float("nan"))
    assert regs[0].lam == 0.1
    with pytest.raises(ValueError, match="not made as"):
        catalog.retune(regs, "l1", 0.1)


def test_a_retuned_strength_acts_on_a_running_training():
    ds = nc.load("moons", n_train=64, n_test=32, seed=1)
    net = nc.MLP(ds.sizes((8,)), loss=ds.loss)
    params = net.init(np.random.default_rng(0))
    regs = catalog.make("l2", 0.0)
    run = nc.Run(net, params, ds.X_train, ds.y_train, optimizer=nc.SGD(0.1), regularizers=regs,
                 epochs=40, rng=0)
    for _ in range(20):
        next(run)
    norm_before = run.history[-1].weight_norm
    catalog.retune(regs, "l2", 2.0)
    history = run.run_all()
    assert history[-1].weight_norm < 0.5 * norm_before

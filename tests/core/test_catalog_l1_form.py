"""The catalog's L1 ``form`` knob: the proximal form makes exact zeros, the subgradient does not."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core import catalog


def test_form_knob_picks_the_l1_step():
    assert type(catalog.make("l1", 1e-3)[0]) is nc.L1
    assert type(catalog.make("l1", 1e-3, form="proximal")[0]) is nc.ProximalL1
    with pytest.raises(ValueError, match=r"L1 form must be one of \('subgradient', 'proximal'\)"):
        catalog.make("l1", 1e-3, form="shrink")


def test_retune_keeps_the_proximal_form():
    regs = catalog.make("l1", 1e-3, form="proximal")
    catalog.retune(regs, "l1", 0.02, form="proximal")
    assert type(regs[0]) is nc.ProximalL1 and regs[0].lam == 0.02


def test_only_the_proximal_form_gives_exact_zeros(moons):
    net = nc.MLP(moons.sizes((8,)), loss=moons.loss)
    params = net.init(np.random.default_rng(0))
    zeros = {}
    for form in ("subgradient", "proximal"):
        run = nc.Run(net, params, moons.X_train, moons.y_train, optimizer=nc.SGD(0.1),
                     regularizers=catalog.make("l1", 0.01, form=form), epochs=30, batch_size=10)
        zeros[form] = run.run_all()[-1].zeros
    assert zeros["subgradient"] == 0 < zeros["proximal"], zeros

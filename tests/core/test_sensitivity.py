"""The input-output Jacobian against finite differences, and the linear case."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.sensitivity import jacobian_norm


def test_the_jacobian_norm_matches_finite_differences():
    net = nc.MLP((5, 4, 3), activation="tanh", loss="softmax_ce")
    params = net.init(np.random.default_rng(0))
    params["b1"] = np.random.default_rng(1).normal(size=4)
    X = np.random.default_rng(2).normal(size=(6, 5))

    def logits(x):
        return np.tanh(x @ params["W1"] + params["b1"]) @ params["W2"]

    squares = []
    for x in X:
        jac = np.array([(logits(x + e) - logits(x - e)) / 2e-6 for e in 1e-6 * np.eye(5)])
        squares.append(np.sum(jac ** 2))
    assert jacobian_norm(params, X) == pytest.approx(np.sqrt(np.mean(squares)), rel=1e-6)
    stacked = {k: np.stack([v, 2 * v]) for k, v in params.items()}
    assert jacobian_norm(stacked, X)[0] == pytest.approx(jacobian_norm(params, X), rel=1e-12)


def test_refuses_deeper_networks():
    params = nc.MLP((2, 3, 3, 1)).init(np.random.default_rng(0))
    with pytest.raises(ValueError, match="one hidden layer"):
        jacobian_norm(params, np.zeros((1, 2)))

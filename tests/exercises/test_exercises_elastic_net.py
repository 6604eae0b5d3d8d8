"""Notebook 05: the elastic-net checker, the correlated-groups generator, and the claim that
proximal L1 plus coupled L2 reaches scikit-learn's ElasticNet solution."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.data import make_correlated_groups
from nnreg_core.exercises.elastic_net import check_elastic_net_strengths


def test_right_pair_passes_for_several_settings():
    assert check_elastic_net_strengths((0.005, 0.015), alpha=0.02, l1_ratio=0.25).startswith(
        "Correct")
    assert check_elastic_net_strengths([0.3, 0.0], alpha=0.3, l1_ratio=1.0).startswith("Correct")
    assert check_elastic_net_strengths(np.array([0.0, 1e-3]), alpha=1e-3,
                                       l1_ratio=0.0).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"),
    ((0.015, 0.005), "Swapped"),
    ((0.005, 0.0075), "half too small"),
    ((0.005, 0.03), "twice too big"),
    ((0.25, 0.75), "multiply both by α"),
    ((0.02, 0.02), "α is the total"),
    ((0.01, 0.01), "Not yet"),
    (0.005, "not a pair"),
    ("ab", "not a pair"),
    ((0.005, "x"), "not a number"),
])
def test_wrong_pairs_are_explained(answer, says):
    assert says in check_elastic_net_strengths(answer, alpha=0.02, l1_ratio=0.25)


def test_correlated_groups_have_the_stated_correlation_and_target():
    X, y, groups = make_correlated_groups(20000, 0.0, np.random.default_rng(0), n_groups=3,
                                          group_size=4, n_informative_groups=2, correlation=0.9)
    corr = np.corrcoef(X.T)
    same = groups[:, None] == groups[None, :]
    off_diagonal = same & ~np.eye(len(groups), dtype=bool)
    assert np.allclose(corr[off_diagonal], 0.9, atol=0.01)
    assert np.allclose(corr[~same], 0.0, atol=0.03)
    assert np.allclose(X.var(axis=0), 1.0, atol=0.05)
    # y = z_0 + z_1 and each group's mean is close to sqrt(0.9) z_g: y is explained by groups 0, 1
    means = np.stack([X[:, groups == g].mean(axis=1) for g in range(3)], axis=1)
    coef = np.linalg.lstsq(means, y, rcond=None)[0]
    assert np.allclose(coef, [1 / np.sqrt(0.9), 1 / np.sqrt(0.9), 0.0], atol=0.05)


@pytest.mark.parametrize("kwargs, says", [
    (dict(n_informative_groups=4), "cannot exceed n_groups"),
    (dict(correlation=1.0), "correlation must lie in [0, 1)"),
    (dict(group_size=0), "group_size must be"),
])
def test_correlated_groups_reject_bad_input(kwargs, says):
    with pytest.raises(ValueError, match=says.replace("[", r"\[").replace(")", r"\)")):
        make_correlated_groups(10, 0.1, np.random.default_rng(0), **kwargs)


def _fit_linear(X, y, regularizers, epochs=3000, lr=0.4):
    net = nc.MLP((X.shape[1], 1), loss="mse")
    zeros = {k: np.zeros_like(v) for k, v in net.init(np.random.default_rng(0)).items()}
    run = nc.Run(net, zeros, X, y, optimizer=nc.SGD(lr), regularizers=regularizers,
                 epochs=epochs, rng=0, evaluate_every=epochs)
    run.run_all()
    return run.params["W1"].ravel(), float(run.params["b1"][0])


def test_proximal_l1_plus_l2_matches_sklearn_elastic_net():
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y, _ = make_correlated_groups(100, 1.0, np.random.default_rng(2))
    alpha, ratio = 0.3, 0.5
    w, b = _fit_linear(X, y, [nc.ProximalL1(alpha * ratio), nc.L2(alpha * (1 - ratio))])
    ref = sklearn.ElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-12, max_iter=100000).fit(X, y)
    assert np.max(np.abs(w - ref.coef_)) < 1e-9
    assert abs(b - ref.intercept_) < 1e-9
    assert np.array_equal(w == 0, ref.coef_ == 0)


def test_l1_keeps_fewer_of_a_group_than_elastic_net():
    X, y, groups = make_correlated_groups(100, 1.0, np.random.default_rng(2))
    w_l1, _ = _fit_linear(X, y, [nc.ProximalL1(0.3)])
    w_en, _ = _fit_linear(X, y, [nc.ProximalL1(0.15), nc.L2(0.15)])
    kept_l1 = [int(np.sum(w_l1[groups == g] != 0)) for g in range(2)]
    kept_en = [int(np.sum(w_en[groups == g] != 0)) for g in range(2)]
    assert kept_l1 == [1, 1] and kept_en == [4, 4]

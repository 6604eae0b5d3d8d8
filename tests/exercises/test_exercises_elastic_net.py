"""Notebook 05: the elastic-net checker, the correlated-groups generator, and the claim that
proximal L1 plus coupled L2 reaches scikit-learn's ElasticNet solution."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core.data import make_correlated_groups
from nnreg_core.exercises.elastic_net import (check_elastic_net_strengths,
                                             check_learning_rate_bound, check_prox_step)
from nnreg_core.regularizers.decay import soft_threshold


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


def test_learning_rate_bound_separates_settling_from_cycling():
    """Below 2/(L + 2·λ2) with λ2 in CS231n's λ2·Σw² (the core's L2(2·λ2)) the proximal iterate
    settles; just above it, it does not (reference step)."""
    X, y, _ = make_correlated_groups(100, 1.0, np.random.default_rng(2))
    Xb = np.c_[X, np.ones(len(X))]
    L = np.linalg.eigvalsh(Xb.T @ Xb / len(X)).max()
    cs231n_l2, l1 = 0.4, 0.2
    bound = 2 / (L + 2 * cs231n_l2)
    assert check_learning_rate_bound(bound, curvature=L, cs231n_l2=cs231n_l2).startswith(
        "Correct")
    net = nc.MLP((X.shape[1], 1), loss="mse")
    zeros = {k: np.zeros_like(v) for k, v in net.init(np.random.default_rng(0)).items()}
    moved = []
    for lr in (0.95 * bound, 1.1 * bound):
        run = nc.Run(net, zeros, X, y, optimizer=nc.SGD(lr), backend="reference", rng=0,
                     regularizers=[nc.ProximalL1(l1), nc.L2(2 * cs231n_l2)],
                     epochs=1500, evaluate_every=1)
        weights = [r.weights["W1"].ravel() for r in run.run_all()[-2:]]
        moved.append(np.abs(weights[1] - weights[0]).max())
    assert moved[0] < 1e-9 < 1e-3 < moved[1]


@pytest.mark.parametrize("answer, says", [
    (None, "Replace None"), (2 / 4.4, "added λ2 itself"), (2 / 4.2, "halved λ2"),
    (0.5, "left out the L2 part"), (2.5, "left out the data loss"), (1 / 4.8, "twice that"),
    (0.3, "Not yet"), ("fast", "not a number"),
])
def test_learning_rate_slips_are_named(answer, says):
    message = check_learning_rate_bound(answer, curvature=4.0, cs231n_l2=0.4)
    assert not message.startswith("Correct")
    assert says in message


def test_learning_rate_bound_right_answer_passes_and_names_the_factor_two():
    message = check_learning_rate_bound(2 / 4.8, curvature=4.0, cs231n_l2=0.4)
    assert message.startswith("Correct") and "2·λ2" in message
    assert check_learning_rate_bound(2 / 5.0, curvature=4.0, cs231n_l2=0.5).startswith("Correct")
    assert not check_learning_rate_bound(2 / 4.8, curvature=4.0, cs231n_l2=0.5).startswith(
        "Correct")


def core_step(w, grad, lr, l1, l2):
    """One step in the core's order: coupled L2 in the gradient, then the soft threshold."""
    v = w - lr * (grad + nc.L2(l2).grad(w))
    return soft_threshold(v, lr * l1)


def test_prox_step_right_answers_pass():
    assert check_prox_step(core_step).startswith("Correct")
    assert check_prox_step(lambda w, g, lr, l1, l2: soft_threshold(
        w - lr * g - lr * l2 * w, lr * l1)).startswith("Correct")


@pytest.mark.parametrize("step, says", [
    (None, "Replace None"),
    (0.3, "not a value"),
    (lambda w, g, lr, l1, l2: soft_threshold(w - lr * (g + l2 * w), l1), "lr·λ1"),
    (lambda w, g, lr, l1, l2: w - lr * (g + l2 * w) - lr * l1 * np.sign(w), "subgradient"),
    (lambda w, g, lr, l1, l2: np.maximum(w - lr * (g + l2 * w) - lr * l1, 0), "negative"),
    (lambda w, g, lr, l1, l2: soft_threshold(w - lr * g, lr * l1), "L2 term is missing"),
    (lambda w, g, lr, l1, l2: soft_threshold(w, lr * l1) - lr * (g + l2 * w), "Threshold first"),
    (lambda w, g, lr, l1, l2: soft_threshold(w - lr * g, lr * l1) / (1 + lr * l2), "same fixed"),
    (lambda w, g, lr, l1, l2: w, "Not yet"),
    (lambda w, g, lr, l1, l2: w[:2], "shape"),
    (lambda w, g, lr, l1, l2: w.nope, "raised AttributeError"),
])
def test_prox_step_slips_are_named(step, says):
    message = check_prox_step(step)
    assert not message.startswith("Correct")
    assert says in message

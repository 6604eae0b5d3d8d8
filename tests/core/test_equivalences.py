"""Which regularizers are the same update and which are not, shown by training both.

- L2 in gradient form == multiplicative decay before the step, under plain SGD (factor 1 - lr*lam);
  not under momentum, not under Adam.
- Adam + DecoupledWeightDecay == AdamW as published (Loshchilov & Hutter 2019, Algorithm 2).
- Decay after the step == L2 only with the learning rate scaled as well.
- Proximal L1 lands on exact zeros; the constant shrink and the subgradient oscillate around zero.
- The blog's sign slip in L1 shrink pushes weights away from zero.
- K models on the model axis == K single runs; early stopping restores the best weights.
"""
import numpy as np
import pytest
from conftest import final_params, max_abs_diff

import nnreg_core as nc
from nnreg_core.data import make_sparse_linear

LR, LAM = 0.1, 0.05
FACTOR = 1 - LR * LAM
WEIGHTS = ["W1", "W2"]


@pytest.fixture
def problem(moons):
    """Net, initial weights and data for the L2-versus-decay comparisons."""
    net = nc.MLP(moons.sizes((8,)), activation="tanh", loss=moons.loss)
    return net, net.init(np.random.default_rng(0)), moons.X_train, moons.y_train


def train(problem, optimizer, regularizers, epochs=700, batch_size=20, seed=1):
    net, params, X, y = problem
    return final_params(net, params, X, y, optimizer=optimizer, regularizers=regularizers,
                        epochs=epochs, batch_size=batch_size, rng=seed, backend="reference")


def test_l2_equals_multiplicative_decay_before_the_step_under_sgd(problem):
    # 700 epochs of 3 minibatches: 2100 steps, with reshuffling.
    coupled = train(problem, nc.SGD(LR), [nc.L2(LAM)])
    decayed = train(problem, nc.SGD(LR), [nc.MultiplicativeDecay(FACTOR, stage="before")])
    plain = train(problem, nc.SGD(LR), [])
    assert max_abs_diff(coupled, decayed) < 1e-12
    # Control: the regularizer did something measurable.
    assert max_abs_diff(coupled, plain, WEIGHTS) > 1e-2


def steps_by_hand(problem, optimizer, regularizers, steps=2000):
    """``steps`` full-batch calls of :func:`nnreg_core.steps.step` (the reference step), the one-step primitive."""
    net, params, X, y = problem
    params = {n: p.copy() for n, p in params.items()}
    T, groups = net.encode_targets(y, len(X)), nc.steps.group(regularizers)
    state = optimizer.init(params)
    for _ in range(steps):
        nc.steps.step(net, params, state, X, T, optimizer, groups, None)
    return params


def test_the_step_primitive_gives_the_same_equivalence(problem):
    coupled = steps_by_hand(problem, nc.SGD(LR), [nc.L2(LAM)])
    decayed = steps_by_hand(problem, nc.SGD(LR), [nc.MultiplicativeDecay(FACTOR)])
    assert max_abs_diff(coupled, decayed) < 1e-12
    after = steps_by_hand(problem, nc.SGD(LR), [nc.MultiplicativeDecay(FACTOR, stage="after")])
    assert max_abs_diff(after, decayed, WEIGHTS) > 1e-4, "before and after the step coincide"


def test_the_factor_comes_from_convert(problem):
    factor = nc.convert(LAM, "cs231n", "decay_factor", lr=LR)
    assert factor == pytest.approx(FACTOR, rel=1e-15)
    assert nc.convert(factor, "decay_factor", "cs231n", lr=LR) == pytest.approx(LAM, rel=1e-12)


@pytest.mark.parametrize("optimizer", [lambda: nc.Momentum(LR, 0.9), lambda: nc.Adam(0.01)],
                         ids=["momentum", "adam"])
def test_l2_and_decay_differ_under_momentum_and_adam(problem, optimizer):
    lr = optimizer().lr
    factor = 1 - lr * LAM
    coupled = train(problem, optimizer(), [nc.L2(LAM)], epochs=200)
    decayed = train(problem, optimizer(), [nc.MultiplicativeDecay(factor)], epochs=200)
    gap = max_abs_diff(coupled, decayed, WEIGHTS)
    assert gap > 1e-2, f"L2 and decay differ by only {gap:.3g} under {optimizer().describe()}"
    print(f"{optimizer().describe()}: largest weight difference L2 vs decay = {gap:.3g}")


def adamw_as_published(net, params, X, T, *, alpha, lam, steps, beta1=0.9, beta2=0.999,
                       eps=1e-8, schedule=1.0):
    """Algorithm 2 of Loshchilov & Hutter, "Decoupled Weight Decay Regularization" (ICLR 2019).

    Full batch. With ``eta_t = schedule`` and ``g_t`` the data gradient (no L2 term)::

        m_t = beta1 m_{t-1} + (1 - beta1) g_t          v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
        m_hat = m_t / (1 - beta1^t)                   v_hat = v_t / (1 - beta2^t)
        theta_t = theta_{t-1} - eta_t (alpha m_hat / (sqrt(v_hat) + eps) + lam theta_{t-1})

    The decay is applied to the weights only (biases are not decayed).
    """
    theta = {n: p.copy() for n, p in params.items()}
    m = {n: np.zeros_like(p) for n, p in theta.items()}
    v = {n: np.zeros_like(p) for n, p in theta.items()}
    for t in range(1, steps + 1):
        out, cache = net.forward(theta, X)
        g = net.backward(theta, cache, T)
        for n in theta:
            m[n] = beta1 * m[n] + (1 - beta1) * g[n]
            v[n] = beta2 * v[n] + (1 - beta2) * g[n] ** 2
            m_hat, v_hat = m[n] / (1 - beta1 ** t), v[n] / (1 - beta2 ** t)
            decay = lam * theta[n] if n.startswith("W") else 0.0
            theta[n] = theta[n] - schedule * (alpha * m_hat / (np.sqrt(v_hat) + eps) + decay)
    return theta


def test_adam_with_decoupled_decay_is_adamw_as_published(problem):
    net, params, X, y = problem
    lr, wd, steps = 0.01, 0.5, 300
    ours = train(problem, nc.Adam(lr), [nc.DecoupledWeightDecay(wd)], epochs=steps,
                 batch_size=None)
    # PyTorch and optax write w -= lr*wd*w: the paper's lam is lr*wd (eta_t = 1).
    reference = adamw_as_published(net, params, X, net.encode_targets(y, len(X)), alpha=lr,
                                   lam=lr * wd, steps=steps)
    assert max_abs_diff(ours, reference) < 1e-12
    adam_l2 = train(problem, nc.Adam(lr), [nc.L2(wd)], epochs=steps, batch_size=None)
    gap = max_abs_diff(adam_l2, reference, WEIGHTS)
    assert gap > 1e-2, f"Adam+L2 is only {gap:.3g} away from AdamW"


F_AFTER = 0.98


def test_decay_after_the_step_equals_l2_with_the_learning_rate_scaled(problem):
    """``w <- f (w - lr g) = w - f lr (g + (1 - f) / (f lr) w)``: L2 with ``lr' = f lr``.

    The scaled rate applies to every parameter the decay touches, so biases are decayed too
    (``include_biases=True``); with biases out they would need a different rate from the weights.
    """
    decayed = train(problem, nc.SGD(LR),
                    [nc.MultiplicativeDecay(F_AFTER, stage="after", include_biases=True)])
    scaled = train(problem, nc.SGD(F_AFTER * LR),
                   [nc.L2((1 - F_AFTER) / (F_AFTER * LR), include_biases=True)])
    unscaled = train(problem, nc.SGD(LR), [nc.L2((1 - F_AFTER) / LR, include_biases=True)])
    assert max_abs_diff(decayed, scaled) < 1e-12
    gap = max_abs_diff(decayed, unscaled)
    assert gap > 1e-3, f"decay after the step is only {gap:.3g} away from unscaled L2"


def test_decay_after_the_step_with_biases_out_is_not_scaled_l2(problem):
    decayed = train(problem, nc.SGD(LR), [nc.MultiplicativeDecay(F_AFTER, stage="after")])
    scaled = train(problem, nc.SGD(F_AFTER * LR), [nc.L2((1 - F_AFTER) / (F_AFTER * LR))])
    gap = max_abs_diff(decayed, scaled)
    assert gap > 1e-5, f"biases out: only {gap:.3g} apart, yet their biases learn at lr and f*lr"


@pytest.fixture
def sparse_problem():
    """Linear regression (a one-layer MLP) with 3 informative inputs out of 20."""
    rng = np.random.default_rng(3)
    X, y, true_w = make_sparse_linear(100, 20, 3, 0.1, rng)
    net = nc.MLP((20, 1), loss="mse")
    return net, net.init(np.random.default_rng(4)), X, y, true_w


def weight_trajectory(sparse_problem, regularizers, lr=0.05, epochs=300):
    """Full-batch SGD; returns W1 after every step, shape ``(epochs, 20)``."""
    net, params, X, y, _ = sparse_problem
    run = nc.Run(net, params, X, y, optimizer=nc.SGD(lr), regularizers=regularizers,
                 epochs=epochs, rng=0, backend="reference")
    history = run.run_all()
    assert run.stopped is None, run.message
    assert run.stepper.kind == "reference"
    return np.array([report.weights["W1"][:, 0] for report in history])


def sign_flips(trajectory):
    """How many times a weight changes sign between consecutive steps (zeros count as no sign)."""
    signs = np.sign(trajectory)
    return int(np.sum(signs[1:] * signs[:-1] < 0))


L1_LAM, L1_LR = 0.1, 0.05


def l1_forms():
    return {"proximal": [nc.ProximalL1(L1_LAM)],
            "shrink": [nc.L1Shrink(L1_LR * L1_LAM)],
            "subgradient": [nc.L1(L1_LAM)]}


def test_proximal_l1_gives_exact_zeros_while_the_others_oscillate(sparse_problem):
    *_, true_w = sparse_problem
    useless = true_w == 0
    zeros, flips = {}, {}
    for name, regs in l1_forms().items():
        trajectory = weight_trajectory(sparse_problem, regs, lr=L1_LR)
        last = trajectory[-100:, useless]
        zeros[name] = int(np.sum(last[-1] == 0))
        flips[name] = sign_flips(last)
        assert np.all(trajectory[-1, ~useless] != 0), f"{name} zeroed an informative input"
    summary = f"exact zeros {zeros}, sign flips in the last 100 steps {flips}"
    assert zeros["proximal"] >= 14, summary
    assert flips["proximal"] == 0, summary
    for name in ("shrink", "subgradient"):
        assert zeros[name] == 0, summary
        assert flips[name] > 300, summary
    print(summary)


def test_l1_shrink_before_the_step_equals_the_subgradient_under_sgd(sparse_problem):
    shrink = weight_trajectory(sparse_problem, l1_forms()["shrink"], lr=L1_LR)
    subgradient = weight_trajectory(sparse_problem, l1_forms()["subgradient"], lr=L1_LR)
    np.testing.assert_allclose(shrink, subgradient, rtol=0, atol=1e-12)


def test_the_blog_sign_slip_grows_the_weights(sparse_problem):
    net, params, X, y, _ = sparse_problem
    amount = L1_LR * L1_LAM
    one_step = {"W1": params["W1"].copy()}
    nc.L1Shrink(amount, toward_zero=False).apply(one_step, lr=L1_LR)
    np.testing.assert_allclose(np.abs(one_step["W1"]), np.abs(params["W1"]) + amount, rtol=1e-15)
    l1_norm = {name: float(np.abs(weight_trajectory(sparse_problem, regs)[-1]).sum())
               for name, regs in {"none": [], "toward": [nc.L1Shrink(amount)],
                                  "away": [nc.L1Shrink(amount, toward_zero=False)]}.items()}
    assert l1_norm["away"] > l1_norm["none"] + 1.0 > l1_norm["toward"] + 1.0, l1_norm


def test_model_axis_equals_single_runs(problem):
    net, params, X, y = problem
    lams = np.array([0.0, 1e-3, 1e-2, 1e-1])
    batched = final_params(net, nc.model.stack_models(params, len(lams)), X, y,
                           optimizer=nc.Momentum(LR, 0.9), regularizers=[nc.L2(lams)],
                           epochs=50, batch_size=20, rng=1, backend="reference")
    for k, lam in enumerate(lams):
        single = final_params(net, params, X, y, optimizer=nc.Momentum(LR, 0.9),
                              regularizers=[nc.L2(lam)], epochs=50, batch_size=20, rng=1,
                              backend="reference")
        assert max_abs_diff(nc.model.select_model(batched, k), single) < 1e-12, k
    assert max_abs_diff(nc.model.select_model(batched, 0), nc.model.select_model(batched, 3)) > 1e-2


def test_early_stopping_restores_the_best_weights():
    data = nc.load("moons", n_train=30, n_test=300, noise=0.4, seed=2)
    net = nc.MLP(data.sizes((64, 64)), activation="tanh", loss=data.loss)
    run = nc.Run(net, net.init(np.random.default_rng(0)), data.X_train, data.y_train,
                 data.X_test, data.y_test, optimizer=nc.SGD(0.5), epochs=3000, patience=25, rng=0)
    history = run.run_all()
    assert run.stopped == "early_stopping", "the run never overfitted"
    best = min(history, key=lambda report: report.test_loss)
    last = history[-1]
    assert last.epoch - best.epoch == 25
    assert f"epoch {best.epoch}" in run.message
    for name, w in best.weights.items():
        np.testing.assert_array_equal(run.params[name], w)
    out, _ = net.forward(run.params, data.X_test)
    assert net.data_loss(out, net.encode_targets(data.y_test)) == best.test_loss
    assert max_abs_diff(run.params, last.weights, WEIGHTS) > 0, "nothing was restored"

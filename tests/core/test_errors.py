"""Bad input gets a ValueError that says what to fix; a diverging run stops and says why."""
import numpy as np
import pytest

import nnreg_core as nc

BAD_STRENGTHS = [(-0.1, "must be >= 0"), (float("nan"), "must be a finite number"),
                 (float("inf"), "must be a finite number"), ([0.1, -0.2], "must be >= 0"),
                 ([[0.1]], "one number per model")]

# (class name, how to build it with one bad strength)
STRENGTH_TAKERS = {
    "L2": lambda v: nc.L2(v),
    "L1": lambda v: nc.L1(v),
    "ElasticNet l1": lambda v: nc.ElasticNet(v, 0.1),
    "ElasticNet l2": lambda v: nc.ElasticNet(0.1, v),
    "ElasticNet alpha": lambda v: nc.ElasticNet.from_alpha_l1_ratio(v, 0.5),
    "DecoupledWeightDecay": lambda v: nc.DecoupledWeightDecay(v),
    "L1Shrink": lambda v: nc.L1Shrink(v),
    "ProximalL1": lambda v: nc.ProximalL1(v),
    "GaussianNoise": lambda v: nc.GaussianNoise(v),
}


@pytest.mark.parametrize("value,message", BAD_STRENGTHS, ids=lambda v: str(v)[:12])
@pytest.mark.parametrize("name", STRENGTH_TAKERS)
def test_bad_strength_is_refused(name, value, message):
    with pytest.raises(ValueError, match=message):
        STRENGTH_TAKERS[name](value)


@pytest.mark.parametrize("name", ["L2", "L1", "ProximalL1", "L1Shrink", "DecoupledWeightDecay"])
def test_bad_strength_set_mid_run_is_refused_and_the_old_one_kept(name):
    reg = STRENGTH_TAKERS[name](0.1)
    attribute = {"L1Shrink": "amount", "DecoupledWeightDecay": "wd"}.get(name, "lam")
    with pytest.raises(ValueError, match=f"{type(reg).__name__} {attribute} must be >= 0"):
        setattr(reg, attribute, -1.0)
    assert getattr(reg, attribute) == 0.1


@pytest.mark.parametrize("value,message", [(0.0, "must be > 0"), (-0.5, "must be > 0"),
                                           (1.5, "must be <= 1.0"), (float("nan"), "finite")])
@pytest.mark.parametrize("make", [lambda v: nc.Dropout(v), lambda v: nc.MultiplicativeDecay(v)],
                         ids=["Dropout keep", "MultiplicativeDecay factor"])
def test_probability_like_strength_outside_0_1(make, value, message):
    with pytest.raises(ValueError, match=message):
        make(value)


def test_dropout_names_the_keep_probability():
    with pytest.raises(ValueError, match="Dropout keep must be <= 1.0, got 1.2"):
        nc.Dropout(1.2)


@pytest.mark.parametrize("c", [0.0, -1.0, float("nan")])
def test_max_norm_needs_a_positive_bound(c):
    with pytest.raises(ValueError, match="MaxNorm c must be"):
        nc.MaxNorm(c)


def test_max_norm_refuses_layers_the_network_lacks():
    with pytest.raises(ValueError, match=r"name \['W3'\], which the network lacks"):
        nc.MaxNorm(3.0, layers=[1, 3]).apply({"W1": np.ones((2, 2)), "W2": np.ones((2, 1))})


@pytest.mark.parametrize("make,message", [
    (lambda: nc.SGD(0.0), "SGD lr must be > 0"),
    (lambda: nc.SGD(float("nan")), "SGD lr must be a finite number"),
    (lambda: nc.Momentum(0.1, beta=1.0), "Momentum beta must be < 1.0"),
    (lambda: nc.Momentum(0.1, beta=-0.1), "Momentum beta must be >= 0"),
    (lambda: nc.Adam(0.1, beta2=1.0), "Adam beta2 must be < 1.0"),
    (lambda: nc.Adam(0.1, eps=0.0), "Adam eps must be > 0"),
    (lambda: nc.ElasticNet.from_alpha_l1_ratio(0.1, 1.5), "l1_ratio must be <= 1.0"),
    (lambda: nc.MultiplicativeDecay(0.9, stage="during"), "stage must be 'before' or 'after'"),
    (lambda: nc.Dropout(0.5, where="output"), "where must be 'input' or 'hidden'"),
])
def test_other_bad_settings(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_decoupled_decay_refuses_lr_times_wd_of_one():
    with pytest.raises(ValueError, match="lr·wd must be < 1"):
        nc.DecoupledWeightDecay(10.0).apply({"W1": np.ones(2)}, lr=0.1)


def test_noise_needs_a_generator():
    with pytest.raises(ValueError, match="rng=np.random.default_rng"):
        nc.Dropout(0.5).forward(np.ones((2, 2)), rng=None)


# ------------------------------------------------------------------------------ names
@pytest.mark.parametrize("make,message", [
    (lambda: nc.MLP((2, 3, 1), activation="softplus"), "unknown activation 'softplus'; choose"),
    (lambda: nc.MLP((2, 3, 1), loss="hinge"), "unknown loss 'hinge'; choose"),
    (lambda: nc.load("mnist"), "unknown data set 'mnist'; choose one of moons"),
    (lambda: nc.convert(0.1, "caffe", "cs231n"), "unknown convention 'caffe'; known: cs231n"),
    (lambda: nc.convert(0.1, "cs231n", "keras", optimizer="rmsprop"),
     "unknown optimizer 'rmsprop'; choose"),
    (lambda: nc.MLP((2, 3, 2), loss="binary_ce"), "binary_ce needs one output unit"),
    (lambda: nc.MLP((2, 3, 1), loss="softmax_ce"), "one output unit per class"),
    (lambda: nc.MLP((2,)), "at least an input and an output"),
])
def test_unknown_names_and_bad_architectures(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# ------------------------------------------------------------------------------ data and runs
@pytest.fixture
def setup(moons):
    net = nc.MLP(moons.sizes((4,)), loss=moons.loss)
    return net, net.init(np.random.default_rng(0)), moons


def make_run(setup, **changes):
    net, params, data = setup
    arguments = dict(model=net, params=params, X_train=data.X_train, y_train=data.y_train,
                     X_test=data.X_test, y_test=data.y_test, optimizer=nc.SGD(0.1), epochs=2)
    arguments.update(changes)
    return nc.Run(**arguments)


def test_run_accepts_the_good_setup(setup):
    """Control for the tests below: only the one changed argument is wrong."""
    assert len(make_run(setup).run_all()) == 2


@pytest.mark.parametrize("change,message", [
    (lambda d: {"X_train": d.X_train[:, :1]}, r"X_train must have shape \(n, 2\)"),
    (lambda d: {"X_test": np.c_[d.X_test, d.X_test]}, r"X_test must have shape \(n, 2\)"),
    (lambda d: {"y_train": d.y_train[:-1]}, "X has 60 samples but y_train has 59"),
    (lambda d: {"y_train": np.where(d.y_train == 1, 2, 0)}, r"labels must lie in 0…1"),
    (lambda d: {"y_train": d.y_train - 0.5}, "class labels must be whole numbers"),
    (lambda d: {"y_train": d.y_train.reshape(-1, 1)}, r"class labels must have shape \(n,\)"),
    (lambda d: {"y_train": d.y_train.astype(str)}, "y_train must be numeric"),
    (lambda d: {"X_train": np.where(np.arange(60)[:, None] == 3, np.nan, d.X_train)},
     "X_train contains NaN"),
    (lambda d: {"y_test": None}, "give both X_test and y_test"),
    (lambda d: {"batch_size": 0}, "batch_size must be a whole number >= 1, got 0"),
    (lambda d: {"batch_size": 2.5}, "batch_size must be a whole number"),
    (lambda d: {"epochs": 0}, "epochs must be a whole number >= 1"),
    (lambda d: {"X_test": None, "y_test": None, "patience": 5},
     r"early stopping \(patience\) needs a test set"),
    (lambda d: {"regularizers": [0.01]}, "0.01 is not a regularizer"),
])
def test_bad_run_input(setup, change, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make_run(setup, **change(setup[2]))


def test_params_must_fit_the_architecture(setup):
    net, params, _ = setup
    wrong_shape = dict(params, W1=np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"W1 has shape \(3, 4\), expected \(2, 4\)"):
        make_run(setup, params=wrong_shape)
    missing = {k: v for k, v in params.items() if k != "b2"}
    with pytest.raises(ValueError, match="params lack b2"):
        make_run(setup, params=missing)


def test_multiclass_labels_out_of_range():
    net = nc.MLP((2, 3, 3), loss="softmax_ce")
    with pytest.raises(ValueError, match=r"labels must lie in 0…2 .* found \[-1, 3\]"):
        net.encode_targets(np.array([0, 3, 1, -1]), 4)


@pytest.mark.parametrize("kwargs,message", [
    ({"from_": "decay_factor", "to": "cs231n"}, r"from 'decay_factor' needs lr="),
    ({"from_": "cs231n", "to": "adamw"}, r"to 'adamw' needs lr="),
    ({"from_": "nielsen", "to": "cs231n"}, r"needs n_train= \(the training-set size n\)"),
    ({"from_": "cs231n", "to": "sklearn_alpha"}, r"needs batch_size= \(the minibatch size\)"),
    ({"from_": "cs231n", "to": "sklearn_alpha", "batch_size": 0},
     "batch_size must be a whole number >= 1"),
    ({"from_": "cs231n", "to": "blog_decay", "lr": -0.1}, "lr must be > 0"),
])
def test_conversion_context_is_required(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nc.convert(0.01, **kwargs)


@pytest.mark.parametrize("value,src,message", [
    (-0.1, "cs231n", "cs231n strength must be >= 0"),
    (float("nan"), "keras", "keras strength must be a finite number"),
    (1.2, "decay_factor", "decay factor f must be <= 1.0"),
    ("0.1", "cs231n", "the value must be a number"),
])
def test_conversion_refuses_bad_values(value, src, message):
    with pytest.raises(ValueError, match=message):
        nc.convert(value, src, "pytorch_sgd", lr=0.1)


def test_conversion_to_a_non_positive_decay_factor_is_refused():
    with pytest.raises(ValueError, match="no decay factor matches"):
        nc.convert(20.0, "cs231n", "decay_factor", lr=0.1)


# ------------------------------------------------------------------------------ divergence
def test_a_huge_learning_rate_stops_the_run_and_keeps_its_history():
    data = nc.load("regression_1d", n_train=40, n_test=20, noise=0.1, seed=0)
    net = nc.MLP((1, 1), loss="mse")
    run = nc.Run(net, net.init(np.random.default_rng(0)), data.X_train, data.y_train,
                 data.X_test, data.y_test, optimizer=nc.SGD(8.0), epochs=100, rng=0)
    history = run.run_all()
    assert run.stopped == "diverged"
    assert "Lower the learning rate (now 8)" in run.message
    assert run.epoch < 100
    last = history[-1]
    assert last.stopped == "diverged" and last.message == run.message
    assert [r.epoch for r in history] == list(range(1, run.epoch + 1))
    before = history[:-1]
    assert len(before) >= 5
    assert all(np.isfinite(r.train_loss) and np.isfinite(r.test_loss) for r in before)
    losses = [r.train_loss for r in before]
    assert losses[-1] > 1e3 * losses[0], "the loss should grow on its way to divergence"
    assert list(run) == [], "a stopped run yields nothing more"


def test_divergence_names_the_models_that_diverged():
    data = nc.load("regression_1d", n_train=40, n_test=20, noise=0.1, seed=0)
    net = nc.MLP((1, 1), loss="mse")
    params = net.init(np.random.default_rng(0), n_models=2)
    run = nc.Run(net, params, data.X_train, data.y_train, optimizer=nc.SGD(0.5),
                 regularizers=[nc.L2(np.array([0.0, 10.0]))], epochs=200, rng=0)
    run.run_all()
    assert run.stopped == "diverged"
    assert "(models [1])" in run.message and "now 0.5" in run.message


def test_a_sane_learning_rate_does_not_diverge():
    data = nc.load("regression_1d", n_train=40, n_test=20, noise=0.1, seed=0)
    net = nc.MLP((1, 1), loss="mse")
    run = nc.Run(net, net.init(np.random.default_rng(0)), data.X_train, data.y_train,
                 optimizer=nc.SGD(0.5), epochs=100, rng=0)
    assert len(run.run_all()) == 100 and run.stopped is None

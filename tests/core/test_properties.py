"""Properties that hold for every input, checked on many generated ones (hypothesis)."""
import warnings
from fractions import Fraction

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nnreg_core as nc
from nnreg_core.checks import numerical_gradient
from nnreg_core.regularizers.constraints import column_norms
from nnreg_core.conventions import CONVENTIONS
from nnreg_core.regularizers.decay import soft_threshold

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
strengths = st.floats(0, 10, allow_nan=False, allow_infinity=False)
# One array of 1 or 2 dimensions; a 3-D weight array is read as K models (tested apart).
small_shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5)


def weights(shape=small_shapes, elements=finite):
    return hnp.arrays(np.float64, shape, elements=elements)


def penalty_of(kind, lam):
    return {"L2": lambda: nc.L2(lam), "L1": lambda: nc.L1(lam),
            "ElasticNet": lambda: nc.ElasticNet(lam, 2 * lam)}[kind]()


penalty_kinds = st.sampled_from(["L2", "L1", "ElasticNet"])


# ------------------------------------------------------------------------------ penalties
@given(penalty_kinds, strengths, weights())
def test_penalty_value_is_never_negative(kind, lam, w):
    assert penalty_of(kind, lam).value(w) >= 0


@given(strengths, weights())
def test_l2_value_is_half_lambda_times_squared_norm(lam, w):
    expected = 0.5 * lam * float(np.sum(w * w))
    assert np.isclose(nc.L2(lam).value(w), expected, rtol=1e-12, atol=0)


@given(strengths, weights())
def test_l1_value_is_lambda_times_abs_sum(lam, w):
    assert np.isclose(nc.L1(lam).value(w), lam * float(np.sum(np.abs(w))), rtol=1e-12, atol=0)


@given(penalty_kinds, st.floats(0.01, 10), weights(hnp.array_shapes(max_dims=2, max_side=4),
                                                   st.floats(-5, 5)))
def test_penalty_gradient_matches_finite_differences_away_from_kinks(kind, lam, w):
    assume(np.all(np.abs(w) > 1e-3))  # L1's kink at 0 is 1e-5 (the step h) away at most
    penalty = penalty_of(kind, lam)
    numeric = numerical_gradient(lambda v: penalty.value(v), w.copy())
    np.testing.assert_allclose(penalty.grad(w), numeric, rtol=1e-6, atol=1e-6 * lam)


@given(penalty_kinds, st.lists(strengths, min_size=1, max_size=4), st.data())
def test_per_model_strengths_give_per_model_values(kind, lams, data):
    K = len(lams)
    w = data.draw(weights(st.tuples(st.just(K), st.integers(1, 4), st.integers(1, 4))))
    values = penalty_of(kind, np.array(lams)).value(w)
    assert values.shape == (K,)
    for k, lam in enumerate(lams):
        assert np.isclose(values[k], penalty_of(kind, lam).value(w[k]), rtol=1e-12, atol=0)
    grads = penalty_of(kind, np.array(lams)).grad(w)
    for k, lam in enumerate(lams):
        np.testing.assert_allclose(grads[k], penalty_of(kind, lam).grad(w[k]), rtol=1e-15)


# ------------------------------------------------------------------------------ max-norm
matrices = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=3, min_side=1,
                                                   max_side=6), elements=finite)
bounds = st.floats(0.01, 5)


def project(W, c):
    params = {"W1": W.copy()}
    nc.MaxNorm(c).apply(params)
    return params["W1"]


@given(matrices, bounds)
def test_max_norm_bounds_every_column(W, c):
    assert np.all(column_norms(project(W, c)) <= c * (1 + 1e-12))


@given(matrices, bounds)
def test_max_norm_raises_no_warning(W, c):
    """Zero columns (dead units, proximal L1) must not overflow ``c / norm``."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        project(W, c)
        project(np.zeros_like(W), c)


@given(matrices, bounds)
def test_max_norm_is_idempotent(W, c):
    once = project(W, c)
    np.testing.assert_allclose(project(once, c), once, rtol=1e-12, atol=0)


@given(matrices, bounds)
def test_max_norm_leaves_columns_inside_untouched(W, c):
    inside = np.broadcast_to((column_norms(W) <= c)[..., None, :], W.shape)
    np.testing.assert_array_equal(project(W, c)[inside], W[inside])


@given(matrices, bounds)
def test_max_norm_keeps_each_column_direction(W, c):
    P = project(W, c)
    # P[:, j] = s_j W[:, j] with 0 < s_j <= 1: the cross products of the two columns vanish.
    norms_w, norms_p = column_norms(W), column_norms(P)
    np.testing.assert_allclose(P * norms_w[..., None, :], W * norms_p[..., None, :],
                               rtol=1e-12, atol=1e-12 * max(1.0, float(np.max(np.abs(W))) ** 2))
    assert np.all(np.sign(P) == np.sign(W))


@given(st.lists(bounds, min_size=1, max_size=4), st.data())
def test_max_norm_with_one_bound_per_model(cs, data):
    K = len(cs)
    W = data.draw(hnp.arrays(np.float64, st.tuples(st.just(K), st.integers(1, 5),
                                                   st.integers(1, 5)), elements=finite))
    P = project(W, np.array(cs))
    for k, c in enumerate(cs):
        np.testing.assert_array_equal(P[k], project(W[k], c))


# ------------------------------------------------------------------------------ soft threshold
@given(weights(), st.floats(0, 5))
def test_soft_threshold_never_grows_a_weight(w, t):
    assert np.all(np.abs(soft_threshold(w, t)) <= np.abs(w))


@given(weights(), st.floats(0, 5))
def test_soft_threshold_zeros_exactly_where_small(w, t):
    result = soft_threshold(w, t)
    np.testing.assert_array_equal(result == 0, np.abs(w) <= t)
    big = np.abs(w) > t
    np.testing.assert_array_equal(np.sign(result[big]), np.sign(w[big]))


# ------------------------------------------------------------------------------ conventions
names = st.sampled_from(list(CONVENTIONS))
fractions = st.fractions(min_value=Fraction(1, 10 ** 6), max_value=Fraction(1, 2),
                         max_denominator=10 ** 6)


@given(names, names, fractions, fractions, st.integers(1, 50), st.integers(1, 20))
def test_fraction_conversions_round_trip_exactly(src, dst, c, lr, batch_size, n_batches):
    assume(lr * c < 1)
    context = {"lr": lr, "n_train": batch_size * n_batches, "batch_size": batch_size}
    value = nc.convert(c, "cs231n", src, **context)
    back = nc.convert(nc.convert(value, src, dst, **context), dst, src, **context)
    assert back == value


@given(names, names.filter(lambda n: n != "decay_factor"), st.floats(1e-6, 10),
       st.floats(1e-3, 1.0), st.integers(1, 64))
def test_float_conversions_round_trip_within_two_ulp(src, dst, c, lr, batch_size):
    assume(lr * c < 0.5)
    context = {"lr": lr, "n_train": batch_size * 3, "batch_size": batch_size}
    value = nc.convert(c, "cs231n", src, **context)
    back = nc.convert(nc.convert(value, src, dst, **context), dst, src, **context)
    assert abs(back - value) <= 2 * np.spacing(value)


# ------------------------------------------------------------------------------ dropout
@given(st.floats(0.05, 1.0), st.integers(0, 2 ** 32 - 1),
       hnp.arrays(np.float64, st.tuples(st.integers(50, 200), st.integers(1, 8)),
                  elements=st.floats(-3, 3)))
def test_dropout_preserves_the_mean_activation(keep, seed, a):
    """``E[a m / keep] = a``: the sample mean lies within 5 standard deviations of the mean,
    ``Var(mean) = (1 - keep) / keep * sum a^2 / N^2`` for N independent units."""
    out, mask = nc.Dropout(keep).forward(a, np.random.default_rng(seed))
    n = a.size
    sd = np.sqrt((1 - keep) / keep * np.sum(a * a)) / n
    assert abs(out.mean() - a.mean()) <= 5 * sd + 1e-12
    assert set(np.unique(mask)).issubset({0.0, 1.0 / keep})


def test_dropout_mean_bound_catches_non_inverted_dropout():
    """Control: without the 1/keep scaling the mean drops to keep * mean, far outside the bound."""
    a = np.full((200, 8), 1.0)
    keep = 0.5
    out, _ = nc.Dropout(keep).forward(a, np.random.default_rng(0))
    not_inverted = out * keep
    sd = np.sqrt((1 - keep) / keep * np.sum(a * a)) / a.size
    assert abs(not_inverted.mean() - a.mean()) > 5 * sd
    assert abs(out.mean() - a.mean()) <= 5 * sd


@given(weights(), st.integers(0, 2 ** 32 - 1))
def test_dropout_with_keep_one_is_the_identity(a, seed):
    out, mask = nc.Dropout(1.0).forward(a, np.random.default_rng(seed))
    np.testing.assert_array_equal(out, a)
    assert np.all(mask == 1.0)
    np.testing.assert_array_equal(nc.Dropout(1.0).backward(a, mask), a)


# ------------------------------------------------------------------------------ shapes
architectures = st.tuples(st.integers(1, 4), st.lists(st.integers(1, 5), max_size=2),
                          st.sampled_from(["mse", "binary_ce", "softmax_ce"]),
                          st.integers(1, 6), st.one_of(st.none(), st.integers(1, 3)))


@given(architectures, st.sampled_from(["tanh", "relu", "sigmoid"]))
def test_shapes_with_and_without_the_model_axis(arch, activation):
    d, hidden, loss, n, K = arch
    n_out = {"mse": 2, "binary_ce": 1, "softmax_ce": 3}[loss]
    net = nc.MLP((d, *hidden, n_out), activation=activation, loss=loss)
    rng = np.random.default_rng(0)
    params = net.init(rng, n_models=K)
    lead = () if K is None else (K,)
    sizes = net.sizes
    for i in range(1, net.n_layers + 1):
        assert params[f"W{i}"].shape == lead + (sizes[i - 1], sizes[i])
        assert params[f"b{i}"].shape == lead + (sizes[i],)
    X = rng.standard_normal((n, d))
    y = rng.standard_normal((n, n_out)) if loss == "mse" else rng.integers(0, max(n_out, 2), n)
    T = net.encode_targets(y, n)
    assert T.shape == (n, n_out)
    noise = [nc.Dropout(0.5), nc.GaussianNoise(0.1, where="input")]
    out, cache = net.forward(params, X, noise, rng)
    assert out.shape == lead + (n, n_out)
    grads = net.backward(params, cache, T)
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in params.items()}
    loss_value = net.data_loss(out, T)
    assert (isinstance(loss_value, float) if K is None else loss_value.shape == (K,))
    assert np.shape(nc.L2(0.1).value(params)) == lead
    assert net.predict(params, X).shape[:len(lead) + 1] == lead + (n,)

"""Augmentation: the transform moves pixels as it says, the batch stage acts in training only."""
import numpy as np
import pytest

import nnreg_core as nc
from nnreg_core import catalog, steps
from nnreg_core.draws import digits_draw
from nnreg_core.regularizers import Augment
from nnreg_core.regularizers.augment import transform


def digit():
    return nc.data.load_digits()[0][0].reshape(8, 8)


@pytest.mark.parametrize("dy, dx", [(1, 0), (0, 1), (-1, 0), (0, -1), (1, -1)])
def test_a_one_pixel_shift_moves_the_image_by_one_pixel(dy, dx):
    img = digit()
    moved = transform(img, dy, dx, 0.0)
    expected = np.zeros_like(img)
    rows, cols = slice(max(dy, 0), 8 + min(dy, 0)), slice(max(dx, 0), 8 + min(dx, 0))
    src_rows, src_cols = slice(max(-dy, 0), 8 - max(dy, 0)), slice(max(-dx, 0), 8 - max(dx, 0))
    expected[rows, cols] = img[src_rows, src_cols]
    np.testing.assert_array_equal(moved, expected)


def test_a_quarter_turn_turns_the_image_clockwise():
    img = digit()
    np.testing.assert_allclose(transform(img, 0, 0, np.pi / 2), np.rot90(img, k=-1), atol=1e-12)


def test_small_rotations_keep_most_of_the_ink():
    img = digit()
    turned = transform(img, 0, 0, np.deg2rad(10))
    assert abs(turned.sum() - img.sum()) < 0.05 * img.sum()
    assert not np.allclose(turned, img)


def test_shape_dtype_and_labels():
    d = digits_draw(0, n_train=20, n_val=5, n_test=5)
    aug = Augment(1.0, mean=d.mean, scale=d.scale)
    for dtype in (np.float64, np.float32):
        X = d.X_train.astype(dtype)
        out = aug.apply(X, np.random.default_rng(0))
        assert out.shape == X.shape and out.dtype == dtype
    per_model = Augment(np.array([0.0, 1.0, 2.0])).apply(d.X_train, np.random.default_rng(0))
    assert per_model.shape == (3,) + d.X_train.shape
    y = d.y_train.copy()
    net = nc.MLP((64, 8, 10), loss="softmax_ce")
    run = nc.Run(net, net.init(np.random.default_rng(0)), d.X_train, d.y_train,
                 optimizer=nc.SGD(0.1), regularizers=[aug], epochs=2, batch_size=5,
                 backend="reference")
    run.run_all()
    np.testing.assert_array_equal(d.y_train, y)


def test_zero_strength_is_the_identity_and_draws_depend_on_the_seed_only():
    d = digits_draw(1, n_train=30, n_val=5, n_test=5)
    off = Augment(0.0, degrees=0.0, mean=d.mean, scale=d.scale)
    np.testing.assert_allclose(off.apply(d.X_train, np.random.default_rng(0)), d.X_train,
                               atol=1e-12)
    aug = Augment(1.0, mean=d.mean, scale=d.scale)
    first = aug.apply(d.X_train, np.random.default_rng(5))
    np.testing.assert_array_equal(first, aug.apply(d.X_train, np.random.default_rng(5)))
    assert not np.array_equal(first, aug.apply(d.X_train, np.random.default_rng(6)))


def test_augmentation_acts_in_training_only():
    """The reported training loss is the network's loss on the images as they are."""
    d = digits_draw(2, n_train=40, n_val=5, n_test=5)
    net = nc.MLP((64, 16, 10), loss="softmax_ce")
    run = nc.Run(net, net.init(np.random.default_rng(0)), d.X_train, d.y_train,
                 optimizer=nc.SGD(0.2), regularizers=catalog.make("augment", 1.0, mean=d.mean,
                                                                   scale=d.scale),
                 epochs=3, batch_size=10)
    report = run.run_all()[-1]
    out, _ = net.forward(run.params, d.X_train)
    assert report.train_loss == net.data_loss(out, net.encode_targets(d.y_train))
    assert run.stepper.kind == "packed"


def test_the_step_transforms_the_batch_before_the_forward_pass():
    """One reference step with augmentation equals one plain step on the augmented batch."""
    d = digits_draw(3, n_train=10, n_val=5, n_test=5)
    net = nc.MLP((64, 6, 10), loss="softmax_ce")
    aug = Augment(1.0, mean=d.mean, scale=d.scale)
    T = net.encode_targets(d.y_train)
    with_aug = net.init(np.random.default_rng(0))
    plain = {k: v.copy() for k, v in with_aug.items()}
    opt = nc.SGD(0.1)
    steps.step(net, with_aug, opt.init(with_aug), d.X_train, T, opt, steps.group([aug]),
               np.random.default_rng(4))
    X_aug = aug.apply(d.X_train, np.random.default_rng(4))
    steps.step(net, plain, opt.init(plain), X_aug, T, opt, steps.group([]), None)
    for name in plain:
        np.testing.assert_array_equal(with_aug[name], plain[name])


def test_batched_strengths_train_each_model_on_its_own_augmented_batch():
    d = digits_draw(4, n_train=20, n_val=5, n_test=5)
    net = nc.MLP((64, 6, 10), loss="softmax_ce")
    run = nc.Run(net, net.init(np.random.default_rng(0), n_models=2), d.X_train, d.y_train,
                 optimizer=nc.SGD(0.1), regularizers=[Augment(np.array([0.0, 1.0]), degrees=0.0,
                                                              mean=d.mean, scale=d.scale)],
                 epochs=2, batch_size=10)
    run.run_all()
    assert not np.allclose(run.params["W1"][0], run.params["W1"][1])
    assert run.stepper.kind == "packed"  # never split into chunks: the draws are the batch's


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="image_shape"):
        Augment(1.0).apply(np.zeros((3, 10)), np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        Augment(1.0).apply(np.zeros((3, 64)), None)
    with pytest.raises(ValueError, match="shift"):
        Augment(-1.0)
    with pytest.raises(ValueError, match="scale"):
        Augment(1.0, scale=np.zeros(64))


def test_no_digits_pixel_is_divided_by_less_than_one_grey_level():
    """A pixel inked in one training image in a hundred would otherwise blow a stroke that lands
    there up to about 80 standard deviations (draw 1 of 100 images has spreads of 0.1)."""
    d = digits_draw(1, n_train=100, n_val=500, n_test=1000)
    assert d.scale.min() >= nc.data.DIGITS_SCALE_FLOOR == 1.0
    assert max(np.abs(X).max() for X in (d.X_train, d.X_val, d.X_test)) <= 16.0
    moved = Augment(0.5, degrees=10.0, mean=d.mean, scale=d.scale).apply(
        d.X_train, np.random.default_rng(0))
    assert np.abs(moved).max() <= 16.0


def test_training_with_augmentation_forgets_a_tiny_change_of_its_start():
    """With the floor, SGD on moved digits is stable: a start changed in its 13th digit ends
    within 1e-9 of the unchanged run (with spreads of 0.1 it ended up to 1.2 apart)."""
    d = digits_draw(1, n_train=100, n_val=5, n_test=5)
    net = nc.MLP((64, 64, 10), activation="tanh", loss="softmax_ce")
    ends = []
    for factor in (1.0, 1.0 + 1e-13):
        params = net.init(np.random.default_rng(1))
        params["W1"] = params["W1"] * factor
        run = nc.Run(net, params, d.X_train, d.y_train, d.X_val, d.y_val, optimizer=nc.SGD(0.2),
                     regularizers=[Augment(0.5, degrees=10.0, mean=d.mean, scale=d.scale)],
                     epochs=30, batch_size=20, rng=0, backend="reference")
        run.run_all()
        ends.append(run.params["W1"])
    assert np.abs(ends[0] - ends[1]).max() < 1e-9

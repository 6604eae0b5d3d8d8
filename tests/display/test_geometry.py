"""The geometry picture and its λ slider: artists move to the exact solutions, in place."""
import numpy as np

from nnreg_core import linear
from nnreg_core.display.geometry import GeometryExplorer, draw_early_stopping

X, y = linear.two_weight_problem()


def test_the_slider_moves_every_marker_to_its_exact_solution():
    explorer = GeometryExplorer(X, y, lam=0.01)
    figures_before = len(explorer.figure.axes)
    explorer.slider.value = 1.5
    lam = explorer.picture.lam
    markers = explorer.picture.markers
    np.testing.assert_allclose(np.ravel(markers["l2"].get_data()), linear.ridge(X, y, lam),
                               atol=1e-12)
    l1 = np.ravel(markers["l1"].get_data())
    np.testing.assert_allclose(l1, linear.elastic_net(X, y, lam), atol=1e-10)
    assert l1[1] == 0.0 and l1[0] > 0
    assert np.isclose(np.max(np.abs(explorer.picture.disc.get_xdata())),
                      np.linalg.norm(linear.ridge(X, y, lam)), rtol=1e-6)
    assert np.isclose(np.max(explorer.picture.diamond.get_xdata()), np.abs(l1).sum())
    assert len(explorer.figure.axes) == figures_before  # updated in place, nothing added
    explorer.close()


def test_small_strengths_leave_both_weights_nonzero():
    found = GeometryExplorer(X, y, lam=0.01).set_lambda(0.01)
    assert np.all(found["l1"] != 0) and np.all(found["l2"] != 0)


def test_the_early_stopping_picture_joins_each_iterate_to_its_l2_twin():
    ax = draw_early_stopping(X, y, 0.05, [3, 30])
    assert "τ = 3, 30" in ax.get_title()


def test_the_slider_starts_on_its_grid_and_shows_the_strength_the_picture_uses():
    from nnreg_core.display.geometry import LAMS
    explorer = GeometryExplorer(X, y, lam=0.3)
    exponents = (np.log10(explorer.slider.value) - explorer.slider.min) / explorer.slider.step
    assert abs(exponents - round(exponents)) < 1e-9          # a whole number of steps
    assert explorer.slider.value == explorer.picture.lam and explorer.picture.lam in LAMS
    explorer.close()

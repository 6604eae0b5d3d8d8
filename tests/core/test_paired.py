"""Paired differences: the t quantiles, the standard error, what pairing removes."""
import numpy as np
import pytest
from scipy import stats

from nnreg_core import paired


@pytest.mark.parametrize("df", sorted(paired.T_975))
def test_the_t_table_is_students(df):
    assert paired.T_975[df] == pytest.approx(stats.t.ppf(0.975, df), abs=6e-4)


def test_the_test_matches_scipys_paired_t_test():
    rng = np.random.default_rng(0)
    a = rng.normal(0.9, 0.02, 6)
    b = a - rng.normal(0.005, 0.01, 6)
    p = paired.paired(a, b)
    reference = stats.ttest_rel(a, b)
    assert p.t == pytest.approx(reference.statistic, rel=1e-12)
    assert p.real == (reference.pvalue < 0.05)


def test_pairing_removes_what_the_draws_share():
    shared = np.array([0.80, 0.95, 0.85, 0.90, 0.88])
    p = paired.paired(shared + 0.01, shared)
    assert p.real and p.sd < 1e-12
    unpaired_se = np.hypot(np.std(shared + 0.01, ddof=1), np.std(shared, ddof=1)) / np.sqrt(5)
    assert 0.01 / unpaired_se < paired.t_quantile(8)  # an unpaired view would miss it


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="two equal"):
        paired.paired([1.0], [1.0])
    with pytest.raises(ValueError, match="df"):
        paired.t_quantile(0)

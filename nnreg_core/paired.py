"""Is a difference real? Paired differences over repeated draws, and a t test on them.

Two methods scored on the same D draws (the same data, the same initial weights) give D paired
differences ``d_j = a_j − b_j``. Their mean is the estimated difference; its standard error is
``sd(d) / √D`` (sd with ddof = 1). Pairing removes what the draws share: a hard draw lowers
both scores, and does not count as noise in the difference. The difference is called real at
the 5 % level when ``|t| = |mean| / se`` exceeds Student's t quantile ``t_{0.975, D−1}``.
"""
from dataclasses import dataclass

import numpy as np

#: Student's t, the 0.975 quantile, by degrees of freedom (two-sided 5 % test).
T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
         9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131,
         16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 25: 2.060, 30: 2.042}


@dataclass
class Paired:
    """The paired differences ``d`` and what they say: ``mean``, ``sd`` (ddof=1), ``se``,
    ``t`` and ``real`` (``|t| > t_{0.975, D−1}``)."""

    d: np.ndarray

    @property
    def mean(self):
        return float(self.d.mean())

    @property
    def sd(self):
        return float(self.d.std(ddof=1))

    @property
    def se(self):
        return float(self.sd / np.sqrt(len(self.d)))

    @property
    def t(self):
        return float(self.mean / self.se) if self.se > 0 else float(np.inf * np.sign(self.mean))

    @property
    def real(self):
        return bool(abs(self.t) > t_quantile(len(self.d) - 1))


def t_quantile(df):
    """``t_{0.975, df}`` from :data:`T_975` (the next smaller tabled df when between entries).

    >>> t_quantile(4)
    2.776
    """
    if int(df) != df or df < 1:
        raise ValueError(f"a t test needs at least two draws (df >= 1), got df={df!r}.")
    return T_975[max(k for k in T_975 if k <= df)]


def paired(a, b):
    """:class:`Paired` differences ``a − b`` of two methods' scores on the same draws.

    >>> p = paired([0.90, 0.92, 0.88], [0.88, 0.90, 0.87])
    >>> round(p.mean, 4), round(p.t, 2), p.real
    (0.0167, 5.0, True)
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ValueError(f"paired scores need two equal 1-D arrays of at least 2 draws, got "
                         f"shapes {a.shape} and {b.shape}.")
    return Paired(a - b)

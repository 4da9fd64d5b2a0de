"""Summaries and comparisons of repeated measurements, the way benchstat does them.

A sample is summarised by its median and a distribution-free 95% confidence interval
for the median (from order statistics, so no normality is assumed); two samples are
compared with the Mann-Whitney U test. A difference is reported only when it is
significant; otherwise the verdict says there is none to see, or that the spread is too
wide to tell.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats as scistats

ALPHA = 0.05
WIDE_SPREAD_PCT = 25.0  # a confidence interval wider than this (either side) says little


@dataclass(frozen=True)
class Summary:
    n: int
    median: float
    low: float  # 95% confidence interval for the median
    high: float
    minimum: float
    maximum: float

    @property
    def spread_pct(self) -> float:
        """Half-width of the interval, as a percentage of the median (benchstat's ±)."""
        if self.median == 0:
            return 0.0 if self.low == self.high == 0 else math.inf
        return 100.0 * max(self.median - self.low, self.high - self.median) / abs(self.median)


def summarize(values: Sequence[float]) -> Summary:
    if not values:
        raise ValueError("no values to summarise")
    xs = sorted(values)
    n = len(xs)
    low, high = median_interval(xs)
    return Summary(n, statistics.median(xs), low, high, xs[0], xs[-1])


def median_interval(xs: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """[x_(k), x_(n-k+1)] with k the largest rank such that P(Binomial(n, 1/2) < k) <= alpha/2."""
    n = len(xs)
    alpha = 1 - confidence
    k = int(scistats.binom.ppf(alpha / 2, n, 0.5))
    while k > 0 and scistats.binom.cdf(k - 1, n, 0.5) > alpha / 2:
        k -= 1
    if k < 1:  # too few values for any interval narrower than the range
        return xs[0], xs[-1]
    return xs[k - 1], xs[n - k]


@dataclass(frozen=True)
class Comparison:
    base: Summary
    head: Summary
    p_value: float
    alpha: float = ALPHA

    @property
    def delta_pct(self) -> float:
        if self.base.median == 0:
            return 0.0 if self.head.median == 0 else math.inf
        return 100.0 * (self.head.median - self.base.median) / abs(self.base.median)

    @property
    def significant(self) -> bool:
        return self.p_value < self.alpha

    @property
    def too_wide(self) -> bool:
        return max(self.base.spread_pct, self.head.spread_pct) > WIDE_SPREAD_PCT

    @property
    def verdict(self) -> str:
        if self.significant:
            return f"{self.delta_pct:+.1f}% (p={self.p_value:.3g})"
        if self.too_wide:
            return f"~ spread too wide to tell (p={self.p_value:.2g})"
        return f"~ (p={self.p_value:.2g})"


def compare(base: Sequence[float], head: Sequence[float], alpha: float = ALPHA) -> Comparison:
    b, h = summarize(base), summarize(head)
    if len(set(base)) == 1 and len(set(head)) == 1:
        # Constant samples (sizes, allocation counts): the test is meaningless; equal or not.
        p = 1.0 if base[0] == head[0] else 0.0
    else:
        p = float(scistats.mannwhitneyu(base, head, alternative="two-sided").pvalue)
    return Comparison(b, h, p, alpha)

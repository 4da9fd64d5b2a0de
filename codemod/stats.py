"""Summaries and comparisons of repeated measurements, the way benchstat does them.

A sample is summarised by its median and a distribution-free 95% confidence interval
for the median (from order statistics, so no normality is assumed); two samples are
compared with the Mann-Whitney U test. A family of comparisons (the packages of one
program; the totals) is corrected together with Benjamini-Hochberg, and a difference is
significant only when it survives that correction and is larger than a minimum effect,
both absolute (inittrace prints 0.001 ms steps, so tiny packages tie and jitter) and
relative. Plain Python: importing scipy cost about 0.5 s on every start of the CLI.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

ALPHA = 0.05
WIDE_SPREAD_PCT = 25.0  # a confidence interval wider than this (either side) says little
EXACT_MAX_PAIRS = 2500  # exact U distribution up to n1*n2 this large (50 x 50), if no ties


@dataclass(frozen=True)
class MinEffect:
    """The smallest change worth reporting: both `absolute` (in the samples' unit) and
    `relative_pct` must be exceeded."""

    absolute: float = 0.0
    relative_pct: float = 0.0


NO_MIN_EFFECT = MinEffect()


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
    tail = (1 - confidence) / 2
    k, below = 0, 0  # below: the count of outcomes < k, out of 2**n
    while (below + math.comb(n, k)) / 2**n <= tail:
        below += math.comb(n, k)
        k += 1
    if k < 1:  # too few values for any interval narrower than the range
        return xs[0], xs[-1]
    return xs[k - 1], xs[n - k]


def mann_whitney_p(x: Sequence[float], y: Sequence[float]) -> float:
    """Two-sided p-value of the Mann-Whitney U test (scipy's `mannwhitneyu`): the exact
    distribution for small samples without ties, else the normal approximation with tie
    and continuity correction."""
    ranks = _ranks([*x, *y])
    n1, n2 = len(x), len(y)
    u1 = sum(ranks[:n1]) - n1 * (n1 + 1) / 2
    u = max(u1, n1 * n2 - u1)
    ties = _tie_counts([*x, *y])
    if not ties and n1 * n2 <= EXACT_MAX_PAIRS:
        return min(1.0, 2 * exact_sf(round(u), n1, n2))
    n = n1 + n2
    tie_term = sum(t**3 - t for t in ties)
    variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)))
    if variance <= 0:  # every value equal: nothing to tell apart
        return 1.0
    z = (u - n1 * n2 / 2 - 0.5) / math.sqrt(variance)
    return min(1.0, 2 * normal_sf(z))


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _tie_counts(values: Sequence[float]) -> list[int]:
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return [c for c in counts.values() if c > 1]


def exact_sf(u: int, n1: int, n2: int) -> float:
    """P(U >= u) when no values tie: the number of rankings with each U is a coefficient
    of the Gaussian binomial [n1+n2 choose n1]_q."""
    counts = _u_counts(n1, n2)
    return sum(counts[u:]) / math.comb(n1 + n2, n1)


def _u_counts(n1: int, n2: int) -> list[int]:
    """Coefficients of prod_{i=1..n1} (1 - q^(n2+i)) / (1 - q^i), built one factor at a time."""
    size = n1 * n2 + 1
    poly = [1] + [0] * (size - 1)
    for i in range(1, n1 + 1):
        step = n2 + i
        for d in range(size - 1, step - 1, -1):  # times (1 - q^step)
            poly[d] -= poly[d - step]
        for d in range(i, size):  # divided by (1 - q^i): exact, the quotient is a polynomial
            poly[d] += poly[d - i]
    return poly


def normal_sf(z: float) -> float:
    """P(Z > z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def fdr_adjust(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the given order: a family's
    test is significant at FDR alpha when its q-value is below alpha."""
    m = len(p_values)
    order = sorted(range(m), key=p_values.__getitem__, reverse=True)
    adjusted = [1.0] * m
    running = 1.0
    for rank_from_top, i in enumerate(order):
        rank = m - rank_from_top
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted


@dataclass(frozen=True)
class Comparison:
    base: Summary
    head: Summary
    p_value: float
    alpha: float = ALPHA
    q_value: float | None = None  # p adjusted over its family (None: not yet corrected)
    min_effect: MinEffect = NO_MIN_EFFECT

    @property
    def delta(self) -> float:
        return self.head.median - self.base.median

    @property
    def delta_pct(self) -> float:
        if self.base.median == 0:
            return 0.0 if self.head.median == 0 else math.inf
        return 100.0 * self.delta / abs(self.base.median)

    @property
    def adjusted_p(self) -> float:
        return self.p_value if self.q_value is None else self.q_value

    @property
    def detected(self) -> bool:
        """The test says the samples differ (after the family's correction)."""
        return self.adjusted_p < self.alpha

    @property
    def large_enough(self) -> bool:
        return (
            abs(self.delta) >= self.min_effect.absolute
            and abs(self.delta_pct) >= self.min_effect.relative_pct
        )

    @property
    def significant(self) -> bool:
        """Detected after FDR control, and above the minimum effect."""
        return self.detected and self.large_enough

    @property
    def too_wide(self) -> bool:
        return max(self.base.spread_pct, self.head.spread_pct) > WIDE_SPREAD_PCT

    @property
    def verdict(self) -> str:
        p = self.p_text
        if self.significant:
            return f"{_pct(self.delta_pct)} ({p})"
        if self.detected:
            return f"~ below the minimum effect ({_pct(self.delta_pct)}, {p})"
        if self.too_wide:
            return f"~ spread too wide to tell ({p})"
        return f"~ ({p})"

    @property
    def p_text(self) -> str:
        if self.q_value is None:
            return f"p={self.p_value:.2g}"
        return f"q={self.q_value:.2g}"


def _pct(value: float) -> str:
    return "new" if math.isinf(value) else f"{value:+.1f}%"


def compare(
    base: Sequence[float],
    head: Sequence[float],
    alpha: float = ALPHA,
    min_effect: MinEffect = NO_MIN_EFFECT,
) -> Comparison:
    """Mann-Whitney U also for constant samples: [5, 5, 5] against [7, 7, 7] is as strong
    as three runs can be (p = 0.05), not certain (p = 0)."""
    p = mann_whitney_p(base, head)
    return Comparison(summarize(base), summarize(head), p, alpha, min_effect=min_effect)


def correct(family: Sequence[Comparison]) -> list[Comparison]:
    """The family with Benjamini-Hochberg q-values filled in."""
    q = fdr_adjust([c.p_value for c in family])
    return [replace(c, q_value=qv) for c, qv in zip(family, q, strict=True)]

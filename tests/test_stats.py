"""Statistics on known samples."""

from __future__ import annotations

import math

import pytest

from codemod import stats


def test_median_interval_uses_order_statistics() -> None:
    xs = list(range(1, 11))  # n=10: P(B(10,1/2) <= 1) = 0.0107 <= 0.025 < P(<= 2) = 0.0547
    assert stats.median_interval(xs) == (2, 9)
    assert stats.median_interval([1, 2, 3, 4, 5]) == (1, 5)  # too few for anything narrower
    s = stats.summarize([10.0] * 5 + [12.0] * 5)
    assert s.median == 11.0 and s.spread_pct == pytest.approx(100 * 1 / 11)


def test_mann_whitney_known_p() -> None:
    cmp = stats.compare([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
    assert cmp.p_value == pytest.approx(2 / 252)  # exact: both orderings of 252 splits
    assert cmp.significant
    assert cmp.delta_pct == pytest.approx(100 * (8 - 3) / 3)
    assert cmp.verdict.startswith("+166.7%")


def test_no_difference_and_wide_spread() -> None:
    same = stats.compare([1.0, 1.1, 0.9, 1.0, 1.05, 0.95], [1.0, 0.9, 1.1, 1.02, 0.98, 1.0])
    assert not same.significant and same.verdict.startswith("~ (p=")
    wide = stats.compare([1, 5, 2, 9, 1, 7], [3, 1, 8, 2, 6, 9])
    assert not wide.significant and wide.too_wide and "spread too wide" in wide.verdict


def test_constant_samples() -> None:
    assert stats.compare([5, 5, 5], [5, 5, 5]).p_value == 1.0
    moved = stats.compare([5, 5, 5], [7, 7, 7])
    assert moved.significant and moved.delta_pct == 40.0
    # Three runs each are evidence, not certainty (this was p = 0):
    # mannwhitneyu([5, 5, 5], [7, 7, 7], method="asymptotic").pvalue
    assert moved.p_value == pytest.approx(0.04685417760387376, rel=1e-12)
    # mannwhitneyu([0.001] * 5, [0.3] * 5, method="asymptotic").pvalue
    assert stats.compare([0.001] * 5, [0.3] * 5).p_value == pytest.approx(0.003976751709788651)
    assert math.isinf(stats.compare([0, 0], [1, 1]).delta_pct)


# Reference values from scipy 1.17.1 (computed before scipy left the dependencies); the
# call that produced each one is in the comment beside it.
SMALL_X = [1.1, 2.3, 3.2, 4.8, 5.0]
SMALL_Y = [2.0, 6.1, 7.3, 8.4, 9.9, 10.2]
TWELVE_X = [0.91, 1.02, 0.97, 1.10, 0.88, 1.05, 0.99, 1.01, 0.93, 1.07, 0.95, 1.12]
TWELVE_Y = [1.04, 1.15, 1.09, 1.21, 1.00, 1.13, 1.18, 1.08, 1.11, 1.25, 1.06, 1.16]
# inittrace-like: 0.001 ms steps, so most values tie
TIED_X = [0.001, 0.002, 0.002, 0.001, 0.003, 0.002, 0.002, 0.001, 0.002, 0.002, 0.003, 0.002, 0.001, 0.002, 0.002]  # fmt: skip
TIED_Y = [0.002, 0.003, 0.002, 0.003, 0.003, 0.002, 0.004, 0.002, 0.003, 0.002, 0.003, 0.003, 0.002, 0.003, 0.002]  # fmt: skip


def _large() -> tuple[list[float], list[float]]:
    """60 + 60 values without ties (random.Random(7), as given to scipy)."""
    import random

    rng = random.Random(7)
    x = [round(rng.gauss(10, 1), 4) for _ in range(60)]
    y = [round(rng.gauss(10.4, 1), 4) for _ in range(60)]
    return x, y


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        # mannwhitneyu(SMALL_X, SMALL_Y, alternative="two-sided", method="exact").pvalue
        (SMALL_X, SMALL_Y, 0.05194805194805195),
        # mannwhitneyu(TWELVE_X, TWELVE_Y, alternative="two-sided", method="exact").pvalue
        (TWELVE_X, TWELVE_Y, 0.0011145806676833734),
        # mannwhitneyu(TIED_X, TIED_Y, alternative="two-sided", method="asymptotic").pvalue
        (TIED_X, TIED_Y, 0.006416098224681954),
        # mannwhitneyu(*_large(), alternative="two-sided", method="asymptotic").pvalue
        (*_large(), 0.018835746635755813),
    ],
    ids=["exact-5x6", "exact-12x12", "ties-normal", "normal-60x60"],
)
def test_mann_whitney_matches_scipy(x: list[float], y: list[float], expected: float) -> None:
    assert stats.mann_whitney_p(x, y) == pytest.approx(expected, rel=1e-9)
    assert stats.mann_whitney_p(y, x) == pytest.approx(expected, rel=1e-9)


def test_exact_distribution_beyond_the_switch() -> None:
    # mannwhitneyu(*_large(), alternative="two-sided", method="exact"): U=1352, p=0.018454054867239236
    assert 2 * stats.exact_sf(3600 - 1352, 60, 60) == pytest.approx(0.018454054867239236, rel=1e-9)


@pytest.mark.parametrize(
    ("z", "expected"),
    # scipy.stats.norm.sf(z)
    [
        (0.5, 0.3085375387259869),
        (1.96, 0.024997895148220435),
        (3.0, 0.0013498980316300933),
        (6.0, 9.865876450376946e-10),
    ],
)
def test_normal_tail(z: float, expected: float) -> None:
    assert stats.normal_sf(z) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("n", "k"), [(6, 1), (10, 2), (20, 6), (30, 10), (100, 40)])
def test_median_interval_ranks_match_binomial_ppf(n: int, k: int) -> None:
    # k = int(binom.ppf(0.025, n, 0.5)), lowered while binom.cdf(k - 1, n, 0.5) > 0.025
    xs = list(range(1, n + 1))
    assert stats.median_interval(xs) == ((k, n - k + 1) if k else (1, n))


def test_benjamini_hochberg_matches_scipy() -> None:
    ps = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.049, 0.9]
    # scipy.stats.false_discovery_control(ps, method="bh")
    expected = [0.04, 0.0784, 0.0784, 0.04, 0.26666666666666666, 0.5714285714285714, 0.0784, 0.9]  # fmt: skip
    assert stats.fdr_adjust(ps) == pytest.approx(expected, rel=1e-12)
    corrected = stats.correct([stats.Comparison(stats.summarize([1]), stats.summarize([1]), p) for p in ps])  # fmt: skip
    assert [c.significant for c in corrected] == [True, False, False, True, False, False, False, False]  # fmt: skip
    assert [c.p_value for c in corrected] == ps  # the raw p-value is kept beside q


def test_minimum_effect_absolute_and_relative() -> None:
    tiny = stats.compare([0.001] * 4 + [0.002] * 8, [0.003] * 12, min_effect=stats.MinEffect(0.05, 5))  # fmt: skip
    assert tiny.detected and not tiny.significant  # +0.0015 ms: under the 0.05 ms floor
    assert "below the minimum effect" in tiny.verdict
    big = [100.0 + i / 10 for i in range(12)]
    small_rel = stats.compare(big, [b + 0.3 for b in big[::-1]][:6] + [b + 1.3 for b in big[6:]], min_effect=stats.MinEffect(0.05, 5))  # fmt: skip
    assert not small_rel.significant  # ~1%: under the 5% floor, whatever p says
    real = stats.compare([1.0 + i / 100 for i in range(12)], [1.3 + i / 100 for i in range(12)], min_effect=stats.MinEffect(0.05, 5))  # fmt: skip
    assert real.significant and real.delta == pytest.approx(0.3)

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
    assert math.isinf(stats.compare([0, 0], [1, 1]).delta_pct)

"""Share tables against seed 000's inventory table, and largest-remainder invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetplan.calc.rounding import excel_round
from sheetplan.calc.shares import abc_classes, exact_shares, largest_remainder_shares, share_table, shares

QTY = [6000, 3000, 2000, 2000, 8000, 6000, 4000, 4000]
AMT = [1_800_000, 1_200_000, 1_000_000, 1_000_000, 2_400_000, 1_500_000, 600_000, 500_000]
SEED_QTY_SHOWN = [17.1, 8.6, 5.7, 5.7, 22.9, 17.1, 11.4, 11.4]  # as printed in seed 000
SEED_AMT_SHOWN = [18, 12, 10, 10, 24, 15, 6, 5]


def test_seed_table_exact_shares_display_as_in_seed() -> None:
    t = share_table(list("ABCDEFGH"), QTY, AMT)
    assert t.total_quantity == 35000 and t.total_amount == 10_000_000
    assert [excel_round(r.quantity_share * 100, 1) for r in t.rows] == SEED_QTY_SHOWN
    assert [excel_round(r.amount_share * 100, 0) for r in t.rows] == SEED_AMT_SHOWN
    # the seed's paradox: the rounded unit shares add to 99.9 % while the exact total is 100 %
    assert round(sum(SEED_QTY_SHOWN), 1) == 99.9
    assert math.isclose(sum(r.quantity_share for r in t.rows), 1.0)


def test_largest_remainder_adds_to_exactly_100() -> None:
    lr = largest_remainder_shares(QTY, 1)
    assert sum(round(s * 1000) for s in lr) == 1000
    # 0.1 % goes to the largest remainder: 17.142… (rows 1 and 6, the earlier wins the tie)
    assert [round(s * 100, 1) for s in lr] == [17.2, 8.6, 5.7, 5.7, 22.9, 17.1, 11.4, 11.4]


def test_implied_unit_price_and_abc() -> None:
    t = share_table(list("ABCDEFGH"), QTY, AMT)
    assert [r.unit_price for r in t.rows] == [300, 400, 500, 500, 300, 250, 150, 125]
    assert t.total_unit_price == pytest.approx(10_000_000 / 35000)
    # 拼装模型 and 收藏限量款 hold the same value, so they share a class whatever their row order
    # cumulative share up to and including each: 24, 42, 57, 69 | 79, 89 | 95, 100 %
    assert [r.abc for r in t.rows] == ["A", "A", "B", "B", "A", "A", "C", "C"]


def test_abc_thresholds() -> None:
    assert abc_classes([70, 20, 10]) == ["A", "B", "C"]
    assert abc_classes([50, 30, 15, 5]) == ["A", "B", "C", "C"]  # 50 | 80 | 95, 100: A is what makes 70 %
    assert abc_classes([90, 5, 5]) == ["A", "C", "C"]  # the largest is always A; equal values share a class
    assert abc_classes([0, 0]) == ["C", "C"]
    with pytest.raises(ValueError):
        abc_classes([1], a_share=0.9, b_share=0.2)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="negative"):
        exact_shares([1, -1])
    with pytest.raises(ValueError, match="method"):
        shares([1], method="nope")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="length"):
        share_table(["a"], [1, 2], [1])
    assert exact_shares([0, 0]) == [0.0, 0.0]


@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=40), st.integers(0, 3))
def test_largest_remainder_properties(values: list[int], decimals: int) -> None:
    lr = largest_remainder_shares(values, decimals)
    units = 100 * 10**decimals
    if sum(values) == 0:
        assert lr == [0.0] * len(values)
        return
    assert sum(round(s * units) for s in lr) == units
    for s, e in zip(lr, exact_shares(values), strict=True):
        assert abs(s * units - e * units) < 1 + 1e-9

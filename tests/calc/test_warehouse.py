"""Warehouse staffing: 配货人数 = ⌈X × 系数 / Y⌉ per post, subtotals and the stress test."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetplan.calc.outreach import calls_per_caller_per_day
from sheetplan.calc.rounding import ceil_count, excel_round, excel_roundup
from sheetplan.calc.warehouse import Post, headcount, staff_warehouse

SEED_POSTS = [  # seed 001's suggested groups at X = 500, coefficient 6
    Post("订单处理", "打单", 1500),
    Post("配货", "拣货", 1000),
    Post("校验", "质检", 1500),
    Post("校验", "打包", 500),
    Post("校验", "称重", 1500),
    Post("管理/统计", "管理", 0, fixed=1),
]


def test_headcount_formula() -> None:
    assert headcount(500, 6, 1000) == 3
    assert headcount(500, 6, 1001) == 3  # 2.997 rounds up
    assert headcount(500, 6, 999) == 4
    assert headcount(0, 6, 100) == 0
    assert headcount(0.1 * 3, 10, 1) == 3  # 3.0000000000000004 is three people, not four


def test_seed_groups_and_stress() -> None:
    base = staff_warehouse(500, 6, SEED_POSTS)
    heads = {p.post.name: p.heads for g in base.groups for p in g.posts}
    assert heads == {"打单": 2, "拣货": 3, "质检": 2, "打包": 6, "称重": 2, "管理": 1}
    assert [g.group for g in base.groups] == ["订单处理", "配货", "校验", "管理/统计"]
    assert base.groups[2].heads == 10 and base.heads == 16 and base.orders == 3000
    stress = staff_warehouse(500, 6, SEED_POSTS, factor=2)
    assert stress.orders == 6000 and stress.heads == 4 + 6 + 4 + 12 + 4 + 1


def test_headcount_rejects_bad_input() -> None:
    for args, word in (((-1, 1, 1), "orders"), ((1, 0, 1), "coefficient"), ((1, 1, 0), "per_person")):
        with pytest.raises(ValueError, match=word):
            headcount(*args)


@given(st.floats(0, 1e6), st.floats(0.01, 100), st.floats(1, 1e4))
def test_headcount_is_enough_and_minimal(orders: float, k: float, y: float) -> None:
    n = headcount(orders, k, y)
    # Excel (and headcount) first round to 15 significant digits: a need below that noise is 0
    assert n * y >= orders * k * (1 - 1e-12) - 1e-9
    assert n == 0 or (n - 1) * y < orders * k * (1 + 1e-12)


def test_outreach_seed() -> None:
    assert calls_per_caller_per_day(4000, 20, 4) == 50
    assert calls_per_caller_per_day(4001, 20, 4) == 51
    with pytest.raises(ValueError, match="callers"):
        calls_per_caller_per_day(4000, 0, 4)


def test_excel_rounding() -> None:
    assert excel_round(1.005, 2) == 1.01  # Excel: 1.01; round(): 1.0
    assert excel_round(-2.5) == -3
    assert excel_round(0.1 + 0.2, 15) == 0.3
    assert excel_roundup(2.0000000000000004) == 2
    assert excel_roundup(-1.2) == -2
    assert ceil_count(2.9999999999999996) == 3


def test_outreach_tiny_inputs_fail_cleanly() -> None:
    with pytest.raises(ValueError, match="too small"):
        calls_per_caller_per_day(0, 2e-258, 2e-258)
    with pytest.raises(ValueError, match="too large"):
        calls_per_caller_per_day(1e308, 1e-10, 1e-10)

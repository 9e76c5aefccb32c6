"""Product tiers, ABC, stock-up, safety stock and sell-out: hand-checked numbers and invariants."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetplan.calc import products as p
from sheetplan.calc.shares import abc_classes
from sheetplan.plan.schema import TIERS

# ----------------------------------------------------------------------------- tiering


def test_tier_names_match_the_schema() -> None:
    assert p.TIERS == TIERS


def test_percentile_rank_is_percentrank_inc() -> None:
    # PERCENTRANK.INC({0,10,10,30}, x): smaller values / (n - 1)
    assert p.percentile_ranks([0, 10, 10, 30]).tolist() == pytest.approx([0, 1 / 3, 1 / 3, 1])
    r = p.percentile_ranks([5, None, 1])
    assert r[0] == 1 and math.isnan(r[1]) and r[2] == 0
    assert p.percentile_ranks([7]).tolist() == [1.0]  # a lone positive value ranks top
    assert p.percentile_ranks([0]).tolist() == [0.0]  # nothing sold is never a signal


def test_ten_skus_by_sales_top_ten_percent_hit_next_twenty_featured() -> None:
    sales = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    tiers = p.tier(sales, hit_share=0.1, featured_share=0.2)
    # ⌈10 × 0.1⌉ = 1 hit, ⌈10 × 0.3⌉ = 3 in the top two tiers
    assert tiers == ["常规款"] * 7 + ["主推", "主推", "预爆款"]


def test_weighted_score_uses_only_the_metrics_a_sku_has() -> None:
    # sales ranks 0, .5, 1; favourites ranks (30 → 1, 10 → 0; SKU 2 has none)
    s = p.tier_scores({"sales": [10, 20, 30], "favourites": [30, None, 10]})
    assert s.tolist() == pytest.approx([0.2 / 0.55, 0.5, 0.35 / 0.55])


def test_all_five_metrics_with_default_weights() -> None:
    # two SKUs: the second is better on everything but conversion
    s = p.tier_scores({"sales": [1, 2], "favourites": [1, 2], "carts": [1, 2], "views": [1, 2],
                       "conversion": [0.05, 0.01]})
    assert s.tolist() == pytest.approx([0.20, 0.80])  # conversion weight 0.2; the rest 0.8


def test_ties_at_the_boundary_are_all_promoted_and_zero_scores_stay_regular() -> None:
    rules = p.TierRules(hit_share=0.25, featured_share=0.5)
    computed, _, given_ = p.assign_tiers([0.5, 0.5, 0.2, 0.0], rules)
    assert computed.tolist() == ["预爆款", "预爆款", "主推", "常规款"]
    assert not given_.any()


def test_a_typed_tier_overrides_the_computed_one() -> None:
    computed, final, given_ = p.assign_tiers([0.9, 0.1, 0.0], p.TierRules(hit_share=0.3, featured_share=0),
                                             ["常规款", "", "预爆款"])
    assert computed.tolist() == ["预爆款", "常规款", "常规款"]
    assert final.tolist() == ["常规款", "常规款", "预爆款"]
    assert given_.tolist() == [True, False, True]


@pytest.mark.parametrize(("call", "name"), [
    (lambda: p.tier([1, -2]), "sales"),
    (lambda: p.tier([1, 2], favourites=[1]), "same length"),
    (lambda: p.tier([1, "x"]), "sales item 2"),
    (lambda: p.tier([1, 2], overrides=["爆款", ""]), "overrides item 1"),
    (lambda: p.TierRules(hit_share=1.5), "hit_share"),
    (lambda: p.TierRules(w_sales=-1), "w_sales"),
    (lambda: p.TierRules(hit_share=0.6, featured_share=0.6), r"hit_share \+ featured_share"),
    (lambda: p.abc([1, None]), "values item 2"),
    (lambda: p.abc([1, -3]), "values item 2"),
    (lambda: p.stockup("abc", 3), "stock"),
    (lambda: p.stockup(1, 3, tier="爆款"), "tier"),
    (lambda: p.stockup(1, 3, pack_size=0), "pack_size"),
    (lambda: p.stockup(1, 3, tier="预爆款", forecast=-5), "forecast"),
    (lambda: p.sellout_hours(10, 5, pace_factor=0), "pace_factor"),
    (lambda: p.sellout_hours(10, -5), "daily_sales"),
    (lambda: p.safety_stock([1, 2, "x"]), "history item 3"),
    (lambda: p.StockRules(service_level=1.2), "service_level"),
    (lambda: p.StockRules(sales_days=0), "sales_days"),
])
def test_errors_name_the_argument(call, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()


# ----------------------------------------------------------------------------- ABC

SEED_AMOUNTS = [1.8e6, 1.2e6, 1.0e6, 1.0e6, 2.4e6, 1.5e6, 0.6e6, 0.5e6]  # seed 000, 10M in all


def test_abc_on_the_seed_share_table() -> None:
    # sorted: 2.4 (0%) 1.8 (24%) 1.5 (42%) 1.2 (57%) 1.0 (69%) → A; 1.0 (79%) 0.6 (89%) → B; 0.5 (95%) → C
    assert p.abc(SEED_AMOUNTS) == ["A", "A", "B", "B", "A", "A", "C", "C"]  # equal values, equal class
    assert p.abc_fast(SEED_AMOUNTS).tolist() == p.abc(SEED_AMOUNTS)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 50).map(float), st.floats(0, 1e6, allow_nan=False)), max_size=40),
       st.floats(0.05, 0.9), st.floats(0, 0.9))
def test_fast_abc_equals_the_shared_rule(values: list[float], a: float, b: float) -> None:
    b = min(b, 1 - a)
    assert p.abc_fast(values, a, b).tolist() == abc_classes(values, a, b)


# ----------------------------------------------------------------------------- stock-up


def test_stockup_hand_checked() -> None:
    assert p.stockup(100, 300) == 800  # 常规款: 3 × 300 − 100
    assert p.stockup(100, 300, tier="主推") == 800  # featured items stock like regulars (seed 001)
    assert p.stockup(100, 300, tier="预爆款") == 1400  # no forecast: 300 × 5 − 100
    assert p.stockup(100, 300, tier="预爆款", forecast=2000) == 1900
    assert p.stockup(1000, 300) == 0  # never negative
    assert p.stockup(100, 300, pack_size=12) == 804  # 800 → 67 packs of 12
    assert p.stockup(100, 300, safety=5.2) == 806  # 805.2 rounded up to whole units
    assert p.stockup(None, None) == 0  # blank stock and sales count as 0


def test_safety_stock_hand_checked() -> None:
    history = [10, 12, 8, 11, 9, 10, 10]  # mean 10, squared deviations add to 10, σ = √(10/6)
    expected = 1.6448536269514722 * math.sqrt(10 / 6) * math.sqrt(7)
    assert p.safety_stock(history) == pytest.approx(expected)
    assert p.safety_stock(history) == pytest.approx(5.618, abs=1e-3)
    assert p.safety_stock(history[:6]) == 0  # fewer than 7 days: no safety stock
    assert p.safety_stock([5] * 10) == 0  # steady sales need none
    assert p.safety_stock(history, lead_time_days=4, service_level=0.99) == pytest.approx(
        2.3263478740408408 * math.sqrt(10 / 6) * 2)


def test_sellout_hours_hand_checked() -> None:
    assert p.sellout_hours(10, 20) == 12  # 10 units at 20 a day: half a day
    assert p.sellout_hours(50, 20) == 60
    assert p.sellout_hours(50, 20, pace_factor=3) == 20  # on the sale day at 3× pace
    assert p.sellout_hours(0, 20) == 0
    assert p.sellout_hours(50, 0) == math.inf


# ----------------------------------------------------------------------------- the whole plan


def small_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "sku": ["A1", "B2", "C3", "D4"],
        "category": ["女装", "女装", "鞋", "Shoes"],
        "price": [100.0, 50.0, 20.0, np.nan],
        "stock": [10.0, 600.0, 100.0, np.nan],
        "sales": [300.0, 150.0, 30.0, 0.0],
        "favourites": [90.0, 30.0, 3.0, 0.0],
        "forecast": [2000.0, np.nan, np.nan, np.nan],
        "tier": ["", "", "", ""],
    })


def test_plan_products_hand_checked() -> None:
    res = p.plan_products(small_frame(), p.TierRules(hit_share=0.25, featured_share=0.25))
    t = res.table
    assert t["score"].tolist() == pytest.approx([1, 2 / 3, 1 / 3, 0])
    assert t["tier"].tolist() == ["预爆款", "主推", "常规款", "常规款"]
    assert t["value"].tolist() == [30000, 7500, 600, 0]
    assert t["abc"].tolist() == ["A", "C", "C", "C"]  # up to and including: 78.7 % (the largest), 98.4 %, 100 %
    assert t["daily"].tolist() == [10, 5, 1, 0]
    assert t["basis"].tolist() == ["forecast", "multiple", "multiple", "multiple"]
    assert t["target"].tolist() == [2000, 450, 90, 0]
    assert t["stockup"].tolist() == [1990, 0, 0, 0]
    assert t["cover_days"].tolist() == [1, 120, 100, math.inf]
    assert t["sellout_hours"].tolist() == [24, 2880, 2400, math.inf]
    # exactly 24 h is not "within 24 h"; 1 day of cover with a 7-day lead time: too late to reorder
    assert t["risk"].tolist() == ["late", "", "", ""]
    assert t["late"].tolist() == [True, False, False, False]
    assert t["order_within_days"].tolist() == [0, 113, 93, math.inf]
    assert res.reorder.tolist() == [0]
    assert res.notes == ["no_history"]
    bt = res.by_tier
    assert bt["skus"].tolist() == [1, 1, 2]
    assert bt["units"].tolist() == [10, 600, 100]
    assert bt["stock_value"].tolist() == [1000, 30000, 2000]
    assert bt["unit_share"].tolist() == pytest.approx([10 / 710, 600 / 710, 100 / 710])
    assert bt["value_share"].tolist() == pytest.approx([1 / 33, 30 / 33, 2 / 33])
    bc = res.by_category
    assert list(bc.index) == ["女装", "鞋", "Shoes"]
    assert bc["skus"].tolist() == [2, 1, 1]


def test_categories_group_like_countif_case_insensitively() -> None:
    df = pd.DataFrame({"sku": ["a", "b", "c", "d"], "category": ["Shoes", "shoes", "", "Bags"],
                       "stock": [1.0, 2.0, 3.0, 4.0], "price": [1.0] * 4, "sales": [1.0] * 4})
    bc = p.plan_products(df).by_category
    assert list(bc.index) == ["Bags", "Shoes", ""]  # by stock value, uncategorised last
    assert bc.loc["Shoes", "units"] == 3


def test_sale_day_pace_history_and_reference_date() -> None:
    df = pd.DataFrame({"sku": ["a", "b"], "stock": [10.0, 0.0], "sales": [300.0, 30.0], "price": [1.0, 2.0]})
    history = [[10, 12, 8, 11, 9, 10, 10], [1, None, None, None, None, None, None]]
    rules = p.StockRules(sale_day_factor=3, ref_date=dt.date(2024, 11, 1), lead_time_days=2)
    res = p.plan_products(df, stock_rules=rules, history=history)
    t = res.table
    assert t["sellout_hours"].tolist() == pytest.approx([8, 0])  # 10 units at 10 × 3 a day
    assert t["risk"].tolist() == ["high", "high"]
    assert t["safety"].tolist() == pytest.approx([1.6448536269514722 * math.sqrt(10 / 6) * math.sqrt(2), 0])
    assert res.history_used
    assert t["cover_days"].tolist() == [1, 0]  # at the current pace
    assert [d.date() for d in t["order_by"]] == [dt.date(2024, 11, 1)] * 2  # cover < lead time: order now
    # b has no stock: sells out first; a next
    assert res.reorder.tolist() == [1, 0]


def test_empty_plan() -> None:
    res = p.plan_products(pd.DataFrame({"sku": [], "sales": []}))
    assert len(res.table) == 0 and res.by_tier["skus"].tolist() == [0, 0, 0] and len(res.by_category) == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 1000), st.integers(0, 100)),
                min_size=1, max_size=30),
       st.floats(0, 0.5), st.floats(0, 0.5))
def test_invariants(rows: list[tuple[int, int, int]], hit: float, featured: float) -> None:
    stock, sales, fav = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    df = pd.DataFrame({"sku": [str(i) for i in range(len(rows))], "stock": stock, "sales": sales,
                       "favourites": fav, "price": np.full(len(rows), 2.0), "category": ["x"] * len(rows)})
    res = p.plan_products(df, p.TierRules(hit_share=hit, featured_share=featured))
    t = res.table
    assert (t["stockup"] >= 0).all()
    assert (stock + t["stockup"] >= t["target"] - 1e-9).all()  # enough after the stock-up
    assert (t["stockup"] - (t["target"] - stock).clip(lower=0) < 1).all()  # and less than a unit more
    n = len(rows)
    hits = (t["tier"] == "预爆款").to_numpy()
    higher = [(t["score"] > t["score"][i]).sum() for i in range(n)]
    assert all(higher[i] < math.ceil(round(n * hit, 9)) for i in np.flatnonzero(hits))
    assert res.by_tier["skus"].sum() == n
    assert res.by_tier["unit_share"].sum() == pytest.approx(1 if stock.sum() else 0)
    assert ((t["risk"] == "high") == (t["sellout_hours"] < 24)).all()


def test_trade_rules_of_the_reorder_table() -> None:
    """Issue 13, by hand: order so the stock arrives before the sale, sell-out at the sale day's
    pace, reorders valued at cost, and 'current sales' the same whatever period 销量 covers."""
    df = pd.DataFrame({
        "sku": ["far", "near", "hit", "nocost"],
        "price": [399.0, 100.0, 50.0, 200.0],
        "cost": [150.0, 40.0, 20.0, np.nan],
        "stock": [2200.0, 100.0, 30.0, 0.0],
        "sales": [300.0, 300.0, 300.0, 30.0],
    })
    rules = p.StockRules(ref_date=dt.date(2026, 10, 20), sale_date=dt.date(2026, 11, 11), lead_time_days=7,
                         sale_day_factor=6, cost_ratio=0.6)
    t = p.plan_products(df, p.TierRules(hit_share=0, featured_share=0), rules).table
    # daily 10; cover 220 / 10 / 3 days; at ×6: 2200 / 60 × 24 = 880 h, 40 h, 12 h
    assert t["sellout_hours"].tolist()[:3] == [880, 40, 12]
    assert t["risk"].tolist() == ["", "", "high", "high"]  # no stock at all: sold out already
    # the order must arrive by 11-11: 22 days away minus 7 days' lead time = order within 15 days
    assert t["order_by"].dt.date.tolist()[0] == dt.date(2026, 11, 4)
    assert t["order_by"].dt.date.tolist()[1] == dt.date(2026, 10, 23)  # 10 days of cover − 7
    assert t["stockup"].tolist() == [0, 800, 870, 90]  # 3 × 30 days' sales − stock
    assert t["stockup_value"].tolist() == [0, 800 * 40, 870 * 20, 90 * 200 * 0.6]
    assert t["cost_given"].tolist() == [True, True, True, False]
    regular = p.TierRules(hit_share=0, featured_share=0)
    week = p.plan_products(pd.DataFrame({"sku": ["a"], "sales": [70.0], "stock": [0.0]}), regular,
                           p.StockRules(sales_days=7)).table
    month = p.plan_products(pd.DataFrame({"sku": ["a"], "sales": [300.0], "stock": [0.0]}), regular,
                            p.StockRules(sales_days=30)).table
    assert week["stockup"].tolist() == month["stockup"].tolist() == [900]

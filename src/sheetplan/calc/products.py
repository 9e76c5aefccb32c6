"""Product structure (商品结构): tiers 预爆款 / 主推 / 常规款, ABC by value, and the stock plan
(备货 / 补货: stock-up quantity, days of cover, safety stock, hours to sell-out).

Everything is vectorised with numpy so that 200,000 SKUs take well under a second; the
scalar helpers at the bottom (`tier`, `abc`, `stockup`, `sellout_hours`, `safety_stock`)
are what the UDFs wrap and take plain lists and numbers.

The rules, in the planner's words (all thresholds live in `TierRules` / `StockRules`):

Tiering
  1. Each metric that was given (销量 sales, 收藏 favourites, 加购 add-to-cart, 浏览量 page
     views, 转化率 conversion) is turned into a percentile rank over all SKUs:
     PERCENTRANK.INC = (SKUs with a smaller value) / (SKUs with a value − 1); a lone positive
     value ranks 1. A SKU without a value for a metric is scored on the metrics it has.
  2. score = Σ weight × rank / Σ weight (over the metrics the SKU has), between 0 and 1.
  3. Competition rank by score (1 = best; equal scores share a rank). Rank ≤ ⌈n × hit_share⌉
     → 预爆款; rank ≤ ⌈n × (hit_share + featured_share)⌉ → 主推; else 常规款. A score of 0
     (nothing sold, liked or viewed) is always 常规款. Ties at a boundary are all promoted.
  4. A tier typed by the planner replaces the computed one (and is marked as given).
ABC by value (sales × price): `sheetplan.calc.shares.abc_classes` (A while the cumulative
share up to and including the SKU is at most 70 %, B at most 90 %, else C).

Stock plan (per SKU; blank stock or sales count as 0)
  daily pace        = sales / sales_days                      (销量 covers `sales_days` days)
  monthly sales     = daily pace × 30    (the shop's "current sales": the same order whether
                                          销量 covers 7 or 30 days)
  base target       = forecast                  for tiers in forecast_tiers (预爆款) when given,
                      monthly sales × uplift    for those tiers without a forecast,
                      monthly sales × multiple  for every other SKU (seed 001: 3× current sales)
  safety stock      = z(service_level) × σ(daily sales) × √lead_time_days when at least
                      `min_history_days` of daily history are given, else 0
  stock-up          = max(0, base target + safety − stock), rounded up to whole packs
  stock-up value    = stock-up × unit cost (the 进价 column; without one, price × cost_ratio)
  days of cover     = stock / daily pace                     (at today's pace)
  hours to sell-out = stock / (daily pace × sale_day_factor) × 24   (at the sale day's pace:
                      the campaign coefficient, ×6 in the example)
  order within      = min(days to the sale day, days of cover) − lead_time_days: the last day
                      an order still arrives before the sale (or before the stock runs out)
  order by          = ref_date + order within; when it is already past, the order is late
                      (it cannot arrive in time: order now, and expect a gap)
  risk              = high when sell-out on the sale day < alert_hours (24 h, seed 000),
                      late when an order can no longer arrive in time, medium when the stock
                      runs out at today's pace before a replenishment could arrive, else none
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from .shares import abc_classes

HIT, FEATURED, REGULAR = "预爆款", "主推", "常规款"
TIERS = (HIT, FEATURED, REGULAR)
METRICS = ("sales", "favourites", "carts", "views", "conversion")
RISK_HIGH, RISK_LATE, RISK_MEDIUM, RISK_NONE = "high", "late", "medium", ""
MONTH_DAYS = 30  # "current sales" of a shop: the 30-day sales every platform shows
BASIS_FORECAST, BASIS_UPLIFT, BASIS_MULTIPLE = "forecast", "uplift", "multiple"


@dataclass(frozen=True)
class TierRules:
    """How SKUs are tiered. Defaults: sales weigh most; favourites, add-to-cart and
    conversion are the warm-up signals seed 002 tracks; views alone are just traffic.
    Top 5 % → 预爆款, next 15 % → 主推 (the top fifth carries most of a sale)."""

    w_sales: float = 0.35
    w_favourites: float = 0.20
    w_carts: float = 0.15
    w_views: float = 0.10
    w_conversion: float = 0.20
    hit_share: float = 0.05
    featured_share: float = 0.15
    a_share: float = 0.7
    b_share: float = 0.2

    def __post_init__(self) -> None:
        for name in ("w_sales", "w_favourites", "w_carts", "w_views", "w_conversion"):
            v = getattr(self, name)
            if not _finite(v) or v < 0:
                raise ValueError(f"{name} must be a number ≥ 0, not {v!r}")
        if sum(self.weights.values()) <= 0:
            raise ValueError("at least one weight (w_sales … w_conversion) must be > 0")
        for name in ("hit_share", "featured_share"):
            v = getattr(self, name)
            if not _finite(v) or not 0 <= v <= 1:
                raise ValueError(f"{name} must be a fraction between 0 and 1, not {v!r}")
        if self.hit_share + self.featured_share > 1:
            raise ValueError("hit_share + featured_share must not exceed 1")
        if not 0 < self.a_share < 1 or not 0 <= self.b_share < 1 or self.a_share + self.b_share > 1:
            raise ValueError("a_share and b_share must be fractions with a_share + b_share ≤ 1")

    @property
    def weights(self) -> dict[str, float]:
        return {m: getattr(self, f"w_{m}") for m in METRICS}


@dataclass(frozen=True)
class StockRules:
    """How much to stock. `sales_days` states the period the 销量 column covers (30 = the
    monthly sales figure shops show); `multiple` is seed 001's "3× current sales"."""

    sales_days: float = 30.0
    multiple: float = 3.0
    uplift: float = 5.0  # hits without a forecast: sales × uplift (a placeholder; give a forecast)
    forecast_tiers: tuple[str, ...] = (HIT,)
    lead_time_days: float = 7.0
    service_level: float = 0.95
    min_history_days: int = 7
    sale_day_factor: float = 1.0  # the sale day's pace over today's: the campaign coefficient
    alert_hours: float = 24.0
    pack_size: int = 1
    ref_date: dt.date | None = None  # "today" of the plan: when given, "order within" also becomes a date
    sale_date: dt.date | None = None  # orders must arrive before this day
    cost_ratio: float = 0.6  # unit cost = price × this where no 进价 is given

    def __post_init__(self) -> None:
        for name in ("sales_days", "sale_day_factor", "alert_hours"):
            v = getattr(self, name)
            if not _finite(v) or v <= 0:
                raise ValueError(f"{name} must be a number > 0, not {v!r}")
        for name in ("multiple", "uplift", "lead_time_days", "cost_ratio"):
            v = getattr(self, name)
            if not _finite(v) or v < 0:
                raise ValueError(f"{name} must be a number ≥ 0, not {v!r}")
        if not _finite(self.service_level) or not 0.5 <= self.service_level < 1:
            raise ValueError(f"service_level must be between 0.5 and 1, not {self.service_level!r}")
        if int(self.min_history_days) != self.min_history_days or self.min_history_days < 2:
            raise ValueError(f"min_history_days must be a whole number ≥ 2, not {self.min_history_days!r}")
        if int(self.pack_size) != self.pack_size or self.pack_size < 1:
            raise ValueError(f"pack_size must be a whole number ≥ 1, not {self.pack_size!r}")
        bad = [t for t in self.forecast_tiers if t not in TIERS]
        if bad:
            raise ValueError(f"forecast_tiers must be among {'/'.join(TIERS)}, not {bad!r}")

    @property
    def z(self) -> float:
        return NormalDist().inv_cdf(self.service_level)


@dataclass
class ProductPlan:
    """Per-SKU results aligned with the input rows, plus the summaries the sheets show.

    table columns: score, tier_computed, tier, tier_given, value (sales × price), abc,
    stock_value (stock × price), daily, forecast, basis, target, safety, stockup,
    stockup_value, cover_days, sellout_hours, risk, order_within_days, order_by.
    by_tier / by_category: skus, units, stock_value, unit_share, value_share, sales_value,
    stockup (index: tier / category label as written; category "" = uncategorised).
    reorder: positions of the SKUs on the 补货表, most urgent first.
    """

    table: pd.DataFrame
    by_tier: pd.DataFrame
    by_category: pd.DataFrame
    reorder: np.ndarray
    tier_rules: TierRules
    stock_rules: StockRules
    history_used: bool = False
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- vectorised core
def percentile_ranks(values: Any) -> np.ndarray:
    """PERCENTRANK.INC of every value among the non-missing ones; NaN stays NaN."""
    x = np.asarray(values, dtype=float)
    out = np.full(x.shape, np.nan)
    ok = ~np.isnan(x)
    v = x[ok]
    if v.size == 0:
        return out
    if v.size == 1:
        out[ok] = 1.0 if v[0] > 0 else 0.0
        return out
    s = np.sort(v)
    out[ok] = np.searchsorted(s, v, side="left") / (v.size - 1)
    return out


def tier_scores(metrics: dict[str, Any], rules: TierRules | None = None) -> np.ndarray:
    """Weighted mean of the percentile ranks of the metrics each SKU has (0 when none)."""
    rules = rules or TierRules()
    n = _common_length(metrics)
    num = np.zeros(n)
    den = np.zeros(n)
    for name, w in rules.weights.items():
        if name not in metrics or metrics[name] is None or w == 0:
            continue
        r = percentile_ranks(_floats(metrics[name], name, n))
        has = ~np.isnan(r)
        num += np.where(has, r * w, 0.0)
        den += np.where(has, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    return np.round(score, 12)  # ties survive float noise


def assign_tiers(scores: Any, rules: TierRules | None = None, overrides: Sequence[Any] | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(computed tiers, final tiers, given mask): competition rank against the quotas."""
    rules = rules or TierRules()
    s = np.asarray(scores, dtype=float)
    n = s.size
    computed = np.full(n, REGULAR, dtype=object)
    if n:
        srt = np.sort(s)
        rank = 1 + (n - np.searchsorted(srt, s, side="right"))  # 1 + number of higher scores
        n_hit = _quota(n * rules.hit_share)
        n_top = _quota(n * (rules.hit_share + rules.featured_share))
        positive = s > 0
        computed[positive & (rank <= n_top)] = FEATURED
        computed[positive & (rank <= n_hit)] = HIT
    final = computed.copy()
    given = np.zeros(n, dtype=bool)
    if overrides is not None:
        ov = list(overrides)
        if len(ov) != n:
            raise ValueError(f"overrides must have one entry per SKU ({n}), not {len(ov)}")
        for i, t in enumerate(ov):
            if t is None or (isinstance(t, float) and math.isnan(t)) or str(t).strip() == "":
                continue
            t = str(t).strip()
            if t not in TIERS:
                raise ValueError(f"overrides item {i + 1} must be one of {'/'.join(TIERS)}, not {t!r}")
            final[i] = t
            given[i] = True
    return computed, final, given


def abc_fast(values: Any, a_share: float = 0.7, b_share: float = 0.2) -> np.ndarray:
    """`shares.abc_classes` vectorised (same sort, same running sum, same answers)."""
    if not 0 < a_share < 1 or not 0 <= b_share < 1 or a_share + b_share > 1:
        raise ValueError("a_share and b_share must be fractions with a_share + b_share <= 1")
    v = np.asarray(values, dtype=float)
    if np.isnan(v).any() or (v < 0).any():
        raise ValueError("values must be numbers ≥ 0")
    out = np.full(v.size, "C", dtype=object)
    total = math.fsum(v.tolist())
    if total == 0:
        return out
    order = np.argsort(-v, kind="stable")
    share = np.cumsum(v[order]) / total  # up to and including each item
    sv = v[order]
    starts = np.ones(sv.size, dtype=bool)
    starts[1:] = sv[1:] != sv[:-1]
    share = share[np.maximum.accumulate(np.where(starts, np.arange(sv.size), 0))]  # ties share a class
    cls = np.where(share <= a_share + 1e-12, "A", np.where(share <= a_share + b_share + 1e-12, "B", "C"))
    cls[0] = "A"  # the largest item is always A
    cls[sv == sv[0]] = "A"
    out[order] = cls
    return out


def safety_stocks(history: Any, n: int, rules: StockRules | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(safety stock, used mask) per SKU from an n × days matrix of daily sales (NaN = no data)."""
    rules = rules or StockRules()
    if history is None:
        return np.zeros(n), np.zeros(n, dtype=bool)
    h = np.asarray(history, dtype=float)
    if h.ndim != 2 or h.shape[0] != n:
        raise ValueError(f"history must be a table with one row per SKU ({n} rows), not shape {h.shape}")
    if (h[~np.isnan(h)] < 0).any():
        raise ValueError("history must not hold negative sales")
    count = (~np.isnan(h)).sum(axis=1)
    used = count >= rules.min_history_days
    sigma = np.zeros(n)
    if used.any():
        sigma[used] = np.nanstd(h[used], axis=1, ddof=1)
    return rules.z * sigma * math.sqrt(rules.lead_time_days), used


def plan_products(df: pd.DataFrame, tier_rules: TierRules | None = None,
                  stock_rules: StockRules | None = None, history: Any = None) -> ProductPlan:
    """Tiers, ABC, stock plan and summaries for the SKUs in `df` (columns as in the schema:
    sku, name, category, price, stock, sales, favourites, carts, views, conversion, tier and
    optionally forecast; missing columns count as not given)."""
    tier_rules, stock_rules = tier_rules or TierRules(), stock_rules or StockRules()
    n = len(df)
    col = {c: _floats(df[c], c, n) if c in df.columns else np.full(n, np.nan)
           for c in ("price", "stock", "sales", *METRICS[1:], "forecast", "cost")}
    for c, v in col.items():
        if (v[~np.isnan(v)] < 0).any():
            raise ValueError(f"{c} must not be negative")
    metrics = {m: col[m] for m in METRICS if m in df.columns}
    score = tier_scores(metrics, tier_rules) if n else np.zeros(0)
    overrides = df["tier"].tolist() if "tier" in df.columns else None
    computed, final, given = assign_tiers(score, tier_rules, overrides)

    price, stock0, sales0 = col["price"], np.nan_to_num(col["stock"]), np.nan_to_num(col["sales"])
    value = sales0 * np.nan_to_num(price)
    abc = abc_fast(value, tier_rules.a_share, tier_rules.b_share)

    r = stock_rules
    daily = sales0 / r.sales_days
    monthly = daily * MONTH_DAYS
    is_fc = np.isin(final, list(r.forecast_tiers)) if n else np.zeros(0, dtype=bool)
    has_fc = is_fc & ~np.isnan(col["forecast"])
    forecast = np.where(has_fc, col["forecast"], np.where(is_fc, monthly * r.uplift, np.nan))
    basis = np.where(has_fc, BASIS_FORECAST, np.where(is_fc, BASIS_UPLIFT, BASIS_MULTIPLE)).astype(object)
    base = np.where(is_fc, forecast, monthly * r.multiple)
    safety, used = safety_stocks(history, n, r)
    target = base + safety
    need = np.maximum(0.0, target - stock0)
    stockup = np.ceil(np.round(need / r.pack_size, 9)) * r.pack_size
    cost_given = ~np.isnan(col["cost"])
    unit_cost = np.where(cost_given, col["cost"], np.nan_to_num(price) * r.cost_ratio)
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(daily > 0, stock0 / daily, np.inf)
        hours = np.where(daily > 0, stock0 / (daily * r.sale_day_factor) * 24.0, np.inf)
    to_sale = float((r.sale_date - r.ref_date).days) if r.sale_date and r.ref_date else math.inf
    slack = np.minimum(to_sale, cover) - r.lead_time_days
    late = (stockup > 0) & (slack < 0)
    within = np.maximum(0.0, slack)
    risk = np.where(hours < r.alert_hours, RISK_HIGH, np.where(late, RISK_LATE, np.where(
        cover < r.lead_time_days, RISK_MEDIUM, RISK_NONE))).astype(object)
    if r.ref_date is not None:
        days = np.where(np.isfinite(within), np.floor(within), np.nan)
        order_by = pd.Timestamp(r.ref_date) + pd.to_timedelta(days, unit="D")
    else:
        order_by = pd.DatetimeIndex(np.full(n, np.datetime64("NaT", "ns")))

    table = pd.DataFrame({
        "score": score, "tier_computed": computed, "tier": final, "tier_given": given,
        "value": value, "abc": abc, "stock_value": col["stock"] * price,
        "daily": daily, "forecast": forecast, "basis": basis, "target": target, "safety": safety,
        "stockup": stockup, "unit_cost": unit_cost, "cost_given": cost_given, "stockup_value": stockup * unit_cost,
        "cover_days": cover, "sellout_hours": hours, "risk": risk,
        "order_within_days": within, "order_by": order_by, "late": late,
    }, index=df.index)

    if "category" in df.columns:
        cats = df["category"].fillna("").astype(str).str.strip().to_numpy(dtype=object)
    else:
        cats = np.full(n, "", dtype=object)
    frame = pd.DataFrame({
        "tier": final, "units": col["stock"], "stock_value": table["stock_value"].to_numpy(),
        "sales_value": value, "stockup": stockup,
    })
    by_tier = _summary(frame, pd.Series(final, dtype=object), list(TIERS))
    by_category = _category_summary(frame, cats)

    urgent = (stockup > 0) | (risk == RISK_HIGH) | late
    idx = np.flatnonzero(urgent)
    # most urgent first: sell-out hours ascending, then the largest stock-up value, then input order
    sv = np.nan_to_num(stockup[idx] * np.nan_to_num(price[idx]))
    reorder = idx[np.lexsort((idx, -sv, hours[idx]))] if idx.size else idx

    notes = []
    if history is None or not used.any():
        notes.append("no_history")
    if not has_fc.any() and is_fc.any():
        notes.append("uplift_used")
    return ProductPlan(table, by_tier, by_category, reorder, tier_rules, stock_rules, bool(used.any()), notes)


def _summary(frame: pd.DataFrame, key: pd.Series, order: list[str]) -> pd.DataFrame:
    g = frame.assign(_k=key.to_numpy()).groupby("_k", sort=False)
    out = pd.DataFrame({
        "skus": g.size(),
        "units": g["units"].sum(),
        "stock_value": g["stock_value"].sum(),
        "sales_value": g["sales_value"].sum(),
        "stockup": g["stockup"].sum(),
    }).reindex(order, fill_value=0)
    out["skus"] = out["skus"].astype(int)
    for c in ("units", "stock_value", "sales_value", "stockup"):
        out[c] = out[c].astype(float)
    tu, tv = out["units"].sum(), out["stock_value"].sum()
    out["unit_share"] = out["units"] / tu if tu else 0.0
    out["value_share"] = out["stock_value"] / tv if tv else 0.0
    out.index.name = None
    return out[["skus", "units", "stock_value", "unit_share", "value_share", "sales_value", "stockup"]]


def _category_summary(frame: pd.DataFrame, cats: np.ndarray) -> pd.DataFrame:
    """Grouped case-insensitively (as COUNTIF/SUMIF match), labelled with the first spelling,
    ordered by stock value (largest first), then name; uncategorised ("") last."""
    key = pd.Series(cats, dtype=object).str.lower()
    first = pd.Series(cats, dtype=object).groupby(key.to_numpy(), sort=False).first()
    if not len(first):
        return _summary(frame, key, [])
    s = _summary(frame, key, list(first.index))
    s.index = [first[k] for k in s.index]
    order = sorted(s.index, key=lambda c: (c == "", -s.at[c, "stock_value"], c))
    return s.loc[order]


# ---------------------------------------------------------------------------- scalar helpers (UDFs)
def tier(sales: Sequence[float], favourites: Sequence[float] | None = None,
         carts: Sequence[float] | None = None, views: Sequence[float] | None = None,
         conversion: Sequence[float] | None = None, overrides: Sequence[str] | None = None,
         hit_share: float = 0.05, featured_share: float = 0.15) -> list[str]:
    """The tier of every SKU (预爆款 / 主推 / 常规款) from plain lists; None = not given."""
    rules = TierRules(hit_share=hit_share, featured_share=featured_share)
    metrics = {"sales": sales, "favourites": favourites, "carts": carts, "views": views,
               "conversion": conversion}
    given = {k: v for k, v in metrics.items() if v is not None}
    for k, v in given.items():
        a = _floats(v, k, len(v))
        if (a[~np.isnan(a)] < 0).any():
            raise ValueError(f"{k} must not be negative")
    return assign_tiers(tier_scores(given, rules), rules, overrides)[1].tolist()


def abc(values: Sequence[float], a_share: float = 0.7, b_share: float = 0.2) -> list[str]:
    """ABC class of each value (e.g. sales × price); see `shares.abc_classes`."""
    return abc_classes([_scalar(v, f"values item {i + 1}") for i, v in enumerate(values)], a_share, b_share)


def stockup(stock: float, sales: float, tier: str = REGULAR, forecast: float | None = None,
            multiple: float = 3.0, uplift: float = 5.0, safety: float = 0.0, pack_size: int = 1) -> float:
    """Units to order for one SKU: (forecast for a 预爆款, else sales × multiple) + safety − stock,
    never negative, rounded up to whole packs."""
    stock = _scalar(stock, "stock", blank=0.0)
    sales = _scalar(sales, "sales", blank=0.0)
    safety = _scalar(safety, "safety")
    multiple, uplift = _scalar(multiple, "multiple"), _scalar(uplift, "uplift")
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {'/'.join(TIERS)}, not {tier!r}")
    if int(pack_size) != pack_size or pack_size < 1:
        raise ValueError(f"pack_size must be a whole number ≥ 1, not {pack_size!r}")
    if tier == HIT:
        base = _scalar(forecast, "forecast") if forecast is not None else sales * uplift
    else:
        base = sales * multiple
    need = max(0.0, base + safety - stock)
    return float(math.ceil(round(need / pack_size, 9)) * pack_size)


def sellout_hours(stock: float, daily_sales: float, pace_factor: float = 1.0) -> float:
    """Hours until the stock runs out at `daily_sales` × `pace_factor` a day (inf if nothing sells)."""
    stock = _scalar(stock, "stock", blank=0.0)
    daily = _scalar(daily_sales, "daily_sales", blank=0.0)
    pace_factor = _scalar(pace_factor, "pace_factor")
    if pace_factor <= 0:
        raise ValueError(f"pace_factor must be > 0, not {pace_factor!r}")
    rate = daily * pace_factor  # may underflow to 0 for tiny inputs
    if rate == 0:
        return math.inf
    return stock / rate * 24.0


def safety_stock(history: Sequence[float], lead_time_days: float = 7.0, service_level: float = 0.95,
                 min_days: int = 7) -> float:
    """z × σ(daily sales) × √lead time; 0 when fewer than `min_days` days of history."""
    rules = StockRules(lead_time_days=_scalar(lead_time_days, "lead_time_days"),
                       service_level=_scalar(service_level, "service_level"), min_history_days=min_days)
    h = [_scalar(v, f"history item {i + 1}", blank=math.nan) for i, v in enumerate(history)]
    return float(safety_stocks([h], 1, rules)[0][0])


# ---------------------------------------------------------------------------- helpers
def _finite(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _quota(x: float) -> int:
    """⌈x⌉, but 3.0000000000000004 (float noise in n × share) stays 3."""
    return math.ceil(round(x, 9))


def _common_length(metrics: dict[str, Any]) -> int:
    lengths = {k: len(v) for k, v in metrics.items() if v is not None}
    if not lengths:
        raise ValueError("give at least one metric (sales, favourites, carts, views, conversion)")
    if len(set(lengths.values())) > 1:
        raise ValueError(f"metrics must have the same length, got {lengths}")
    return next(iter(lengths.values()))


def _floats(values: Any, name: str, n: int) -> np.ndarray:
    """A float array (None/"" → NaN); ValueError naming the argument on text or a wrong length."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        a = np.array([_scalar(v, f"{name} item {i + 1}", blank=math.nan) for i, v in enumerate(values)])
    if a.shape != (n,):
        raise ValueError(f"{name} must be a list of {n} numbers, not shape {a.shape}")
    if np.isinf(a).any():
        raise ValueError(f"{name} must hold finite numbers")
    return a


def _scalar(v: Any, name: str, blank: float | None = None) -> float:
    if v is None or (isinstance(v, str) and not v.strip()):
        if blank is None:
            raise ValueError(f"{name} must be a number, not empty")
        return blank
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number, not {v!r}")
    x = float(v)
    if math.isnan(x):
        if blank is None:
            raise ValueError(f"{name} must be a number, not empty")
        return blank
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be a finite number ≥ 0, not {v!r}")
    return x

"""商品结构总表 and 补货表: one row per SKU, summaries as native formulas, a category chart.

Built for 200,000 SKUs in xlsxwriter's constant-memory mode: rows are written strictly top
to bottom (the summary blocks sit above the SKU rows), cells with the typed
`write_number`/`write_string` calls, and no table objects. Per-SKU cells are values — a
formula costs xlsxwriter about 25 µs, so 200k rows × a few formula columns would cost more
than the rest of the sheet — while every summary and total a planner may want to stay live
(counts, units, value, shares per tier and per category) is a COUNTIF/SUMIF formula over
the SKU rows, with the Python result as its cached value.

Speed: 200k SKUs are about 6 million cells, so the per-cell cost inside xlsxwriter matters.
Its cell writer passes every attribute — the cell reference and, for a formatted cell, the
integer style index — through a regex escape that fails with a caught TypeError on integers
(~1 µs a cell); every sheet of a `Book` is a `book.FastSheet`, which returns integers and
plain alphanumeric strings (which hold none of " & < > newline) straight away: same bytes out
(tested), 10–15 % less time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from ..calc.products import (
    BASIS_FORECAST,
    BASIS_MULTIPLE,
    BASIS_UPLIFT,
    FEATURED,
    HIT,
    REGULAR,
    RISK_HIGH,
    RISK_LATE,
    RISK_MEDIUM,
    TIERS,
    ProductPlan,
)
from ..plan.model import day_label
from . import formula as f
from .book import Book, page_footer, print_setup
from .labels import label
from .styles import CHART_COLOURS

EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
TIER_KEYS = {HIT: "pr_tier_hit", FEATURED: "pr_tier_featured", REGULAR: "pr_tier_regular"}
METRIC_ROWS = (  # key in the summary frames, label key, number format
    ("skus", "pr_m_skus", "int"),
    ("units", "pr_m_units", "int"),
    ("stock_value", "pr_m_stock_value", "money"),
    ("unit_share", "pr_m_unit_share", "percent"),
    ("value_share", "pr_m_value_share", "percent"),
    ("sales_value", "pr_m_sales_value", "money"),
    ("stockup", "pr_m_stockup", "int"),
)
# SKU columns of 商品结构总表: (label key, source, kind, number format, width)
STRUCTURE_COLUMNS = (
    ("pr_sku", "sku", "s", None, 14),
    ("pr_name", "name", "s", None, 24),
    ("pr_category", "category", "s", None, 11),
    ("pr_tier", "tier", "s", None, 10),
    ("pr_tier_source", "tier_source", "s", None, 8),
    ("pr_score", "score", "n", "pr_score", 8),
    ("pr_abc", "abc", "s", None, 6),
    ("pr_price", "price", "n", "price", 9),
    ("pr_stock", "stock", "n", "int", 9),
    ("pr_stock_value", "stock_value", "n", "money", 11),
    ("pr_sales", "sales", "n", "int", 9),
    ("pr_sales_value", "value", "n", "money", 11),
    ("pr_favourites", "favourites", "n", "int", 8),
    ("pr_carts", "carts", "n", "int", 8),
    ("pr_views", "views", "n", "int", 9),
    ("pr_conversion", "conversion", "n", "percent", 8),
    ("pr_daily", "daily", "n", "pr_1dp", 9),
    ("pr_cover", "cover_days", "n", "pr_1dp", 9),
    ("pr_hours", "sellout_hours", "n", "pr_1dp", 9),
    ("pr_risk", "risk", "s", None, 7),
    ("pr_stockup", "stockup", "n", "int", 10),
)
REORDER_COLUMNS = (
    ("pr_sku", "sku", "s", None, 14),
    ("pr_name", "name", "s", None, 24),
    ("pr_category", "category", "s", None, 11),
    ("pr_tier", "tier", "s", None, 10),
    ("pr_price", "price", "n", "price", 9),
    ("pr_sales", "sales", "n", "int", 9),
    ("pr_favourites", "favourites", "n", "int", 8),
    ("pr_conversion", "conversion", "n", "percent", 8),
    ("pr_views", "views", "n", "int", 9),
    ("pr_stock", "stock", "n", "int", 9),
    ("pr_daily", "daily", "n", "pr_1dp", 9),
    ("pr_cover", "cover_days", "n", "pr_1dp", 9),
    ("pr_hours", "sellout_hours", "n", "pr_1dp", 9),
    ("pr_risk", "risk", "s", None, 7),
    ("pr_basis", "basis", "s", None, 9),
    ("pr_target", "target", "n", "int", 10),
    ("pr_safety", "safety", "n", "int", 9),
    ("pr_stockup", "stockup", "n", "int", 10),
    ("pr_unit_cost", "unit_cost", "n", "price", 9),
    ("pr_stockup_value", "stockup_value", "n", "money", 11),
    ("pr_order_by", "order_by", "n", "date", 12),
)


def write_product_sheets(book: Book, products_df: pd.DataFrame, result: ProductPlan, lang: str) -> None:
    """Add 商品结构总表 (with its category chart) and 补货表 to an open Book."""
    cols = _columns(products_df, result, lang)
    write_structure_sheet(book, cols, result, lang)
    write_reorder_sheet(book, cols, result, lang)


# ---------------------------------------------------------------------------- column data
def _columns(df: pd.DataFrame, res: ProductPlan, lang: str) -> dict[str, list[Any]]:
    """Every printable column as a plain list (numbers: float, NaN/inf = blank; text: str),
    in input order; computing them vectorised keeps the write loop to bare calls."""
    n = len(df)
    t = res.table
    out: dict[str, list[Any]] = {}
    uncat = label("pr_uncategorised", lang)

    def text(key: str) -> list[str]:
        if key not in df.columns:
            return [""] * n
        return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                for v in df[key].tolist()]

    def num(a: Any) -> list[float]:
        x = np.asarray(a, dtype=float)
        return np.where(np.isfinite(x), x, np.nan).tolist()

    out["sku"], out["name"] = text("sku"), text("name")
    out["category"] = [c.strip() or uncat for c in text("category")]
    for key in ("price", "stock", "sales", "favourites", "carts", "views", "conversion"):
        out[key] = num(df[key]) if key in df.columns else [math.nan] * n
    tiers = {k: label(v, lang) for k, v in TIER_KEYS.items()}
    out["tier"] = [tiers[x] for x in t["tier"].tolist()]
    given, computed = label("pr_given", lang), label("pr_computed", lang)
    out["tier_source"] = [given if g else computed for g in t["tier_given"].tolist()]
    risks = {RISK_HIGH: label("pr_risk_high", lang), RISK_MEDIUM: label("pr_risk_medium", lang),
             RISK_LATE: label("pr_risk_late", lang)}
    out["risk"] = [risks.get(x, "") for x in t["risk"].tolist()]
    r = res.stock_rules
    bases = {BASIS_FORECAST: label("pr_basis_forecast", lang),
             BASIS_UPLIFT: label("pr_basis_uplift", lang, x=r.uplift),
             BASIS_MULTIPLE: label("pr_basis_multiple", lang, x=r.multiple)}
    out["basis"] = [bases[x] for x in t["basis"].tolist()]
    out["abc"] = t["abc"].tolist()
    for key in ("score", "value", "stock_value", "daily", "cover_days", "sellout_hours", "target", "safety",
                "stockup", "unit_cost", "stockup_value", "order_within_days"):
        out[key] = num(t[key])
    ob = t["order_by"].to_numpy(dtype="datetime64[D]")
    out["order_by"] = np.where(np.isnat(ob), np.nan, (ob - EXCEL_EPOCH).astype(float)).tolist()
    return out


# ---------------------------------------------------------------------------- 商品结构总表
def write_structure_sheet(book: Book, cols: dict[str, list[Any]], res: ProductPlan, lang: str) -> Worksheet:
    ws = book.sheet(label("pr_sheet_structure", lang))
    n = len(cols["sku"])
    tr = res.tier_rules
    ws.set_row(0, 26)
    ws.write_string(0, 0, label("pr_title_structure", lang), book.fmt("title"))
    sep = "；" if lang == "zh" else "; "
    _rule(book, ws, 1, label("pr_rule_tier", lang, hit=tr.hit_share, featured=tr.featured_share,
                             a=tr.a_share, b=tr.b_share), len(STRUCTURE_COLUMNS))
    _rule(book, ws, 2, _stock_rule(res, lang) + sep + label("pr_formula_note", lang), len(STRUCTURE_COLUMNS))

    sec, head = 3, 4
    first_metric = head + 1
    header_row = first_metric + len(METRIC_ROWS) + 1  # one blank row, then the SKU header
    first, last = header_row + 1, header_row + max(n, 1)
    col_of = {spec[1]: c for c, spec in enumerate(STRUCTURE_COLUMNS)}

    def rng(key: str) -> str:
        c = xl_col_to_name(col_of[key])
        return f"${c}${first + 1}:${c}${last + 1}"

    # the two summary blocks, side by side: tiers from column A, categories after a gap
    tier_labels = [label(TIER_KEYS[k], lang) for k in TIERS]
    cat_labels = list(res.by_category.index)
    uncat = label("pr_uncategorised", lang)
    cat_labels = [c or uncat for c in cat_labels]
    c0 = len(tier_labels) + 3
    # columns shared by the SKU rows and the summary blocks: wide enough for a big shop's totals
    widths = {c: spec[4] for c, spec in enumerate(STRUCTURE_COLUMNS)}
    for c in [*range(len(tier_labels) + 2), *range(c0, c0 + len(cat_labels) + 2)]:
        widths[c] = max(widths.get(c, 0), 13)
    for c, w in sorted(widths.items()):
        ws.set_column(c, c, w)
    ws.write_string(sec, 0, label("pr_by_tier", lang), book.fmt("section"))
    ws.write_string(sec, c0, label("pr_by_category", lang), book.fmt("section"))
    ws.set_row(head, 30)
    for c0_, labels_ in ((0, tier_labels), (c0, cat_labels)):
        ws.write_string(head, c0_, label("pr_metric", lang), book.fmt("header"))
        for j, text in enumerate(labels_):
            ws.write_string(head, c0_ + 1 + j, text, book.fmt("header"))
        ws.write_string(head, c0_ + 1 + len(labels_), label("pr_total", lang), book.fmt("header"))
    blocks = ((0, tier_labels, res.by_tier, rng("tier")), (c0, cat_labels, res.by_category, rng("category")))
    for i, (key, lkey, numfmt) in enumerate(METRIC_ROWS):
        row = first_metric + i
        for bc, labels_, frame, crit_range in blocks:
            ws.write_string(row, bc, label(lkey, lang), book.fmt("text", bold=True))
            vals = frame[key].tolist()
            for j, text in enumerate(labels_):
                col = bc + 1 + j
                crit = _criterion(text, xl_rowcol_to_cell(head, col, row_abs=True))
                formula = _metric_formula(key, crit, crit_range, rng, row, col, first_metric, bc + 1 + len(labels_))
                ws.write_formula(row, col, formula, book.fmt("text", numfmt), vals[j])
            tot_col = bc + 1 + len(labels_)
            left, right = xl_rowcol_to_cell(row, bc + 1), xl_rowcol_to_cell(row, max(bc + 1, tot_col - 1))
            total = math.fsum(vals)
            total_f = f"=SUM({left}:{right})" if labels_ else "=0"
            cached = int(total) if key == "skus" else total
            ws.write_formula(row, tot_col, total_f, book.fmt("total", numfmt), cached)

    if cat_labels:
        _category_chart(book, ws, lang, head, first_metric, c0, len(cat_labels))

    # the SKU rows
    ws.set_row(header_row, 30)
    for c, spec in enumerate(STRUCTURE_COLUMNS):
        ws.write_string(header_row, c, label(spec[0], lang), book.fmt("header"))
    _write_rows(book, ws, first, STRUCTURE_COLUMNS, cols, None)
    end = first + n - 1 if n else first
    ws.autofilter(header_row, 0, end, len(STRUCTURE_COLUMNS) - 1)
    ws.freeze_panes(first, 1)
    _tier_formats(book, ws, first, end, col_of["tier"], lang)
    _risk_formats(book, ws, first, end, col_of["risk"], lang)
    # ~25 columns: two pages wide keeps the print legible; SKU and name repeat on the second page
    print_setup(ws, landscape=True, repeat_rows=(header_row, header_row), pages_wide=2,
                footer=page_footer(lang, label("pr_sheet_structure", lang)))
    ws.repeat_columns(0, 1)
    ws.print_across()  # pages 1 and 2 side by side hold the same SKUs: left half, then right half
    return ws


def _criterion(text: str, cell: str) -> str:
    """The header cell as COUNTIF criterion (it stays live when the header is edited), or the
    escaped literal when the label would read as a wildcard (* ? ~) or a comparison (< > =)."""
    if any(ch in text for ch in "*?~") or text[:1] in "<>=":
        return f.criteria(f.literal(text))
    return cell


def _metric_formula(key: str, crit: str, crit_range: str, rng: Callable[[str], str], row: int, col: int,
                    first_metric: int, tot_col: int) -> str:
    sums = {"units": "stock", "stock_value": "stock_value", "sales_value": "value", "stockup": "stockup"}
    if key == "skus":
        return f"=COUNTIF({crit_range},{crit})"
    if key in sums:
        return f"=SUMIF({crit_range},{crit},{rng(sums[key])})"
    base = first_metric + (1 if key == "unit_share" else 2)  # units row / stock value row
    mine = xl_rowcol_to_cell(base, col)
    total = xl_rowcol_to_cell(base, tot_col, row_abs=True, col_abs=True)
    return f"=IF({total}=0,0,{mine}/{total})"


def _category_chart(book: Book, ws: Worksheet, lang: str, head: int, first_metric: int, c0: int,
                    k: int) -> None:
    chart = book.wb.add_chart({"type": "column"})
    name = ws.get_name()
    for i, key in enumerate(("unit_share", "value_share")):
        row = first_metric + [m[0] for m in METRIC_ROWS].index(key)
        chart.add_series({
            "name": [name, row, c0],
            "categories": [name, head, c0 + 1, head, c0 + k],
            "values": [name, row, c0 + 1, row, c0 + k],
            "fill": {"color": CHART_COLOURS[i]},
            "gap": 80,
        })
    chart.set_title({"name": label("pr_chart", lang), "name_font": {"size": 10, "bold": True}})
    chart.set_y_axis({"num_format": "0%", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
                      "num_font": {"size": 8}})
    chart.set_x_axis({"num_font": {"size": 8}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    # inside the frozen summary band (rows 3..11, about 200 px), clear of the SKU header
    chart.set_size({"width": max(420, 46 * k + 160), "height": 196})
    ws.insert_chart(head - 1, c0 + k + 2, chart, {"x_offset": 4, "y_offset": 2})


def _tier_formats(book: Book, ws: Worksheet, first: int, last: int, col: int, lang: str) -> None:
    for key, style in ((HIT, "pr_hit"), (FEATURED, "pr_featured")):
        ws.conditional_format(first, col, last, col, {
            "type": "cell", "criteria": "==", "value": f'"{label(TIER_KEYS[key], lang)}"',
            "format": book.fmt(style)})


def _risk_formats(book: Book, ws: Worksheet, first: int, last: int, col: int, lang: str) -> None:
    for key, style in (("pr_risk_high", "bad"), ("pr_risk_late", "bad"), ("pr_risk_medium", "warn")):
        ws.conditional_format(first, col, last, col, {
            "type": "cell", "criteria": "==", "value": f.text(label(key, lang)), "format": book.fmt(style)})


def _rule(book: Book, ws: Worksheet, row: int, text: str, width: int) -> None:
    """A rule line across the sheet's width, wrapped, so nothing is cut off on screen or paper."""
    ws.set_row(row, 30)
    ws.merge_range(row, 0, row, max(1, min(width, 16) - 1), text, book.fmt("subtitle", text_wrap=True, valign="top"))


def _stock_rule(res: ProductPlan, lang: str) -> str:
    r = res.stock_rules
    text = label("pr_rule_stock", lang, days=r.sales_days, uplift=r.uplift, multiple=r.multiple,
                 lead=r.lead_time_days, ratio=r.cost_ratio)
    extra = label("pr_rule_history", lang, level=r.service_level) if res.history_used \
        else label("pr_rule_no_history", lang)
    return f"{text}（{extra}）" if lang == "zh" else f"{text} ({extra})"


# ---------------------------------------------------------------------------- 补货表
def write_reorder_sheet(book: Book, cols: dict[str, list[Any]], res: ProductPlan, lang: str) -> Worksheet:
    ws = book.sheet(label("pr_sheet_reorder", lang))
    r = res.stock_rules
    spec = list(REORDER_COLUMNS)
    if r.ref_date is None:  # no reference date: say "within so many days" instead of a date
        spec[-1] = ("pr_order_within", "order_within_days", "n", "pr_1dp", 12)
    for c, s in enumerate(spec):
        ws.set_column(c, c, max(s[4], 14) if c < 4 else s[4])  # the first four hold the totals too
    ws.set_row(0, 26)
    ws.write_string(0, 0, label("pr_title_reorder", lang), book.fmt("title"))
    _rule(book, ws, 1, _stock_rule(res, lang), len(spec))
    sale = day_label(r.sale_date) if r.sale_date else "—"
    _rule(book, ws, 2, label("pr_rule_risk", lang, alert=r.alert_hours, factor=r.sale_day_factor,
                             lead=r.lead_time_days, sale=sale), len(spec))
    order = res.reorder.tolist()
    n = len(order)
    head_row, sum_row, header_row = 4, 5, 7
    first, last = header_row + 1, header_row + max(n, 1)
    col_of = {s[1]: c for c, s in enumerate(spec)}

    def rng(key: str) -> str:
        c = xl_col_to_name(col_of[key])
        return f"${c}${first + 1}:${c}${last + 1}"

    stockup = [cols["stockup"][i] for i in order]
    value = [cols["stockup_value"][i] for i in order]
    high_label = label("pr_risk_high", lang)
    highs = sum(1 for i in order if cols["risk"][i] == high_label)
    summary = (
        ("pr_r_skus", f"=COUNTA({rng('sku')})", n, "int"),
        ("pr_r_units", f"=SUM({rng('stockup')})", math.fsum(v for v in stockup if v == v), "int"),
        ("pr_r_value", f"=SUM({rng('stockup_value')})", math.fsum(v for v in value if v == v), "money"),
        ("pr_r_high", f"=COUNTIF({rng('risk')},{f.criteria(f.literal(high_label))})", highs, "int"),
    )
    ws.set_row(head_row, 30)
    for c, (key, _, _, _) in enumerate(summary):
        ws.write_string(head_row, c, label(key, lang, alert=r.alert_hours), book.fmt("header"))
    for c, (_, formula, val, numfmt) in enumerate(summary):
        ws.write_formula(sum_row, c, formula, book.fmt("total", numfmt), val)
    ws.set_row(header_row, 30)
    for c, s in enumerate(spec):
        ws.write_string(header_row, c, label(s[0], lang), book.fmt("header"))
    _write_rows(book, ws, first, tuple(spec), cols, order)
    end = first + n - 1 if n else first
    ws.autofilter(header_row, 0, end, len(spec) - 1)
    ws.freeze_panes(first, 1)
    _tier_formats(book, ws, first, end, col_of["tier"], lang)
    _risk_formats(book, ws, first, end, col_of["risk"], lang)
    # ~21 columns: two pages wide, SKU and name repeated, left half then right half of the same rows
    print_setup(ws, landscape=True, repeat_rows=(header_row, header_row), pages_wide=2,
                footer=page_footer(lang, label("pr_sheet_reorder", lang)))
    ws.repeat_columns(0, 1)
    ws.print_across()
    return ws


# ---------------------------------------------------------------------------- the row loop
def _write_rows(book: Book, ws: Worksheet, first: int, spec: Sequence[tuple[Any, ...]],
                cols: dict[str, list[Any]], order: list[int] | None) -> None:
    """The hot loop: one typed call per cell, formats looked up once per column. Blank
    values are not written at all (the rows have no borders, so nothing shows the difference)
    which keeps the loop as lean as bare xlsxwriter's."""
    plan: list[tuple[int, list[Any], bool, Format]] = []
    for c, (_, key, kind, numfmt, _) in enumerate(spec):
        vals = cols[key] if order is None else [cols[key][i] for i in order]
        centred = key in ("tier", "tier_source", "abc", "risk")
        fmt = book.fmt("pr_cell_center" if centred else "pr_cell", numfmt)
        plan.append((c, vals, kind == "n", fmt))
    n = len(plan[0][1]) if plan else 0
    write_number, write_string = ws.write_number, ws.write_string
    for i in range(n):
        row = first + i
        for c, vals, is_num, fmt in plan:
            v = vals[i]
            if is_num:
                if v == v:
                    write_number(row, c, v, fmt)
            elif v:
                write_string(row, c, v, fmt)

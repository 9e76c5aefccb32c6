"""商品结构总表 / 补货表 end to end: the calamine reader, the sheets as openpyxl and calamine see
them, and LibreOffice recalculating every summary formula to the value we cached."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

import lo
from sheetplan.calc.products import StockRules, TierRules, plan_products
from sheetplan.plan.products_reader import read_products
from sheetplan.render.book import Book
from sheetplan.render.labels import label
from sheetplan.render.products import write_product_sheets

CATEGORIES = ["女装", "T恤*", ">100元", "2024", "Bags", "bags", "", "鞋~靴"]


def frame(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "sku": [f"S{i:03d}" for i in range(n)],
        "name": [f"商品{i}" for i in range(n)],
        "category": [CATEGORIES[i % len(CATEGORIES)] for i in range(n)],
        "price": np.round(rng.uniform(5, 300, n), 2),
        "stock": np.where(np.arange(n) % 9 == 4, np.nan, rng.integers(0, 300, n)),
        "sales": rng.integers(0, 900, n).astype(float),
        "favourites": rng.integers(0, 200, n).astype(float),
        "carts": np.where(np.arange(n) % 5 == 0, np.nan, rng.integers(0, 100, n)),
        "views": rng.integers(0, 9000, n).astype(float),
        "conversion": rng.uniform(0, 0.1, n),
        "tier": ["主推" if i == 2 else "" for i in range(n)],
    })


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, object]:
    df = frame()
    res = plan_products(df, TierRules(hit_share=0.1, featured_share=0.2),
                        StockRules(ref_date=dt.date(2026, 11, 1)))
    path = tmp_path_factory.mktemp("products") / "products.xlsx"
    with Book(path, title="products", constant_memory=True) as book:
        write_product_sheets(book, df, res, "zh")
        write_product_sheets(book, df, res, "en")
    return path, df, res


# ----------------------------------------------------------------------------- LibreOffice


def test_libreoffice_recalculates_every_summary_formula_to_our_cached_value(workbook, tmp_path: Path) -> None:
    path, _, _ = workbook
    recalculated = lo.recalculated(path, tmp_path)
    formulas = load_workbook(path)
    cached = load_workbook(path, data_only=True)
    recalc = load_workbook(recalculated, data_only=True)
    count, mismatches = 0, []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    count += 1
                    ours = cached[ws.title][cell.coordinate].value
                    theirs = recalc[ws.title][cell.coordinate].value
                    if not (isinstance(theirs, int | float) and math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-9)):
                        mismatches.append((ws.title, cell.coordinate, cell.value, ours, theirs))
    assert count > 100, "no formulas to check"
    assert mismatches == []


# ----------------------------------------------------------------------------- structure


def test_sheets_rows_and_formats(workbook) -> None:
    path, df, res = workbook
    wb = load_workbook(path)
    assert wb.sheetnames == ["商品结构总表", "补货表", "Product structure", "Replenishment"]
    ws = wb["商品结构总表"]
    header = [c.value for c in ws[14]]
    assert header[:4] == ["SKU", "商品名称", "类目", "层级"]
    assert ws.freeze_panes == "B15"
    assert ws.auto_filter.ref == f"A14:U{14 + len(df)}"
    assert len(ws._charts) == 1
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert len(rules) == 5  # two tiers, three risk levels (high, too late, medium)
    assert ws["A6"].value == "SKU 数" and ws["B5"].value == "预爆款"
    assert ws["B6"].value.startswith("=COUNTIF($D$15:$D$54,B$5)")
    # a wildcard or comparison label becomes a literal exact-match criterion
    formulas = [c.value for c in ws[6] if isinstance(c.value, str) and c.value.startswith("=")]
    assert any('"=T恤~*"' in f for f in formulas) and any('"=>100元"' in f for f in formulas)
    assert any('"=鞋~~靴"' in f for f in formulas)
    typed = ws["D17"]  # S002 was typed 主推
    assert (typed.value, ws["E17"].value) == ("主推", "手填")
    reorder = wb["补货表"]
    assert reorder.max_row == 8 + len(res.reorder)
    assert reorder["A9"].value == df["sku"][res.reorder[0]]
    assert wb["Product structure"]["B5"].value == "Expected hit"


def test_constant_memory_wrote_every_row_in_order(workbook) -> None:
    path, df, res = workbook
    cal = CalamineWorkbook.from_path(str(path))
    rows = cal.get_sheet_by_name("商品结构总表").to_python(skip_empty_area=False)
    body = rows[14:14 + len(df)]
    assert [r[0] for r in body] == df["sku"].tolist()
    assert [r[20] if r[20] != "" else 0 for r in body] == res.table["stockup"].tolist()
    uncat = label("pr_uncategorised", "zh")
    assert [r[2] for r in body] == [c or uncat for c in df["category"]]
    stock = [r[8] for r in body]
    assert stock[4] == "" and stock[0] == df["stock"][0]  # blank stays blank


def test_empty_product_list(tmp_path: Path) -> None:
    df = frame(0)
    with Book(tmp_path / "empty.xlsx", constant_memory=True) as book:
        write_product_sheets(book, df, plan_products(df), "zh")
    ws = load_workbook(tmp_path / "empty.xlsx", data_only=True)["商品结构总表"]
    assert ws["E6"].value == 0


# ----------------------------------------------------------------------------- reader


def write_input(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("商品")
    ws.write_string(0, 0, "双十一商品清单")
    heads = ["销量", "SKU", "类目", "Price", "库存", "收藏", "转化率", "层级", "备注", "预测销量"]
    for c, h in enumerate(heads):
        ws.write_string(1, c, h)
    rows = [
        [300, "A1", "女装", 99.0, 10, 50, 0.05, "", "x", 2000],
        ["1,200", 1002, "鞋", "59", 100, 20, "4.5%", "主推", "", None],
        [10, "A3", "鞋", "abc", 5, 1, 0.2, "爆款", "", None],  # bad price, bad tier
        [None, None, None, None, None, None, None, None, "only a note", None],  # ignored: no known value
        [5, "A1", "女装", 10, 1, 0, 0.5, "", "", None],  # duplicate SKU
        [7, "", "女装", 10, -1, 0, 1.5, "", "", None],  # no SKU, negative stock, conversion > 100 %
    ]
    for r, vals in enumerate(rows, start=2):
        for c, v in enumerate(vals):
            if isinstance(v, str):
                ws.write_string(r, c, v)
            elif v is not None:
                ws.write_number(r, c, v)
    wb.close()


def test_reader_matches_aliases_converts_and_names_every_bad_cell(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    write_input(path)
    df, problems = read_products(path)
    assert df["sku"].tolist() == ["A1", "1002"]
    assert df["row"].tolist() == [3, 4]
    assert df["sales"].tolist() == [300, 1200]
    assert df["price"].tolist() == [99, 59]
    assert df["conversion"].tolist() == pytest.approx([0.05, 0.045])
    assert df["tier"].tolist() == ["", "主推"]
    assert df["forecast"].tolist()[0] == 2000 and math.isnan(df["forecast"][1])
    assert math.isnan(df["carts"][0]) and df["name"].tolist() == ["", ""]  # absent columns: blank
    where = sorted(p.where for p in problems)
    assert where == ["商品!B7", "商品!B8", "商品!D5", "商品!E8", "商品!G8", "商品!H5"]
    by = {p.where: p.message for p in problems}
    assert by["商品!D5"] == "「价格」应为数字，实为「abc」"
    assert "商品!B3" in by["商品!B7"]  # the duplicate names the first occurrence
    assert all(p.severity == "error" for p in problems)


def test_reader_english_messages_missing_sheet_and_column(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    write_input(path)
    _, problems = read_products(path, lang="en")
    assert any(p.message == "'Price' must be a number, not 'abc'" for p in problems)
    other = tmp_path / "none.xlsx"
    wb = xlsxwriter.Workbook(str(other))
    wb.add_worksheet("活动").write_string(0, 0, "x")
    ws = wb.add_worksheet("Products")
    ws.write_string(0, 0, "Price")
    ws.write_string(0, 1, "Stock")
    wb.close()
    df, problems = read_products(other, lang="en")
    assert df.empty and [str(p) for p in problems] == ["Products!A1: missing column 'SKU' (header row 1)"]
    wb = xlsxwriter.Workbook(str(tmp_path / "no_sheet.xlsx"))
    wb.add_worksheet("活动")
    wb.close()
    assert read_products(tmp_path / "no_sheet.xlsx")[1] == []
    (tmp_path / "x.csv").write_text("sku,price\nA,1\n")
    assert "CSV" in read_products(tmp_path / "x.csv")[1][0].message


def test_fast_sheet_writes_the_same_bytes_as_xlsxwriter(tmp_path: Path) -> None:
    """FastSheet only skips escaping integer attributes: the sheet XML must not change."""
    import zipfile

    from sheetplan.render.book import FastSheet

    def build(path: Path, cls: type | None) -> bytes:
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        ws = wb.add_worksheet("S", worksheet_class=cls)
        f = wb.add_format({"num_format": "0.0%", "bold": True})
        for r in range(50):
            ws.write_number(r, 0, r / 7, f)
            ws.write_string(r, 1, f'<&"{r}"> 商品 ', f)
            ws.write_number(r, 2, r)
            ws.write_formula(r, 3, f"=A{r + 1}*2", f, r / 3.5)
        wb.close()
        with zipfile.ZipFile(path) as z:
            return z.read("xl/worksheets/sheet1.xml")

    assert build(tmp_path / "a.xlsx", None) == build(tmp_path / "b.xlsx", FastSheet)

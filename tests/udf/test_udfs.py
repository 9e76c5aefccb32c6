"""Every SP_* UDF through xlwings' conversion pipeline with Excel-shaped raw values.

Raw values are what pywin32 hands to ``xlwings.udfs.call_udf``: a scalar for a literal
argument, a tuple of row tuples for a range, ``None`` for blank cells, COM error codes
(ints) for error cells, ``pywintypes.TimeType`` for date cells and ``MISSING_ARG`` for an
omitted optional argument. The expected values are what the cells would display.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import types
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetplan.calc import service
from sheetplan.excel.vba.offline_xlwings import MISSING_ARG, TimeType

NA, DIV0 = -2146826246, -2146826281  # #N/A, #DIV/0! as COM passes them

SEED_QTY = (6000.0, 3000.0, 2000.0, 2000.0, 8000.0, 6000.0, 4000.0, 4000.0)
SEED_AMT = (1.8e6, 1.2e6, 1.0e6, 1.0e6, 2.4e6, 1.5e6, 0.6e6, 0.5e6)
SEED_LABELS = ("女装", "男装", "童装", "鞋", "包", "配饰", "家居", "美妆")


def col(*values: Any) -> tuple[tuple[Any, ...], ...]:
    """A column range as pywin32 passes it."""
    return tuple((v,) for v in values)


def err(arg: str, why: str) -> list[list[str]]:
    return [[f"#SP! {arg}: {why}"]]


def flat(grid: list[list[Any]]) -> list[Any]:
    return [c for row in grid for c in row]


# name -> list of (raw args, expected display or a predicate on it)
# SP_ROSTER's three tables as pywin32 passes ranges: header rows, text, numbers, dates as TimeType
ROSTER_STAFF = (("姓名", "岗位", "类型"), ("甲", "值班", "全职"), ("乙", "值班", None), ("丙", "值班", "Full-time"))
ROSTER_SHIFTS = (("代码", "开始", "时长(小时)"), ("早", TimeType(1899, 12, 30, 8, 0), 8.0),
                 ("中", TimeType(1899, 12, 30, 16, 0), 8.0))
ROSTER_NEED = (("岗位", "人数", "日期", "开始", "结束"),
               ("值班", 1.0, TimeType(2026, 11, 11), TimeType(1899, 12, 30, 8, 0), "24:00"))

CASES: dict[str, list[tuple[tuple[Any, ...], Any]]] = {
    "SP_HEADCOUNT": [
        ((12000.0, 1.5, 200.0), [[90]]),
        ((col(12000.0), ((1.5,),), 200.0), [[90]]),  # single-cell ranges
        (("12,000", " 1.5 ", "200"), [[90]]),  # numbers stored as text
        ((TimeType(2024, 1, 1), 1.0, 1.0), [[45292]]),  # a date cell is its serial
        ((-1.0, 1.5, 200.0), err("orders", "must not be negative")),
        ((None, 1.5, 200.0), err("orders", "is empty")),
        ((NA, 1.5, 200.0), err("orders", "holds the error #N/A")),
        (("abc", 1.5, 200.0), err("orders", "must be a number, not 'abc'")),
        ((col(1.0, 2.0), 1.5, 200.0), err("orders", "must be a single cell")),
        ((100.0, 1.5, 0.0), err("per_person", "must be greater than 0")),
        ((100.0, True, 1.0), err("coefficient", "must be a number, not TRUE")),
    ],
    "SP_SHARE": [
        ((col(*SEED_QTY), MISSING_ARG, MISSING_ARG),
         [[v / 35000] for v in SEED_QTY]),
        ((col(*SEED_QTY), 1.0, "最大余数"), "sums_to_one"),
        (((SEED_QTY[:3],), 1.0, "exact"), [[6 / 11, 3 / 11, 2 / 11]]),  # a row stays a row
        ((col(1.0, None, 3.0), MISSING_ARG, MISSING_ARG), [[0.25], [""], [0.75]]),  # blanks stay blank
        ((col(1.0, "3"), None, None), [[0.25], [0.75]]),  # blank optional cells take the default
        ((col(1.0, DIV0), MISSING_ARG, MISSING_ARG), err("values", "cell 2 holds the error #DIV/0!")),
        ((col(1.0, -2.0), MISSING_ARG, MISSING_ARG), err("values", "cell 2 must not be negative")),
        ((col(None, None), MISSING_ARG, MISSING_ARG), err("values", "has no numbers")),
        ((col(1.0), 7.0, "lr"), err("decimals", "must be a whole number from 0 to 6")),
        ((col(1.0), 1.0, "median"),
         err("method", "must be exact/精确 or largest_remainder/最大余数, not 'median'")),
    ],
    "SP_SHARE_TABLE": [
        ((col(*SEED_LABELS), col(*SEED_QTY), col(*SEED_AMT), MISSING_ARG, MISSING_ARG), "seed_table"),
        ((col(*SEED_LABELS, None), col(*SEED_QTY, None), col(*SEED_AMT, None), 1.0, "精确"), "seed_table"),
        ((col("a", "b"), col(1.0, None), col(1.0, 2.0)), err("quantities", "row 2 is empty")),
        ((col("a", "b"), col(1.0, 2.0), col(1.0, NA)), err("amounts", "row 2 holds the error #N/A")),
        ((col("a"), col(-1.0), col(1.0)), err("quantities", "row 1 must not be negative")),
        ((col(*SEED_LABELS), col(*SEED_QTY), col(*SEED_AMT), MISSING_ARG, MISSING_ARG, "en"), "seed_table_en"),
        ((col("a"), col(1.0), col(1.0), MISSING_ARG, MISSING_ARG, "fr"), err("lang", "must be zh or en, not 'fr'")),
        ((((1.0, 2.0), (3.0, 4.0)), col(1.0), col(1.0)), err("labels", "must be one row or one column")),
        ((col(None), col(None), col(None)), err("labels", "has no rows")),
    ],
    "SP_OUTREACH": [
        ((4000.0, 20.0, 4.0), [[50.0]]),
        ((4001.0, 20.0, 4.0), [[51.0]]),
        ((4000.0, 0.0, 4.0), err("callers", "must be greater than 0")),
        ((4000.0, 20.0, "four"), err("days", "must be a number, not 'four'")),
    ],
    "SP_ABC": [
        ((col(*SEED_AMT), MISSING_ARG, MISSING_ARG), [[c] for c in "AABBAACC"]),
        ((col(5.0, None, 3.0, 1.0, 1.0), 0.5, 0.3), [["A"], [""], ["B"], ["C"], ["C"]]),
        ((col(1.0), 1.5, MISSING_ARG), err("a_share", "must be between 0 and 1")),
        ((col(1.0), 0.7, 0.5), err("b_share", "must be between 0 and 1 with a_share + b_share ≤ 1")),
        ((col("x"), MISSING_ARG, MISSING_ARG), err("values", "must be a number, not 'x'")),
    ],
    "SP_TIER": [
        ((col(*(float(v) for v in range(20, 0, -1))),), [["预爆款"], *[["主推"]] * 3, *[["常规款"]] * 16]),
        ((col(5.0, None, 3.0, 1.0), *[MISSING_ARG] * 5, 0.3, 0.3), [["预爆款"], [""], ["主推"], ["常规款"]]),
        ((col(5.0, None, 3.0, 1.0), *[MISSING_ARG] * 4, col(None, None, None, "featured"), 0.3, 0.3),
         [["预爆款"], [""], ["主推"], ["主推"]]),  # the planner's word wins
        ((((5.0, 3.0, 1.0),), *[MISSING_ARG] * 5, 0.3, 0.3), [["预爆款", "主推", "常规款"]]),  # a row stays a row
        ((col(None, None, None), MISSING_ARG, MISSING_ARG, MISSING_ARG, col("5%", "1%", "0%"), MISSING_ARG,
          "30%", 0.3), [["预爆款"], ["主推"], ["常规款"]]),  # conversion as % text, no sales given
        ((col(0.0, 0.0),), [["常规款"], ["常规款"]]),  # nothing sold, liked or viewed is never a hit
        ((col(-1.0),), err("sales", "cell 1 must not be negative")),
        ((col(1.0, "x"),), err("sales", "cell 2 must be a number, not 'x'")),
        ((col(None, None),), err("sales", "has no numbers")),
        ((col(1.0), col(1.0, 2.0)), err("favourites", "has more cells than sales (1)")),
        ((col(1.0, 2.0), *[MISSING_ARG] * 4, col("爆款", None)),
         err("overrides", "cell 1 must be 预爆款/主推/常规款 (hit/featured/regular), not '爆款'")),
        ((col(1.0), *[MISSING_ARG] * 5, 1.5), err("hit_share", "must be a fraction between 0 and 1, not 1.5")),
        ((col(1.0), col(NA)), err("favourites", "cell 1 holds the error #N/A")),
    ],
    "SP_STOCKUP": [
        ((10.0, 5.0), [[5.0]]),  # 常规款: 5 × 3 − 10
        ((100.0, 30.0, "预爆款", 500.0), [[400.0]]),  # a hit's forecast − stock
        ((10.0, 5.0, "hit"), [[15.0]]),  # a hit without forecast: 5 × 5 − 10
        ((200.0, 30.0), [[0.0]]),  # enough stock: never negative
        ((col(10.0, None, 100.0), col(5.0, None, 10.0), "常规款", MISSING_ARG, 2.0, MISSING_ARG,
          col(1.0, None, 0.0), 4.0), [[4.0], [""], [0.0]]),  # 5×2+1−10 = 1 → one pack of 4
        (("1,000", "500"), [[500.0]]),  # numbers stored as text
        ((-1.0, 5.0), err("stock", "must not be negative")),
        ((10.0, 5.0, "爆款"), err("tier", "must be 预爆款/主推/常规款 (hit/featured/regular), not '爆款'")),
        ((10.0, 5.0, MISSING_ARG, MISSING_ARG, MISSING_ARG, MISSING_ARG, MISSING_ARG, 2.5),
         err("pack_size", "must be a whole number ≥ 1")),
        ((col(1.0, 2.0), col(1.0, 2.0, 3.0)), err("sales", "must be one cell or 2×1 cells like the other ranges")),
        ((10.0, 5.0, MISSING_ARG, MISSING_ARG, -1.0), err("multiple", "must be a finite number ≥ 0, not -1.0")),
        ((col(1.0, NA), col(1.0, 1.0)), err("stock", "cell 2 holds the error #N/A")),
    ],
    "SP_SELLOUT_HOURS": [
        ((10.0, 5.0), [[48.0]]),  # 10 units at 5 a day: 2 days
        ((12.0, 24.0, 2.0), [[6.0]]),  # twice the pace on the sale day
        ((col(10.0, 0.0, None, 5.0), col(240.0, 0.0, None, 0.0)), [[1.0], [""], [""], [""]]),  # blank: never
        ((((3.0, 6.0),), 72.0), [[1.0, 2.0]]),  # one daily pace for a row of SKUs
        ((10.0, "fast"), err("daily_sales", "must be a number, not 'fast'")),
        ((10.0, 5.0, 0.0), err("pace_factor", "must be greater than 0")),
        ((NA, 5.0), err("stock", "holds the error #N/A")),
        ((col(1.0, -2.0), 1.0), err("stock", "cell 2 must not be negative")),
    ],
    "SP_AGENTS": [
        ((col(100.0, 200.0, None, 0.0), 180.0, 0.8, 20.0), "agents_match_calc"),
        ((((100.0, 200.0), (300.0, 400.0)), 180.0, "80%", 20.0, 30.0, 2.0, 0.85, 0.3), "agents_match_calc"),
        ((col(100.0), 180.0, 1.2, 20.0), err("target_sl", "must be between 0 and 1")),
        ((col(-5.0), 180.0, 0.8, 20.0), err("arrivals", "must not be negative")),
        ((col(100.0), 0.0, 0.8, 20.0), err("aht_seconds", "must be greater than 0")),
        ((col("lots"), 180.0, 0.8, 20.0), err("arrivals", "must be a number, not 'lots'")),
        ((col(100.0), 180.0, NA, 20.0), err("target_sl", "holds the error #N/A")),
        ((col(1e12), 180.0, 0.8, 20.0), err("arrivals", "load over 100000 agents in all; split the demand")),
    ],
    "SP_SERVICE_LEVEL": [
        ((13.0, col(100.0, 200.0), 180.0, 20.0), "sl_match_calc"),
        ((col(8.0, 12.0), col(100.0, 200.0), 180.0, 20.0, 60.0, 1.0), "sl_match_calc"),
        ((col(8.0, 12.0, 1.0), col(100.0, 200.0), 180.0, 20.0),
         err("agents", "must be one number or 2 numbers (one per arrivals cell)")),
        ((2.5, col(100.0), 180.0, 20.0), err("agents", "must be whole numbers from 0 to 100000")),
        ((10.0, col(100.0), 180.0, -1.0), err("answer_seconds", "must not be negative")),
    ],
    "SP_SHIFT_PLAN": [
        ((col(1.0, 2.0, 3.0, 3.0, 2.0, 1.0, 0.0, 0.0, 1.0, 1.0), col(4.0, 2.0), MISSING_ARG), "shift_cover"),
        ((((2.0, 2.0, 2.0, 2.0),), 1.0, 30.0), "shift_cover"),
        ((col(1.0, -1.0), 4.0, MISSING_ARG), err("requirement", "must not be negative")),
        ((col(1.0), 0.0, MISSING_ARG),
         err("shift_hours", "must be > 0 and a whole number of intervals, not 0")),
        ((col(1.0), 1.0, 7.0), err("interval_minutes", "must divide a day, e.g. 15, 30 or 60")),
        ((col(1.0), None, MISSING_ARG), err("shift_hours", "is empty")),
        ((col(2.0, 2.0), 2.0, MISSING_ARG, "en"), [["Start (h)", "Length (h)", "People"], [0.0, 2.0, 2]]),
        ((col(1.0), 2.0, MISSING_ARG, "en"), [["Start (h)", "Length (h)", "People"], ["Uncovered", "", 1]]),
        ((col(1.0), 2.0, MISSING_ARG), [["开始(小时)", "时长(小时)", "人数"], ["未覆盖", "", 1]]),
        ((col(1.0), 2.0, MISSING_ARG, "fr"), err("lang", "must be zh or en, not 'fr'")),
    ],
    "SP_ROSTER": [
        ((ROSTER_STAFF, ROSTER_SHIFTS, ROSTER_NEED), "roster"),
        ((ROSTER_STAFF, ROSTER_SHIFTS, ROSTER_NEED, MISSING_ARG, MISSING_ARG, MISSING_ARG, "en"), "roster_en"),
        ((ROSTER_STAFF[:2], ROSTER_SHIFTS, ROSTER_NEED), "roster_short"),  # one person cannot cover 16 h
        ((ROSTER_STAFF, ROSTER_SHIFTS, (("岗位", "人数"), ("值班", "x"))),
         [["#SP! 需求 row 2: 「人数」应为数字，实为「x」"]]),
        ((ROSTER_STAFF, ROSTER_SHIFTS, (("岗位", "人数"), ("值班", 1.0))),
         [["#SP! 需求: 每行需求都需要日期（或带日期的开始/结束）"]]),
        ((((("名字"),),), ROSTER_SHIFTS, ROSTER_NEED),
         [["#SP! 人员: 缺少列「姓名、岗位」（在第 1 行表头中）"]]),
        ((ROSTER_STAFF, ROSTER_SHIFTS, ROSTER_NEED, 30.0), err("min_rest_hours", "must be from 0 to 24")),
    ],
}


def _roster_cover(got: list[list[Any]]) -> dict[dt.datetime, int]:
    """People on duty per hour, from SP_ROSTER's rows (header first, two summary rows last)."""
    cover: dict[dt.datetime, int] = {}
    for _name, _post, _day, start, end, hours in got[1:-2]:
        assert (end - start).total_seconds() / 3600 == hours
        t = start
        while t < end:
            cover[t] = cover.get(t, 0) + 1
            t += dt.timedelta(hours=1)
    return cover


def _check(name: str, raw: tuple[Any, ...], got: Any, expected: Any) -> None:
    if not isinstance(expected, str):
        assert _approx(got, expected), (name, raw, got)
        return
    if expected == "sums_to_one":
        assert math.isclose(sum(flat(got)), 1.0) and all(round(v * 1000) == v * 1000 for v in flat(got)), got
    elif expected == "seed_table_en":
        assert got[0] == ["Category", "Units", "Discounted value", "Unit share", "Value share", "Implied unit price",
                          "ABC"]
        assert got[-1][0] == "Total" and [r[6] for r in got[1:-1]] == list("AABBAACC")
    elif expected == "seed_table":
        assert got[0] == ["类目", "件数", "折后金额", "库存件数占比", "库存金额占比", "件单价", "ABC"]  # render.labels
        assert [r[0] for r in got[1:-1]] == list(SEED_LABELS)
        shown_qty = [round(r[3] * 100, 1) for r in got[1:-1]]
        assert shown_qty == [17.1, 8.6, 5.7, 5.7, 22.9, 17.1, 11.4, 11.4]  # seed 000, as Excel shows them
        assert [round(r[4] * 100) for r in got[1:-1]] == [18, 12, 10, 10, 24, 15, 6, 5]
        assert got[1][5] == 300.0  # implied unit price 1.8M / 6000
        assert got[-1] == ["合计", 35000.0, 10_000_000.0, 1.0, 1.0, 10_000_000 / 35000, ""]
    elif expected == "agents_match_calc":
        arr, aht, sl, ans, *rest = raw
        sl = 0.8 if sl == "80%" else sl
        kw = dict(zip(("interval_minutes", "concurrency", "max_occupancy", "shrinkage"), rest, strict=False))
        want = [["" if v is None else service.agents_required(v, aht, sl, ans, **kw) for v in row]
                for row in arr]
        assert got == want and any(isinstance(v, int) and v > 0 for v in flat(got))
    elif expected == "sl_match_calc":
        agents, arr, aht, ans, *rest = raw
        per = [a for (a,) in agents] if isinstance(agents, tuple) else [agents] * len(arr)
        want = [[service.service_level(int(n), v, aht, ans, *rest)] for n, (v,) in zip(per, arr, strict=True)]
        assert got == want and all(0 < v <= 1 for v in flat(got))
    elif expected == "shift_cover":
        req = flat([list(r) for r in raw[0]])
        minutes = 60.0 if raw[2] == MISSING_ARG else raw[2]
        assert got[0] == ["开始(小时)", "时长(小时)", "人数"]
        cover = [0] * len(req)
        for start_h, length_h, people in got[1:]:
            s, n = round(start_h * 60 / minutes), round(length_h * 60 / minutes)
            for t in range(s, s + n):
                cover[t] += people  # a shift beyond the horizon would raise IndexError
        assert all(c >= r for c, r in zip(cover, req, strict=True)), (cover, req)
    elif expected in ("roster", "roster_en", "roster_short"):
        head = ["Person", "Post", "Date", "Start", "End", "Hours"] if expected == "roster_en" else \
            ["姓名", "岗位", "日期", "开始", "结束", "小时"]
        assert got[0] == head
        cover = _roster_cover(got)
        need = [dt.datetime(2026, 11, 11, h) for h in range(8, 24)]
        unmet = sum(max(0, 1 - cover.get(t, 0)) for t in need)
        assert got[-2][-1] == unmet and math.isclose(got[-1][-1], 1 - unmet / len(need))
        assert (unmet == 0) == (expected != "roster_short"), got
        assert all(isinstance(r[3], dt.datetime) for r in got[1:-2])
    else:  # pragma: no cover
        raise AssertionError(expected)


def _approx(got: Any, want: Any) -> bool:
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(_approx, got, want))
    if isinstance(want, float) and isinstance(got, int | float) and not isinstance(got, bool):
        return math.isclose(got, want, rel_tol=1e-12)
    return got == want and type(got) is type(want)


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [(n, raw, exp) for n, cases in CASES.items() for raw, exp in cases],
    ids=[f"{n}-{i}" for n, cases in CASES.items() for i in range(len(cases))],
)
def test_udf_in_excel(excel: Callable[..., Any], name: str, raw: tuple[Any, ...], expected: Any) -> None:
    _check(name, raw, excel(name, *raw), expected)


def test_every_udf_has_good_and_bad_cases(udfs: types.ModuleType) -> None:
    names = {n for n in dir(udfs) if n.startswith("SP_")}
    assert names == set(udfs.__all__)
    missing = names - CASES.keys()
    assert not missing, f"UDFs without test cases: {sorted(missing)}"
    for n in names:
        kinds = [not isinstance(exp, str) and str(flat(exp)[0]).startswith("#SP!") for _, exp in CASES[n]]
        assert any(kinds) and not all(kinds), f"{n} needs good and bad inputs"


#: One-cell answers; every other UDF answers a table (expand="table" here, native in udfs_native).
SINGLE_CELL = ("SP_HEADCOUNT", "SP_OUTREACH")


def test_registration_metadata(udfs: types.ModuleType) -> None:
    """What Excel's function wizard shows: category, a description, one per argument."""
    for n in udfs.__all__:
        info = getattr(udfs, n).__xlfunc__
        assert info["name"] == n and info["category"] == "SheetPlan" and not info["sub"]
        assert 10 < len(info["ret"]["doc"]) <= 255
        for a in info["args"]:
            assert not a["doc"].startswith("Positional argument"), (n, a["name"])
            assert len(a["doc"]) <= 255
            assert a["options"]["ndim"] == 2 and a["options"]["err_to_str"] is True
        shaped = n not in SINGLE_CELL
        assert (info["ret"]["options"].get("expand") == "table") == shaped


def test_errors_are_one_cell(excel: Callable[..., Any]) -> None:
    got = excel("SP_SHARE_TABLE", col("a"), col(None), col(1.0))
    assert got == err("quantities", "row 1 is empty")


def test_vba_wrappers_generated_offline(xl: Any, udfs: types.ModuleType) -> None:
    text = xl.vba_wrappers("sheetplan.excel.udfs", udfs, "sheetplan.xlam")
    funcs = re.findall(r"^Function (SP_\w+)\((.*)\)$", text, re.M)
    assert [f for f, _ in funcs] == sorted(udfs.__all__)
    sigs = dict(funcs)
    assert sigs["SP_HEADCOUNT"] == "orders, coefficient, per_person"
    assert sigs["SP_SHARE"] == "values, Optional decimals, Optional method"
    assert (
        'SP_SHARE = XLPy.CallUDF("sheetplan.excel.udfs", "SP_SHARE", Array(values, decimals, method), '
        "ActiveWorkbook, Application.Caller)" in text
    )
    assert text.count("End Function") == len(udfs.__all__)


def test_excel_365_module_is_the_same_functions_spilling_natively(xl: Any, udfs: types.ModuleType) -> None:
    """DESIGN §8: xlwings' expand writes legacy array formulas that overwrite neighbours without
    #SPILL! in Excel 365; the add-in calls sheetplan.excel.udfs_native there."""
    from sheetplan.excel.udfs_native import expanding, native_functions

    native = native_functions(udfs)
    assert sorted(native) == sorted(udfs.__all__)
    assert sorted(expanding(udfs)) == sorted(set(udfs.__all__) - set(SINGLE_CELL))
    for name, func in native.items():
        mine, theirs = func.__xlfunc__, getattr(udfs, name).__xlfunc__
        assert "expand" not in mine["ret"]["options"]
        assert mine["args"] == theirs["args"] and mine["ret"]["doc"] == theirs["ret"]["doc"]
        assert mine["category"] == theirs["category"] and mine["name"] == name
    assert all("expand" in getattr(udfs, n).__xlfunc__["ret"]["options"] for n in expanding(udfs))
    for name, cases in CASES.items():  # the same answers, through xlwings' conversion
        for raw, _ in cases[:3]:
            assert xl.call(native[name], *raw) == xl.call(getattr(udfs, name), *raw), name


def test_plain_python_calls() -> None:
    """The module imports and works without xlwings' Windows parts (no __xlfunc__ here)."""
    from sheetplan.excel import udfs as plain

    assert plain.SP_HEADCOUNT(12000, 1.5, 200) == 90
    assert plain.SP_OUTREACH(4000, 20, 4) == 50
    assert plain.SP_SHARE([1, 3]) == [[0.25, 0.75]]
    assert plain.SP_AGENTS(100, 180, 1.2, 20) == "#SP! target_sl: must be between 0 and 1"
    from sheetplan.excel import udfs_native

    assert udfs_native.SP_SHARE([1, 3]) == [[0.25, 0.75]] and udfs_native.__all__ == plain.__all__


def test_offline_shims_are_removed_afterwards() -> None:
    import sys

    from sheetplan.excel.vba.offline_xlwings import offline_xlwings

    before = {n: sys.modules.get(n) for n in ("pythoncom", "pywintypes", "win32com.client")}
    with offline_xlwings():
        assert "pythoncom" in sys.modules
    assert {n: sys.modules.get(n) for n in before} == before


excel_cell = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(-(10**6), 10**6).map(float),
    st.sampled_from([NA, DIV0, True, False, "", " ", "abc", "1,000", "80%", "最大余数", "-3", "1e400"]),
    st.datetimes().map(lambda d: TimeType(d.year, d.month, d.day, d.hour)),
)
excel_arg = st.one_of(
    excel_cell,
    st.lists(st.lists(excel_cell, min_size=2, max_size=2), min_size=1, max_size=3).map(
        lambda rows: tuple(tuple(r) for r in rows)
    ),
    st.just(MISSING_ARG),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_never_raises_on_junk(excel: Callable[..., Any], udfs: types.ModuleType, data: st.DataObject) -> None:
    for name in udfs.__all__:
        if name == "SP_SHIFT_PLAN":
            continue  # solver-backed; covered by its cases above (junk would only cost time)
        n_args = len(getattr(udfs, name).__xlfunc__["args"])
        raw = data.draw(st.tuples(*[excel_arg] * n_args), label=name)
        got = excel(name, *raw)  # must not raise
        assert isinstance(got, list) and all(isinstance(r, list) for r in got)
        cells = flat(got)
        if cells and isinstance(cells[0], str) and cells[0].startswith("#SP!"):
            assert len(got) == 1 and len(got[0]) == 1 and "internal error" not in cells[0], got


WHOLE_COLUMN = 1_048_576  # rows of an Excel sheet: =SP_X(A:A)


def blank_tail(values: tuple[Any, ...], rows: int) -> tuple[tuple[Any, ...], ...]:
    """A column range of ``rows`` cells: ``values`` then blanks, as pywin32 passes A:A."""
    return col(*values, *[None] * (rows - len(values)))


def test_a_whole_column_answers_its_data_not_a_million_rows(excel: Callable[..., Any], xl: Any,
                                                            udfs: types.ModuleType) -> None:
    """=SP_SHARE(A:A) with 50 numbers: 50 rows (it spilled 1,048,576 rows: #SPILL! in Excel 365)."""
    values = tuple(float(i + 1) for i in range(50))
    column = blank_tail(values, WHOLE_COLUMN)
    got = excel("SP_SHARE", column, MISSING_ARG, MISSING_ARG)
    assert len(got) == 50 and got[0] == [1 / sum(values)]
    from sheetplan.excel.udfs_native import native_functions

    native = native_functions(udfs)["SP_SHARE"]  # Excel 365's module: the same trimmed answer
    assert xl.call(native, column, MISSING_ARG, MISSING_ARG) == got


TAIL = 3000  # blank rows after the data: a selection longer than the data


@pytest.mark.parametrize(("name", "raw", "rows"), [
    ("SP_ABC", (blank_tail((5.0, 3.0, 2.0), TAIL), MISSING_ARG, MISSING_ARG), 3),
    ("SP_AGENTS", (blank_tail((100.0, 200.0), TAIL), 180.0, 0.8, 20.0), 2),
    ("SP_SERVICE_LEVEL", (10.0, blank_tail((100.0, 200.0), TAIL), 180.0, 20.0), 2),
    ("SP_SELLOUT_HOURS", (blank_tail((10.0, 20.0), TAIL), blank_tail((24.0,), TAIL)), 2),
    ("SP_STOCKUP", (blank_tail((10.0,), TAIL), blank_tail((5.0, 7.0), TAIL)), 2),
    ("SP_TIER", (blank_tail((5.0, 3.0), TAIL), blank_tail((1.0, 2.0, 3.0), TAIL)), 3),
    ("SP_SHARE_TABLE", (blank_tail(("a", "b"), TAIL), blank_tail((1.0, 2.0), TAIL), blank_tail((3.0, 4.0), TAIL)),
     4),  # header, two rows, total
])
def test_every_range_argument_trims_trailing_blanks_together(excel: Callable[..., Any], name: str,
                                                              raw: tuple[Any, ...], rows: int) -> None:
    """Parallel ranges are cut to the longest of their data, so they stay parallel."""
    got = excel(name, *raw)
    assert len(got) == rows, got[:3]
    assert not str(flat(got)[0]).startswith("#SP!"), got[:3]


def test_a_whole_row_trims_trailing_blank_columns(excel: Callable[..., Any]) -> None:
    got = excel("SP_SHARE", (tuple([1.0, 3.0, *[None] * 16382]),), MISSING_ARG, MISSING_ARG)
    assert got == [[0.25, 0.75]]


#: Solver-backed UDFs: not run inside Insert Function as the planner types.
SLOW = ("SP_ROSTER", "SP_SHIFT_PLAN")
WIZARD_GUARD = 'If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function'


def test_slow_udfs_do_not_run_in_the_function_wizard(xl: Any, udfs: types.ModuleType) -> None:
    """Through the VBA wrapper text xlwings generates (what the add-in ships)."""
    text = xl.vba_wrappers("sheetplan.excel.udfs", udfs, "sheetplan.xlam")
    bodies = dict(re.findall(r"^Function (SP_\w+)\(.*?\n(.*?)^End Function", text, re.M | re.S))
    assert sorted(bodies) == sorted(udfs.__all__)
    for name, body in bodies.items():
        assert (WIZARD_GUARD in body) == (name in SLOW), name
    from sheetplan.excel.addin import udf_wrapper_module

    shipped = udf_wrapper_module().code
    assert shipped.count(WIZARD_GUARD) == len(SLOW)

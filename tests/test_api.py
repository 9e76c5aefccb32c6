"""The Python API (issue 14): frames -> plan -> results -> workbooks, the same validation as a
workbook, results as DataFrames."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import sheetplan
from sheetplan.api import FRAME_ARGS
from sheetplan.plan.model import Plan
from sheetplan.plan.reader import check_plan


def frames_of(plan: Plan) -> tuple[dict, dict[str, pd.DataFrame], pd.DataFrame | None]:
    fr = plan.frames()
    settings = {k: v for k, v in fr["settings"]["value"].to_dict().items() if v is not None}
    tables = {arg: fr[key] for arg, key in FRAME_ARGS.items() if key in fr}
    return settings, tables, fr.get("products")


def test_the_package_root_exports_the_api() -> None:
    assert set(sheetplan.__all__) >= {"read_plan", "plan_from_frames", "compute", "write", "PlanError"}
    assert callable(sheetplan.plan_from_frames) and sheetplan.PlanError.__name__ == "PlanError"


def test_frames_round_trip_to_the_same_plan_and_workbooks(fast_plan: Path, tmp_path: Path) -> None:
    plan = sheetplan.read_plan(fast_plan)
    settings, tables, products = frames_of(plan)
    again = sheetplan.plan_from_frames(settings, products=products, **tables)
    assert again.settings == plan.settings
    for key in ("phases", "windows", "departments", "duties", "staff", "shifts", "requirements", "fixed", "posts",
                "service", "inventory"):
        assert getattr(again, key) == getattr(plan, key), key
    pd.testing.assert_frame_equal(again.products.drop(columns="row"), plan.products.drop(columns="row"))
    results = sheetplan.compute(again)
    written = sheetplan.write(results, tmp_path / "api", stem="快速计划")
    direct = sheetplan.write(sheetplan.compute(plan), tmp_path / "file", stem="快速计划")
    assert [p.name for p in written] == [p.name for p in direct]
    for a, b in zip(written, direct, strict=True):  # same plan, same workbooks, byte for byte
        assert a.read_bytes() == b.read_bytes(), a.name
    frames = results.to_frames()
    assert set(frames) >= {"warehouse", "shares", "service", "shift_plan", "assignments", "cover", "products",
                           "stock_plan", "problems"}
    back = openpyxl.load_workbook(written[0], data_only=True)["排班明细"]
    rows = [r for r in back.iter_rows(min_row=5, values_only=True) if r[0]]
    assert len(rows) == len(frames["assignments"]) > 100
    assert frames["shares"]["quantity"].sum() == 35000
    assert frames["service"]["required"].max() == max(results.service.requirement)


def test_bad_frames_get_the_workbooks_messages_with_rows_and_columns(fast_plan: Path, tmp_path: Path) -> None:
    plan = sheetplan.read_plan(fast_plan)
    settings, tables, _ = frames_of(plan)
    staff = tables["staff"].copy()
    staff.loc[3, "type"] = "实习"
    inventory = tables["inventory"].astype({"quantity": object})
    inventory.loc[1, "quantity"] = "很多"
    with pytest.raises(sheetplan.PlanError) as e:
        sheetplan.plan_from_frames(settings, **{**tables, "staff": staff, "inventory": inventory})
    got = {p.where: p.message for p in e.value.problems}
    # the same plan as a workbook: the same messages, at cells
    wb = openpyxl.load_workbook(fast_plan)
    wb["人员"]["D5"] = "实习"
    wb["库存"]["B3"] = "很多"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    _, problems = check_plan(bad)
    want = {p.where: p.message for p in problems if p.severity == "error"}
    assert got == {"staff row 3 (type)": want["人员!D5"], "inventory row 1 (quantity)": want["库存!B3"]}


def test_settings_by_any_name_and_unknown_tables() -> None:
    with pytest.raises(TypeError, match="unknown tables: staf"):
        sheetplan.plan_from_frames({}, staf=pd.DataFrame())
    with pytest.raises(sheetplan.PlanError) as e:
        sheetplan.plan_from_frames({"Campaign": "x", "start": "2026-11-10"})
    messages = [str(p) for p in e.value.problems]
    assert any(m.startswith("settings: ") and "结束日期" in m for m in messages)


# ------------------------------------------------------------ every bad argument is a PlanError (issue 22, item 8)
def _problems(call: Callable[[], object]) -> list[str]:
    with pytest.raises(sheetplan.PlanError) as e:
        call()
    return [str(p) for p in e.value.problems]


def test_a_blank_cell_from_read_csv_is_named_by_frame_row_and_column(fast_plan: Path) -> None:
    """pd.read_csv gives NaN for a blank cell (and pd.NA in string columns): an empty required cell."""
    import io

    plan = sheetplan.read_plan(fast_plan)
    settings, tables, _ = frames_of(plan)
    text = tables["requirements"].to_csv(index=False)
    requirements = pd.read_csv(io.StringIO(text))
    requirements.loc[1, "post"] = float("nan")
    staff = tables["staff"].astype({"name": "string"})
    staff.loc[4, "name"] = pd.NA
    got = _problems(lambda: sheetplan.plan_from_frames(settings, **{**tables, "requirements": requirements,
                                                                     "staff": staff}))
    assert "requirements row 1 (post): 「岗位」不能为空" in got
    assert "staff row 4 (name): 「姓名」不能为空" in got
    got = _problems(lambda: sheetplan.plan_from_frames({**settings, "daily_orders": float("nan")}, **tables))
    assert any(p.startswith("settings row ") and "「日均配货单量」不能为空" in p for p in got), got


def test_wrong_argument_types_are_plan_errors_naming_the_argument(fast_plan: Path) -> None:
    plan = sheetplan.read_plan(fast_plan)
    settings, tables, _ = frames_of(plan)
    assert _problems(lambda: sheetplan.plan_from_frames(settings, **{**tables, "staff": [["姓名"], ["张伟"]]})) == [
        "staff: 应为 pandas DataFrame（或 None），实为 list"]
    assert _problems(lambda: sheetplan.plan_from_frames(settings, products={"SKU": [1]}, **tables)) == [
        "products: 应为 pandas DataFrame（或 None），实为 dict"]
    assert _problems(lambda: sheetplan.plan_from_frames(["活动名称", "x"], **tables)) == [
        "settings: 应为字典（设置名 → 值）或两列的 DataFrame，实为 list"]
    assert _problems(lambda: sheetplan.plan_from_frames(pd.DataFrame({"项目": ["活动名称"]}), **tables)) == [
        "settings: 应有两列（设置名、值），实有 1 列"]
    assert _problems(lambda: sheetplan.plan_from_frames(settings, lang="fr", **tables)) == [
        "lang: lang 应为 zh、en 或 None，实为「fr」"]
    # in the plan's language when the settings say it
    assert _problems(lambda: sheetplan.plan_from_frames({**settings, "language": "en"}, staff=3)) == [
        "staff: must be a pandas DataFrame (or None), not int"]
    staff = tables["staff"].astype(object)
    staff["type"] = [{"full": True} if i == 2 else t for i, t in zip(staff.index, staff["type"], strict=True)]
    assert _problems(lambda: sheetplan.plan_from_frames(settings, **{**tables, "staff": staff})) == [
        "staff row 2 (type): {'full': True}（dict）不是表格可存的值：请用文字、数字、日期或时间"]
    assert _problems(lambda: sheetplan.compute(tables)) == [
        "plan: 应为 sheetplan 计划（read_plan 或 plan_from_frames 的结果），实为 dict"]
    assert _problems(lambda: sheetplan.write(plan, "out")) == [
        "results: 应为 sheetplan.compute(plan) 的结果，实为 Plan"]
    assert _problems(lambda: sheetplan.read_plan(None)) == ["path: 应为文件路径（str 或 Path），实为 NoneType"]


def test_numpy_and_decimal_values_read_as_numbers_and_dates(fast_plan: Path) -> None:
    import decimal

    import numpy as np

    plan = sheetplan.read_plan(fast_plan)
    settings, tables, _ = frames_of(plan)
    inventory = tables["inventory"].astype(object)
    inventory["quantity"] = [decimal.Decimal(int(q)) for q in inventory["quantity"]]
    settings = {**settings, "start": np.datetime64(settings["start"].isoformat(), "ns")}  # .item() is an int
    again = sheetplan.plan_from_frames(settings, **{**tables, "inventory": inventory})
    assert again.inventory == plan.inventory and again.settings.start == plan.settings.start

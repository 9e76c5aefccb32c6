"""The Python API (issue 14): frames -> plan -> results -> workbooks, the same validation as a
workbook, results as DataFrames."""

from __future__ import annotations

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

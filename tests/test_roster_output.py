"""The rosters the build writes, checked from 排班明细 by the independent checker."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from roster_checker import check_roster
from sheetplan.build import Results, build_file
from sheetplan.plan import to_roster
from sheetplan.plan.model import Plan


def rows_of(path: Path, department: str) -> list[dict]:
    ws = openpyxl.load_workbook(path, data_only=True)["排班明细"]
    rows = []
    for values in ws.iter_rows(min_row=5, values_only=True):
        if values[0] is None:
            continue
        person, dept, post, _date, code, start, end, hours = values[:8]
        if dept == department:
            rows.append(
                {"person": person, "post": post, "shift_code": code, "start": start, "end": end, "hours": hours}
            )
    return rows


@pytest.mark.parametrize("department", ["客服部", "仓储物流部"])
def test_demo_rosters_pass_the_independent_checker(
    demo_results: tuple[Plan, Results], demo_outputs: list[Path], department: str
) -> None:
    plan, results = demo_results
    dr = next(r for r in results.rosters if r.department == department)
    start = dt.datetime.combine(plan.settings.start, dt.time())
    dept_file = next(p for p in demo_outputs if p.name.endswith(f"-{department}.xlsx"))
    for path in (demo_outputs[0], dept_file):  # the plan output and the department's own workbook
        rows = rows_of(path, department)
        assert len(rows) == len(dr.result.assignments) > 50
        problems = check_roster(
            rows,
            dr.people,
            dr.requirement,
            to_roster.rules(plan),
            fixed=to_roster.fixed_assignments(plan, department),
            gaps=dr.result.gaps,
            shifts=to_roster.shift_templates(plan),
            campaign_start=start,
        )
        assert problems == []


def test_planner_fixed_shifts_are_kept(demo_results: tuple[Plan, Results]) -> None:
    plan, results = demo_results
    assert plan.fixed, "the example fixes the team leads' flash-sale night"
    got = {(a.person, a.day, a.shift_code, a.post) for r in results.rosters for a in r.result.assignments}
    for f in plan.fixed:
        assert (f.name, plan.settings.days.index(f.date), f.shift, f.post) in got


def test_demo_shows_its_gaps_with_reasons(demo_results: tuple[Plan, Results], demo_outputs: list[Path]) -> None:
    _, results = demo_results
    cs = next(r for r in results.rosters if r.department == "客服部")
    assert cs.result.gaps, "the example's flash-sale spike exceeds the customer-service staff"
    ws = openpyxl.load_workbook(demo_outputs[0])["排班-客服部"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("售前 11-11 00:00–") and "缺" in t and "具备「售前」技能" in t for t in texts)
    # each advice line spans the grid's width and wraps there: printed whole, never cut at the
    # page's edge (the English lines are long)
    advice = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str)
                  and c.value.startswith("售前 11-11 00:00–"))
    span = next(m for m in ws.merged_cells.ranges if advice.coordinate in m)
    assert span.min_col == 1 and span.max_col == 3 + len(results.plan.settings.days) + 1
    assert advice.alignment.wrap_text
    wh = next(r for r in results.rosters if r.department == "仓储物流部")
    assert wh.result.shortfall_hours == 0 and wh.unrostered_posts == []


def test_understaffed_warehouse_is_explained(fast_plan: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(fast_plan)
    ws = wb["人员"]
    keep = 0
    for r in range(ws.max_row, 1, -1):
        if ws.cell(r, 2).value == "仓储物流部":
            keep += 1
            if keep > 6:
                ws.delete_rows(r)
    src = tmp_path / "少人.xlsx"
    wb.save(src)
    out = build_file(src, tmp_path / "out")
    grid = openpyxl.load_workbook(next(p for p in out if p.name.endswith("-仓储物流部.xlsx")))["排班-仓储物流部"]
    texts = [c.value for row in grid.iter_rows() for c in row if isinstance(c.value, str)]
    short = [t for t in texts if " 缺 " in t]
    assert short, texts
    # each gap names a post, a time span and how many people are missing
    assert all(t.split(" ")[0] in {"打单", "拣货", "拉货", "质检", "打包", "称重", "补货员"} for t in short)
    assert all("–" in t and "人" in t for t in short)
    heat = openpyxl.load_workbook(next(p for p in out if p.name.endswith("-仓储物流部.xlsx")), data_only=True)
    diffs = [c.value for row in heat["覆盖-仓储物流部"].iter_rows() for c in row if isinstance(c.value, int | float)]
    assert min(diffs) < 0  # the heatmap marks the shortfall

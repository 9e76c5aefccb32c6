"""The roster rules planners write in the plan (issue 15): wishes (员工意愿), shifts of each kind,
days in a row, days off, weekends, minimum hours (人员), forbidden successions (班次) and
per-shift head counts (值班需求 with a 班次) — read, validated naming cells, honoured by the
roster (checked by the independent checker) and explained, in Chinese and English."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl

from plan_edit import append, edited, header, rows_where
from roster_checker import check_roster
from sheetplan.build import Results
from sheetplan.calc.roster import assignment_rows
from sheetplan.pipeline import compute
from sheetplan.plan import to_roster
from sheetplan.plan.model import Plan
from sheetplan.plan.reader import check_plan, read_plan
from sheetplan.render.template import write_example


def verify(plan: Plan, results: Results) -> None:
    """Every department's roster keeps every rule the plan sets, per the independent checker."""
    rules = to_roster.rules(plan)
    for r in results.rosters:
        cover = to_roster.shift_cover(plan, r.department)
        problems = check_roster(assignment_rows(r.result), r.people, r.requirement, rules,
                                to_roster.fixed_assignments(plan, r.department), r.result.gaps,
                                shifts=r.shifts, interval_minutes=plan.settings.interval_minutes,
                                horizon_days=len(plan.settings.days), shift_cover=cover)
        assert problems == [], (r.department, problems[:5])


def test_example_wishes_and_shift_caps_are_read_and_kept(demo_results: tuple[Plan, Results]) -> None:
    plan, results = demo_results
    assert len(plan.requests) == 3
    ops = [p for p in plan.staff if p.department == "运营部"]
    assert ops and all(p.max_shifts == (("夜", 1),) for p in ops)
    verify(plan, results)
    nights = Counter(a.person for r in results.rosters if r.department == "运营部" for a in r.result.assignments
                     if a.shift_code == "夜")
    assert nights and max(nights.values()) <= 1
    cs = next(r for r in results.rosters if r.department == "客服部")
    wish_line = next(line for line in cs.explanation if line.startswith("员工意愿"))
    assert f"/{len(to_roster.requests(plan, '客服部'))} 条" in wish_line
    # weight 100 against one night: the roster keeps it (a colleague can take that night)
    unmet = {(q.person, q.day) for q in cs.result.unmet_requests}
    assert (plan.requests[0].name, 1) not in unmet


def _add(wb: openpyxl.Workbook, sheet: str, values: dict) -> int:
    return append(wb[sheet], values)


def test_bad_rule_cells_are_named(example_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        staff = wb["人员"]
        cols = header(staff)
        first = rows_where(staff, "部门", lambda v: v == "运营部")[0]
        staff.cell(first, cols["班次上限"]).value = "夜两次"
        staff.cell(first + 1, cols["班次上限"]).value = "月=1"
        staff.cell(first + 2, cols["最少连续上班天数"]).value = 9
        staff.cell(first + 3, cols["活动最少小时"]).value = 80
        shifts = wb["班次"]
        shifts.cell(2, header(shifts)["次日不可接"]).value = "X"
        _add(wb, "员工意愿", {"姓名": "无此人", "日期": "11-11", "意愿": "想上班"})
        _add(wb, "员工意愿", {"姓名": "张伟", "日期": "11-11", "意愿": "也许"})
        _add(wb, "值班需求", {"部门": "运营部", "岗位": "值班", "来源": "客服测算", "班次": "早"})
        _add(wb, "值班需求", {"部门": "运营部", "岗位": "值班", "人数": 1, "缺人权重": 3})

    path = edited(example_plan, tmp_path / "bad.xlsx", change)
    _, problems = check_plan(path)
    text = [(p.where, p.message, p.severity) for p in problems]
    flat = "\n".join(f"{w} {m} {s}" for w, m, s in text)
    assert "夜两次" in flat and "班次=次数" in flat
    assert "班次「月」不在「班次」表中" in flat
    assert "最少连续上班天数」（9）大于「最多连续上班天数」（6）" in flat
    assert "活动最少小时」（80）大于「活动最多小时」（40）" in flat
    assert "班次「X」不在「班次」表中" in flat
    assert "「无此人」不在「人员」表中" in flat
    assert "也许" in flat
    assert "按班次计的需求只能手填人数" in flat
    assert any("缺人/超员权重只用于" in m and s == "warning" for _, m, s in text)
    assert all("!" in w for w, m, s in text if s == "error"), text  # every error names its cell


def test_english_plan_with_rules_reads_and_rosters(tmp_path: Path) -> None:
    src = write_example(tmp_path / "plan-en.xlsx", lang="en")

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Requests"]
        assert header(ws)["Wish"]
        shifts = wb["Shifts"]
        cols = header(shifts)
        night = rows_where(shifts, "Code", lambda v: v == "N")[0]
        shifts.cell(night, cols["Not followed by"]).value = "E, L"
        _add(wb, "Duty requirements", {"Department": "Operations", "Post": "On duty", "People": 2, "Dates": "11-12",
                                       "Shift": "E", "Under-cover weight": 5})

    path = edited(src, tmp_path / "plan-en-rules.xlsx", change)
    plan = read_plan(path)
    assert {r.wish for r in plan.requests} == {"想上班", "不想上班"}
    assert next(t for t in plan.shifts if t.code == "N").not_followed_by == ("E", "L")
    ops = next(r.department for r in plan.requirements if r.shift == "E")
    results = compute(plan)
    verify(plan, results)
    roster = next(r for r in results.rosters if r.department == ops)
    day = plan.settings.days.index(next(d for d in plan.settings.days if f"{d:%m-%d}" == "11-12"))
    on = [a for a in roster.result.assignments if a.day == day and a.shift_code == "E"]
    assert len(on) == 2  # the per-shift head count is met
    cs = next(r for r in results.rosters if any(line.startswith("Wishes:") for line in r.explanation))
    assert cs


def test_shift_row_alone_gives_a_department_its_roster(example_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        req = wb["值班需求"]
        for r in sorted(rows_where(req, "部门", lambda v: v == "推广部"), reverse=True):
            req.delete_rows(r)
        night = {"部门": "推广部", "岗位": "值班", "人数": 1, "日期": "11-11", "班次": "夜", "缺人权重": 10}
        _add(wb, "值班需求", night)
        _add(wb, "值班需求", {"部门": "推广部", "岗位": "值班", "人数": 5, "日期": "11-11", "班次": "早"})

    plan = read_plan(edited(example_plan, tmp_path / "shift-rows.xlsx", change))
    results = compute(plan)
    verify(plan, results)
    roster = next(r for r in results.rosters if r.department == "推广部")
    codes = Counter(a.shift_code for a in roster.result.assignments)
    assert codes == Counter({"夜": 1, "早": 2})  # 3 people, the night weighs more: 3 short on 早, said so
    text = "\n".join(roster.explanation)
    assert "值班 11-11 早 班 缺 3 人（需 5 人）" in text

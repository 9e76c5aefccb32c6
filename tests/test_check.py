"""`sheetplan check`: every kind of bad input gives a message naming sheet and cell."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from sheetplan.plan.reader import check_plan, read_plan

Mutation = Callable[[openpyxl.Workbook], None]


def mutate(src: Path, dst: Path, change: Mutation) -> Path:
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(dst)
    return dst


def setter(sheet: str, coord: str, value: object) -> Mutation:
    def change(wb: openpyxl.Workbook) -> None:
        wb[sheet][coord] = value

    return change


CASES: list[tuple[str, Mutation, str, str]] = [
    ("text for a number", setter("库存", "B2", "很多"), "库存!B2", "应为数字"),
    ("blank required", setter("部门职责", "C3", None), "部门职责!C3", "不能为空"),
    ("negative count", setter("库存", "C4", -5), "库存!C4", "不能小于 0"),
    ("unknown department", setter("人员", "B2", "财务部"), "人员!B2", "不在「部门」表中"),
    ("date outside campaign", setter("客服需求", "A2", dt.datetime(2026, 12, 1)), "客服需求!A2", "不在活动期"),
    ("bad choice", setter("人员", "D2", "临时工"), "人员!D2", "应为 全职/学生/借调 之一"),
    ("date as free text", setter("部门职责", "E2", "下周"), "部门职责!E2", "应为日期"),
    ("impossible time", setter("班次", "C2", "25:00"), "班次!C2", "应为时间"),
    ("formula without value", setter("库存", "B3", "=1+1"), "库存!B3", "是公式但没有计算结果"),
    ("error value", setter("库存", "B2", "#DIV/0!"), "库存!B2", "错误值 #DIV/0!"),
    ("merged cells", lambda wb: wb["部门职责"].merge_cells("C2:C3"), "部门职责!C2:C3", "合并单元格"),
    ("missing sheet", lambda wb: wb.remove(wb["库存"]), "示例计划-bad.xlsx", "缺少工作表「库存」"),
    ("missing column", setter("库存", "B1", "备注"), "库存!A1", "缺少列「件数」"),
    ("duplicate person", setter("人员", "A3", "张伟"), "人员!A3", "重复"),
    ("end before start", setter("活动", "B5", dt.datetime(2026, 11, 1)), "活动", "早于开始"),
    ("sale day outside", setter("活动", "B6", dt.datetime(2026, 12, 12)), "活动", "大促日"),
    ("service level of 1.2", setter("活动", "B17", 1.2), "活动!B17", "不能大于"),
    ("unknown post type", setter("班次", "E2", "实习生"), "班次!E2", "全职/学生/借调"),
    ("duplicate duty number", setter("部门职责", "B3", 1), "部门职责!B3", "重复"),
    ("fixed shift for a stranger", setter("固定排班", "A2", "路人甲"), "固定排班!A2", "不在「人员」表中"),
    ("fixed shift with no template", setter("固定排班", "C2", "X"), "固定排班!C2", "班次「X」不在「班次」表中"),
    ("service closing after midnight",
     lambda wb: (setter("客服需求", "C2", dt.time(9, 0))(wb), setter("客服需求", "D2", dt.time(2, 0))(wb)),
     "客服需求!D2", "下线 02:00 不晚于上线 09:00"),
    ("overlapping windows", setter("大促时段", "C3", dt.time(3, 0)), "大促时段", "重叠"),
]


@pytest.mark.parametrize(("name", "change", "where", "text"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_named(
    example_plan: Path, tmp_path: Path, name: str, change: Mutation, where: str, text: str
) -> None:
    bad = mutate(example_plan, tmp_path / "示例计划-bad.xlsx", change)
    _, problems = check_plan(bad)
    errors = [p for p in problems if p.severity == "error"]
    assert any(p.where == where and text in p.message for p in errors), [str(p) for p in problems]


def test_example_is_clean(example_plan: Path) -> None:
    plan, problems = check_plan(example_plan)
    assert plan is not None and problems == []
    assert len(plan.departments) == 6 and len(plan.inventory) == 8


def test_numbers_as_text_and_english_headers_in_any_order(example_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["库存"]
        ws.title = "Inventory"
        ws.move_range("A1:A9", cols=3)  # category column moved to the far right
        for c, name in zip("BCD", ["Units", "Discounted value", "Category"], strict=True):
            ws[f"{c}1"] = name
        ws["B2"] = "6,000"
        ws["E1"] = "我的备注"  # an extra column is kept and ignored

    plan = read_plan(mutate(example_plan, tmp_path / "p.xlsx", change))
    assert plan.inventory[0].quantity == 6000 and plan.inventory[0].category == "合金车模"


def test_messages_follow_plan_language(example_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        wb["活动"]["B7"] = "en"
        wb["库存"]["B2"] = "lots"

    _, problems = check_plan(mutate(example_plan, tmp_path / "p.xlsx", change))
    assert [str(p) for p in problems] == ["库存!B2: 'Units' must be a number, not 'lots'"]


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b"", "空文件"),
        (b"name,qty\n\xe5\xa5\xb3\xe8\xa3\x85,6000\n", "CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600, "密码"),
        (bytes(range(256)) * 8, "不是 Excel 工作簿"),
        (b"PK\x03\x04garbage", "不是 Excel 工作簿"),
    ],
)
def test_not_a_workbook(tmp_path: Path, content: bytes, text: str) -> None:
    f = tmp_path / "plan.xlsx"
    f.write_bytes(content)
    _, problems = check_plan(f)
    assert len(problems) == 1 and text in problems[0].message and problems[0].where == "plan.xlsx"


def test_cli_check_exit_codes(example_plan: Path, tmp_path: Path) -> None:
    before = hashlib.sha256(example_plan.read_bytes()).hexdigest()
    ok = subprocess.run([sys.executable, "-m", "sheetplan", "check", str(example_plan)], capture_output=True, text=True)
    assert ok.returncode == 0 and "OK" in ok.stdout
    assert hashlib.sha256(example_plan.read_bytes()).hexdigest() == before
    bad = mutate(example_plan, tmp_path / "bad.xlsx", setter("库存", "B2", "很多"))
    res = subprocess.run([sys.executable, "-m", "sheetplan", "check", str(bad)], capture_output=True, text=True)
    assert res.returncode == 2
    assert "库存!B2: 「件数」应为数字，实为「很多」" in res.stderr
    assert "Traceback" not in res.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "sheetplan", "check", str(tmp_path / "nope.xlsx")], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_english_plan_accepts_english_choices(tmp_path: Path) -> None:
    from sheetplan.render.template import write_example

    wb = openpyxl.load_workbook(write_example(tmp_path / "en.xlsx", "en"))
    wb["Campaign"]["B3"] = "Tmall"
    wb["Duties"]["F2"], wb["Duties"]["G2"] = "Preparation", "done"
    wb["Service demand"]["E2"] = "Normal curve"
    wb["Products"]["K2"] = "Expected hit"
    wb.save(tmp_path / "en2.xlsx")
    plan, problems = check_plan(tmp_path / "en2.xlsx")
    assert problems == [] and plan is not None
    assert (plan.settings.platform, plan.duties[0].phase, plan.duties[0].status) == ("天猫", "准备期", "已完成")
    assert plan.service[0].profile == "平日" and plan.products.tier[0] == "预爆款"


@pytest.mark.parametrize(("lang", "setting", "value", "typo", "text"), [
    ("zh", "考勤排班部门", "客服部、客服", "客服", "「考勤排班部门」中的「客服」不是本计划的部门"),
    ("en", "Attendance-rostered departments", "Customer service, Custmer service", "Custmer service",
     "'Custmer service' in 'Attendance-rostered departments' is not a department of this plan"),
], ids=["zh", "en"])
def test_an_unknown_attendance_department_is_a_warning_at_its_setting(
        example_plan: Path, tmp_path: Path, lang: str, setting: str, value: str, typo: str, text: str) -> None:
    """A name in 考勤排班部门 that matches no department would match no roster: said, not dropped."""
    from plan_edit import set_setting
    from sheetplan.render.template import write_example

    src = example_plan if lang == "zh" else write_example(tmp_path / "en.xlsx", "en")
    wb = openpyxl.load_workbook(src)
    where = set_setting(wb, setting, value)
    wb.save(tmp_path / "p.xlsx")
    plan, problems = check_plan(tmp_path / "p.xlsx")
    assert plan is not None and plan.lang == lang and typo in plan.settings.attendance_departments
    assert [(p.where, p.severity) for p in problems] == [(where, "warning")], [str(p) for p in problems]
    assert text in problems[0].message and plan.department_names()[0] in problems[0].message


@pytest.mark.parametrize(("lang", "setting", "typo", "text"), [
    ("zh", "商品表部门", "商品", "「商品表部门」中的「商品」不是本计划的部门"),
    ("en", "Products department", "Merchandise",
     "'Merchandise' in 'Products department' is not a department of this plan"),
], ids=["zh", "en"])
def test_an_unknown_products_department_is_a_warning_at_its_setting(
        example_plan: Path, tmp_path: Path, lang: str, setting: str, typo: str, text: str) -> None:
    """A 商品表部门 that matches no department gives no department the product sheets: said, with
    where they go instead, not dropped in silence."""
    from plan_edit import set_setting
    from sheetplan.build import products_department
    from sheetplan.render.template import write_example

    src = example_plan if lang == "zh" else write_example(tmp_path / "en.xlsx", "en")
    wb = openpyxl.load_workbook(src)
    where = set_setting(wb, setting, typo)
    wb.save(tmp_path / "p.xlsx")
    plan, problems = check_plan(tmp_path / "p.xlsx")
    assert plan is not None and plan.lang == lang and plan.settings.products_department == typo
    assert products_department(plan) is None
    assert [(p.where, p.severity) for p in problems] == [(where, "warning")], [str(p) for p in problems]
    instead = "只写入总表" if lang == "zh" else "only into the plan output"
    assert text in problems[0].message and instead in problems[0].message
    assert plan.department_names()[0] in problems[0].message


def test_a_minimum_of_hours_no_roster_can_reach_is_critical_at_its_cell(tmp_path: Path) -> None:
    """A helper's attack: days unavailable that leave someone's 活动最少小时 out of reach emptied
    their whole department, `check` said OK and the build graded it a warning that blamed the
    fixed shifts. Now `check` says so at that person's cell, critical, and the build too — and
    rosters the department, that person without the minimum — on the English example with the
    departments and posts renamed. A second person whose days in a row cap them below their
    minimum (60 h asked, at most 6 days in a row of 8: 56 h) is found too."""
    from plan_edit import header, rename, rows_where
    from sheetplan.pipeline import check, compute
    from sheetplan.render.template import write_example

    path = write_example(tmp_path / "shop.xlsx", "en")
    wb = openpyxl.load_workbook(path)
    rename(wb, {"Customer service": "Care desk", "Pre-sales": "Advice"})
    ws = wb["Staff"]
    cols = header(ws)
    fixed = {r[0] for r in wb["Fixed shifts"].iter_rows(min_row=2, values_only=True)}
    row = next(r for r in rows_where(ws, "Department", lambda v: v == "Care desk")
               if ws.cell(r, cols["Name"]).value not in fixed)  # no fixed shift of theirs conflicts too
    name = ws.cell(row, cols["Name"]).value
    ws.cell(row, cols["Unavailable"]).value = "11-10~11-12"
    ws.cell(row, cols["Min h total"]).value = 48
    other = next(r for r in rows_where(ws, "Department", lambda v: v == "Care desk")
                 if r != row and ws.cell(r, cols["Name"]).value not in fixed
                 and not ws.cell(r, cols["Unavailable"]).value and ws.cell(r, cols["Type"]).value == "Full-time")
    ws.cell(other, cols["Min h total"]).value = 60
    wb.save(path)
    plan = read_plan(path)
    cell = f"Staff!{openpyxl.utils.get_column_letter(cols['Min h total'])}{row}"
    said = [p for p in check(plan) if p.where == cell]
    assert [p.severity for p in said] == ["critical"] and name in said[0].message
    assert "minimum of 48 h cannot be reached" in said[0].message and "at most 40 h" in said[0].message
    second = f"Staff!{openpyxl.utils.get_column_letter(cols['Min h total'])}{other}"
    assert [p for p in check(plan) if p.where == second and "at most 56 h" in p.message]
    results = compute(plan)
    failed = [p for p in results.problems if p.where == cell]
    assert [p.severity for p in failed] == ["critical"] and "rostered without that minimum" in failed[0].message
    care = next(r for r in results.rosters if r.department == "Care desk")
    assert care.result.status != "infeasible" and len(care.result.assignments) > 200  # the department rostered
    assert any(name in line and "rostered without that minimum" in line for line in care.explanation)


def test_a_bad_optional_cell_is_one_error_not_a_cascade(example_plan: Path, tmp_path: Path) -> None:
    """A helper's attack: a date typo in 部门's 全员在岗日期 dropped the department's row, and every
    row naming that department became an error too (74 for two typos). A bad optional cell is
    one error, its row read all the same."""
    from plan_edit import header, rows_where

    wb = openpyxl.load_workbook(example_plan)
    ws = wb["部门"]
    row = rows_where(ws, "部门", lambda v: v == "客服部")[0]
    ws.cell(row, header(ws)["全员在岗日期"]).value = "11-31"
    wb.save(tmp_path / "typo.xlsx")
    _, problems = check_plan(tmp_path / "typo.xlsx")
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].where.startswith("部门!") and "11-31" in errors[0].message, errors


def test_a_minimum_only_the_solver_finds_impossible_empties_no_department(example_plan: Path, tmp_path: Path) -> None:
    """A helper's attack: a minimum the quick bound cannot see (no weekends allowed, 50 h asked of
    someone who can then work 6 days: 48 h) still left all of 客服部 without a roster, blaming the
    fixed shifts. The solver's proof is followed by finding whose minimum is in the way; the
    department is rostered without it, critical at that cell. A minimum on someone none of whose
    posts is rostered is named too (0 h reachable), not ignored."""
    from plan_edit import header, rows_where
    from sheetplan.pipeline import compute

    wb = openpyxl.load_workbook(example_plan)
    ws = wb["人员"]
    cols = header(ws)
    fixed = {r[0] for r in wb["固定排班"].iter_rows(min_row=2, values_only=True)}
    rows = [r for r in rows_where(ws, "部门", lambda v: v == "客服部")
            if ws.cell(r, cols["类型"]).value == "全职" and ws.cell(r, cols["姓名"]).value not in fixed]
    ws.cell(rows[0], cols["最多上班周末"]).value = 0
    ws.cell(rows[0], cols["活动最少小时"]).value = 50
    ws.cell(rows[1], cols["岗位"]).value = "美工"
    ws.cell(rows[1], cols["活动最少小时"]).value = 8
    wb.save(tmp_path / "floors.xlsx")
    plan = read_plan(tmp_path / "floors.xlsx")
    results = compute(plan)
    care = next(r for r in results.rosters if r.department == "客服部")
    assert care.result.status != "infeasible" and len(care.result.assignments) > 200
    letter = openpyxl.utils.get_column_letter(cols["活动最少小时"])
    said = {p.where: p for p in results.problems if p.severity == "critical"}
    assert "无法同时满足" in said[f"人员!{letter}{rows[0]}"].message
    assert "最多 0 小时" in said[f"人员!{letter}{rows[1]}"].message

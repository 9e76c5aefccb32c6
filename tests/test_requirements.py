"""Every department's roster from the plan as planners write it (issue 10): requirements as data,
any names in any language, demand as planners have it, one shift model, nothing in silence."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from plan_edit import append, delete_rows, edited, header, rename, rows_where
from sheetplan.build import Results, departments
from sheetplan.calc.duty_demand import Need, department_requirements, span_mask
from sheetplan.pipeline import check, compute, demand
from sheetplan.plan import example_en
from sheetplan.plan.model import Plan
from sheetplan.plan.reader import read_plan
from sheetplan.plan.requirements import spans
from sheetplan.render.template import write_example

D = dt.date

# A shop that names things its own way: every department and every post renamed, everywhere.
SHOP_NAMES = {
    "客服部": "客服中心", "仓储物流部": "仓配部", "运营部": "电商运营中心", "商品部": "货品组", "美编部": "视觉设计部",
    "推广部": "投放组", "售前": "咨询", "催单": "催付", "售后": "退换", "值班": "坐班", "打包": "包装", "拣货": "捡货",
    "打单": "出单", "质检": "品检", "称重": "过磅", "拉货": "搬运", "补货员": "上架", "配错单处理": "错单",
    "异常单处理": "异常件", "管理统计": "统计员",
}


def hours_by(results: Results, mapping: dict[str, str] | None = None) -> tuple[Counter, Counter]:
    """Paid hours per (department, post) and per person, names mapped back through ``mapping``."""
    back = {v: k for k, v in (mapping or {}).items()}
    per_post: Counter = Counter()
    per_person: Counter = Counter()
    for r in results.rosters:
        for a in r.result.assignments:
            per_post[(back.get(r.department, r.department), back.get(a.post, a.post))] += a.hours
            per_person[a.person] += a.hours
    return per_post, per_person


def test_every_department_the_example_lists_gets_a_roster(demo_results: tuple[Plan, Results]) -> None:
    plan, results = demo_results
    rostered = {r.department: r for r in results.rosters}
    assert list(rostered) == departments(plan)
    for dept, r in rostered.items():
        assert r.result.assignments, dept
    # the example's only note: the flash-sale hour the customer-service staff cannot fully cover
    assert plan.warnings == [] and [p.where for p in results.problems] == ["值班需求!B2"]
    # the sale-day peak: graded critical, read first
    assert results.problems[0].severity == "critical"
    assert "「客服部」的「售前」" in results.problems[0].message
    assert "缺口 19 人·小时（其中 15 人·小时在大促日高峰），最大缺口 11-11 00:00–01:00" in results.problems[0].message


def test_a_shop_with_its_own_names_gets_the_same_rosters(
    example_plan: Path, demo_results: tuple[Plan, Results], tmp_path: Path
) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        rename(wb, SHOP_NAMES)
        ws = wb["人员"]  # and the columns in another order: 岗位 first
        cols = [[c.value for c in col] for col in ws.iter_cols()]
        order = [2, 0, 1, *range(3, len(cols))]
        for j, k in enumerate(order):
            for i, v in enumerate(cols[k], start=1):
                ws.cell(i, j + 1).value = v

    plan = read_plan(edited(example_plan, tmp_path / "shop.xlsx", change))
    assert plan.settings.products_department == "货品组"
    results = compute(plan)
    _, original = demo_results
    assert hours_by(results, SHOP_NAMES) == hours_by(original)
    assert [r.department for r in results.rosters] == [SHOP_NAMES[r.department] for r in original.rosters]
    assert [p.where for p in results.problems] == [p.where for p in original.problems]


def test_a_fully_english_plan_gets_the_same_rosters(demo_results: tuple[Plan, Results], tmp_path: Path) -> None:
    plan = read_plan(write_example(tmp_path / "example-plan.xlsx", "en"))
    assert plan.lang == "en" and "Customer service" in departments(plan)
    results = compute(plan)
    _, original = demo_results
    assert hours_by(results, example_en.NAMES) == hours_by(original)
    cs = next(r for r in results.rosters if r.department == "Customer service")
    gaps = [line for line in cs.explanation if not line.startswith("Wishes:")]
    assert cs.result.status == "partial" and any(line.startswith("Pre-sales 11-11 00:00–") for line in gaps[1:])


def test_old_template_plans_keep_building_from_the_vocabulary(
    example_plan: Path, demo_results: tuple[Plan, Results], tmp_path: Path
) -> None:
    """No 值班需求 sheet: the 客服需求 columns and the 仓库岗位 posts decide, never a department name."""

    def change(wb: openpyxl.Workbook) -> None:
        del wb["值班需求"]
        rename(wb, {"客服部": "客服中心", "仓储物流部": "仓配部"})

    plan = read_plan(edited(example_plan, tmp_path / "old.xlsx", change))
    dem = demand(plan)
    assert {n.department for n in dem.resolution.needs} == {"客服中心", "仓配部"}
    _, original = demo_results
    wanted = original.demand.requirements
    assert dem.requirements["客服中心"] == wanted["客服部"]
    # the warehouse loses only the typed lunchtime packers
    assert set(dem.requirements["仓配部"]) == set(wanted["仓储物流部"])
    found = check(plan)
    for dept in ("运营部", "商品部", "美编部", "推广部"):
        first = rows_where(openpyxl.load_workbook(tmp_path / "old.xlsx")["人员"], "部门", lambda v, d=dept: v == d)[0]
        assert any(p.where == f"人员!B{first}" and dept in p.message and "没有任何值班需求" in p.message
                   for p in found), dept


def test_english_vocabulary_feeds_the_models_too(tmp_path: Path) -> None:
    path = write_example(tmp_path / "en.xlsx", "en")
    plan = read_plan(edited(path, tmp_path / "en-old.xlsx", lambda wb: wb.remove(wb["Duty requirements"])))
    posts = {(n.department, n.post, n.series) for n in demand(plan).resolution.needs}
    assert ("Customer service", "Pre-sales", "service") in posts
    assert ("Customer service", "Reminders", "fixed:reminders") in posts
    assert ("Warehouse", "Packing", "warehouse:Packing") in posts


# ----------------------------------------------------------------------------- demand as typed
HOURLY = [90, 40, 20, 10, 8, 8, 15, 40, 120, 210, 300, 320, 330, 310, 300, 290, 300, 320, 360, 400, 418, 421, 380,
          250]


def test_typed_hourly_chats_reach_erlang_c_unchanged(fast_plan: Path, tmp_path: Path) -> None:
    def long(wb: openpyxl.Workbook) -> None:
        ws = wb["分时咨询量"]
        for h, n in enumerate(HOURLY):
            append(ws, {"日期": dt.datetime(2026, 11, 12), "时间": dt.time(h, 0), "咨询量": n})

    def grid(wb: openpyxl.Workbook) -> None:
        ws = wb["分时咨询量"]
        ws.delete_rows(1, ws.max_row)
        ws.append(["日期", *[f"{h}:00" for h in range(24)]])
        ws.append([dt.datetime(2026, 11, 12), *HOURLY])

    for name, change in (("long", long), ("grid", grid)):
        plan = read_plan(edited(fast_plan, tmp_path / f"{name}.xlsx", change))
        sp = demand(plan).service
        day = plan.settings.days.index(D(2026, 11, 12))
        assert sp.arrivals[day * 24 : day * 24 + 24] == HOURLY, name
    assert any("分时咨询量合计" in p.message for p in plan.warnings)  # the day also says 1,500 chats


def test_moving_the_flash_sale_moves_the_peak(fast_plan: Path, tmp_path: Path) -> None:
    def peak_hour(path: Path) -> int:
        plan = read_plan(path)
        sp = demand(plan).service
        day = plan.settings.days.index(plan.settings.sale_day)
        req = sp.requirement[day * 24 : day * 24 + 24]
        return req.index(max(req))

    def evening(wb: openpyxl.Workbook) -> None:
        ws = wb["大促时段"]
        times = {"抢购期": (dt.time(20, 0), dt.time(20, 10)), "冲动消费期": (dt.time(20, 10), dt.time(22, 0)),
                 "理性消费期": (dt.time(0, 0), dt.time(20, 0)), "扫尾期": (dt.time(22, 0), dt.time(0, 0))}
        for r in range(2, 6):
            start, end = times[ws.cell(r, 1).value]
            ws.cell(r, 2).value, ws.cell(r, 3).value = start, end

    assert peak_hour(fast_plan) == 0
    assert peak_hour(edited(fast_plan, tmp_path / "evening.xlsx", evening)) == 20


def test_a_shop_curve_is_scaled_to_the_days_chats(fast_plan: Path, tmp_path: Path) -> None:
    weights = [h + 1 for h in range(24)]

    def change(wb: openpyxl.Workbook) -> None:
        for h, w in enumerate(weights):
            append(wb["咨询曲线"], {"曲线": "去年双十一", "时间": dt.time(h, 0), "权重": w})
        ws = wb["客服需求"]
        r = rows_where(ws, "日期", lambda v: v is not None and v.date() == D(2026, 11, 13))[0]
        ws.cell(r, header(ws)["曲线"]).value = "去年双十一"

    plan = read_plan(edited(fast_plan, tmp_path / "curve.xlsx", change))
    sp = demand(plan).service
    day = plan.settings.days.index(D(2026, 11, 13))
    got = sp.arrivals[day * 24 : day * 24 + 24]
    assert got == pytest.approx([1200 * w / sum(weights) for w in weights])


def test_an_unknown_curve_is_an_error_at_its_cell(fast_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        wb["客服需求"].cell(3, header(wb["客服需求"])["曲线"]).value = "去年"

    from sheetplan.plan.reader import check_plan

    _, problems = check_plan(edited(fast_plan, tmp_path / "bad.xlsx", change))
    assert [str(p) for p in problems if p.severity == "error"] == ["客服需求!E3: 曲线「去年」不存在，可选 大促/平日"]


# ----------------------------------------------------------------------------- one shift model
def test_shift_plan_and_roster_agree_on_what_is_short(
    demo_results: tuple[Plan, Results], demo_outputs: list[Path]
) -> None:
    _, results = demo_results
    cs = next(r for r in results.rosters if r.department == "客服部")
    short_roster = [max(0, r - c) for r, c in zip(cs.requirement["售前"], cs.result.cover["售前"], strict=True)]
    ws = openpyxl.load_workbook(demo_outputs[0], data_only=True)["客服排班"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[:2] == ("时间", "时段"))
    short_sheet = [r[7] for r in rows[head + 1 : head + 1 + len(short_roster)]]
    assert short_sheet == short_roster and max(short_sheet) > 0
    assert results.service.shifts.uncovered == []  # the template plan itself can reach every hour


def test_a_night_shift_reads_on_the_evening_it_starts(demo_outputs: list[Path]) -> None:
    ws = openpyxl.load_workbook(demo_outputs[0])["排班-客服部"]
    head = next(r for r in ws.iter_rows(min_row=1, max_row=10) if r[0].value == "姓名")
    col = next(c.column for c in head if str(c.value).startswith("11-10"))
    cells = [ws.cell(r, col).value for r in range(head[0].row + 1, ws.max_row)]
    assert "售前·峰 22–2" in cells  # 22:00 on 11-10 until 02:00 on 11-11, on 11-10
    assert not any(str(v).endswith("–0") for v in cells)


# ----------------------------------------------------------------------------- nothing in silence
def _warnings(path: Path) -> list[str]:
    plan = read_plan(path)
    return [str(p) for p in [*plan.warnings, *check(plan)]]


def test_staff_whose_posts_have_no_requirement(fast_plan: Path, tmp_path: Path) -> None:
    row = {}

    def change(wb: openpyxl.Workbook) -> None:
        row["r"] = append(wb["人员"], {"姓名": "新人", "部门": "客服部", "岗位": "直播", "类型": "全职"})

    found = _warnings(edited(fast_plan, tmp_path / "p.xlsx", change))
    assert any(w.startswith(f"人员!C{row['r']}: 新人 的岗位（直播）没有值班需求") for w in found), found


def test_requirements_no_one_can_work(fast_plan: Path, tmp_path: Path) -> None:
    row = {}

    def change(wb: openpyxl.Workbook) -> None:
        need = {"部门": "美编部", "岗位": "摄影", "来源": "手填", "人数": 1, "日期": "11-11"}
        row["r"] = append(wb["值班需求"], need)
        ws = wb["仓库岗位"]
        delete_rows(wb["人员"], rows_where(wb["人员"], "岗位", lambda v: "管理统计" in str(v)))
        row["post"] = rows_where(ws, "岗位", lambda v: v == "管理统计")[0]

    found = _warnings(edited(fast_plan, tmp_path / "p.xlsx", change))
    assert f"值班需求!B{row['r']}: 「美编部」没有人员具备岗位「摄影」：该需求无法排班" in found
    assert any(w.startswith("值班需求!B") and "管理统计" in w for w in found), found


def test_departments_with_staff_and_no_requirement(fast_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["值班需求"]
        delete_rows(ws, rows_where(ws, "部门", lambda v: v == "推广部"))

    path = edited(fast_plan, tmp_path / "p.xlsx", change)
    first = rows_where(openpyxl.load_workbook(path)["人员"], "部门", lambda v: v == "推广部")[0]
    found = _warnings(path)
    said = "部门「推广部」有 3 名人员，但没有任何值班需求：不生成值班表（在「值班需求」表中填写需求）"
    assert f"人员!B{first}: {said}" in found
    results = compute(read_plan(path))
    assert "推广部" not in [r.department for r in results.rosters]
    from sheetplan.build import _roster_kpis

    kpi = next(k for k in _roster_kpis(read_plan(path), results) if k.label_kw == {"dept": "推广部"})
    assert kpi.value == "无值班需求"


def test_people_no_roster_can_use_are_named_with_the_reason(fast_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["班次"]
        r = rows_where(ws, "代码", lambda v: v == "学")[0]
        ws.cell(r, header(ws)["开始"]).value = dt.time(2, 0)  # 02:00–06:00: the warehouse is closed

    path = edited(fast_plan, tmp_path / "p.xlsx", change)
    students = rows_where(openpyxl.load_workbook(path)["人员"], "类型", lambda v: v == "学生")
    found = _warnings(path)
    for r in students:
        assert any(w.startswith(f"人员!A{r}: ") and "0 小时：可上的班次（学）与其岗位的需求时段不重叠" in w
                   for w in found), (r, found)


def test_no_shifts_sheet_means_default_shifts_and_a_warning(fast_plan: Path, tmp_path: Path) -> None:
    path = edited(fast_plan, tmp_path / "p.xlsx", lambda wb: (wb.remove(wb["班次"]), wb.remove(wb["固定排班"]),
                                                                    wb.remove(wb["员工意愿"])))
    found = _warnings(path)
    assert any(w.startswith("班次: 班次表为空：值班表使用默认三班") for w in found), found
    results = compute(read_plan(path))
    assert all(r.result.assignments for r in results.rosters) and len(results.rosters) == 6
    assert {a.shift_code for r in results.rosters for a in r.result.assignments} <= {"早", "中", "夜"}


def test_missing_fixed_counts_are_named(fast_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["客服需求"]
        ws.cell(4, header(ws)["催单(定编)"]).value = None

    found = _warnings(edited(fast_plan, tmp_path / "p.xlsx", change))
    assert "客服需求!G4: 11-12 的「催单(定编)」为空：「客服部」的「催单」当天没有需求" in found


def test_a_zero_requirement_is_never_100_percent_covered(fast_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["值班需求"]
        for r in rows_where(ws, "部门", lambda v: v == "推广部"):
            ws.cell(r, header(ws)["人数"]).value = 0

    plan = read_plan(edited(fast_plan, tmp_path / "p.xlsx", change))
    results = compute(plan)
    from sheetplan.build import _roster_kpis

    kpi = next(k for k in _roster_kpis(plan, results) if k.label_kw == {"dept": "推广部"})
    assert kpi.value == "无值班需求" and "100" not in str(kpi.value)


def test_a_department_whose_staff_is_deleted_keeps_its_summary_line(fast_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["人员"]
        delete_rows(ws, rows_where(ws, "部门", lambda v: v == "美编部"))

    path = edited(fast_plan, tmp_path / "p.xlsx", change)
    found = _warnings(path)
    assert any(w.startswith("值班需求!B") and "「美编部」没有人员具备岗位「值班」" in w for w in found), found
    plan = read_plan(path)
    from sheetplan.build import _roster_kpis

    kpi = next(k for k in _roster_kpis(plan, compute(plan)) if k.label_kw == {"dept": "美编部"})
    assert kpi.value == "未排班，见检查结果"


def test_check_reports_warnings_and_strict_fails_on_them(fast_plan: Path, tmp_path: Path) -> None:
    path = edited(fast_plan, tmp_path / "p.xlsx", lambda wb: (wb.remove(wb["班次"]), wb.remove(wb["固定排班"]),
                                                                    wb.remove(wb["员工意愿"])))
    run = [sys.executable, "-m", "sheetplan", "check", str(path)]
    plain = subprocess.run(run, capture_output=True, text=True)
    strict = subprocess.run([*run, "--strict"], capture_output=True, text=True)
    assert plain.returncode == 0 and "个提示" in plain.stdout and "班次表为空" in plain.stderr
    assert strict.returncode == 2


# ----------------------------------------------------------------------------- the arithmetic
def test_spans_of_typed_rows() -> None:
    from sheetplan.plan.model import Requirement, Settings

    s = Settings("x", D(2026, 11, 10), D(2026, 11, 12), D(2026, 11, 11), 0, 1)
    night = Requirement("d", "p", people=1, dates=(D(2026, 11, 10),), start=dt.time(22), end=dt.time(2))
    assert spans(night, s) == ((22 * 60, 26 * 60),)
    span = Requirement("d", "p", people=1, start=dt.datetime(2026, 11, 10, 20), end=dt.datetime(2026, 11, 12, 2))
    assert spans(span, s) == ((20 * 60, 50 * 60),)
    last = Requirement("d", "p", people=1, dates=(D(2026, 11, 12),), start=dt.time(22), end=dt.time(2))
    assert spans(last, s) == ((70 * 60, 72 * 60),)  # clipped to the campaign
    every = Requirement("d", "p", people=1, start=dt.time(8), end=dt.time(0))
    assert spans(every, s) == ((480, 1440), (1920, 2880), (3360, 4320))
    assert spans(Requirement("d", "p", source="客服测算"), s) is None


def test_needs_add_up_and_round_outward() -> None:
    assert span_mask(((30, 90),), 3, 60) == [True, True, False]
    needs = [Need("a", "p", people=1, spans=((0, 120),)), Need("a", "p", people=2, spans=((60, 180),)),
             Need("a", "q", series="m")]
    got = department_requirements(needs, 3, 60, {"m": [5, 0, 1]})
    assert got == {"a": {"p": [1, 3, 2], "q": [5, 0, 1]}}

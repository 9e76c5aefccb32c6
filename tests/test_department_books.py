"""What a department workbook shows (issue 21): each day's list complete (a night shift on its
own day and the next), its own 检查结果 and no "all covered" while a post has nobody, the warehouse
heads reconciled with the roster and the stress test rostered as a what-if — on the example and on
an English plan with its own names."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from plan_edit import edited, english_shop, set_setting
from sheetplan.build import Results, build_plan
from sheetplan.pipeline import compute
from sheetplan.plan.model import Plan
from sheetplan.plan.reader import read_plan

# An English shop that names things its own way.
RENAMED = {"Customer service": "Care team", "Pre-sales": "Sales chat", "Warehouse": "Fulfilment",
           "Packing": "Pack bench", "P": "Late-peak"}


@pytest.fixture(scope="module")
def example_books(demo_results: tuple[Plan, Results], tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan, results = demo_results
    out = tmp_path_factory.mktemp("books")
    build_plan(plan, out, "示例计划", results)
    return out


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Results, Path]:
    """The English example renamed, with a requirement for a post nobody on the staff holds and the
    stress test rostered."""
    root = tmp_path_factory.mktemp("en-books")
    plan = read_plan(english_shop(root / "shop-plan.xlsx", RENAMED))
    results = compute(plan)
    build_plan(plan, root / "out", "shop", results)
    return plan, results, root / "out"


def values(path: Path, sheet: str) -> list[list[str]]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return [["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]


def pages(rows: list[list[str]], marker: str) -> dict[str, list[list[str]]]:
    """The daily duty sheet cut into its day pages, keyed by the page title."""
    out: dict[str, list[list[str]]] = {}
    key = None
    for row in rows:
        if row and marker in row[0]:
            key = row[0]
            out[key] = []
        elif key is not None:
            out[key].append(row)
    return out


def night_team(results: Results, dept: str, day: int) -> set[str]:
    """Who works a shift past midnight that starts on ``day``."""
    r = next(r for r in results.rosters if r.department == dept)
    overnight = {t.code for t in r.shifts if t.crosses_midnight}
    return {a.person for a in r.result.assignments if a.day == day and a.shift_code in overnight}


def test_the_sale_day_list_holds_the_night_team_from_the_evening_before(
        example_books: Path, demo_results: tuple[Plan, Results]) -> None:
    plan, results = demo_results
    sale = plan.settings.days.index(plan.settings.sale_day)
    team = night_team(results, "客服部", sale - 1)
    assert team  # the example puts a 峰 22:00–02:00 team on 11-10
    days = pages(values(example_books / "示例计划-客服部.xlsx", "每日值班表-客服部"), "值班表")
    sale_page = days["客服部 · 11-11 三 值班表"]
    carried = [r for r in sale_page if "22:00–02:00（前一晚起）" in r]
    assert carried  # marked, on the sale day's own list
    first = sale_page.index(carried[0])
    block = {r[3] for r in sale_page[first:first + len(team)]}
    assert block == team
    eve = days["客服部 · 11-10 二 值班表"]
    assert any("22:00–次日 02:00" in r for r in eve)
    # everyone on duty at 00:00 on the sale day is on that day's list
    listed = {r[3] for r in sale_page}
    r = next(r for r in results.rosters if r.department == "客服部")
    midnight = sale * 24
    on_duty = {a.person for a in r.result.assignments if a.start_hour_abs <= midnight < a.end_hour_abs}
    assert on_duty and on_duty <= listed


def test_a_person_s_schedule_shows_the_night_on_both_days_and_counts_it_once(
        example_books: Path, demo_results: tuple[Plan, Results]) -> None:
    plan, results = demo_results
    sale = plan.settings.days.index(plan.settings.sale_day)
    person = sorted(night_team(results, "客服部", sale - 1))[0]
    rows = values(example_books / "示例计划-客服部.xlsx", "个人排班-客服部")
    start = next(k for k, r in enumerate(rows) if r[0] == person)
    end = next(k for k in range(start + 1, len(rows)) if rows[k][0].startswith("合计"))
    block = rows[start:end + 1]
    assert any(r[0].startswith("2026-11-11") and r[3] == "22:00–02:00（前一晚起）" and r[5] == "" for r in block)
    assert any(r[0].startswith("2026-11-10") and r[3] == "22:00–次日 02:00" for r in block)
    r = next(r for r in results.rosters if r.department == "客服部")
    mine = [a for a in r.result.assignments if a.person == person]
    assert block[-1][0] == f"合计 {len(mine)} 个班次，{sum(a.hours for a in mine):g} 小时"


def test_an_english_renamed_plan_lists_its_night_team_on_the_sale_day(
        english: tuple[Plan, Results, Path]) -> None:
    plan, results, out = english
    sale = plan.settings.days.index(plan.settings.sale_day)
    team = night_team(results, "Care team", sale - 1)
    assert team
    days = pages(values(out / "shop-Care_team.xlsx", "Daily duty-Care team"), "Duty on")
    sale_page = days["Care team · Duty on 11-11 We"]
    carried = [k for k, r in enumerate(sale_page) if "22:00–02:00 (from the evening before)" in r]
    assert carried and sale_page[carried[0]][0] == "Sales chat" and sale_page[carried[0]][1].startswith("Late-peak")
    assert {r[3] for r in sale_page[carried[0]:carried[0] + len(team)]} == team
    assert any("22:00–02:00 (next day)" in r for r in days["Care team · Duty on 11-10 Tu"])


# ------------------------------------------------- every department's own 检查结果, told the truth
def test_each_department_book_carries_its_own_check_results(
        example_books: Path, demo_results: tuple[Plan, Results]) -> None:
    _, results = demo_results
    cs = values(example_books / "示例计划-客服部.xlsx", "检查结果-客服部")
    assert cs[0][0] == "客服部 · 检查结果 · 本部门需要留意之处"
    gap = next(p for p in results.problems if p.where == "值班需求!B2")
    assert [gap.where, gap.message] in [r[1:3] for r in cs]
    ops = values(example_books / "示例计划-运营部.xlsx", "检查结果-运营部")
    assert any(r[0].startswith("没有提示：本部门") for r in ops)
    assert not any(gap.message in r for r in ops)


def test_a_post_with_nobody_is_never_all_covered_and_is_on_the_department_s_checks(
        english: tuple[Plan, Results, Path]) -> None:
    _, results, out = english
    book = out / "shop-Fulfilment.xlsx"
    roster = [c for r in values(book, "Roster-Fulfilment") for c in r if c]
    assert not any("Every post is covered" in c or "100.0%" in c for c in roster), roster[:3]
    assert any(c.startswith("Posts not rostered") and "Forklift" in c for c in roster)
    ful = next(r for r in results.rosters if r.department == "Fulfilment")
    assert ful.unrostered_posts == ["Forklift"] and "(not fully covered)" in ful.explanation[0]
    assert "8 person-hours short" in ful.explanation[0]  # the forklift's 08:00–16:00 on 11-11
    labour = values(book, "Labour cost-Fulfilment")[1][0]  # the budget line says it too
    assert "buys " in labour and "buys 100.0%" not in labour, labour
    pays = results.labour["Fulfilment"]
    extra = sum(p.cost - p.rate * p.hours for p in pays)  # what overtime adds over the plain rate
    assert 0 < extra < sum(p.cost for p in pays) and f"{extra:,.2f} of it overtime" in labour
    checks = values(book, "Check results-Fulfilment")
    assert any("Forklift" in r[2] and r[1].startswith("Duty requirements!") for r in checks)
    care = values(out / "shop-Care_team.xlsx", "Check results-Care team")
    assert any("Sales chat" in r[2] for r in care) and not any("Forklift" in r[2] for r in care)
    # the cover heatmap has the forklift's rows too: 1 required 08:00–16:00 on 11-11, 0 rostered,
    # -1 (it showed only the posts someone holds: every post covered)
    heat = openpyxl.load_workbook(book, read_only=True, data_only=True)["Cover-Fulfilment"]
    heat = [["" if c is None else str(c) for c in row] for row in heat.iter_rows(values_only=True)]
    sale_page = next(i for i, r in enumerate(heat) if r[0].startswith("11-11"))
    fork = next(i for i, r in enumerate(heat) if i > sale_page and r[0] == "Forklift")
    assert heat[fork][2 + 8:2 + 16] == ["1"] * 8 and heat[fork + 2][2 + 8:2 + 16] == ["-1"] * 8


def test_a_gap_smaller_than_a_rounding_step_never_reads_100_percent() -> None:
    from sheetplan.calc.roster_explain import pct_covered

    assert pct_covered(5000, 1) == "99.9%" and pct_covered(5000, 0) == "100.0%" and pct_covered(8, 8) == "0.0%"


# ------------------------------------------------------------ warehouse heads against the roster
def test_the_sale_day_s_22_heads_reconcile_with_28_plus_2_rostered(demo_results: tuple[Plan, Results]) -> None:
    plan, results = demo_results
    sale = plan.settings.days.index(plan.settings.sale_day)
    check = results.warehouse_checks["仓储物流部"]
    day = check.days[sale]
    # 11 posts, ⌈heads/2⌉ on duty at once 08:00–24:00, two 8-hour shifts relay: 28; the typed
    # lunchtime packers (students) 2 more; the roster puts on exactly that many
    assert (day.heads, day.on_duty, day.minimum_model, day.minimum, day.rostered) == (22, 14, 28, 30, 30)
    assert day.heads == results.warehouse.heads
    roster = next(r for r in results.rosters if r.department == "仓储物流部")
    assert day.rostered == sum(1 for a in roster.result.assignments if a.day == sale)
    picking = next(r for r in check.rows if r.post == "拣货" and r.day == sale)
    assert (picking.heads, picking.on_duty, picking.relay, picking.minimum, picking.rostered) == (3, 2, 2, 4, 4)
    packing = next(r for r in check.rows if r.post == "打包" and r.day == sale)
    assert (packing.on_duty, packing.typed, packing.minimum) == (3, 2, 8)
    assert check.stress is None  # not asked for in the example
    frame = results.to_frames()["warehouse_check"]
    assert int(frame[frame["date"] == plan.settings.sale_day]["rostered"].sum()) == 30


def test_the_heads_check_sheet_says_why_in_words(example_books: Path) -> None:
    rows = values(example_books / "示例计划-仓储物流部.xlsx", "人数核对-仓储物流部")
    sale = next(r for r in rows if r[0] == "11-11 三")
    assert sale[1:7] == ["22", "14", "2", "30", "30", "0"]
    assert sale[7] == "仓库人员 22 人 → 同时在岗 14 人 → 班次接力需 28 人 + 手填 2 人 = 30 人；实排 30 人"
    picking = next(r for r in rows if r[0] == "拣货" and r[1] == "11-11 三")
    assert picking[9] == ("高峰日 ⌈3/2⌉ = 2 人同时在岗；08:00–24:00 需 2 个班次接力 → 4 人；"
                          "每班人数向上取整，比仓库人员多 1 人")
    assert any("排班压力测试" in c for r in rows for c in r)  # how to ask for the what-if
    # only the department whose posts take the warehouse model has the sheet
    assert "人数核对-客服部" not in openpyxl.load_workbook(example_books / "示例计划-客服部.xlsx",
                                                          read_only=True).sheetnames


def test_an_english_renamed_plan_rosters_the_stress_test_as_a_what_if(
        english: tuple[Plan, Results, Path], demo_results: tuple[Plan, Results]) -> None:
    _, results, out = english
    check = results.warehouse_checks["Fulfilment"]
    assert check.factor == 2 and check.stress
    pack = next(p for p in check.stress if p.post == "Pack bench")
    assert pack.heads == 12 and pack.short_hours > 0 and pack.more_people > 0
    assert all(p.short_after <= p.short_hours for p in check.stress)
    assert sum(p.short_after for p in check.stress) == 0  # the people it asks for close the gap
    # the reconciliation is the example's, in the shop's own words
    _, original = demo_results
    assert check.days == original.warehouse_checks["仓储物流部"].days
    rows = values(out / "shop-Fulfilment.xlsx", "Heads check-Fulfilment")
    assert any(r[0] == "11-11 We" and r[7].startswith("22 heads → 14 on duty at once → 28") for r in rows)
    title = next(k for k, r in enumerate(rows) if r[0].startswith("Stress test 2×"))
    table = rows[title + 2:title + 2 + len(check.stress)]
    got = {r[0]: (float(r[3]), int(float(r[4]))) for r in table}
    assert got["Pack bench"] == (pack.short_hours, pack.more_people)
    assert "more Pack bench people" in next(r[6] for r in table if r[0] == "Pack bench")
    assert rows[title + 2 + len(check.stress)][0] == "Total"


def test_the_stress_setting_is_validated(example_plan: Path, tmp_path: Path) -> None:
    from sheetplan.plan.reader import check_plan

    cell = {}

    def change(wb: openpyxl.Workbook) -> None:
        cell["at"] = set_setting(wb, "排班压力测试", "也许")

    _, problems = check_plan(edited(example_plan, tmp_path / "bad.xlsx", change))
    assert any(p.where == cell["at"] and p.severity == "error" for p in problems), [str(p) for p in problems]


def test_why_a_post_has_more_or_fewer_people_is_said(demo_results: tuple[Plan, Results]) -> None:
    from sheetplan.calc.warehouse_check import PostDay
    from sheetplan.render.warehouse_check import post_text

    plan, _ = demo_results
    more = PostDay("打包", 1, 6, True, 3, 2, 5, 2, 6, 8, 10, 1, 4.0, 12.0, True, 1)
    text = post_text(more, plan)
    assert text.startswith("高峰日 ⌈6/2⌉ = 3 人同时在岗；08:00–24:00 需 2 个班次接力 → 6 人；"
                           "另有手填需求最多 2 人 → 共 8 人")
    assert "班次长于需求时段：在岗超出需求 12 人·小时" in text
    assert text.endswith("多排 2 人（其中固定排班 1 人）（其中 1 人有活动最少小时）；缺 4 人·小时，见排班表的缺口说明")
    nobody = PostDay("叉车", 1, 2, True, 1, 0, 1, 2, 2, 2, 0, 0, 16.0, 0.0, False)
    assert "人员表中无人具备「叉车」岗位：未排班" in post_text(nobody, plan)

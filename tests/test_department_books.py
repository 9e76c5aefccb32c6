"""What a department workbook shows (issue 21): each day's list complete (a night shift on its
own day and the next), on the example and on an English plan with its own names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from plan_edit import append, rename
from sheetplan.build import Results, build_plan
from sheetplan.pipeline import compute
from sheetplan.plan.model import Plan
from sheetplan.plan.reader import read_plan
from sheetplan.plan.template import write_example

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
    """The English example renamed, with a requirement for a post nobody on the staff holds."""
    root = tmp_path_factory.mktemp("en-books")
    path = write_example(root / "shop-plan.xlsx", "en")
    wb = openpyxl.load_workbook(path)
    rename(wb, RENAMED)
    append(wb["Duty requirements"], {"Department": "Fulfilment", "Post": "Forklift", "Source": "Typed",
                                     "People": 1, "Dates": "11-11", "Start": dt.time(8), "End": dt.time(16)})
    wb.save(path)
    plan = read_plan(path)
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
    assert ful.unrostered_posts == ["Forklift"] and "(partial)" in ful.explanation[0]
    assert "8 person-hours short" in ful.explanation[0]  # the forklift's 08:00–16:00 on 11-11
    checks = values(book, "Check results-Fulfilment")
    assert any("Forklift" in r[2] and r[1].startswith("Duty requirements!") for r in checks)
    care = values(out / "shop-Care_team.xlsx", "Check results-Care team")
    assert any("Sales chat" in r[2] for r in care) and not any("Forklift" in r[2] for r in care)


def test_a_gap_smaller_than_a_rounding_step_never_reads_100_percent() -> None:
    from sheetplan.calc.roster_explain import _pct

    assert _pct(5000, 1) == "99.9%" and _pct(5000, 0) == "100.0%" and _pct(8, 8) == "0.0%"

"""Labour cost (issue 22, item 5): one cost figure everywhere (base + premium), "其中加班" the
premium alone, and the working-hours system (综合工时/补休 or 标准工时) as a plan setting."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from plan_edit import edited, set_setting
from sheetplan.build import Results
from sheetplan.calc.labour import PayRules, pay, total
from sheetplan.plan.model import Plan
from sheetplan.plan.reader import check_plan, read_plan
from sheetplan.render.template import write_example, write_plan

D = dt.date
WEEK = [D(2026, 11, 9) + dt.timedelta(days=k) for k in range(7)]  # Mon 11-09 … Sun 11-15


def test_a_hand_computed_week_under_both_systems() -> None:
    """Rate 20. Mon 8 h, Tue 10 h, Wed off, Thu 8 h, Fri 8 h, Sat 8 h, Sun 6 h: 48 hours.

    标准工时: working days Mon 8 + Tue 8 (+2 over the day's 8) + Thu 8 + Fri 8 = 32 regular, 2 at
    ×1.5; Sat 8 + Sun 6 = 14 rest-day hours at ×2.
      base 20 × 48 = 960; premium 20 × (0.5 × 2 + 1 × 14) = 20 × 15 = 300; cost 1,260
      (= 20 × (32 + 1.5 × 2 + 2 × 14) = 20 × 63).
    综合工时/补休: Wednesday off gives one rest day back, the longer one (Sat 8 h): Saturday counts
    as a working day — 8 h within the day, and the week's regular hours reach 32 + 8 = 40, so no
    weekly overtime. Sunday's 6 h stay at ×2.
      regular 40, overtime 2, rest 6; base 960; premium 20 × (0.5 × 2 + 1 × 6) = 140; cost 1,100.
    """
    hours = {WEEK[0]: 8.0, WEEK[1]: 10.0, WEEK[3]: 8.0, WEEK[4]: 8.0, WEEK[5]: 8.0, WEEK[6]: 6.0}
    std = pay("A", 20, hours, PayRules(system="standard", days=frozenset(WEEK)))
    assert (std.regular, std.overtime, std.rest, std.holiday, std.lieu) == (32, 2, 14, 0, 0)
    assert (std.base, std.premium, std.cost) == (960, 300, 1260)
    lieu = pay("A", 20, hours, PayRules(system="lieu", days=frozenset(WEEK)))
    assert (lieu.regular, lieu.overtime, lieu.rest, lieu.holiday, lieu.lieu) == (40, 2, 6, 0, 8)
    assert (lieu.base, lieu.premium, lieu.cost) == (960, 140, 1100)
    # the same week worked Mon–Fri too: no day off, nothing given back, both systems agree
    full = {**hours, WEEK[2]: 8.0}
    assert pay("A", 20, full, PayRules(system="lieu", days=frozenset(WEEK))) == \
        pay("A", 20, full, PayRules(system="standard", days=frozenset(WEEK)))
    # two days off (Tue and Wed) give both rest days back: 8+8+8+8+6 = 38 regular, cost 20 × 38
    two = {WEEK[0]: 8.0, WEEK[3]: 8.0, WEEK[4]: 8.0, WEEK[5]: 8.0, WEEK[6]: 6.0}
    p = pay("A", 20, two, PayRules(days=frozenset(WEEK)))
    assert (p.regular, p.rest, p.lieu, p.premium, p.cost) == (38, 0, 14, 0, 760)
    # a holiday is never given back: Sunday a holiday, Wednesday off → Saturday back, Sunday ×3
    hol = pay("A", 20, hours, PayRules(days=frozenset(WEEK), holidays=frozenset({WEEK[6]})))
    assert (hol.rest, hol.holiday, hol.premium) == (0, 6, 20 * (0.5 * 2 + 2 * 6))


def test_a_day_off_in_another_week_gives_nothing_back() -> None:
    """Sat 11-14 worked; the day off is Mon 11-16, the next week: Saturday stays at ×2."""
    days = frozenset(D(2026, 11, 10) + dt.timedelta(days=k) for k in range(8))  # Tue 11-10 … Tue 11-17
    hours = {D(2026, 11, 10) + dt.timedelta(days=k): 8.0 for k in range(5)}  # Tue–Sat
    hours[D(2026, 11, 17)] = 8.0
    p = pay("A", 10, hours, PayRules(days=days))
    assert (p.rest, p.lieu, p.premium) == (8, 0, 10 * 8)


def test_a_day_not_at_the_departments_disposal_gives_nothing_back() -> None:
    """A borrowed person's weekday in their own department, or a day they are unavailable, is no
    day off: the same week as the hand-computed one, Wednesday busy → Saturday stays at ×2."""
    from sheetplan.calc.department_roster import busy_days
    from sheetplan.calc.roster import Person

    hours = {WEEK[0]: 8.0, WEEK[1]: 10.0, WEEK[3]: 8.0, WEEK[4]: 8.0, WEEK[5]: 8.0, WEEK[6]: 6.0}
    p = pay("A", 20, hours, PayRules(days=frozenset(WEEK)), busy={WEEK[2]})
    assert (p.rest, p.lieu, p.cost) == (14, 0, 1260)
    lent = Person("借", "客服部", ("售前",), kind="借调", available_windows=((5 * 24, 7 * 24),))  # Sat–Sun only
    assert busy_days(lent, WEEK, 60) == frozenset(WEEK[:5])
    away = Person("休", "客服部", ("售前",), unavailable_days=frozenset({2}))
    assert busy_days(away, WEEK, 60) == {WEEK[2]}


def test_the_department_total_keeps_premium_apart_from_cost() -> None:
    """The total line used to report the whole cost as "其中加班" (its rate is 0)."""
    rules = PayRules(system="standard", days=frozenset(WEEK))
    a = pay("A", 20, {WEEK[0]: 10.0}, rules)  # 8 + 2 at ×1.5: base 200, premium 20
    b = pay("B", 30, {WEEK[5]: 4.0}, rules)  # Saturday ×2: base 120, premium 120
    t = total([a, b])
    assert (t.base, t.premium, t.cost) == (320, 140, 460)
    assert t.premium != t.cost


def _money(text: str, key: str) -> float:
    m = re.search(key + r"\s*([\d,]+\.\d\d)", text)
    assert m, (key, text)
    return float(m.group(1).replace(",", ""))


def test_one_cost_figure_on_every_sheet(demo_results: tuple[Plan, Results], demo_outputs: list[Path]) -> None:
    """The roster sheet, the labour sheet, the 总览 line and its budget note state one cost; the
    overtime share is the premium alone (the base is hours × rate of the roster itself)."""
    _, results = demo_results
    main = next(p for p in demo_outputs if p.name.endswith("-总表.xlsx"))
    rows = openpyxl.load_workbook(main)["总览"].iter_rows(values_only=True)
    summary = [[c for c in row if c is not None] for row in rows]
    checked = 0
    for r in results.rosters:
        t = total(results.labour[r.department])
        if not t.hours:
            continue
        assert t.premium < t.cost and abs(t.base + t.premium - t.cost) < 1e-6
        dept_book = next(p for p in demo_outputs if p.name.endswith(f"-{r.department}.xlsx"))
        wb = openpyxl.load_workbook(dept_book)
        roster_line = wb[f"排班-{r.department}"]["A2"].value
        assert _money(roster_line, "人工成本") == pytest.approx(t.cost)
        assert _money(roster_line, "其中加班") == pytest.approx(t.premium)
        labour_sheet = wb[f"人工成本-{r.department}"]
        note = labour_sheet["A2"].value
        assert _money(note, "人工成本预算") == pytest.approx(t.cost)
        assert _money(note, "其中加班") == pytest.approx(t.premium)
        totals = next(row for row in labour_sheet.iter_rows() if row[0].value == "合计")
        cached = openpyxl.load_workbook(dept_book, data_only=True)[labour_sheet.title]
        assert cached.cell(totals[0].row, 8).value == pytest.approx(t.cost)
        line = next(row for row in summary if row and str(row[0]).startswith(f"{r.department} 人工成本"))
        assert pytest.approx(t.cost) in [v for v in line if isinstance(v, int | float)]
        assert _money(next(v for v in line if isinstance(v, str) and "其中加班" in v), "其中加班") == \
            pytest.approx(t.premium)
        checked += 1
    assert checked >= 2
    cs = total(results.labour["客服部"])
    cs_roster = next(r for r in results.rosters if r.department == "客服部")
    assert cs.base == pytest.approx(cs_roster.result.cost) and cs.cost == cs.base + cs.premium


@pytest.mark.parametrize(("typed", "system"), [
    ("标准工时", "standard"), ("Standard hours", "standard"), ("standard", "standard"),
    ("综合工时", "lieu"), ("补休", "lieu"), ("排班制", "lieu"), ("Time off in lieu", "lieu"), ("comprehensive", "lieu"),
])
def test_the_working_hours_setting_reads_in_either_language(fast_plan: Path, tmp_path: Path, typed: str,
                                                           system: str) -> None:
    path = edited(fast_plan, tmp_path / "p.xlsx", lambda wb: set_setting(wb, "工时制度", typed))
    plan = read_plan(path)
    assert plan.settings.hours_system == system


def test_a_bad_working_hours_system_names_its_cell(fast_plan: Path, tmp_path: Path) -> None:
    where: list[str] = []
    path = edited(fast_plan, tmp_path / "p.xlsx", lambda wb: where.append(set_setting(wb, "工时制度", "996")))
    _, problems = check_plan(path)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert any(e.startswith(f"{where[0]}: ") and "工时制度" in e and "标准工时" in e for e in errors), errors


def test_the_templates_offer_the_setting_with_its_default(tmp_path: Path) -> None:
    for lang, sheet, name, shown in (("zh", "活动", "工时制度", "综合工时（补休）"),
                                     ("en", "Campaign", "Working hours system", "Time off in lieu")):
        ws = openpyxl.load_workbook(write_example(tmp_path / f"e-{lang}.xlsx", lang))[sheet]
        row = next(r for r in ws.iter_rows() if str(r[0].value).rstrip(" *") == name)
        assert row[1].value == shown
        assert read_plan(tmp_path / f"e-{lang}.xlsx").settings.hours_system == "lieu"
        empty = openpyxl.load_workbook(write_plan(tmp_path / f"t-{lang}.xlsx", lang))[sheet]
        assert any(str(r[0].value).rstrip(" *") == name for r in empty.iter_rows())


def test_standard_hours_cost_more_on_the_example(demo_results: tuple[Plan, Results]) -> None:
    """Rest days given back are paid at 100 %: the default costs less than standard hours; the
    hours and the base are the same."""
    from dataclasses import replace

    from sheetplan.pipeline import labour
    from sheetplan.plan import to_roster

    plan, results = demo_results
    std_plan = replace(plan, settings=replace(plan.settings, hours_system="standard"))
    assert to_roster.pay_rules(std_plan).system == "standard"
    cs = next(r for r in results.rosters if r.department == "客服部")
    dflt = total(results.labour["客服部"])
    std = total(labour(std_plan, replace(cs, pay=[])))
    assert dflt.lieu > 0 and std.lieu == 0 and std.base == dflt.base
    assert std.premium > dflt.premium

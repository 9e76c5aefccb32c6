"""Publish and change (issue 16) on the example: each person's schedule and the day's 值班表,
calendars and attendance CSVs, a hand-edited grid re-checked (rules, cover, changes), the heatmap
following the grid in LibreOffice, a rebuild that keeps the edits, labour cost with overtime."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar
from openpyxl.utils import get_column_letter

import lo
from sheetplan.build import Results, build_plan
from sheetplan.calc.labour import PayRules, pay
from sheetplan.pipeline import compute
from sheetplan.plan.contacts import phone_ok
from sheetplan.plan.model import Plan
from sheetplan.plan.reader import check_plan
from sheetplan.publish.exports import shift_names, uid
from sheetplan.publish.roster_edits import check, keep_edits, report

D = dt.date


@pytest.fixture(scope="module")
def published(demo_results: tuple[Plan, Results], tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan, results = demo_results
    out = tmp_path_factory.mktemp("pub")
    build_plan(plan, out, "示例计划", results, exports=True)
    return out


def book(folder: Path, dept: str) -> Path:
    return folder / f"示例计划-{dept}.xlsx"


def grid_cells(path: Path, dept: str) -> tuple[openpyxl.Workbook, object, int, dict[str, int]]:
    wb = openpyxl.load_workbook(path)
    ws = wb[f"排班-{dept}"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "姓名")
    rows = {}
    for r in range(header + 1, ws.max_row + 1):
        v = ws.cell(r, 1).value
        if not v:
            break
        rows[v] = r
    return wb, ws, header, rows


def test_person_blocks_daily_pages_and_labour_sheet(published: Path, demo_results) -> None:
    plan, results = demo_results
    wb = openpyxl.load_workbook(book(published, "运营部"), read_only=True)
    assert {"个人排班-运营部", "每日值班表-运营部", "人工成本-运营部"} <= set(wb.sheetnames)
    people = [[c for c in row if c is not None] for row in wb["个人排班-运营部"].iter_rows(values_only=True)]
    flat = [str(c) for row in people for c in row]
    ops = [p for p in plan.staff if p.department == "运营部"]
    for p in ops:
        assert p.name in flat and p.phone in flat and p.employee_id in flat
    daily = [str(c) for row in wb["每日值班表-运营部"].iter_rows(values_only=True) for c in row if c is not None]
    assert "运营部 · 11-11 三 值班表" in daily
    roster = next(r for r in results.rosters if r.department == "运营部")
    for a in roster.result.assignments:  # everyone on duty is listed with a phone to reach them
        assert a.person in daily
    footer = openpyxl.load_workbook(book(published, "运营部"))["每日值班表-运营部"].oddFooter.right.text
    assert footer.endswith(plan.settings.version or footer.split(" · ")[-1])  # the stamp is printed


def test_calendars_parse_back_with_stable_uids(published: Path, demo_results) -> None:
    plan, results = demo_results
    roster = next(r for r in results.rosters if r.department == "运营部")
    folder = published / "示例计划-导出"
    cal = Calendar.from_ical((folder / "运营部-日历.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(roster.result.assignments)
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    origin = dt.datetime.combine(plan.settings.start, dt.time())
    got = {(str(e["UID"]), e.decoded("dtstart").replace(tzinfo=None)) for e in events}
    want = {(uid(plan, "运营部", a.person, plan.settings.days[a.day]), origin + dt.timedelta(hours=a.start_hour_abs))
            for a in roster.result.assignments}
    assert got == want
    assert all(str(e.decoded("dtstart").tzinfo) == "Asia/Shanghai" for e in events)
    one = roster.result.assignments[0]
    mine = Calendar.from_ical((folder / f"运营部-{one.person}.ics").read_bytes())
    assert all(one.person not in str(e["SUMMARY"]) for e in mine.walk("VEVENT"))  # the person's own view
    assert "岗位：值班" in str(mine.walk("VEVENT")[0]["DESCRIPTION"])


def test_attendance_csv_round_trips(published: Path, demo_results) -> None:
    plan, results = demo_results
    roster = next(r for r in results.rosters if r.department == "客服部")
    raw = (published / "示例计划-导出" / "客服部-排班导入.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens UTF-8 right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:2] == ["姓名", "工号"] and rows[0][2] == "2026-11-10"
    names = shift_names(roster)  # '售前·早班': the post with the shift's name
    back = {(r[0], D.fromisoformat(rows[0][k])): v for r in rows[1:] for k, v in enumerate(r)
            if k >= 2 and v not in ("休息", "")}
    want = {(a.person, plan.settings.days[a.day]): names[(a.post, a.shift_code)] for a in roster.result.assignments}
    assert back == want
    ids = {p.name: p.employee_id for p in plan.staff}
    assert all(ids[r[0]] == r[1] for r in rows[1:])
    long_rows = list(csv.DictReader(io.StringIO((published / "示例计划-导出" / "客服部-排班明细.csv")
                                                .read_bytes().decode("utf-8-sig"))))
    assert len(long_rows) == len(roster.result.assignments)
    assert sum(float(r["小时"]) for r in long_rows) == sum(a.hours for a in roster.result.assignments)


def _edit(published: Path, tmp_path: Path) -> tuple[Path, dict]:
    """A planner's edits on 客服部: a swap, leave typed over a shift, an unknown code, a night
    shift the evening before an early one (short rest), a post the person lacks."""
    wb, ws, _header, rows = grid_cells(book(published, "客服部"), "客服部")
    names = list(rows)
    a, b = names[0], names[1]
    col = 4  # the first day
    ws.cell(rows[a], col).value, ws.cell(rows[b], col).value = ws.cell(rows[b], col).value, ws.cell(rows[a], col).value
    ws.cell(rows[a], col + 1).value = "假"
    ws.cell(rows[b], col + 1).value = "XYZ"
    c = names[2]
    ws.cell(rows[c], col + 2).value = "售前·中 16–24"
    ws.cell(rows[c], col + 3).value = "售前·早"
    ws.cell(rows[names[3]], col + 4).value = "打包·早"
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return path, {"a": a, "b": b, "c": c, "ws": ws.title, "rows": rows, "d": names[3]}


def test_check_roster_names_broken_rules_cover_and_changes(published: Path, tmp_path: Path) -> None:
    path, e = _edit(published, tmp_path)
    stored, depts = check(path)
    cs = next(d for d in depts if d.roster.department == "客服部")
    problems = report(stored, depts)
    text = "\n".join(str(p) for p in problems)
    assert f"{e['ws']}!E{e['rows'][e['b']]}" in text and "「XYZ」不是已知班次" in text
    assert f"{e['ws']}!G{e['rows'][e['c']]}" in text and "休息不足 11 小时" in text
    assert "不具备「打包」技能" in text
    assert any(p.severity == "warning" and "缺" in p.message for p in problems)  # the cover is reported
    changed = {(p, day) for p, day, _, _ in cs.changes}
    assert (e["a"], "11-11") in changed  # leave typed over a shift, listed as typed
    assert [after for p, day, _, after in cs.changes if (p, day) == (e["a"], "11-11")] == ["假"]
    unedited = [d for d in depts if d.roster.department != "客服部"]
    assert all(not d.changes and not d.audit.breaches for d in unedited)


def test_keep_edits_rebuild_keeps_every_change(published: Path, tmp_path: Path, demo_results) -> None:
    plan, _ = demo_results
    wb, ws, _header, rows = grid_cells(book(published, "客服部"), "客服部")
    names = list(rows)
    staff = {p.name: p for p in plan.staff}
    days = plan.settings.days

    def hours(value: object) -> tuple[float, float] | None:  # '售前·早 8–16' -> (8, 16); 休 or empty: None
        if not value or "–" not in str(value):
            return None
        a, b = (float(x) for x in str(value).split()[-1].split("–"))
        return a, b if b > a else b + 24

    def can(n: str, c: int, shift: tuple[float, float] | None = None) -> bool:
        """n may take a shift on column c: available that day, nothing there, and (with
        ``shift``) 11 h of rest to the shifts either side and no more than 6 days in a row."""
        if not 4 <= c < 4 + len(days) or hours(ws.cell(rows[n], c).value):
            return False
        s, day = staff[n], days[c - 4]
        if day in s.unavailable or (s.type == "借调" and s.lent and day not in s.lent):
            return False
        if shift is None:
            return True
        before = hours(ws.cell(rows[n], c - 1).value) if c > 4 else None
        after = hours(ws.cell(rows[n], c + 1).value) if c + 1 < 4 + len(days) else None
        if (before and shift[0] + 24 - before[1] < 11) or (after and after[0] + 24 - shift[1] < 11):
            return False
        worked = [bool(hours(ws.cell(rows[n], k).value)) or k == c for k in range(4, 4 + len(days))]
        run = longest = 0
        for w in worked:
            run = run + 1 if w else 0
            longest = max(longest, run)
        return longest <= 6

    skills = {p.name: p.posts for p in plan.staff}
    moved_from, col, other = next((n, c, o) for c in range(4, 12) for n in names if hours(ws.cell(rows[n], c).value)
                                  for o in names if o != n and can(o, c, hours(ws.cell(rows[n], c).value))
                                  and str(ws.cell(rows[n], c).value).split("·")[0] in skills[o])
    lacking = next(o for o in names if "售后" not in skills[o] and can(o, col + 3))
    ws.cell(rows[lacking], col + 3).value = "售后·早"  # a post the person lacks: reported, not kept
    ws.cell(rows[other], col).value = ws.cell(rows[moved_from], col).value
    ws.cell(rows[moved_from], col).value = "休"
    path = tmp_path / "cs-edited.xlsx"
    wb.save(path)
    stored, depts = check(path)
    kept, problems = keep_edits(plan, stored, depts, path.name)
    assert not [p for p in problems if p.severity == "error"]
    assert [p for p in problems if "未保留" in p.message and "不具备「售后」技能" in p.message]
    day = col - 4
    results = compute(kept)
    cs = next(r for r in results.rosters if r.department == "客服部")
    on = {(a.person, a.day) for a in cs.result.assignments}
    assert (other, day) in on and (moved_from, day) not in on, [str(p) for p in problems]
    assert cs.result.status != "infeasible"
    out = tmp_path / "rebuilt"
    build_plan(kept, out, "示例计划", results)
    log = openpyxl.load_workbook(book(out, "客服部"), read_only=True)["改动记录-客服部"]
    lines = [[c for c in row if c is not None] for row in log.iter_rows(values_only=True)]
    assert any(other in row and "已保留" in row for row in lines)
    assert any(lacking in row and any(str(c).startswith("未保留") for c in row) for row in lines)


def test_heatmap_follows_the_edited_grid_in_libreoffice(published: Path, tmp_path: Path) -> None:
    wb, ws, _header, rows = grid_cells(book(published, "运营部"), "运营部")
    emptied = 0
    for r in rows.values():
        for c in range(4, 12):
            if ws.cell(r, c).value and "·夜" in str(ws.cell(r, c).value):
                ws.cell(r, c).value = "休"
                emptied += 1
    assert emptied
    path = tmp_path / "ops-nonight.xlsx"
    wb.save(path)
    before = _scheduled(openpyxl.load_workbook(lo.recalculated(book(published, "运营部"), tmp_path / "a"),
                                               data_only=True))
    after = _scheduled(openpyxl.load_workbook(lo.recalculated(path, tmp_path / "b"), data_only=True))
    assert sum(after) == sum(before) - 8 * emptied or sum(after) < sum(before)
    assert sum(after) < sum(before)


def _scheduled(wb: openpyxl.Workbook) -> list[int]:
    ws = wb["覆盖-运营部"]
    out = []
    for row in ws.iter_rows(values_only=True):
        if len(row) > 1 and row[1] == "排班":
            out += [int(v or 0) for v in row[2:26]]
    return out


def test_overtime_by_hand() -> None:
    # Mon 2026-11-09 … : Mon–Fri 9 h (8 a day regular, but the week caps at 40: 40 regular, 5 OT),
    # Sat 8 h rest day (×2), and a holiday Sunday of 4 h (×3); rate 20
    days = {D(2026, 11, 9) + dt.timedelta(days=k): 9.0 for k in range(5)}
    days[D(2026, 11, 14)] = 8.0
    days[D(2026, 11, 15)] = 4.0
    p = pay("A", 20, days, PayRules(holidays=frozenset({D(2026, 11, 15)})))
    assert (p.regular, p.overtime, p.rest, p.holiday) == (40, 5, 8, 4)
    assert p.cost == 20 * (40 + 1.5 * 5 + 2 * 8 + 3 * 4)
    # a 10-hour working day alone: 8 regular + 2 at 150 %
    q = pay("B", 10, {D(2026, 11, 10): 10.0})
    assert (q.regular, q.overtime, q.cost) == (8, 2, 10 * (8 + 3))


def test_phone_numbers_are_checked(example_plan: Path, tmp_path: Path) -> None:
    assert phone_ok("13812345678") and phone_ok("+86 138-1234-5678") and phone_ok("021-61234567")
    assert phone_ok("+44 20 7946 0958") and not phone_ok("1381234") and not phone_ok("12812345678")
    wb = openpyxl.load_workbook(example_plan)
    ws = wb["人员"]
    col = next(c.column for c in ws[1] if str(c.value).rstrip(" *") == "手机")
    ws.cell(2, col).value = "12345"
    path = tmp_path / "phone.xlsx"
    wb.save(path)
    _, problems = check_plan(path)
    hit = [p for p in problems if "12345" in p.message]
    assert hit and hit[0].severity == "warning" and hit[0].where.endswith(f"{ws.cell(2, col).coordinate}")


# ----------------------------------------------------------------- a plan nobody here wrote
RENAMED = {"Operations": "Front Desk", "On duty": "Floor watch", "Customer service": "Care team",
           "Pre-sales": "Sales chat"}


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Results, Path]:
    """The English example with departments and posts renamed, built with its exports."""
    from plan_edit import rename
    from sheetplan.plan.reader import read_plan
    from sheetplan.render.template import write_example

    root = tmp_path_factory.mktemp("en-pub")
    path = write_example(root / "shop-plan.xlsx", "en")
    wb = openpyxl.load_workbook(path)
    rename(wb, RENAMED)
    wb.save(path)
    plan = read_plan(path)
    results = compute(plan)
    build_plan(plan, root / "out", "shop", results, exports=True)
    return plan, results, root / "out"


def test_an_english_renamed_plan_publishes_in_its_own_words(english: tuple[Plan, Results, Path]) -> None:
    plan, results, out = english
    assert plan.lang == "en" and {"Front Desk", "Care team"} <= {p.department for p in plan.staff}
    wb = openpyxl.load_workbook(out / "shop-Front_Desk.xlsx", read_only=True)
    assert {"Schedules-Front Desk", "Daily duty-Front Desk", "Labour cost-Front Desk"} <= set(wb.sheetnames)
    daily = [str(c) for row in wb["Daily duty-Front Desk"].iter_rows(values_only=True) for c in row if c is not None]
    roster = next(r for r in results.rosters if r.department == "Front Desk")
    assert roster.result.assignments and all(a.post == "Floor watch" for a in roster.result.assignments)
    assert "Floor watch" in daily and all(a.person in daily for a in roster.result.assignments)
    folder = out / "shop-exports"
    raw = (folder / "Care_team-attendance-import.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Name", "Employee ID"]
    care = next(r for r in results.rosters if r.department == "Care team")
    names = shift_names(care)
    back = {(r[0], D.fromisoformat(rows[0][k])): v for r in rows[1:] for k, v in enumerate(r)
            if k >= 2 and v not in ("Rest", "")}
    want = {(a.person, plan.settings.days[a.day]): names[(a.post, a.shift_code)] for a in care.result.assignments}
    assert back == want
    assert any(a.post == "Sales chat" for a in care.result.assignments)
    one = roster.result.assignments[0]
    mine = Calendar.from_ical((folder / f"Front_Desk-{one.person}.ics").read_bytes())
    assert "Floor watch" in str(mine.walk("VEVENT")[0]["DESCRIPTION"])


def test_an_english_renamed_plan_checks_and_keeps_edits(english: tuple[Plan, Results, Path], tmp_path: Path) -> None:
    plan, _, out = english
    wb = openpyxl.load_workbook(out / "shop-Care_team.xlsx")
    ws = wb["Roster-Care team"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Name")
    first = header + 1
    target = next(c for c in range(4, 12) if ws.cell(first, c).value)
    ws.cell(first, target).value = "XYZ"  # a code no shift has
    path = tmp_path / "care-edited.xlsx"
    wb.save(path)
    stored, depts = check(path)
    text = "\n".join(str(p) for p in report(stored, depts))
    assert f"Roster-Care team!{ws.cell(first, target).coordinate}" in text and "'XYZ' is not a known shift" in text
    assert not any(d.changes for d in depts if d.roster.department != "Care team")
    ws.cell(first, target).value = "off"  # a day off typed over a shift, in the plan's own word
    wb.save(path)
    stored, depts = check(path)
    kept, problems = keep_edits(plan, stored, depts, path.name)
    assert not [p for p in problems if p.severity == "error"], [str(p) for p in problems]
    person, day = ws.cell(first, 1).value, target - 4
    care = next(r for r in compute(kept).rosters if r.department == "Care team")
    assert care.result.assignments and (person, day) not in {(a.person, a.day) for a in care.result.assignments}


def test_a_build_without_exports_removes_the_stale_ones(demo_results, tmp_path: Path) -> None:
    """Calendars from the last build would contradict new rosters: gone with --no-exports; a file
    someone else put into the folder stays."""
    plan, results = demo_results
    build_plan(plan, tmp_path, "示例计划", results, exports=True)
    folder = tmp_path / "示例计划-导出"
    ours = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    assert "运营部-日历.ics" in ours
    (folder / "我的备注.txt").write_text("mine", encoding="utf-8")
    written = build_plan(plan, tmp_path, "示例计划", results, exports=False)
    assert {p.name for p in folder.iterdir() if not p.name.startswith(".")} == {"我的备注.txt"}
    assert all(p.suffix == ".xlsx" for p in written)
    build_plan(plan, tmp_path, "示例计划", results, exports=False)  # nothing left to remove: no error


def test_check_roster_grades_a_gap_as_the_build_did(published: Path, demo_results) -> None:
    """An unedited published roster re-checked: the sale start's gap (a must-cover window) is
    critical, as build graded it, at the day's column header of the grid; a gap elsewhere stays
    a warning."""
    _, results = demo_results
    assert any(p.severity == "critical" for p in results.problems)
    stored, depts = check(book(published, "客服部"))
    problems = [p for p in report(stored, depts) if "缺" in p.message]
    _, _, header, _ = grid_cells(book(published, "客服部"), "客服部")
    midnight = next(p for p in problems if "11-11 00:00" in p.message)
    assert midnight.severity == "critical" and str(midnight).startswith(f"排班-客服部!E{header}")
    assert next(p for p in problems if "11-11 12:00" in p.message).severity == "warning"


def test_check_roster_sees_posts_no_one_holds_and_all_hands_days(tmp_path: Path) -> None:
    """A re-check read only the grid: a post the department needs and no one holds was not there
    (a department with nobody on a post re-checked as covered), nor an all-hands day someone's
    shift was taken off by hand. Both come back, graded as the build graded them, and counted
    apart: a gap is a gap, an all-hands day a reminder."""
    from typer.testing import CliRunner

    from plan_edit import append, header, rename
    from sheetplan.cli import app
    from sheetplan.plan.reader import read_plan
    from sheetplan.publish.roster_edits import findings
    from sheetplan.render.template import write_example

    path = write_example(tmp_path / "shop.xlsx", "en")
    wb = openpyxl.load_workbook(path)
    rename(wb, RENAMED)
    append(wb["Duty requirements"], {"Department": "Care team", "Post": "Returns desk", "People": 1,
                                     "Dates": "11-11", "Start": "10:00", "End": "14:00"})
    append(wb["Duty requirements"], {"Department": "Care team", "Post": "Photo desk", "People": 1,
                                     "Dates": "11-13", "Start": "10:00", "End": "14:00"})
    append(wb["Must-cover windows"], {"Department": "Care team", "Post": "Photo desk", "Dates": "11-13",
                                      "Start": "10:00", "End": "12:00", "Weight": 2})
    ws = wb["Departments"]
    col = header(ws)["All-hands dates"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "Front Desk")
    ws.cell(row, col).value = "11-11"
    wb.save(path)
    plan = read_plan(path)
    results = compute(plan)
    build_plan(plan, tmp_path / "out", "shop", results)
    care = findings(*check(tmp_path / "out" / "shop-Care_team.xlsx"))
    vacant = [p for p in care.gaps if "Returns desk" in p.message]
    assert len(vacant) == 1 and vacant[0].severity == "critical" and "4 required person-hours" in vacant[0].message
    photo = next(p for p in care.gaps if "Photo desk" in p.message)  # critical at its must-cover day, 11-13
    assert photo.severity == "critical" and "must-cover" in photo.message
    assert photo.where.endswith("G4") and vacant[0].where.endswith("E4")  # 11-10 is column D
    front = tmp_path / "out" / "shop-Front_Desk.xlsx"
    stored, depts = check(front)
    assert not [p for p in report(stored, depts) if "all-hands" in p.message]  # the build rostered everyone
    sale = stored.days.index("11-11")
    wb = openpyxl.load_workbook(front)
    grid = depts[0].roster.grid
    ws = wb[grid.sheet]
    person, row = next((n, r) for n, r in depts[0].rows.items()
                       if ws.cell(r, depts[0].cols[sale]).value)
    ws.cell(row, depts[0].cols[sale]).value = "off"
    wb.save(tmp_path / "front-edited.xlsx")
    found = findings(*check(tmp_path / "front-edited.xlsx"))
    said = [p for p in found.problems if "all-hands day 11-11" in p.message]
    assert len(said) == 1 and person in said[0].message and said[0] not in found.gaps
    out = CliRunner().invoke(app, ["check-roster", str(tmp_path / "front-edited.xlsx")]).output
    assert "all-hands day 11-11" in out and f"{len(found.gaps)} gap(s)" in out
    at = said[0].where
    ws.insert_cols(2)  # a column inserted before the days: the reminder follows its day's header
    wb.save(tmp_path / "front-moved.xlsx")
    moved = [p for p in report(*check(tmp_path / "front-moved.xlsx")) if "all-hands day 11-11" in p.message]
    column = get_column_letter(depts[0].cols[sale] + 1)
    assert len(moved) == 1 and moved[0].where != at and moved[0].where.endswith(f"{column}{grid.header + 1}")


def test_an_all_hands_reminder_leaves_out_whom_the_rules_keep_off() -> None:
    """Only someone one shift would break no rule for is 'free to work': after a day at work, a
    person allowed one day in a row is not reminded (the build names that rule instead)."""
    from sheetplan.calc.roster import Person, RosterRules, ShiftTemplate
    from sheetplan.calc.roster_audit import Edited, off_yet_free

    shifts = [ShiftTemplate("D", 9, 8, frozenset({"fulltime"}), "day")]
    people = [Person("a", "x", ("desk",), "fulltime", max_consecutive_days=1),
              Person("b", "x", ("desk",), "fulltime"), Person("c", "x", ("desk",), "fulltime")]
    edited = [Edited("a", 0, "D", "desk"), Edited("b", 0, "D", "desk")]
    assert off_yet_free(edited, people, shifts, [1], 3, RosterRules()) == {1: ["b", "c"]}
    assert off_yet_free(edited, people, shifts, [1], 3, RosterRules(), skip={("c", 1)}) == {1: ["b"]}


def test_a_night_shift_before_a_kept_day_off_is_kept(published: Path, demo_results, tmp_path: Path) -> None:
    """An attack on --keep-edits: 峰 (22:00-02:00) on 11-11 and 休 on 11-12, typed by hand, broke no
    rule (check-roster said so), yet the rebuild dropped the night shift ('unavailable that day'):
    the kept day off was an unavailable date, which a shift running into it may not touch. A kept
    day off now only stops a shift from starting that day."""
    plan, _ = demo_results
    wb, ws, header, rows = grid_cells(book(published, "客服部"), "客服部")
    people = {p.name: p for p in plan.staff}
    col = next(c.column for c in ws[header] if str(c.value or "").startswith("11-11"))
    name = next(n for n in rows if people[n].type == "全职" and "售前" in people[n].posts
                and not people[n].unavailable and ws.cell(rows[n], col + 1).value)  # 休 over a shift: a change
    ws.cell(rows[name], col).value = "售前·峰"
    ws.cell(rows[name], col + 1).value = "休"
    path = tmp_path / "night-then-off.xlsx"
    wb.save(path)
    stored, depts = check(path)
    assert not [p for p in report(stored, depts) if p.severity == "error" and name in p.message]
    kept, problems = keep_edits(plan, stored, depts, path.name)
    assert not [p for p in problems if name in p.message or f"{ws.cell(rows[name], col).coordinate}" in p.where]
    cs = next(r for r in compute(kept).rosters if r.department == "客服部")
    sale = plan.settings.day_labels.index("11-11")
    mine = {(a.day, a.shift_code, a.post) for a in cs.result.assignments if a.person == name}
    assert (sale, "峰", "售前") in mine and not any(d == sale + 1 for d, _, _ in mine)


def test_a_workbook_published_before_the_new_checks_says_so(published: Path, tmp_path: Path) -> None:
    """A helper's attack: a workbook of the previous version (no posts no one holds, no all-hands
    days in its roster data) re-checked as '0 gaps' with nothing said. It says what it cannot see."""
    import json

    from sheetplan.publish.roster_edits import findings
    from sheetplan.publish.roster_store import CHUNK, SHEET

    wb = openpyxl.load_workbook(book(published, "客服部"))
    ws = wb[SHEET]
    data = json.loads("".join(str(r[0]) for r in ws.iter_rows(max_col=1, values_only=True) if r[0] is not None))
    assert data.pop("checks") == 2
    for r in data["rosters"]:
        r.pop("vacant"), r.pop("all_hands")
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    ws.delete_rows(1, ws.max_row)
    for k in range(0, len(text), CHUNK):
        ws.cell(k // CHUNK + 1, 1).value = text[k:k + CHUNK]
    wb.save(tmp_path / "older.xlsx")
    said = [p.message for p in findings(*check(tmp_path / "older.xlsx")).problems]
    assert any("较早的版本" in m for m in said)
    assert not any("较早的版本" in p.message for p in report(*check(book(published, "客服部"))))

"""Exports that other software imports (issue 22, items 6 and 7): calendars that update when
imported again — SEQUENCE carried from the previous export, removed shifts cancelled, every text
escaped, a reminder before night shifts — and the 钉钉 / 企业微信 Excel schedule imports, only
for the people and days the roster covers, 工号 kept as typed."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from sheetplan.build import Results, build_plan
from sheetplan.calc.department_roster import DepartmentRoster
from sheetplan.plan.model import Plan
from sheetplan.publish.exports import APPS, csv_id, export_files, is_night, uid

STEM = "示例计划"
FOLDER = f"{STEM}-导出"


# ------------------------------------------------------------------------------ helpers
def with_roster(results: Results, dept: str, assignments: list) -> Results:
    rosters = [dataclasses.replace(r, result=dataclasses.replace(r.result, assignments=assignments))
               if r.department == dept else r for r in results.rosters]
    return dataclasses.replace(results, rosters=rosters, problems=list(results.problems))


def roster(results: Results, dept: str) -> DepartmentRoster:
    return next(r for r in results.rosters if r.department == dept)


def with_settings(plan: Plan, **kw: object) -> Plan:
    return dataclasses.replace(plan, settings=dataclasses.replace(plan.settings, **kw))


Store = dict[str, tuple[int, dt.datetime, object]]


def reimport(store: Store, data: bytes) -> None:
    """What a calendar app does with a published calendar: per UID, a later revision (SEQUENCE,
    then DTSTAMP) replaces the stored event, an older or equal one is ignored; CANCELLED removes."""
    cal = Calendar.from_ical(data)
    assert str(cal["METHOD"]) == "PUBLISH"
    for ev in cal.walk("VEVENT"):
        key, seq, stamp = str(ev["UID"]), int(ev.get("SEQUENCE", 0)), ev.decoded("DTSTAMP")
        if key in store and store[key][:2] >= (seq, stamp):
            continue
        store[key] = (seq, stamp, None if str(ev.get("STATUS")) == "CANCELLED" else ev)


def shown(store: Store) -> dict[str, object]:
    return {k: ev for k, (_, _, ev) in store.items() if ev is not None}


def start_of(ev) -> dt.datetime:
    return ev.decoded("DTSTART").replace(tzinfo=None)


# ------------------------------------------------------------------------------ calendars
@pytest.fixture(scope="module")
def two_versions(demo_results: tuple[Plan, Results], tmp_path_factory: pytest.TempPathFactory):
    """V1 as rostered; V2 with two people's shifts swapped on a day, one shift removed, and the
    only shift of an operations person removed — exported into the same folder."""
    plan, results = demo_results
    out = tmp_path_factory.mktemp("versions")
    build_plan(plan, out, STEM, results, exports=True)
    v1 = {p.name: p.read_bytes() for p in (out / FOLDER).iterdir() if p.suffix == ".ics"}

    cs = list(roster(results, "客服部").result.assignments)
    a = cs[0]
    b = next(x for x in cs if x.day == a.day and x.start_hour_abs != a.start_hour_abs and x.person != a.person)
    gone = next(x for x in cs if x.person not in (a.person, b.person) and x.day != a.day
                and sum(y.person == x.person for y in cs) > 1)
    swapped = [dataclasses.replace(x, person=b.person) if x is a else
               dataclasses.replace(x, person=a.person) if x is b else x for x in cs if x is not gone]
    ops = list(roster(results, "运营部").result.assignments)
    alone = next(x for x in ops if sum(y.person == x.person for y in ops) == 1)
    v2_results = with_roster(with_roster(results, "客服部", swapped), "运营部", [x for x in ops if x is not alone])
    build_plan(plan, out, STEM, v2_results, exports=True)
    v2 = {p.name: p.read_bytes() for p in (out / FOLDER).iterdir() if p.suffix == ".ics"}
    return plan, results, v2_results, out, v1, v2, (a, b, gone, alone)


def test_reimporting_v2_over_v1_moves_the_swapped_shifts_and_drops_the_removed(two_versions) -> None:
    plan, _, _, _, v1, v2, (a, b, gone, _alone) = two_versions
    store: Store = {}
    reimport(store, v1["客服部-日历.ics"])
    before = shown(store)
    day = plan.settings.days[a.day]
    origin = dt.datetime.combine(plan.settings.start, dt.time())
    ua, ub, ug = (uid(plan, "客服部", p, plan.settings.days[d]) for p, d in
                  ((a.person, a.day), (b.person, b.day), (gone.person, gone.day)))
    assert start_of(before[ua]) == origin + dt.timedelta(hours=a.start_hour_abs) and ug in before
    reimport(store, v2["客服部-日历.ics"])
    after = shown(store)
    assert start_of(after[ua]) == origin + dt.timedelta(hours=b.start_hour_abs)  # the swap arrived
    assert start_of(after[ub]) == origin + dt.timedelta(hours=a.start_hour_abs)
    assert ug not in after  # the removed shift is gone
    assert len(after) == len(before) - 1
    # the same in the person's own calendar, for the swapped day
    mine: Store = {}
    reimport(mine, v1[f"客服部-{a.person}.ics"])
    reimport(mine, v2[f"客服部-{a.person}.ics"])
    assert start_of(shown(mine)[ua]) == origin + dt.timedelta(hours=b.start_hour_abs)
    assert str(day) in str(shown(mine)[ua].decoded("DTSTART"))


def test_sequence_counts_changes_only_and_cancelled_events_stay_published(two_versions) -> None:
    plan, _, _, _out, v1, v2, (a, _b, gone, alone) = two_versions
    new = {str(e["UID"]): e for e in Calendar.from_ical(v2["客服部-日历.ics"]).walk("VEVENT")}
    old = {str(e["UID"]): e for e in Calendar.from_ical(v1["客服部-日历.ics"]).walk("VEVENT")}
    ua = uid(plan, "客服部", a.person, plan.settings.days[a.day])
    ug = uid(plan, "客服部", gone.person, plan.settings.days[gone.day])
    assert all(int(e["SEQUENCE"]) == 0 for e in old.values())
    assert int(new[ua]["SEQUENCE"]) == 1 and int(new[ug]["SEQUENCE"]) == 1
    assert str(new[ug]["STATUS"]) == "CANCELLED" and str(new[ug]["SUMMARY"]).startswith("已取消 · ")
    changed = {k for k, e in new.items() if int(e["SEQUENCE"]) > 0}
    assert len(changed) == 3  # the two swapped and the removed one; every other event untouched
    for k in set(new) - changed:
        assert new[k].to_ical() == old[k].to_ical()  # unchanged: same SEQUENCE and DTSTAMP
    # the build's DTSTAMP: later than V1's, and the same for every event it changed
    stamps = {new[k].decoded("DTSTAMP") for k in changed}
    assert len(stamps) == 1 and stamps.pop() > old[ua].decoded("DTSTAMP")
    # a person with no shift left keeps a calendar that cancels the old one
    lost = Calendar.from_ical(v2[f"运营部-{alone.person}.ics"])
    assert [str(e["STATUS"]) for e in lost.walk("VEVENT")] == ["CANCELLED"]
    store: Store = {}
    reimport(store, v1[f"运营部-{alone.person}.ics"])
    reimport(store, v2[f"运营部-{alone.person}.ics"])
    assert shown(store) == {}


def test_a_rebuild_of_the_same_roster_is_byte_identical(two_versions) -> None:
    plan, _, v2_results, out, _, v2, _ = two_versions
    again = export_files(plan, v2_results.rosters, previous=out / FOLDER)
    assert {n: d for n, d in again.items() if n.endswith(".ics")} == v2
    assert export_files(plan, v2_results.rosters, previous=out / FOLDER) == again


def test_a_calendar_someone_else_wrote_is_left_alone(demo_results, tmp_path: Path) -> None:
    plan, results = demo_results
    folder = tmp_path / FOLDER
    folder.mkdir()
    (folder / "团建.ics").write_bytes(b"BEGIN:VCALENDAR\r\nPRODID:-//other//EN\r\nVERSION:2.0\r\n"
                                     b"BEGIN:VEVENT\r\nUID:x@y\r\nDTSTAMP:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    (folder / "坏.ics").write_bytes(b"\x00not a calendar")
    ours_once = export_files(plan, results.rosters)["运营部-日历.ics"]
    (folder / "运营部-日历-副本.ics").write_bytes(ours_once)  # a planner's copy: ours in form, not written by a build
    files = export_files(plan, results.rosters, previous=folder)
    assert not {"团建.ics", "坏.ics", "运营部-日历-副本.ics"} & set(files)
    assert files == export_files(plan, results.rosters)  # nothing of theirs counted as ours


def test_a_broken_calendar_of_ours_is_no_traceback(demo_results, tmp_path: Path) -> None:
    """A recorded calendar of ours, damaged by hand: its good events are carried, the rest dropped."""
    plan, results = demo_results
    build_plan(plan, tmp_path, STEM, results, exports=True)
    folder = tmp_path / FOLDER
    path = folder / "运营部-日历.ics"
    text = path.read_text(encoding="utf-8").replace("END:VCALENDAR\r\n", "")
    text += ("BEGIN:VEVENT\r\nUID:broken-1\r\nSEQUENCE:x\r\nDTSTAMP:yesterday\r\n"
             "DTSTART;TZID=Asia/Shanghai:garbage\r\nEND:VEVENT\r\n"
             "BEGIN:VEVENT\r\nUID:broken-2\r\nSUMMARY:无结束\r\nDTSTART;VALUE=DATE:20261110\r\nEND:VEVENT\r\n"
             "END:VCALENDAR\r\n")
    path.write_text(text, encoding="utf-8")
    files = export_files(plan, results.rosters, previous=folder)
    cal = Calendar.from_ical(files["运营部-日历.ics"])
    uids = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert "broken-1" not in uids and str(uids["broken-2"]["STATUS"]) == "CANCELLED"
    assert int(uids["broken-2"]["SEQUENCE"]) == 1
    confirmed = [e for e in uids.values() if str(e["STATUS"]) == "CONFIRMED"]
    assert len(confirmed) == len(roster(results, "运营部").result.assignments)


def test_text_is_escaped_in_every_property(demo_results) -> None:
    plan, results = demo_results
    odd = with_settings(plan, name='双十一, 第;二\\波\n"终"')
    files = export_files(odd, results.rosters)
    raw = files["运营部-日历.ics"].decode("utf-8")
    line = next(x for x in raw.split("\r\n") if x.startswith("X-WR-CALNAME"))
    assert line == 'X-WR-CALNAME:双十一\\, 第\\;二\\\\波\\n"终" · 运营部'
    cal = Calendar.from_ical(files["运营部-日历.ics"])
    assert all("\n" not in x or x.startswith(" ") for x in raw.split("\r\n"))
    assert cal.walk("VEVENT")[0]["LOCATION"] == "运营部"


def test_a_reminder_before_night_shifts_only_when_set(demo_results) -> None:
    plan, results = demo_results
    ops = roster(results, "运营部")
    night = next(a for a in ops.result.assignments if is_night(a.start_hour_abs))
    day_shift = next(a for a in roster(results, "客服部").result.assignments if not is_night(a.start_hour_abs))
    plain = export_files(plan, results.rosters)
    assert not any(Calendar.from_ical(d).walk("VALARM") for n, d in plain.items() if n.endswith(".ics"))
    files = export_files(with_settings(plan, night_reminder=30), results.rosters)
    mine = Calendar.from_ical(files[f"运营部-{night.person}.ics"])
    ev = next(e for e in mine.walk("VEVENT") if e.decoded("DTSTART").hour == night.start_hour_abs % 24)
    alarm = ev.walk("VALARM")[0]
    assert alarm.decoded("TRIGGER") == dt.timedelta(minutes=-30) and str(alarm["ACTION"]) == "DISPLAY"
    theirs = Calendar.from_ical(files[f"客服部-{day_shift.person}.ics"])
    for e in theirs.walk("VEVENT"):
        assert bool(e.walk("VALARM")) == is_night(e.decoded("DTSTART").hour)
    assert not Calendar.from_ical(files["运营部-日历.ics"]).walk("VALARM")  # not in the department's


# ------------------------------------------------------------------------------ attendance
def sheet_rows(data: bytes) -> list[list[object]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def odd_ids(demo_results) -> tuple[Plan, Results, dict[str, bytes]]:
    """The example with two 工号 Excel would mangle."""
    plan, results = demo_results
    cs = sorted(p.name for p in plan.staff if p.department == "客服部")
    ids = {cs[0]: "0012345", cs[1]: "1E5"}
    staff = [dataclasses.replace(s, employee_id=ids[s.name]) if s.name in ids else s for s in plan.staff]
    odd = dataclasses.replace(plan, staff=staff)
    return odd, results, export_files(odd, results.rosters)


def test_dingtalk_and_wecom_imports_are_xlsx_for_rostered_departments_only(odd_ids) -> None:
    plan, results, files = odd_ids
    for dept in ("客服部", "仓储物流部"):
        assert {f"{dept}-钉钉排班导入.xlsx", f"{dept}-企业微信排班导入.xlsx", f"{dept}-排班导入.csv"} <= set(files)
    for dept in ("运营部", "商品部", "美编部", "推广部"):  # on duty some nights, office hours otherwise
        assert not any(n.startswith(f"{dept}-") and ("排班导入" in n) for n in files)
        assert f"{dept}-排班明细.csv" in files and f"{dept}-日历.ics" in files
    named = export_files(with_settings(plan, attendance_departments=("运营部",)), results.rosters)
    assert "运营部-钉钉排班导入.xlsx" in named and "客服部-钉钉排班导入.xlsx" not in named


def test_the_import_covers_only_the_roster_s_people_and_days(odd_ids) -> None:
    plan, results, files = odd_ids
    cs = roster(results, "客服部")
    rows = sheet_rows(files["客服部-钉钉排班导入.xlsx"])
    assert rows[0][:2] == ["姓名", "工号"] and rows[0][2:] == [d.isoformat() for d in plan.settings.days]
    lent = {s.name: set(s.lent) for s in plan.staff if s.department == "客服部" and s.type == "借调"}
    assert lent
    by_name = {r[0]: r for r in rows[1:]}
    for name, dates in lent.items():
        for k, d in enumerate(plan.settings.days):
            cell = by_name[name][2 + k]
            assert (cell is None) == (d not in dates), (name, d, cell)  # nothing outside 借调 dates
    # every shift there, named with its post (the department rosters several posts)
    names = {t.code: t.label for t in cs.shifts}
    got = {(r[0], plan.settings.days[k]): v for r in rows[1:] for k, v in enumerate(r[2:]) if v not in (None, "休息")}
    want = {(a.person, plan.settings.days[a.day]): f"{a.post}·{names[a.shift_code]}" for a in cs.result.assignments}
    assert got == want
    assert any(v.startswith("售前·") for v in got.values())
    assert sheet_rows(files["客服部-企业微信排班导入.xlsx"]) == rows
    # the CSV for other systems holds the same schedule
    text = files["客服部-排班导入.csv"].decode("utf-8-sig")
    flat = [[c.removeprefix('="').removesuffix('"') for c in r] for r in csv.reader(io.StringIO(text))]
    assert flat == [[("" if v is None else v) for v in r] for r in rows]


def test_employee_ids_stay_as_typed(odd_ids) -> None:
    plan, _, files = odd_ids
    ids = {s.name: s.employee_id for s in plan.staff if s.department == "客服部"}
    for app in APPS:
        wb = openpyxl.load_workbook(io.BytesIO(files[f"客服部-{app.file['zh']}.xlsx"]))
        ws = wb.worksheets[0]
        got = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
        assert got[next(n for n, i in ids.items() if i == "0012345")].value == "0012345"
        assert got[next(n for n, i in ids.items() if i == "1E5")].value == "1E5"
        assert all(c.data_type == "s" and c.number_format == "@" for c in got.values())
    rows = list(csv.reader(io.StringIO(files["客服部-排班导入.csv"].decode("utf-8-sig"))))
    cells = {r[0]: r[1] for r in rows[1:]}
    assert '="0012345"' in cells.values() and '="1E5"' in cells.values() and "SP0003" in cells.values()
    long_rows = list(csv.reader(io.StringIO(files["客服部-排班明细.csv"].decode("utf-8-sig"))))
    assert {r[1] for r in long_rows[1:]} & {'="0012345"', '="1E5"'}


@pytest.mark.parametrize(("typed", "cell"), [
    ("0012345", '="0012345"'), ("1E5", '="1E5"'), ("11-10", '="11-10"'), ("3/4", '="3/4"'), ("TRUE", '="TRUE"'),
    ("12%", '="12%"'), ("1,234", '="1,234"'), ("Mar-5", '="Mar-5"'), ('1"2', '1"2'), ("-12", '="-12"'),
    ("SP0001", "SP0001"), ("A-12", "A-12"), ("张三01", "张三01"), ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
    ("@x", "'@x"), ("", ""),
])
def test_csv_ids_excel_would_convert_become_text_literals(typed: str, cell: str) -> None:
    assert csv_id(typed) == cell


def test_attendance_files_are_byte_identical_on_rebuild(odd_ids) -> None:
    plan, results, files = odd_ids
    again = export_files(plan, results.rosters)
    xlsx = {n for n in files if n.endswith(".xlsx")}
    assert xlsx and {n: again[n] for n in xlsx} == {n: files[n] for n in xlsx}


@pytest.mark.parametrize(("lang", "named", "texts"), [
    ("zh", ("客服部", "财务部", "美编部"), (
        "「考勤排班部门」中的「财务部」没有排班：该部门既没有人员也没有值班需求；不为它导出考勤排班导入表",
        "「考勤排班部门」中的「美编部」没有排班：人员表中没有该部门的人；不为它导出考勤排班导入表")),
    ("en", ("Customer service", "Finance", "Design"), (
        "'Finance' in 'Attendance-rostered departments' gets no roster: it has neither staff nor a requirement; "
        "no attendance import is written for it",
        "'Design' in 'Attendance-rostered departments' gets no roster: no one on the Staff sheet works in it; "
        "no attendance import is written for it")),
], ids=["zh", "en"])
def test_a_named_attendance_department_without_a_roster_is_a_warning_at_its_setting(
        fast_plan: Path, tmp_path: Path, lang: str, named: tuple[str, str, str], texts: tuple[str, str]) -> None:
    """A department 考勤排班部门 names that exists but gets no roster (one only on the departments
    sheet; one whose staff is deleted) gets no import: `check` and the build say so and why."""
    from plan_edit import append, delete_rows, rows_where, set_setting
    from sheetplan.build import compute
    from sheetplan.files import file_name
    from sheetplan.pipeline import check
    from sheetplan.plan.reader import read_plan
    from sheetplan.render.template import write_example

    kept, bare, unstaffed = named
    src = fast_plan if lang == "zh" else write_example(tmp_path / "en.xlsx", "en")
    wb = openpyxl.load_workbook(src)
    sheets = ("部门", "人员", "部门") if lang == "zh" else ("Departments", "Staff", "Department")
    append(wb[sheets[0]], {sheets[2]: bare})
    delete_rows(wb[sheets[1]], rows_where(wb[sheets[1]], sheets[2], lambda v: v == unstaffed))
    if lang == "en":
        set_setting(wb, "Roster solver budget", 0.1)
    where = set_setting(wb, "考勤排班部门" if lang == "zh" else "Attendance-rostered departments",
                        ("、" if lang == "zh" else ", ").join(named))
    wb.save(tmp_path / "p.xlsx")
    plan = read_plan(tmp_path / "p.xlsx")
    assert plan.lang == lang and plan.settings.attendance_departments == named
    expected = [(where, text, "warning") for text in texts]
    said = [(p.where, p.message, p.severity) for p in [*plan.warnings, *check(plan)] if p.where == where]
    assert said == expected
    results = compute(plan)
    assert [(p.where, p.message, p.severity) for p in results.problems if p.where == where] == expected
    files = export_files(plan, results.rosters)
    imports = {d: {file_name(d, app.file[lang]) for app in APPS} for d in named}
    assert imports[kept] <= set(files) and not (imports[bare] | imports[unstaffed]) & set(files)


def test_a_department_this_build_cannot_roster_keeps_its_calendars_and_gets_no_import(
        demo_results, tmp_path: Path) -> None:
    """An infeasible roster has no shifts: publishing it would cancel every shift on the staff's
    phones and import 休息 for everyone. Its calendars stay exactly as last published; it gets no
    attendance import or assignments list; every other department is published as usual."""
    plan, results = demo_results
    build_plan(plan, tmp_path, STEM, results, exports=True)
    folder = tmp_path / FOLDER
    v1 = {p.name: p.read_bytes() for p in folder.iterdir()}
    cs = roster(results, "客服部")
    failed = dataclasses.replace(cs, result=dataclasses.replace(cs.result, status="infeasible", assignments=[]))
    broken = dataclasses.replace(results, rosters=[failed if r is cs else r for r in results.rosters])
    build_plan(plan, tmp_path, STEM, broken, exports=True)
    v2 = {p.name: p.read_bytes() for p in folder.iterdir()}
    mine = [n for n in v1 if n.startswith("客服部-") and n.endswith(".ics")]
    assert len(mine) > 10  # the department calendar and one per person with a shift
    assert all(v2.get(n) == v1[n] for n in mine)
    assert not [n for n in v2 if n.startswith("客服部-") and not n.endswith(".ics")]  # no import, no list
    assert any(n.startswith("客服部-") and n.endswith(".xlsx") for n in v1)  # there was an import before
    others = {n: d for n, d in v1.items() if not n.startswith("客服部-")}
    assert {n: v2.get(n) for n in others} == others


def test_the_failed_roster_warning_says_what_happens_to_its_exports() -> None:
    from sheetplan.messages import msg

    assert "上次发布的日历原样保留" in msg("roster_failed", "zh", dept="客服部", why="x")
    assert "calendars last published stay as they were" in msg("roster_failed", "en", dept="Care", why="x")

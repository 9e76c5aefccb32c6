"""The roster as other software takes it: iCalendar files (one per person, one per department) and
CSV files for attendance apps, written by ``sheetplan build`` into ``<stem>-导出/`` (``-exports``).

Calendars: one event per shift, start and end in Asia/Shanghai, the post, department and team
lead in the description, the department as the location; the UID names the person and the day
(one shift a day), so importing a changed roster again updates each day instead of adding a
second event. DTSTAMP is a fixed time, so the same plan gives byte-identical files.

Attendance CSV (UTF-8 with BOM, so Excel opens it right): the layout of the Excel schedule import
of DingTalk (钉钉 考勤 → 排班管理 → 导出/导入排班表) and WeCom (企业微信 排班 → 导入): one row per person —
姓名, 工号 — and one column per date (yyyy-mm-dd) holding the shift's name as defined in the app's
attendance group (the 班次 sheet's 名称), 休息 for a day off. Both apps match people by name/工号
and shifts by name, so the shift names on the 班次 sheet must be those of the attendance group.
A long file (one row per shift: 姓名, 工号, 部门, 岗位, 日期, 班次, 名称, 开始, 结束, 小时) is written
beside it for any other system.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from .calc.department_roster import DepartmentRoster
from .files import file_name, unique_names
from .plan.model import Plan
from .render.book import FIXED_TIME

TZ = ZoneInfo("Asia/Shanghai")
PRODID = "-//sheetplan//roster//ZH"
REST = {"zh": "休息", "en": "Rest"}
WIDE_HEAD = {"zh": ("姓名", "工号"), "en": ("Name", "Employee ID")}
LONG_HEAD = {
    "zh": ("姓名", "工号", "部门", "岗位", "日期", "班次", "班次名称", "开始", "结束", "小时"),
    "en": ("Name", "Employee ID", "Department", "Post", "Date", "Shift", "Shift name", "Start", "End", "Hours"),
}
FOLDER = {"zh": "导出", "en": "exports"}


def uid(plan: Plan, department: str, person: str, day: dt.date) -> str:
    """Stable across rebuilds of the same campaign: campaign, department, person and day."""
    key = "|".join((plan.settings.name, department, person, day.isoformat()))
    return f"{hashlib.sha1(key.encode()).hexdigest()[:20]}@sheetplan"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    return cal


def _events(plan: Plan, dr: DepartmentRoster, contacts: Mapping[str, Mapping[str, str]], who: str | None) -> list:
    zh = plan.lang == "zh"
    origin = dt.datetime.combine(plan.settings.start, dt.time(), tzinfo=TZ)
    templates = {t.code: t for t in dr.shifts}
    stamp = FIXED_TIME.replace(tzinfo=dt.UTC)
    out = []
    for a in sorted(dr.result.assignments, key=lambda a: (a.start_hour_abs, a.person)):
        if who is not None and a.person != who:
            continue
        t = templates[a.shift_code]
        ev = Event()
        day = plan.settings.days[a.day]
        ev.add("uid", uid(plan, dr.department, a.person, day))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", origin + dt.timedelta(hours=a.start_hour_abs))
        ev.add("dtend", origin + dt.timedelta(hours=a.start_hour_abs + a.hours))
        shift = f"{a.shift_code} {t.label}".strip()
        ev.add("summary", f"{a.post} · {shift}" if who else f"{a.person} · {a.post} · {shift}")
        lead = contacts.get(a.person, {}).get("lead", "")
        lines = ([f"岗位：{a.post}", f"班次：{shift}", f"部门：{dr.department}"] if zh
                 else [f"Post: {a.post}", f"Shift: {shift}", f"Department: {dr.department}"])
        if lead:
            lines.append(f"组长：{lead}" if zh else f"Team lead: {lead}")
        ev.add("description", "\n".join(lines))
        ev.add("location", dr.department)
        out.append(ev)
    return out


@functools.cache
def _vtimezone() -> Timezone:
    """The VTIMEZONE of Asia/Shanghai, as ``add_missing_timezones`` makes it; made once, because
    it walks every transition of the zone (60 ms — most of the time of a hundred calendars)."""
    return Timezone.from_tzid(TZ.key)


def _finish(cal: Calendar, events: list) -> bytes:
    for ev in events:
        cal.add_component(ev)
    if events:  # RFC 5545: a VTIMEZONE for every TZID used, before the components using it
        cal.subcomponents.insert(0, _vtimezone())
    return cal.to_ical()


def person_calendar(plan: Plan, dr: DepartmentRoster, person: str, contacts: Mapping) -> bytes:
    return _finish(_calendar(f"{plan.settings.name} · {person}"), _events(plan, dr, contacts, person))


def department_calendar(plan: Plan, dr: DepartmentRoster, contacts: Mapping) -> bytes:
    return _finish(_calendar(f"{plan.settings.name} · {dr.department}"), _events(plan, dr, contacts, None))


def _cell(value: object) -> object:
    """Planner text never becomes a formula when Excel opens the CSV: a leading = + - @ is quoted."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([_cell(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def attendance_csv(plan: Plan, dr: DepartmentRoster, contacts: Mapping) -> bytes:
    """姓名, 工号, then a date per column holding the shift's name (休息 for a day off)."""
    lang = plan.lang
    names = {t.code: (t.label or t.code) for t in dr.shifts}
    on = {(a.person, a.day): names[a.shift_code] for a in dr.result.assignments}
    rows: list[list[object]] = [[*WIDE_HEAD[lang], *(d.isoformat() for d in plan.settings.days)]]
    for p in sorted(dr.people, key=lambda p: p.name):
        rows.append([p.name, contacts.get(p.name, {}).get("id", ""),
                     *(on.get((p.name, i), REST[lang]) for i in range(len(plan.settings.days)))])
    return _csv(rows)


def assignments_csv(plan: Plan, dr: DepartmentRoster, contacts: Mapping) -> bytes:
    origin = dt.datetime.combine(plan.settings.start, dt.time())
    templates = {t.code: t for t in dr.shifts}
    rows: list[list[object]] = [list(LONG_HEAD[plan.lang])]
    for a in sorted(dr.result.assignments, key=lambda a: (a.start_hour_abs, a.post, a.person)):
        start = origin + dt.timedelta(hours=a.start_hour_abs)
        rows.append([a.person, contacts.get(a.person, {}).get("id", ""), dr.department, a.post,
                     plan.settings.days[a.day].isoformat(), a.shift_code, templates[a.shift_code].label,
                     f"{start:%Y-%m-%d %H:%M}", f"{start + dt.timedelta(hours=a.hours):%Y-%m-%d %H:%M}",
                     f"{a.hours:g}"])
    return _csv(rows)


def export_files(plan: Plan, rosters: Sequence[DepartmentRoster]) -> dict[str, bytes]:
    """File name -> content for every export of the plan's rosters (names sanitised, distinct)."""
    lang = plan.lang
    wanted: list[tuple[str, bytes]] = []
    for dr in rosters:
        contacts = {p.name: {"id": p.employee_id, "phone": p.phone, "lead": p.lead}
                    for p in plan.staff if p.department == dr.department}
        tail = ("排班导入", "排班明细") if lang == "zh" else ("attendance-import", "assignments")
        wanted.append((file_name(dr.department, tail[0], ".csv"), attendance_csv(plan, dr, contacts)))
        wanted.append((file_name(dr.department, tail[1], ".csv"), assignments_csv(plan, dr, contacts)))
        wanted.append((file_name(dr.department, "日历" if lang == "zh" else "calendar", ".ics"),
                       department_calendar(plan, dr, contacts)))
        for p in sorted(dr.people, key=lambda p: p.name):
            if any(a.person == p.name for a in dr.result.assignments):
                wanted.append((file_name(dr.department, p.name, ".ics"), person_calendar(plan, dr, p.name, contacts)))
    names = unique_names([n for n, _ in wanted])
    return dict(zip(names, (b for _, b in wanted), strict=True))


def folder_name(stem: str, lang: str) -> str:
    return file_name(stem, FOLDER[lang], "")


def write_exports(files: Mapping[str, bytes], write: Callable[[str, bytes], None], folder: str) -> None:
    """Each file into ``folder`` through ``write`` (:meth:`sheetplan.files.OutputSet.write`: the
    build's one output set, workbooks and exports swapped in together)."""
    for name, data in files.items():
        write(f"{folder}/{name}", data)


__all__ = ["assignments_csv", "attendance_csv", "department_calendar", "export_files", "folder_name",
           "person_calendar", "uid"]

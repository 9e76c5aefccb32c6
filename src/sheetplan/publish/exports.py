"""The roster as other software takes it: iCalendar files (one per person, one per department),
the Excel schedule imports of 钉钉 (DingTalk) and 企业微信 (WeCom), and CSV files for other
systems, written by ``sheetplan build`` into ``<stem>-导出/`` (``-exports``).

Calendars update on re-import (RFC 5545/5546): ``METHOD:PUBLISH``; one event per shift whose UID
names the person and the day; the calendars the previous build wrote into the folder (its
record) are read back, so an unchanged
event keeps its SEQUENCE and DTSTAMP, a changed one gets SEQUENCE + 1 and the build's DTSTAMP, and
a shift that is gone is published again as ``STATUS:CANCELLED`` (SEQUENCE + 1), in every file it
was in, until the campaign ends. The build's DTSTAMP is a revision clock, not the wall clock: the
first export is stamped 2000-01-01 00:00:00Z and each later one one second after the latest stamp
in the folder, so (SEQUENCE, DTSTAMP) orders revisions as iTIP asks while the same plan and the
same folder give byte-identical files. An optional VALARM reminds a person before a night shift.

Attendance imports: only for departments whose attendance app schedules people by the roster
(the 考勤排班部门 setting, or every department with a requirement on each campaign day), one row
per person with a day the roster covers (a borrowed person's 借调 dates only), 姓名 and 工号
(text), one column per date holding the shift's name — with its post when the department
rosters several posts — 休息 on a covered day off, and nothing on a day the roster does not cover.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import os
import re
import stat
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vText

from ..calc.department_roster import DepartmentRoster
from ..files import file_name, read_record, unique_names
from ..plan.model import Plan
from ..render.book import FIXED_TIME, Book

TZ = ZoneInfo("Asia/Shanghai")
PRODID = "-//sheetplan//roster//ZH"
REST = {"zh": "休息", "en": "Rest"}
WIDE_HEAD = {"zh": ("姓名", "工号"), "en": ("Name", "Employee ID")}
LONG_HEAD = {
    "zh": ("姓名", "工号", "部门", "岗位", "日期", "班次", "班次名称", "开始", "结束", "小时"),
    "en": ("Name", "Employee ID", "Department", "Post", "Date", "Shift", "Shift name", "Start", "End", "Hours"),
}
FOLDER = {"zh": "导出", "en": "exports"}
CANCELLED = {"zh": "已取消", "en": "Cancelled"}
REMINDER = {"zh": "夜班提醒", "en": "Night shift reminder"}
NIGHT_FROM, NIGHT_UNTIL = 20, 6  # a shift starting 20:00–6:00 is a night shift (reminders)
FINGERPRINT = "X-SHEETPLAN-CONTENT"  # a hash of what the event says: changed → SEQUENCE + 1
MAX_PREVIOUS_BYTES = 8 * 2**20  # a previous calendar bigger than this is not ours to read
FIRST_STAMP = FIXED_TIME.replace(tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class App:
    """One attendance app's Excel schedule import: file name part, sheet name and the header of
    the person columns (the date columns follow). One place to adjust after comparing with the
    template the app itself exports."""

    key: str
    file: dict[str, str]
    sheet: dict[str, str]
    head: dict[str, tuple[str, ...]]


APPS = (
    App("dingtalk", {"zh": "钉钉排班导入", "en": "DingTalk-schedule-import"}, {"zh": "排班表", "en": "Schedule"},
        {"zh": ("姓名", "工号"), "en": ("Name", "Employee ID")}),
    App("wecom", {"zh": "企业微信排班导入", "en": "WeCom-schedule-import"}, {"zh": "排班表", "en": "Schedule"},
        {"zh": ("姓名", "工号"), "en": ("Name", "Employee ID")}),
)


def uid(plan: Plan, department: str, person: str, day: dt.date) -> str:
    """Stable across rebuilds of the same campaign: campaign, department, person and day."""
    key = "|".join((plan.settings.name, department, person, day.isoformat()))
    return f"{hashlib.sha1(key.encode()).hexdigest()[:20]}@sheetplan"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> vText:
    """Planner text as an RFC 5545 TEXT value: control characters other than a line break
    removed (TEXT allows none), and typed as vText so that ``\\ ; ,`` and line breaks are escaped
    — icalendar leaves an X- property it does not know (X-WR-CALNAME) unescaped otherwise."""
    return vText(_CONTROL.sub(" ", str(value).replace("\r\n", "\n")))


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(name))
    cal.add("x-wr-timezone", "Asia/Shanghai")
    return cal


def is_night(start_hour_abs: float) -> bool:
    """A shift starting between 20:00 and 6:00 (clock time) is a night shift."""
    h = start_hour_abs % 24
    return h >= NIGHT_FROM or h < NIGHT_UNTIL


def _events(plan: Plan, dr: DepartmentRoster, contacts: Mapping[str, Mapping[str, str]], who: str | None) -> list:
    """The roster's events of one calendar, without SEQUENCE and DTSTAMP (see :func:`_revise`)."""
    zh = plan.lang == "zh"
    origin = dt.datetime.combine(plan.settings.start, dt.time(), tzinfo=TZ)
    templates = {t.code: t for t in dr.shifts}
    remind = plan.settings.night_reminder or 0
    out = []
    for a in sorted(dr.result.assignments, key=lambda a: (a.start_hour_abs, a.person)):
        if who is not None and a.person != who:
            continue
        t = templates[a.shift_code]
        ev = Event()
        day = plan.settings.days[a.day]
        ev.add("uid", uid(plan, dr.department, a.person, day))
        ev.add("dtstart", origin + dt.timedelta(hours=a.start_hour_abs))
        ev.add("dtend", origin + dt.timedelta(hours=a.start_hour_abs + a.hours))
        shift = f"{a.shift_code} {t.label}".strip()
        summary = f"{a.post} · {shift}" if who else f"{a.person} · {a.post} · {shift}"
        ev.add("summary", _text(summary))
        lead = contacts.get(a.person, {}).get("lead", "")
        lines = ([f"岗位：{a.post}", f"班次：{shift}", f"部门：{dr.department}"] if zh
                 else [f"Post: {a.post}", f"Shift: {shift}", f"Department: {dr.department}"])
        if lead:
            lines.append(f"组长：{lead}" if zh else f"Team lead: {lead}")
        ev.add("description", _text("\n".join(lines)))
        ev.add("location", _text(dr.department))
        ev.add("status", "CONFIRMED")
        if who is not None and remind > 0 and is_night(a.start_hour_abs):  # the person's own calendar only
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _text(f"{REMINDER['zh']}：{summary}" if zh else f"{REMINDER['en']}: {summary}"))
            alarm.add("trigger", dt.timedelta(minutes=-remind))
            ev.add_component(alarm)
        out.append(ev)
    return out


@functools.cache
def _vtimezone() -> Timezone:
    """The VTIMEZONE of Asia/Shanghai, as ``add_missing_timezones`` makes it; made once, because
    it walks every transition of the zone (60 ms — most of the time of a hundred calendars)."""
    return Timezone.from_tzid(TZ.key)


# ------------------------------------------------------------------ revisions across exports
@dataclasses.dataclass(frozen=True)
class Previous:
    """An event of the previous export: its revision, what it said (fingerprint), and its text,
    parsed into an :class:`Event` only when it has to be published again (cancelled)."""

    sequence: int
    stamp: dt.datetime
    fingerprint: str
    cancelled: bool
    raw: str

    @functools.cached_property
    def event(self) -> Event:
        return Event.from_ical(self.raw)


def _fingerprint(ev: Event) -> str:
    """What the event says (times, texts, status, reminder), not its revision."""
    parts = []
    for key in ("DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION", "STATUS"):
        v = ev.get(key)
        parts.append(f"{key}={v.to_ical().decode('utf-8') if hasattr(v, 'to_ical') else v}")
    parts += [f"ALARM={a.get('TRIGGER').to_ical().decode('utf-8')}" for a in ev.walk("VALARM") if a.get("TRIGGER")]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


_UNFOLD = re.compile(r"\r?\n[ \t]")


def _stamp(value: str) -> dt.datetime:
    """A DTSTAMP (UTC, 20261110T080000Z); anything else counts as the first export's."""
    try:
        return dt.datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return FIRST_STAMP


def _scan(text: str) -> dict[str, Previous] | None:
    """UID -> the event's revision, from a calendar's text: a line scan for the few properties a
    revision needs (icalendar's full parse is 20 ms a file); None when it is not one of ours."""
    lines = _UNFOLD.sub("", text).splitlines()
    if not any(line == f"PRODID:{PRODID}" for line in lines[:10]):
        return None
    out: dict[str, Previous] = {}
    block: list[str] | None = None
    for line in lines:
        if line == "BEGIN:VEVENT":
            block = [line]
            continue
        if block is None:
            continue
        block.append(line)
        if line != "END:VEVENT":
            continue
        props: dict[str, str] = {}
        depth = 0
        for item in block[1:-1]:  # the event's own properties, not its VALARM's
            depth += item.startswith("BEGIN:") - item.startswith("END:")
            if depth == 0 and ":" in item:
                name, _, value = item.partition(":")
                props.setdefault(name.split(";", 1)[0].upper(), value)
        seq = props.get("SEQUENCE", "0").strip()
        if "UID" in props:
            out[props["UID"]] = Previous(
                int(seq) if seq.isdigit() else 0, _stamp(props.get("DTSTAMP", "")), props.get(FINGERPRINT, ""),
                props.get("STATUS", "").upper() == "CANCELLED", "\r\n".join(block) + "\r\n")
        block = None
    return out


def read_previous(folder: Path | None) -> dict[str, dict[str, Previous]]:
    """File name -> UID -> the event as the last export in ``folder`` published it. Only plain
    (not linked) files of ours, no bigger than MAX_PREVIOUS_BYTES; one we cannot read counts as
    absent (its events then start again at SEQUENCE 0)."""
    out: dict[str, dict[str, Previous]] = {}
    if folder is None or not folder.is_dir() or folder.is_symlink():
        return out
    for path in sorted(folder.glob("*.ics")):
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_PREVIOUS_BYTES or path.name.startswith("."):
                continue
            events = _scan(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError):
            continue
        if events is not None:
            out[path.name] = events
    return out


def build_stamp(previous: Mapping[str, Mapping[str, Previous]]) -> dt.datetime:
    """The DTSTAMP of this export's new and changed events: the first export's fixed time, or one
    second after the latest stamp in the previous export (deterministic, and later than it)."""
    stamps = [p.stamp for events in previous.values() for p in events.values()]
    return max(stamps) + dt.timedelta(seconds=1) if stamps else FIRST_STAMP


def _cancel(old: Previous, stamp: dt.datetime, lang: str) -> Event:
    """The published event again as STATUS:CANCELLED, SEQUENCE + 1, no reminder; the summary
    says so for calendar apps that show a cancelled event instead of removing it."""
    ev = Event()
    for key, value in old.event.items():
        if key not in ("SEQUENCE", "DTSTAMP", "STATUS", FINGERPRINT, "SUMMARY"):
            ev[key] = value
    ev.add("summary", _text(f"{CANCELLED[lang]} · {old.event.get('SUMMARY', '')}"))
    ev.add("status", "CANCELLED")
    ev.add(FINGERPRINT, _fingerprint(ev))
    ev.add("sequence", old.sequence + 1)
    ev.add("dtstamp", stamp)
    return ev


def _readable(p: Previous) -> bool:
    """Can the previous event be published again? (One that does not parse is dropped.)"""
    try:
        _when(p)
        p.event.to_ical()
        return all(isinstance(p.event.decoded(k), dt.date) for k in ("DTSTART", "DTEND") if k in p.event)
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


def _when(p: Previous) -> tuple[str, str]:
    start = p.event.get("DTSTART")
    return (start.to_ical().decode("utf-8") if start is not None else "", str(p.event["UID"]))


def _revise(new: list[Event], old: Mapping[str, Previous], stamp: dt.datetime, lang: str) -> list[Event]:
    """SEQUENCE and DTSTAMP for this export's events from the previous one, plus every event
    the previous export published that is gone now, as cancelled."""
    out = []
    for ev in new:
        key = str(ev["UID"])
        fp = _fingerprint(ev)
        ev.add(FINGERPRINT, fp)
        before = old.get(key)
        if before is not None and before.fingerprint == fp:
            seq, when = before.sequence, before.stamp  # unchanged: the same revision
        else:
            seq, when = (before.sequence + 1 if before is not None else 0), stamp
        ev.add("sequence", seq)
        ev.add("dtstamp", when)
        out.append(ev)
    kept = {str(ev["UID"]) for ev in new}
    gone = sorted((p for k, p in old.items() if k not in kept and _readable(p)), key=_when)
    for p in gone:
        out.append(p.event if p.cancelled else _cancel(p, stamp, lang))  # cancelled before: as it was
    return out


def _finish(cal: Calendar, events: list) -> bytes:
    for ev in events:
        cal.add_component(ev)
    if events:  # RFC 5545: a VTIMEZONE for every TZID used, before the components using it
        cal.subcomponents.insert(0, _vtimezone())
    return cal.to_ical()


def person_calendar(plan: Plan, dr: DepartmentRoster, person: str, contacts: Mapping,
                    previous: Mapping[str, Previous] | None = None, stamp: dt.datetime = FIRST_STAMP) -> bytes:
    events = _revise(_events(plan, dr, contacts, person), previous or {}, stamp, plan.lang)
    return _finish(_calendar(f"{plan.settings.name} · {person}"), events)


def department_calendar(plan: Plan, dr: DepartmentRoster, contacts: Mapping,
                        previous: Mapping[str, Previous] | None = None, stamp: dt.datetime = FIRST_STAMP) -> bytes:
    events = _revise(_events(plan, dr, contacts, None), previous or {}, stamp, plan.lang)
    return _finish(_calendar(f"{plan.settings.name} · {dr.department}"), events)


def _cancelled_only(name: str, old: Mapping[str, Previous], stamp: dt.datetime, lang: str) -> bytes | None:
    """A previous calendar no roster writes now (the person has no shift left): its events
    cancelled, so that re-importing it removes them; None once there is nothing in it."""
    events = _revise([], old, stamp, lang)
    if not events:
        return None
    return _finish(_calendar(name), events)


# ------------------------------------------------------------------------ attendance imports
def attendance_departments(plan: Plan, rosters: Sequence[DepartmentRoster]) -> list[DepartmentRoster]:
    """The rosters the attendance apps should schedule people by: those the 考勤排班部门 setting
    names, or (when it names none) those with a requirement on every day of the campaign — a
    department on duty only some nights works office hours otherwise, which an import of 休息
    would overwrite."""
    named = plan.settings.attendance_departments
    if named:
        return [dr for dr in rosters if dr.department in named]
    return [dr for dr in rosters if all(covered_days(plan, dr))]


def covered_days(plan: Plan, dr: DepartmentRoster) -> list[bool]:
    """Per campaign day: does the department's roster decide who works (a requirement that day,
    or a shift someone was given)?"""
    n = len(plan.settings.days)
    on = [False] * n
    for need in dr.requirement.values():
        per_day = max(1, len(need) // n) if n else 1
        for d in range(n):
            if any(need[d * per_day:(d + 1) * per_day]):
                on[d] = True
    for a in dr.result.assignments:
        on[a.day] = True
    return on


def _person_days(plan: Plan, dr: DepartmentRoster) -> dict[str, list[bool]]:
    """Per person, the days the roster covers for them: the department's covered days, for a
    borrowed person only their 借调 dates."""
    days = plan.settings.days
    dept = covered_days(plan, dr)
    staff = {s.name: s for s in plan.staff if s.department == dr.department}
    out = {}
    for p in dr.people:
        s = staff.get(p.name)
        lent = set(s.lent) if s is not None and s.type == "借调" and s.lent else None
        out[p.name] = [dept[i] and (lent is None or d in lent) for i, d in enumerate(days)]
    return out


def shift_names(dr: DepartmentRoster) -> dict[tuple[str, str], str]:
    """(post, shift code) -> the name written in the imports: '<post>·<shift name>' when the
    department rosters more than one post (售前·早班), else the shift's name alone (早班)."""
    names = {t.code: (t.label or t.code) for t in dr.shifts}
    posts = {a.post for a in dr.result.assignments} | set(dr.requirement)
    several = len(posts) > 1
    return {(a.post, a.shift_code): (f"{a.post}·{names[a.shift_code]}" if several else names[a.shift_code])
            for a in dr.result.assignments}


def attendance_rows(plan: Plan, dr: DepartmentRoster, contacts: Mapping) -> list[list[str]]:
    """The schedule import as rows: header (姓名, 工号, dates), then a row per person the roster
    covers on some day; a cell holds the shift's name, 休息, or '' (not covered: left alone)."""
    lang = plan.lang
    names = shift_names(dr)
    on = {(a.person, a.day): names[(a.post, a.shift_code)] for a in dr.result.assignments}
    cover = _person_days(plan, dr)
    rows: list[list[str]] = [[*WIDE_HEAD[lang], *(d.isoformat() for d in plan.settings.days)]]
    for p in sorted(dr.people, key=lambda p: p.name):
        mine = cover[p.name]
        if not any(mine) and not any(k[0] == p.name for k in on):
            continue
        rows.append([p.name, str(contacts.get(p.name, {}).get("id", "") or ""),
                     *(on.get((p.name, i), REST[lang] if mine[i] else "") for i in range(len(mine)))])
    return rows


# Text Excel turns into a number, date, time, percent or boolean when it opens a CSV.
_EXCEL_CONVERTS = re.compile(
    r"^\s*[-+(]?[\d\s.,:/%$¥€-]*\d[\d\s.,:/%$¥€-]*(?:[Ee][-+]?\d+)?\)?\s*$"
    r"|^\s*(?:true|false)\s*$"
    r"|^\s*\d{1,4}\s*[-/ ]\s*[a-z]{3,9}\.?(?:\s*[-/ ]\s*\d{1,4})?\s*$"
    r"|^\s*[a-z]{3,9}\.?\s*[-/ ]\s*\d{1,4}(?:\s*[-/ ]\s*\d{1,4})?\s*$",
    re.IGNORECASE,
)


def csv_id(value: str) -> str:
    """An employee ID in a CSV cell so that Excel shows it exactly as typed: one Excel would read
    as a number or date (``0012345``, ``1E5``, ``11-10``) becomes ``="0012345"`` — a formula
    holding only a string literal (quotes doubled), which evaluates to that text and can call
    nothing; any other ID is written as it is (a leading = + - @ quoted, as for all text)."""
    if value and _EXCEL_CONVERTS.match(value):
        return '="' + value.replace('"', '""') + '"'
    return str(_cell(value))


def _cell(value: object) -> object:
    """Planner text never becomes a formula when Excel opens the CSV: a leading = + - @ is quoted."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(rows: Sequence[Sequence[object]], id_column: int | None = None) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for r, row in enumerate(rows):
        w.writerow([csv_id(str(v)) if r and k == id_column else _cell(v) for k, v in enumerate(row)])
    return buf.getvalue().encode("utf-8-sig")


def attendance_csv(plan: Plan, dr: DepartmentRoster, contacts: Mapping) -> bytes:
    """姓名, 工号, then a date per column holding the shift's name (休息 on a covered day off)."""
    return _csv(attendance_rows(plan, dr, contacts), id_column=1)


def attendance_xlsx(plan: Plan, dr: DepartmentRoster, contacts: Mapping, app: App) -> bytes:
    """The schedule import in an app's Excel layout: one sheet, its header row, every cell text
    (工号 and dates too, so nothing is turned into a number); deterministic bytes (render.book)."""
    lang = plan.lang
    rows = attendance_rows(plan, dr, contacts)
    rows[0][:2] = list(app.head[lang])
    with tempfile.TemporaryDirectory(prefix="sheetplan-") as tmp:
        path = Path(tmp) / "import.xlsx"
        with Book(path, title=f"{plan.settings.name} · {dr.department}", direct=True, lang=lang) as book:
            ws = book.sheet(app.sheet[lang])
            head, text = book.fmt("header"), book.fmt("text", "text")
            ws.set_column(0, 1, 14)
            ws.set_column(2, len(rows[0]) - 1, 12)
            for c, v in enumerate(rows[0]):
                ws.write_string(0, c, v, head)
            for r, row in enumerate(rows[1:], start=1):
                for c, v in enumerate(row):
                    if v:
                        ws.write_string(r, c, v, text)
                    else:
                        ws.write_blank(r, c, None, text)
            ws.freeze_panes(1, 2)
        return path.read_bytes()


def assignments_csv(plan: Plan, dr: DepartmentRoster, contacts: Mapping) -> bytes:
    """One row per shift, every department, for any other system."""
    origin = dt.datetime.combine(plan.settings.start, dt.time())
    templates = {t.code: t for t in dr.shifts}
    rows: list[list[object]] = [list(LONG_HEAD[plan.lang])]
    for a in sorted(dr.result.assignments, key=lambda a: (a.start_hour_abs, a.post, a.person)):
        start = origin + dt.timedelta(hours=a.start_hour_abs)
        rows.append([a.person, contacts.get(a.person, {}).get("id", ""), dr.department, a.post,
                     plan.settings.days[a.day].isoformat(), a.shift_code, templates[a.shift_code].label,
                     f"{start:%Y-%m-%d %H:%M}", f"{start + dt.timedelta(hours=a.hours):%Y-%m-%d %H:%M}",
                     f"{a.hours:g}"])
    return _csv(rows, id_column=1)


def _recorded(folder: Path) -> set[str]:
    """The files an earlier build recorded in ``folder``: the build's one output set records them
    in the output folder as ``<folder>/<name>``."""
    prefix = folder.name + "/"
    return {n[len(prefix):] for names in read_record(folder.parent).values() for n in names if n.startswith(prefix)}


def export_files(plan: Plan, rosters: Sequence[DepartmentRoster], previous: Path | None = None) -> dict[str, bytes]:
    """File name -> content for every export of the plan's rosters (names sanitised, distinct).
    ``previous``: the export folder as the last build left it; the calendars its record says a
    build wrote there carry each event's SEQUENCE forward, and their shifts no longer rostered
    are published as cancelled."""
    lang = plan.lang
    # only calendars an earlier build wrote (the folder's record): a planner's copy counts for nothing
    ours = _recorded(previous) if previous is not None else set()
    old = {name: events for name, events in read_previous(previous).items() if name in ours}
    stamp = build_stamp(old)
    # a department this build could not roster has no roster to publish: no import (it would
    # mark everyone 休息), and its calendars stay as last published instead of being cancelled
    failed = [dr for dr in rosters if dr.result.status == "infeasible"]
    held = {uid(plan, dr.department, p.name, day) for dr in failed for p in dr.people for day in plan.settings.days}
    rosters = [dr for dr in rosters if dr.result.status != "infeasible"]
    attendance = {dr.department for dr in attendance_departments(plan, rosters)}
    wanted: list[tuple[str, object]] = []  # content, or the calendar to make once the name is final
    for dr in rosters:
        contacts = {p.name: {"id": p.employee_id, "phone": p.phone, "lead": p.lead}
                    for p in plan.staff if p.department == dr.department}
        if dr.department in attendance:
            for app in APPS:
                wanted.append((file_name(dr.department, app.file[lang], ".xlsx"),
                               attendance_xlsx(plan, dr, contacts, app)))
            tail = "排班导入" if lang == "zh" else "attendance-import"
            wanted.append((file_name(dr.department, tail, ".csv"), attendance_csv(plan, dr, contacts)))
        wanted.append((file_name(dr.department, "排班明细" if lang == "zh" else "assignments", ".csv"),
                       assignments_csv(plan, dr, contacts)))
        wanted.append((file_name(dr.department, "日历" if lang == "zh" else "calendar", ".ics"),
                       ("dept", dr, contacts, None)))
        for p in sorted(dr.people, key=lambda p: p.name):
            if any(a.person == p.name for a in dr.result.assignments):
                wanted.append((file_name(dr.department, p.name, ".ics"), ("person", dr, contacts, p.name)))
    names = unique_names([n for n, _ in wanted])
    out: dict[str, bytes] = {}
    for name, what in zip(names, (w for _, w in wanted), strict=True):
        if isinstance(what, tuple):
            kind, dr, contacts, person = what
            mine = old.get(name, {})
            out[name] = (department_calendar(plan, dr, contacts, mine, stamp) if kind == "dept"
                         else person_calendar(plan, dr, person, contacts, mine, stamp))
        else:
            out[name] = what  # type: ignore[assignment]
    taken = {n.casefold() for n in out}
    for name in sorted(old):  # calendars of people with no shift left: their events cancelled
        if name.casefold() in taken:
            continue
        if old[name] and set(old[name]) <= held:
            kept = _as_published(previous, name)
            if kept is not None:
                out[name] = kept
                continue
        data = _cancelled_only(f"{plan.settings.name} · {Path(name).stem}", old[name], stamp, lang)
        if data is not None:
            out[name] = data
    return out


def _as_published(folder: Path | None, name: str) -> bytes | None:
    """A previous calendar's bytes, unchanged (None when it cannot be read again)."""
    if folder is None:
        return None
    path = folder / name
    try:
        if path.is_symlink():
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data if len(data) <= MAX_PREVIOUS_BYTES else None


def folder_name(stem: str, lang: str) -> str:
    return file_name(stem, FOLDER[lang], "")


def write_exports(files: Mapping[str, bytes], write: Callable[[str, bytes], None], folder: str) -> None:
    """Each file into ``folder`` through ``write`` (:meth:`sheetplan.files.OutputSet.write`: the
    build's one output set, workbooks and exports swapped in together)."""
    for name, data in files.items():
        write(f"{folder}/{name}", data)


__all__ = [
    "APPS",
    "assignments_csv",
    "attendance_csv",
    "attendance_departments",
    "attendance_rows",
    "attendance_xlsx",
    "csv_id",
    "department_calendar",
    "export_files",
    "folder_name",
    "is_night",
    "person_calendar",
    "read_previous",
    "shift_names",
    "uid",
]

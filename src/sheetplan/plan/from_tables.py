"""A rostering plan from three plain tables (staff, shifts, requirements): what SP_ROSTER reads
from Excel ranges. The tables are the plan workbook's own sheets, headers in Chinese or English,
read by :mod:`sheetplan.plan.table`, so a range copied from a plan works as it is.

The campaign is the days the requirements name; everyone is one team (departments, when given,
are kept but not used to split the roster).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from . import model as m
from .schema import SEPARATOR, SHEET_BY_KEY, STAFF_TYPES, STAFF_TYPES_EN, TYPED, Sheet
from .table import read_rows

MAX_STAFF = 300  # one call of SP_ROSTER stays within its time cap
MAX_SHIFTS = 30
MAX_DAYS = 31
TEAM = ""  # the one department everyone belongs to here


class TableError(ValueError):
    """The tables cannot make a plan; ``problems`` lists every reason, naming table and row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:3]) + (f" (+{len(problems) - 3})" if len(problems) > 3 else ""))
        self.problems = problems


def _optional(spec: Sheet, *keys: str) -> Sheet:
    return replace(spec, columns=tuple(replace(c, required=False) if c.key in keys else c for c in spec.columns))


STAFF = _optional(SHEET_BY_KEY["staff"], "department", "type")
SHIFTS = SHEET_BY_KEY["shifts"]
REQUIREMENTS = _optional(SHEET_BY_KEY["requirements"], "department")


def roster_plan(
    staff: Sequence[Sequence[Any]],
    shifts: Sequence[Sequence[Any]],
    requirements: Sequence[Sequence[Any]],
    *,
    lang: str = "zh",
    interval_minutes: int = 60,
    min_rest_hours: float = 11,
    max_consecutive_days: int = 6,
    effort: float = 2.0,
) -> m.Plan:
    """The plan the tables describe, or TableError."""
    year = dt.date.today().year
    problems: list[str] = []
    names = {"zh": ("人员", "班次", "需求"), "en": ("staff", "shifts", "requirement")}[lang]
    staff_rows, p1 = read_rows(staff, STAFF, lang, name=names[0], year=year)
    shift_rows, p2 = read_rows(shifts, SHIFTS, lang, name=names[1], year=year)
    req_rows, p3 = read_rows(requirements, REQUIREMENTS, lang, name=names[2], year=year)
    problems += p1 + p2 + p3
    for what, rows, limit in ((names[0], staff_rows, MAX_STAFF), (names[1], shift_rows, MAX_SHIFTS)):
        if len(rows) > limit:
            problems.append(f"{what}: more than {limit} rows")
    people = []
    for r in staff_rows:
        v = r.values
        kind = STAFF_TYPES_EN.get(str(v.get("type", "全职")).lower(), v.get("type", "全职"))
        if kind not in STAFF_TYPES:
            why = "must be 全职/学生/借调 (full-time/student/borrowed)"
            problems.append(f"{names[0]} row {r.row}: type {kind!r} {why}")
            continue
        people.append(m.StaffMember(
            v["name"], TEAM, tuple(v["posts"]), kind, v.get("max_hours_day"), v.get("max_hours_total"),
            tuple(v.get("unavailable", ())), v.get("cost_per_hour"), tuple(v.get("lent", ())),
        ))
    templates = []
    for r in shift_rows:
        v = r.values
        code = v["code"]
        if SEPARATOR in code or any(ch.isspace() for ch in code):
            problems.append(f"{names[1]} row {r.row}: code {code!r} may not contain spaces or {SEPARATOR}")
            continue
        types = tuple(STAFF_TYPES_EN.get(t.lower(), t) for t in v.get("types", ()))
        if any(t not in STAFF_TYPES for t in types):
            problems.append(f"{names[1]} row {r.row}: staff types must be 全职/学生/借调")
            continue
        templates.append(m.ShiftTemplate(code, v["start"], v["hours"], v.get("name", ""), types))
    needs = []
    for r in req_rows:
        v = r.values
        if v.get("source", TYPED) != TYPED:
            problems.append(f"{names[2]} row {r.row}: only typed requirements (people, dates, times) here")
            continue
        if v.get("people") is None:
            problems.append(f"{names[2]} row {r.row}: people is empty")
            continue
        needs.append(m.Requirement(TEAM, v["post"], TYPED, v["people"], tuple(v.get("dates", ())),
                                   v.get("start"), v.get("end")))
    days = sorted({d for n in needs for d in _days(n)})
    if not days and not problems:
        problems.append(f"{names[2]}: every row needs a date (or a start/end with a date)")
    if len(set(p.name for p in people)) != len(people):
        problems.append(f"{names[0]}: a name is repeated")
    if days and (days[-1] - days[0]).days >= MAX_DAYS:
        problems.append(f"{names[2]}: the dates span more than {MAX_DAYS} days")
    if problems:
        raise TableError(problems)
    settings = m.Settings(
        name="SP_ROSTER", start=days[0], end=days[-1], sale_day=days[0], daily_orders=0, coefficient=1,
        language=lang, interval_minutes=interval_minutes, min_rest_hours=min_rest_hours,
        max_consecutive_days=max_consecutive_days, roster_effort=effort,
    )
    return m.Plan(settings, staff=people, shifts=templates, requirements=needs)


def _days(r: m.Requirement) -> list[dt.date]:
    """The days a requirement touches, including the next one when its window runs past midnight."""
    out = list(r.dates)
    start, end = r.start, r.end
    if isinstance(start, dt.time) and isinstance(end, dt.time) and end != dt.time(0) and end <= start:
        out += [d + dt.timedelta(days=1) for d in r.dates]
    for x in (start, end):
        if isinstance(x, dt.datetime):
            out.append((x - dt.timedelta(minutes=1)).date() if x is end else x.date())
    return out

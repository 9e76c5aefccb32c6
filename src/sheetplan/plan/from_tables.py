"""A rostering plan from three plain tables (staff, shifts, requirements): what SP_ROSTER reads
from Excel ranges. The tables are the plan workbook's own sheets, headers in Chinese or English,
read by :mod:`sheetplan.plan.table`, so a range copied from a plan works as it is.

The campaign is the days the requirements name; everyone is one team (departments, when given,
are kept but not used to split the roster).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..messages import msg
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
    """The plan the tables describe, or TableError. A table is rows of cells (a DataFrame too:
    its columns are the header); a blank is None, an empty text, NaN, NaT or pd.NA."""
    year = dt.date.today().year
    lang = lang if lang in ("zh", "en") else "zh"
    problems: list[str] = []
    names = {"zh": ("人员", "班次", "需求"), "en": ("staff", "shifts", "requirement")}[lang]
    grids = [_plain(t, name, lang, problems) for t, name in zip((staff, shifts, requirements), names, strict=True)]
    if problems:
        raise TableError(problems)
    staff_rows, p1 = read_rows(grids[0], STAFF, lang, name=names[0], year=year)
    shift_rows, p2 = read_rows(grids[1], SHIFTS, lang, name=names[1], year=year)
    req_rows, p3 = read_rows(grids[2], REQUIREMENTS, lang, name=names[2], year=year)
    problems += p1 + p2 + p3
    for what, rows, limit in ((names[0], staff_rows, MAX_STAFF), (names[1], shift_rows, MAX_SHIFTS)):
        if len(rows) > limit:
            problems.append(f"{what}: " + msg("table_too_many", lang, max=limit))
    people = []
    for r in staff_rows:
        v = r.values
        kind = STAFF_TYPES_EN.get(str(v.get("type", "全职")).lower(), v.get("type", "全职"))
        if kind not in STAFF_TYPES:
            problems.append(f"{names[0]} row {r.row}: " + msg("unknown_shift_type", lang, value=kind))
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
            problems.append(f"{names[1]} row {r.row}: " + msg("bad_code", lang, value=code, char=SEPARATOR))
            continue
        types = tuple(STAFF_TYPES_EN.get(t.lower(), t) for t in v.get("types", ()))
        wrong = [t for t in types if t not in STAFF_TYPES]
        if wrong:
            problems.append(f"{names[1]} row {r.row}: " + msg("unknown_shift_type", lang, value=wrong[0]))
            continue
        templates.append(m.ShiftTemplate(code, v["start"], v["hours"], v.get("name", ""), types))
    needs = []
    for r in req_rows:
        v = r.values
        if v.get("source", TYPED) != TYPED:
            problems.append(f"{names[2]} row {r.row}: " + msg("table_typed_only", lang, source=v["source"]))
            continue
        if v.get("people") is None:
            problems.append(f"{names[2]} row {r.row}: " + msg("req_people", lang, post=v["post"]))
            continue
        needs.append(m.Requirement(TEAM, v["post"], TYPED, v["people"], tuple(v.get("dates", ())),
                                   v.get("start"), v.get("end")))
    days = sorted({d for n in needs for d in _days(n)})
    if not days and not problems:
        problems.append(f"{names[2]}: " + msg("table_no_dates", lang))
    first: dict[str, int] = {}
    for r in staff_rows:
        name = r.values["name"]
        if first.setdefault(name, r.row) != r.row:
            at = f"{names[0]} row {first[name]}"
            problems.append(f"{names[0]} row {r.row}: " + msg("duplicate", lang, value=name, first=at))
    if days and (days[-1] - days[0]).days >= MAX_DAYS:
        problems.append(f"{names[2]}: " + msg("table_span", lang, max=MAX_DAYS))
    if problems:
        raise TableError(problems)
    settings = m.Settings(
        name="SP_ROSTER", start=days[0], end=days[-1], sale_day=days[0], daily_orders=0, coefficient=1,
        language=lang, interval_minutes=interval_minutes, min_rest_hours=min_rest_hours,
        max_consecutive_days=max_consecutive_days, roster_effort=effort,
    )
    return m.Plan(settings, staff=people, shifts=templates, requirements=needs)


def _plain(table: Any, name: str, lang: str, problems: list[str]) -> list[list[Any]]:
    """A table as rows of plain cells: a DataFrame's columns become the header row; NaN, NaT and
    pd.NA (what pandas holds for a blank) become None. Anything else is a problem naming it."""
    if table is None:
        return []
    if hasattr(table, "columns") and hasattr(table, "itertuples"):  # a DataFrame, without importing pandas
        rows: list[Any] = [list(table.columns), *(list(r) for r in table.itertuples(index=False))]
    elif isinstance(table, Sequence) and not isinstance(table, str | bytes):
        rows = list(table)
    else:
        problems.append(f"{name}: " + msg("table_type", lang, type=type(table).__name__))
        return []
    out = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, Sequence) or isinstance(row, str | bytes):
            problems.append(f"{name}: " + msg("table_row_type", lang, row=i, type=type(row).__name__))
            continue
        out.append([None if _missing(v) else v for v in row])
    return out


def _missing(v: Any) -> bool:
    """NaN, NaT or pd.NA: a blank cell as pandas and NumPy hold it."""
    if isinstance(v, float):
        return math.isnan(v)
    if type(v).__name__ in ("NAType", "NaTType"):
        return True
    return hasattr(v, "dtype") and getattr(v, "ndim", 1) == 0 and bool(v != v)  # NumPy's NaT


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

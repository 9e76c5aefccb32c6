"""Plan objects -> the roster calculator's inputs (people, shift templates, rules)."""

from __future__ import annotations

import datetime as dt

from ..calc.roster import FixedAssignment, Person, RosterRules, ShiftTemplate
from . import model as m
from .model import Plan, StaffMember

DEFAULT_SHIFT_TYPES = ("全职", "借调")
RELATIVE_GAP = 1e-4  # a roster proven within 0.01 % of the cheapest is good enough to stop on
MAX_WALL_S = 120.0  # no department's roster solve runs longer than this, whatever the budget
# A plan with staff but no 班次 sheet gets three eight-hour shifts (and a warning saying so).
DEFAULT_TEMPLATES = {
    "zh": (("早", "早班", 8), ("中", "中班", 16), ("夜", "夜班", 0)),
    "en": (("E", "Early", 8), ("L", "Late", 16), ("N", "Night", 0)),
}


def plan_templates(plan: Plan) -> list[m.ShiftTemplate]:
    """The 班次 sheet, or the default three shifts when it is empty."""
    if plan.shifts:
        return list(plan.shifts)
    return [m.ShiftTemplate(code, dt.time(h, 0), 8, name) for code, name, h in DEFAULT_TEMPLATES[plan.lang]]


def templates_for(plan: Plan, department: str | None) -> list[m.ShiftTemplate]:
    """The shift templates a department may use (all of them for ``None``)."""
    return [t for t in plan_templates(plan) if department is None or not t.departments or department in t.departments]


def day_index(plan: Plan) -> dict:
    return {d: i for i, d in enumerate(plan.settings.days)}


def person(plan: Plan, s: StaffMember, interval_minutes: int = 60) -> Person:
    days = day_index(plan)
    per_day = 24 * 60 // interval_minutes
    windows = None
    if s.type == "借调" and s.lent:
        lent = sorted(days[d] for d in s.lent if d in days)
        runs: list[list[int]] = []
        for d in lent:  # consecutive lent days form one window, so a night shift may cross midnight
            if runs and runs[-1][1] == d:
                runs[-1][1] = d + 1
            else:
                runs.append([d, d + 1])
        windows = tuple((a * per_day, b * per_day) for a, b in runs)
    return Person(
        name=s.name,
        department=s.department,
        posts=s.posts,
        kind=s.type,  # type: ignore[arg-type]  # 全职/学生/借调 are accepted
        max_hours_per_day=s.max_hours_day or 12,
        max_hours_total=s.max_hours_total,
        unavailable_days=frozenset(days[d] for d in s.unavailable if d in days),
        available_windows=windows,
        cost_per_hour=s.cost_per_hour if s.cost_per_hour is not None else 1.0,
    )


def shift_templates(plan: Plan, department: str | None = None) -> list[ShiftTemplate]:
    return [
        ShiftTemplate(
            t.code, t.start.hour + t.start.minute / 60, t.hours, frozenset(t.types or DEFAULT_SHIFT_TYPES), t.name
        )
        for t in templates_for(plan, department)
    ]


def rules(plan: Plan) -> RosterRules:
    s = plan.settings
    sale = day_index(plan).get(s.sale_day)
    return RosterRules(
        min_rest_hours=s.min_rest_hours,
        max_consecutive_days=s.max_consecutive_days,
        peak_days=frozenset({sale} if sale is not None else ()),
        time_limit_s=min(MAX_WALL_S, max(10.0, s.roster_effort * 4)),  # wall-clock backstop per department
        num_workers=1,
        deterministic_time=s.roster_effort,
        relative_gap=RELATIVE_GAP,
    )


def fixed_assignments(plan: Plan, department: str) -> list[FixedAssignment]:
    """The planner's fixed shifts for the people of one department."""
    days = day_index(plan)
    dept_of = {p.name: p.department for p in plan.staff}
    return [
        FixedAssignment(f.name, days[f.date], f.shift, f.post)
        for f in plan.fixed
        if dept_of.get(f.name) == department and f.date in days
    ]

"""Plan objects -> the roster calculator's inputs (people, shift templates, rules)."""

from __future__ import annotations

import datetime as dt

from ..calc.labour import PayRules
from ..calc.roster import FixedAssignment, Person, Request, RosterRules, ShiftCover, ShiftTemplate
from . import model as m
from .model import Plan, StaffMember
from .requirements import spans
from .schema import WANT

DEFAULT_SHIFT_TYPES = ("全职", "借调")
RELATIVE_GAP = 1e-4  # a roster proven within 0.01 % of the cheapest is good enough to stop on
MAX_WALL_S = 120.0  # no department's roster solve runs longer than this, whatever the budget
BACKSTOP_S = 60.0  # the least wall-clock backstop (about 20 times what the default budget takes)
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
        off_days=frozenset(days[o.date] for o in s.days_off if o.date in days),
        off_words=tuple((days[o.date], o.word) for o in s.days_off if o.date in days and o.word),
        available_windows=windows,
        cost_per_hour=s.cost_per_hour if s.cost_per_hour is not None else 1.0,
        min_hours_total=s.min_hours_total,
        max_consecutive_days=s.max_days_in_a_row,
        min_consecutive_days=s.min_days_in_a_row or 1,
        min_days_off=s.min_days_off or 1,
        max_weekends=s.max_weekends,
        max_shifts=s.max_shifts,
    )


def shift_templates(plan: Plan, department: str | None = None) -> list[ShiftTemplate]:
    """The department's shifts; a forbidden successor the department cannot work anyway is moot."""
    templates = templates_for(plan, department)
    codes = {t.code for t in templates}
    return [
        ShiftTemplate(
            t.code, t.start.hour + t.start.minute / 60, t.hours, frozenset(t.types or DEFAULT_SHIFT_TYPES), t.name,
            not_followed_by=frozenset(t.not_followed_by) & codes,
        )
        for t in templates
    ]


def rules(plan: Plan) -> RosterRules:
    s = plan.settings
    sale = day_index(plan).get(s.sale_day)
    return RosterRules(
        min_rest_hours=s.min_rest_hours,
        max_consecutive_days=s.max_consecutive_days,
        peak_days=frozenset({sale} if sale is not None else ()),
        # a wall-clock backstop per department: the deterministic budget ends the search, so the
        # same plan gives the same roster; a backstop of 10 s cut it on a busy machine (two builds
        # and a test suite at once) and the roster then differed from run to run
        time_limit_s=min(MAX_WALL_S, max(BACKSTOP_S, s.roster_effort * 30)),
        num_workers=1,
        deterministic_time=s.roster_effort,
        relative_gap=RELATIVE_GAP,
        weekends=weekends(plan),
    )


def weekends(plan: Plan) -> tuple[tuple[int, ...], ...]:
    """Day indices of each Saturday–Sunday in the campaign (a lone Sunday at the start counts)."""
    out: list[list[int]] = []
    for i, d in enumerate(plan.settings.days):
        if d.weekday() == 5 or (d.weekday() == 6 and not (out and out[-1][-1] == i - 1)):
            out.append([i])
        elif d.weekday() == 6:
            out[-1].append(i)
    return tuple(tuple(w) for w in out)


def requests(plan: Plan, department: str) -> list[Request]:
    """The department's wishes (员工意愿), one per person, day and shift; dates outside the campaign
    were warned about on reading and are left out here."""
    days = day_index(plan)
    members = {p.name for p in plan.staff if p.department == department}
    codes = {t.code for t in templates_for(plan, department)}
    out: dict[tuple[str, int, str | None], Request] = {}
    for r in plan.requests:
        if r.name not in members or (r.shift is not None and r.shift not in codes):
            continue
        for d in r.dates:
            if d in days:
                weight = 1.0 if r.weight is None else r.weight
                out.setdefault((r.name, days[d], r.shift), Request(r.name, days[d], r.shift, r.wish == WANT, weight))
    return list(out.values())


def shift_cover(plan: Plan, department: str) -> list[ShiftCover]:
    """值班需求 rows counted per shift: rows of the same post, shift and day add up (the largest
    weights apply)."""
    days = day_index(plan)
    codes = {t.code for t in templates_for(plan, department)}
    acc: dict[tuple[int, str, str], list[float]] = {}
    for r in plan.requirements:
        if r.department != department or r.shift is None or r.shift not in codes:
            continue
        for d in r.dates or plan.settings.days:
            if d not in days:
                continue
            need, under, over = acc.setdefault((days[d], r.shift, r.post), [0, 0.0, 0.0])
            acc[(days[d], r.shift, r.post)] = [
                need + (r.people or 0),
                max(under, 1.0 if r.under_weight is None else r.under_weight),
                max(over, r.over_weight or 0.0),
            ]
    return [ShiftCover(day, code, post, int(v[0]), v[1], v[2]) for (day, code, post), v in sorted(acc.items())]


MUST_COVER_WEIGHT = 10.0  # a gap in a 必保时段 weighs ten gaps elsewhere unless the row says otherwise


def priority(plan: Plan, department: str, posts: list[str], interval_minutes: int) -> dict[str, list[float]]:
    """必保时段: per post and interval, how many times a gap there weighs (1 outside every window;
    overlapping windows take the largest weight)."""
    s = plan.settings
    n = len(s.days) * 1440 // interval_minutes
    out: dict[str, list[float]] = {}
    for r in plan.must_cover:
        if r.department != department:
            continue
        weight = MUST_COVER_WEIGHT if r.weight is None else float(r.weight)
        for post in ([r.post] if r.post else posts):
            if post not in posts:
                continue
            row = out.setdefault(post, [1.0] * n)
            for a, b in spans(r, s) or ((0, n * interval_minutes),):  # type: ignore[arg-type]
                for t in range(a // interval_minutes, min(n, -(-b // interval_minutes))):
                    row[t] = max(row[t], weight)
    return out


def all_hands_days(plan: Plan, department: str) -> list[int]:
    """The department's 全员在岗 days as campaign day indices."""
    days = day_index(plan)
    return sorted({days[d] for dep in plan.departments if dep.department == department
                   for d in dep.all_hands if d in days})


def fixed_assignments(plan: Plan, department: str) -> list[FixedAssignment]:
    """The planner's fixed shifts for the people of one department."""
    days = day_index(plan)
    dept_of = {p.name: p.department for p in plan.staff}
    return [
        FixedAssignment(f.name, days[f.date], f.shift, f.post)
        for f in plan.fixed
        if dept_of.get(f.name) == department and f.date in days
    ]


def pay_rules(plan: Plan) -> PayRules:
    """The plan's overtime rates and calendar (see :mod:`sheetplan.calc.labour`)."""
    s = plan.settings
    return PayRules(weekday_overtime=s.overtime_rate, rest_day=s.rest_day_rate, holiday=s.holiday_rate,
                    rest_days=frozenset(s.rest_days) if s.rest_days else None, holidays=frozenset(s.holidays),
                    system=s.hours_system, days=frozenset(s.days))

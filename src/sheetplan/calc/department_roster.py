"""A department's named duty roster: its people, its requirement per post, the solve and the
explanation a department head reads. Where each requirement comes from is decided before this
(:mod:`sheetplan.plan.requirements`, :mod:`sheetplan.calc.duty_demand`); here every department
is treated the same, whatever its name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .roster import (
    FixedAssignment,
    Person,
    Request,
    RosterResult,
    RosterRules,
    ShiftCover,
    ShiftTemplate,
    explain,
    solve_roster,
)
from .roster_explain import Idle, idle_people, pct_covered

WHAT_IF_BUDGET = 0.25  # per "would relaxing this rule close the gap?" solve, started from the roster found


@dataclass(frozen=True)
class DepartmentRoster:
    department: str
    people: list[Person]
    requirement: dict[str, list[int]]
    result: RosterResult
    explanation: list[str]
    unrostered_posts: list[str] = field(default_factory=list)
    shifts: list[ShiftTemplate] = field(default_factory=list)
    idle: list[Idle] = field(default_factory=list)
    unstaffed: dict[str, float] = field(default_factory=dict)  # post no one holds -> its required person-hours

    @property
    def required_hours(self) -> float:
        return self.result.required_hours

    def covered_text(self) -> str:
        """The share of required hours covered, posts no one holds counted as short: never
        '100.0%' while anything is short."""
        missing = sum(self.unstaffed.values())
        return pct_covered(self.result.required_hours + missing, self.result.shortfall_hours + missing)

    def worst(self) -> tuple[str, int, int, int] | None:
        """(post, start interval, end interval, people short) of the largest gap, earliest first."""
        gaps = sorted(self.result.gaps, key=lambda g: (-g.shortfall, g.start_interval))
        if not gaps:
            return None
        g = gaps[0]
        return g.post, g.start_interval, g.end_interval, g.shortfall


def roster_department(
    department: str,
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    requirement: Mapping[str, list[int]],
    horizon_days: int,
    rules: RosterRules,
    *,
    interval_minutes: int = 60,
    day_labels: Sequence[str] = (),
    lang: str = "zh",
    fixed: Sequence[FixedAssignment] = (),
    requests: Sequence[Request] = (),
    shift_cover: Sequence[ShiftCover] = (),
) -> DepartmentRoster:
    """Roster the posts someone can work; explain every gap and every idle person."""
    skilled = {p for person in people for p in person.posts}
    per_shift = {c.post for c in shift_cover if c.need > 0}
    req = {post: list(v) for post, v in requirement.items() if post in skilled and (any(v) or post in per_shift)}
    unrostered = [post for post, v in requirement.items() if post not in skilled and (any(v) or post in per_shift)]
    per_shift_all = list(shift_cover)
    shift_cover = [c for c in shift_cover if c.post in skilled]
    n = horizon_days * 24 * 60 // interval_minutes
    for f in fixed:  # a planner-fixed shift on a post with no requirement still needs the post modelled
        req.setdefault(f.post, [0] * n)
    result = solve_roster(people, shifts, req, horizon_days, rules, fixed, interval_minutes=interval_minutes,
                          requests=requests, shift_cover=shift_cover)
    unstaffed = _unstaffed_hours(requirement, unrostered, shifts, per_shift_all, interval_minutes)
    lines = explain(
        result,
        people,
        shifts,
        req,
        rules,
        lang=lang,
        day_labels=list(day_labels) or None,
        fixed=fixed,
        resolve_time_s=min(WHAT_IF_BUDGET, rules.time_limit_s),
        requests=requests,
        shift_cover=shift_cover,
        unstaffed=unstaffed,
    )
    idle = idle_people(result, people, shifts, req)
    return DepartmentRoster(department, list(people), req, result, lines, unrostered, list(shifts), idle, unstaffed)


def _unstaffed_hours(requirement: Mapping[str, list[int]], posts: Sequence[str], shifts: Sequence[ShiftTemplate],
                     shift_cover: Sequence[ShiftCover], interval_minutes: int) -> dict[str, float]:
    """Required person-hours of the posts no one on the staff holds: per interval, and per shift."""
    hours_of = {t.code: t.hours for t in shifts}
    out = {}
    for post in posts:
        hours = sum(requirement.get(post, ())) * interval_minutes / 60
        hours += sum(c.need * hours_of.get(c.shift_code, 0) for c in shift_cover if c.post == post)
        out[post] = hours
    return out

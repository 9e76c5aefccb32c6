"""Requirements per post for each department, and the named roster that meets them.

Where each department's requirement comes from (the rules a planner can read in README):

- 客服部 (customer service): 售前 per interval = the Erlang C requirement of the shift work;
  催单 and 售后 = the planner's fixed head counts of that day, during the service window.
- 仓储物流部 (warehouse): each post's heads per day (⌈X × 系数 / Y⌉) are people-days; the warehouse
  runs ``WAREHOUSE_HOURS`` with two shifts, so ⌈heads / 2⌉ must be on duty at any time on the
  sale day and the ``BACKLOG_DAYS`` after it (shipping the backlog), ⌈heads / 4⌉ on other days.
- Posts that nobody on the staff sheet can work are not rostered; they are reported instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .campaign_service import ServicePlan
from .roster import (
    FixedAssignment,
    Person,
    RosterResult,
    RosterRules,
    ShiftTemplate,
    explain,
    requirement_from_headcounts,
    solve_roster,
)

WAREHOUSE_HOURS = (8.0, 24.0)
BACKLOG_DAYS = 2
SERVICE_POSTS = ("售前", "催单", "售后")


@dataclass(frozen=True)
class DepartmentRoster:
    department: str
    people: list[Person]
    requirement: dict[str, list[int]]
    result: RosterResult
    explanation: list[str]
    unrostered_posts: list[str] = field(default_factory=list)


def service_requirement(service: ServicePlan) -> dict[str, list[int]]:
    """售前 from Erlang C; 催单 and 售后 from the planner's fixed counts while the service is open."""
    reminders = [0] * len(service.requirement)
    aftersales = [0] * len(service.requirement)
    for t, is_open in enumerate(service.open_mask):
        fixed = service.days[t // service.per_day].fixed
        if is_open and fixed:
            reminders[t], aftersales[t] = fixed[1], fixed[2]
    return dict(zip(SERVICE_POSTS, (list(service.requirement), reminders, aftersales), strict=True))


def warehouse_requirement(
    heads: Mapping[str, int], horizon_days: int, sale_day: int, interval_minutes: int = 60
) -> dict[str, list[int]]:
    """On-duty people per post per interval from heads per day (see the module docstring)."""
    per_day: dict[int, dict[str, int]] = {}
    for d in range(horizon_days):
        peak = sale_day <= d <= sale_day + BACKLOG_DAYS
        per_day[d] = {post: math.ceil(h / (2 if peak else 4)) for post, h in heads.items()}
    hours = dict.fromkeys(range(horizon_days), WAREHOUSE_HOURS)
    return requirement_from_headcounts(horizon_days, per_day, hours, interval_minutes)


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
) -> DepartmentRoster:
    """Roster the posts someone can work; explain every gap in the plan's language."""
    skilled = {p for person in people for p in person.posts}
    req = {post: list(v) for post, v in requirement.items() if post in skilled and any(v)}
    unrostered = [post for post, v in requirement.items() if post not in skilled and any(v)]
    for f in fixed:  # a planner-fixed shift on a post with no requirement still needs the post modelled
        req.setdefault(f.post, [0] * len(next(iter(requirement.values()), [])))
    result = solve_roster(people, shifts, req, horizon_days, rules, fixed, interval_minutes=interval_minutes)
    lines = explain(
        result,
        people,
        shifts,
        req,
        rules,
        lang=lang,
        day_labels=list(day_labels) or None,
        fixed=fixed,
        resolve_time_s=min(0.5, rules.time_limit_s),
    )
    return DepartmentRoster(department, list(people), req, result, lines, unrostered)

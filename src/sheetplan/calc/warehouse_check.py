"""Warehouse heads against the roster: why 仓库人员's 22 people become 28 + 2 on the sale day.

仓库人员 gives each post its heads per day (people-days, ⌈X × 系数 / Y⌉). The 仓库测算 requirement
turns them into people on duty at once: ⌈heads / 2⌉ between the warehouse's open and close on
the sale day and the backlog days after it, ⌈heads / 4⌉ on other days
(:func:`sheetplan.calc.duty_demand.warehouse_series`). A shift is shorter than the working day,
so shifts relay one another (08:00–24:00 takes two eight-hour shifts, and one person works one
shift a day): the fewest people the shift templates need — with staff unlimited, the greedy
"furthest-reaching shift first" cover, which is optimal for shifts that are intervals — is the
on-duty count times the relays, plus the rows typed on top (students at lunchtime). The roster
then puts on that many, more (a fixed shift, a shift longer than the need) or fewer (a gap).

The stress test (仓库人员's 2× column) can be rostered as a what-if: the same people, shifts and
rules against the warehouse requirement at the stress factor; what stays short per post, and how
many more people of that post would close it — found by the same greedy cover of the gap, then
checked by rostering again with them added.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .roster_model import (
    Assignment,
    FixedAssignment,
    Person,
    RosterResult,
    RosterRules,
    ShiftTemplate,
    shift_instances,
)
from .roster_rules import Request, ShiftCover
from .roster_solve import solve_roster


@dataclass(frozen=True)
class PostDay:
    """One warehouse post on one day: from 仓库人员's heads to the people rostered."""

    post: str
    day: int
    heads: int  # 仓库人员 (1×)
    peak: bool  # the sale day or a backlog day after it: ⌈heads/2⌉, else ⌈heads/4⌉
    on_duty: int  # the warehouse model's people on duty at once
    typed: int  # people the plan's other rows add on top, at most, at once
    required: int  # people required on duty at once, at most
    relay: int  # shifts in a row the model's working hours take
    minimum_model: int  # fewest shifts (people) the model's requirement takes on the templates
    minimum: int  # fewest shifts (people) the whole requirement takes, staff unlimited
    rostered: int  # people the roster puts on the post that day (shifts that start that day)
    fixed: int  # of them on the 固定排班 sheet
    short_hours: float  # required person-hours left short that day
    over_hours: float  # person-hours on duty beyond the requirement that day
    staffed: bool = True  # someone on the staff holds the post (else it is not rostered at all)
    guaranteed: int = 0  # of the rostered, people with guaranteed campaign hours (活动最少小时)


@dataclass(frozen=True)
class DayTotal:
    """Every warehouse post of the department on one day."""

    day: int
    heads: int
    on_duty: int
    typed: int
    minimum_model: int
    minimum: int
    rostered: int
    short_hours: float
    over_hours: float


@dataclass(frozen=True)
class StressPost:
    """One post rostered at the stress factor (what-if)."""

    post: str
    heads: int  # 仓库人员 at the stress factor
    required_hours: float
    short_hours: float
    worst: tuple[int, int, int] | None  # (start interval, end interval, people short) of its largest gap
    more_people: int  # people of this post the greedy cover of the gap asks for
    short_after: float  # person-hours still short when they are added and the roster is made again
    clock_cut: bool = False  # a solve of it stopped by the wall-clock backstop (see RosterResult.clock_cut)


@dataclass(frozen=True)
class WarehouseCheck:
    department: str
    rows: list[PostDay]
    days: list[DayTotal]
    factor: float | None = None  # the stress factor rostered as a what-if (None: not asked)
    stress: list[StressPost] | None = None


def fewest_shifts(required: Sequence[int], instances: Sequence) -> Counter:
    """Shift instance index -> copies, covering ``required`` per interval with the fewest shifts
    (staff unlimited): at the first interval still short, take the shift that reaches furthest.
    Intervals no shift covers stay uncovered."""
    n = len(required)
    cover = [0] * n
    picked: Counter = Counter()
    for t in range(n):
        k = int(required[t]) - cover[t]
        if k <= 0:
            continue
        options = [i for i in instances if i.start_i <= t < i.end_i]
        if not options:
            continue
        best = max(options, key=lambda i: (i.end_i, -i.idx))
        picked[best.idx] += k
        for u in range(t, min(n, best.end_i)):
            cover[u] += k
    return picked


def _per_day(picked: Counter, instances: Sequence) -> Counter:
    by_idx = {i.idx: i for i in instances}
    out: Counter = Counter()
    for idx, k in picked.items():
        out[by_idx[idx].day] += k
    return out


def _open_to(post: str, people: Sequence[Person], shifts: Sequence[ShiftTemplate]) -> list[ShiftTemplate]:
    """The templates someone holding ``post`` may work (by person kind)."""
    kinds = {p.kind for p in people if post in p.posts}
    return [t for t in shifts if t.kinds & kinds]


def reconcile(
    department: str,
    heads: Mapping[str, int],
    model: Mapping[str, Sequence[int]],
    requirement: Mapping[str, Sequence[int]],
    result: RosterResult,
    shifts: Sequence[ShiftTemplate],
    people: Sequence[Person],
    peak_days: Sequence[int],
    fixed: Sequence[FixedAssignment] = (),
) -> WarehouseCheck:
    """Per warehouse post (``heads``; ``model`` its 仓库测算 series, ``requirement`` the
    department's whole requirement, posts no one holds included) and day: heads, people on duty
    at once, the fewest shifts the templates need, the people rostered, short and spare
    person-hours; and per day the sums."""
    days, minutes = result.horizon_days, result.interval_minutes
    per_day = 24 * 60 // minutes
    iph = 60 / minutes
    fixed_n = Counter((f.post, f.day) for f in fixed)
    rostered = Counter((a.post, a.day) for a in result.assignments)
    floor = {p.name for p in people if p.min_hours_total}
    guaranteed = Counter((a.post, a.day) for a in result.assignments if a.person in floor)
    rows = []
    skilled = {q for p in people for q in p.posts}
    for post, h in heads.items():
        if post not in requirement:
            continue
        instances = shift_instances(_open_to(post, people, shifts) or list(shifts), days, minutes)
        base = list(model.get(post, [0] * len(requirement[post])))
        total = list(requirement[post])
        cover = result.cover.get(post, [0] * len(total))
        min_model = _per_day(fewest_shifts(base, instances), instances)
        min_all = _per_day(fewest_shifts(total, instances), instances)
        for d in range(days):
            span = range(d * per_day, (d + 1) * per_day)
            on_duty = max(base[t] for t in span)
            rows.append(PostDay(
                post, d, h, d in peak_days, on_duty,
                max(total[t] - base[t] for t in span), max(total[t] for t in span),
                math.ceil(min_model[d] / on_duty) if on_duty else 0, min_model[d], min_all[d],
                rostered[(post, d)], fixed_n[(post, d)],
                sum(max(0, total[t] - cover[t]) for t in span) / iph,
                sum(max(0, cover[t] - total[t]) for t in span) / iph, post in skilled, guaranteed[(post, d)],
            ))
    totals = []
    for d in range(days):
        mine = [r for r in rows if r.day == d]
        totals.append(DayTotal(d, sum(r.heads for r in mine), sum(r.on_duty for r in mine),
                               sum(r.typed for r in mine), sum(r.minimum_model for r in mine),
                               sum(r.minimum for r in mine), sum(r.rostered for r in mine),
                               sum(r.short_hours for r in mine), sum(r.over_hours for r in mine)))
    return WarehouseCheck(department, rows, totals)


def stress_what_if(
    heads: Mapping[str, int],
    requirement: Mapping[str, Sequence[int]],
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    rules: RosterRules,
    horizon_days: int,
    interval_minutes: int,
    *,
    fixed: Sequence[FixedAssignment] = (),
    requests: Sequence[Request] = (),
    shift_cover: Sequence[ShiftCover] = (),
    hint: Sequence[Assignment] = (),
) -> list[StressPost]:
    """Roster ``requirement`` (the warehouse posts at the stress factor) with today's people; per
    warehouse post what stays short and how many more people of that post would close it — the
    most extra shifts the gap takes on one day (one shift a person a day), then checked by
    rostering again with that many more people (full-time, that post only, at the post's median
    cost)."""
    skilled = {q for p in people for q in p.posts}
    req = {q: list(v) for q, v in requirement.items() if q in skilled}
    rules = replace(rules, cost_phase=False)  # the gap is the question here, not the cheapest roster
    first = solve_roster(people, shifts, req, horizon_days, rules, fixed, interval_minutes, hint=hint,
                         requests=requests, shift_cover=shift_cover)
    short = _short_by_post(first, req)
    extra: list[Person] = []
    more: dict[str, int] = {}
    for post in heads:
        if short.get(post, 0) <= 0:
            continue
        instances = shift_instances(_open_to(post, people, shifts) or list(shifts), horizon_days, interval_minutes)
        cover = first.cover.get(post, [0] * len(req[post]))
        gap = [max(0, r - c) for r, c in zip(req[post], cover, strict=True)]
        n = max(_per_day(fewest_shifts(gap, instances), instances).values(), default=0)
        more[post] = n
        costs = sorted(p.cost_per_hour for p in people if post in p.posts) or [1.0]
        extra += [Person(f"+{post}#{k + 1}", people[0].department if people else "", (post,),
                         cost_per_hour=costs[len(costs) // 2]) for k in range(n)]
    after = short
    cut = first.clock_cut
    if extra:
        second = solve_roster([*people, *extra], shifts, req, horizon_days, rules, fixed, interval_minutes,
                              hint=first.assignments, requests=requests, shift_cover=shift_cover)
        after = _short_by_post(second, req)
        cut |= second.clock_cut
    iph = 60 / interval_minutes
    out = []
    for post, h in heads.items():
        if post not in requirement:
            continue
        gaps = [g for g in first.gaps if g.post == post and g.shift_code is None]
        worst = max(gaps, key=lambda g: (g.shortfall, -g.start_interval), default=None)
        out.append(StressPost(
            post, h, sum(requirement[post]) / iph, short.get(post, sum(requirement[post]) / iph),
            (worst.start_interval, worst.end_interval, worst.shortfall) if worst else None,
            more.get(post, 0), after.get(post, short.get(post, 0.0)), cut,
        ))
    return out


def _short_by_post(result: RosterResult, requirement: Mapping[str, Sequence[int]]) -> dict[str, float]:
    iph = 60 / result.interval_minutes
    out: dict[str, float] = defaultdict(float)
    for post, req in requirement.items():
        cover = result.cover.get(post, [0] * len(req))
        out[post] = sum(max(0, r - c) for r, c in zip(req, cover, strict=True)) / iph
    return dict(out)

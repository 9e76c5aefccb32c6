"""A department's named duty roster: its people, its requirement per post, the solve and the
explanation a department head reads. Where each requirement comes from is decided before this
(:mod:`sheetplan.plan.requirements`, :mod:`sheetplan.calc.duty_demand`); here every department
is treated the same, whatever its name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..messages import msg
from .labour import Pay, PayRules, roster_pay, total
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
from .roster_checks import hour_conflicts, minimum_of
from .roster_explain import Idle, WhatIfJob, WhatIfs, idle_people, pct_covered, what_if_rosters
from .roster_model import shift_instances
from .roster_premium import Premium

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
    pay: list[Pay] = field(default_factory=list)  # per person, when the roster was given pay rules
    priority: dict[str, list[float]] = field(default_factory=dict)  # 必保时段 weights per post and interval
    days: list[Any] = field(default_factory=list)  # roster_days.DayWorst per day, filled by the pipeline
    unstaffed: dict[str, float] = field(default_factory=dict)  # post no one holds -> its required person-hours
    vacant: dict[str, list[int]] = field(default_factory=dict)  # post no one holds -> its requirement per interval
    # people whose 活动最少小时 no roster can reach: (name, the most they can work — or, found by
    # the solver (ruled), the hours they got —, their minimum, ruled); rostered without that
    # minimum rather than leaving the whole department without a roster
    floors: list[tuple[str, float, float, bool]] = field(default_factory=list)

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


def busy_days(person: Person, dates: Sequence[dt.date], interval_minutes: int) -> frozenset[dt.date]:
    """The days ``person`` is not at the department's disposal — unavailable, or (borrowed staff)
    outside their windows — so a day without a shift there is no day off (补休)."""
    per_day = 24 * 60 // interval_minutes
    # a day off a kept hand edit decided (off_days) is a day off like any other: it gives a rest
    # day worked in its week back (补休), as the labour sheet's note says
    out = {dates[d] for d in person.unavailable_days if 0 <= d < len(dates)}
    if person.available_windows is not None:
        for d, day in enumerate(dates):
            if not any(a < (d + 1) * per_day and b > d * per_day for a, b in person.available_windows):
                out.add(day)
    return frozenset(out)


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
    priority: Mapping[str, list[float]] | None = None,
    all_hands: Sequence[int] = (),
    pay_rules: PayRules | None = None,
    dates: Sequence[dt.date] = (),
    ahead: bool = False,
) -> DepartmentRoster:
    """Roster the posts someone can work; explain every gap and every idle person. With
    ``pay_rules`` and the campaign's ``dates``, everyone's pay too, and the explanation states
    that labour cost (the one cost figure every output shows).

    The what-if re-solves of the advice are made on the first phase's roster when the priced
    roster has exactly its gaps (the cost phase keeps the shortfall; the what-ifs depend on the
    gaps and on the shifts away from them), else on the priced roster: the same answers however
    they are scheduled. ``ahead``: start them beside the cost phase, on a second core (the
    example's 客服部: its what-ifs took a second after a cost phase that left a core idle)."""
    skilled = {p for person in people for p in person.posts}
    per_shift = {c.post for c in shift_cover if c.need > 0}
    req = {post: list(v) for post, v in requirement.items() if post in skilled and (any(v) or post in per_shift)}
    unrostered = [post for post, v in requirement.items() if post not in skilled and (any(v) or post in per_shift)]
    per_shift_all = list(shift_cover)
    shift_cover = [c for c in shift_cover if c.post in skilled]
    n = horizon_days * 24 * 60 // interval_minutes
    for f in fixed:  # a planner-fixed shift on a post with no requirement still needs the post modelled
        req.setdefault(f.post, [0] * n)
    # a minimum of hours no roster can reach made the whole department infeasible (43 people, no
    # shift, a helper's attack): those people are rostered without it, and it is said
    floors = unreachable_minimums(people, shifts, set(req), horizon_days, interval_minutes, rules)
    unreachable = {f[0] for f in floors}
    people = [replace(p, min_hours_total=None) if p.name in unreachable else p for p in people]
    busy = {p.name: busy_days(p, dates, interval_minutes) for p in people} if dates else {}
    premium = Premium(pay_rules, list(dates), busy) if pay_rules is not None and len(dates) >= horizon_days else None
    asked = {"day_labels": list(day_labels) or None, "fixed": fixed,
             "resolve_time_s": min(WHAT_IF_BUDGET, rules.time_limit_s), "requests": requests,
             "shift_cover": shift_cover, "priority": priority, "all_hands": all_hands}
    first: list[RosterResult] = []
    early: list[WhatIfJob] = []

    def on_first(r1: RosterResult) -> None:
        first.append(r1)
        if ahead and r1.gaps:  # one helper beside the cost phase: the second core it leaves idle
            early.append(WhatIfJob(r1, people, shifts, req, rules, **asked).start(1))

    result = solve_roster(people, shifts, req, horizon_days, rules, fixed, interval_minutes=interval_minutes,
                          requests=requests, shift_cover=shift_cover, priority=priority, all_hands=all_hands,
                          premium=premium, on_first=on_first)
    if _proven_impossible(result) and not early and any(p.min_hours_total for p in people):
        # a minimum the quick bound cannot see (weekends, shift caps, days off in a row) may make
        # it impossible: find whose, drop that minimum, and roster the department after all
        culprits = _minimums_in_the_way(people, shifts, req, horizon_days, rules, fixed, interval_minutes,
                                        requests, shift_cover, priority, all_hands)
        if culprits:
            again = roster_department(
                department, [replace(p, min_hours_total=None) if p.name in culprits else p for p in people],
                shifts, requirement, horizon_days, rules, interval_minutes=interval_minutes, day_labels=day_labels,
                lang=lang, fixed=fixed, requests=requests, shift_cover=shift_cover, priority=priority,
                all_hands=all_hands, pay_rules=pay_rules, dates=dates, ahead=ahead)
            gone = [(p.name, sum(a.hours for a in again.result.assignments if a.person == p.name),
                     float(p.min_hours_total), True) for p in people if p.name in culprits]
            lines = list(again.explanation)
            lines[1:1] = [floor_line(department, *f, lang) for f in (*floors, *gone)]
            return replace(again, explanation=lines, floors=[*floors, *again.floors, *gone])
    same = bool(first) and first[0].gaps == result.gaps and result.status != "infeasible"
    answers: WhatIfs | None = None  # None: explain re-solves around the priced roster's own gaps
    if early and same:
        answers = early[0].finish()  # this thread joins the helper
    elif early:
        early[0].cancel()  # the gaps moved: no search left running
    elif same and result.gaps:
        answers = what_if_rosters(first[0], people, shifts, req, rules, **asked)
    unstaffed = _unstaffed_hours(requirement, unrostered, shifts, per_shift_all, interval_minutes)
    pays: list[Pay] = []
    if pay_rules is not None and dates:
        rates = {p.name: p.cost_per_hour for p in people}
        pays = roster_pay([(a.person, dates[a.day], a.hours) for a in result.assignments], rates, pay_rules, busy)
    t = total(pays) if pay_rules is not None and dates else None
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
        priority=priority,
        all_hands=all_hands,
        unstaffed=unstaffed,
        labour=(t.cost, t.premium) if t is not None else None,
        what_ifs=answers,
    )
    # no roster at all: nobody is idle 'because others cover the need' (the explanation says why)
    idle = idle_people(result, people, shifts, req) if result.status != "infeasible" else []
    vacant = {post: list(requirement[post]) for post in unrostered if any(requirement.get(post, ()))}
    prio = {q: list(v) for q, v in (priority or {}).items() if q in req or q in vacant}
    lines[1:1] = [floor_line(department, *f, lang) for f in floors]
    return DepartmentRoster(department, list(people), req, result, lines, unrostered, list(shifts), idle,
                            pay=pays, priority=prio, unstaffed=unstaffed, vacant=vacant, floors=floors)


def unreachable_minimums(people: Sequence[Person], shifts: Sequence[ShiftTemplate], posts: set[str],
                         horizon_days: int, interval_minutes: int, rules: RosterRules
                         ) -> list[tuple[str, float, float, bool]]:
    """(name, the most hours they can reach, their minimum, False) for each person whose
    活动最少小时 no roster can reach: by the quick bound of :func:`hour_conflicts`, or because none
    of their posts is among the rostered ``posts`` (0 h). Both the build and `check` use it."""
    out = [(*minimum_of(c), False) for c in hour_conflicts(
        people, shift_instances(shifts, horizon_days, interval_minutes), rules)]
    seen = {f[0] for f in out}
    return out + [(p.name, 0.0, float(p.min_hours_total), False) for p in people
                  if p.min_hours_total and not set(p.posts) & posts and p.name not in seen]


def _proven_impossible(result: RosterResult) -> bool:
    """No roster, proven by the solver (not a fixed shift it names, not the budget)."""
    return result.status == "infeasible" and not any(c.fixed for c in result.conflicts) and any(
        c.reason == "solver" for c in result.conflicts)


TRY_MINIMUMS = 8  # people whose minimum of hours is lifted one at a time before all are


def _minimums_in_the_way(people: Sequence[Person], shifts: Sequence[ShiftTemplate], req: Mapping[str, list[int]],
                         horizon_days: int, rules: RosterRules, fixed: Sequence[FixedAssignment],
                         interval_minutes: int, requests: Sequence[Request], shift_cover: Sequence[ShiftCover],
                         priority: Mapping[str, list[float]] | None, all_hands: Sequence[int]) -> set[str]:
    """Whose 活动最少小时 makes the department impossible: the first person whose minimum, lifted
    alone, lets a roster exist (a quick shortfall-only solve each); else everyone's with one."""
    quick = replace(rules, cost_phase=False, deterministic_time=min(rules.deterministic_time or 0.5, 0.5))
    holders = [p.name for p in people if p.min_hours_total]

    def possible(lifted: set[str]) -> bool:
        trial = [replace(p, min_hours_total=None) if p.name in lifted else p for p in people]
        return not _proven_impossible(solve_roster(trial, shifts, req, horizon_days, quick, fixed, interval_minutes,
                                                   requests=requests, shift_cover=shift_cover, priority=priority,
                                                   all_hands=all_hands))

    for name in holders[:TRY_MINIMUMS]:
        if possible({name}):
            return {name}
    return set(holders) if possible(set(holders)) else set()


def floor_line(dept: str, name: str, most: float, least: float, ruled: bool, lang: str) -> str:
    """The sentence for a minimum of hours no roster can reach — the same on the roster sheet and
    on 检查结果; ``ruled``: found by the solver (their other rules: weekends, shift caps, days off
    in a row), ``most`` then the hours they got."""
    return msg("min_hours_ruled" if ruled else "min_hours_unreachable", lang, dept=dept, name=name,
               most=f"{most:g}", least=f"{least:g}")


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

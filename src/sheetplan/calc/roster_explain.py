"""Explain a roster to a department head: which post is short when, by how many, and what
would fix it.

For every run of understaffed hours of one post the explanation offers, in this order:

* hours that no shift template covers at all → add a shift template for them;
* how many more people with that skill would close the gap — the fewest extra shifts found by
  the greedy "furthest-reaching shift first" cover of the missing head count, counted per day
  because one person works one shift a day;
* a cross-training move when another post is over-staffed during the whole run;
* each rule that is actually binding and whose relaxation closes or shrinks the gap, found by
  re-solving quickly with only that rule relaxed (warm-started from the current roster, so
  the answer is never worse than today's; only the days around the gaps are re-solved, see
  :data:`WHAT_IF_DAYS_AROUND`);
* when fewer people hold the skill and can work those hours than the requirement asks for,
  that fact, since no solver can fix it.

Texts are Chinese (``lang="zh"``) or English (``lang="en"``); times use the caller's
``day_labels`` (e.g. ``["11-10", "11-11", ...]``).
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from sheetplan.calc.roster_checks import minimum_of
from sheetplan.calc.roster_day_explain import on_shift, personal_relaxations, shift_gap_runs, wish_lines
from sheetplan.calc.roster_design import all_hands_lines, design_text, design_uses, is_design, shift_designs
from sheetplan.calc.roster_gap_reasons import gap_reasons
from sheetplan.calc.roster_lns import Background
from sheetplan.calc.roster_model import (
    Conflict,
    FixedAssignment,
    Person,
    RosterResult,
    RosterRules,
    ShiftTemplate,
    block_reason,
    duty,
    shift_instances,
)
from sheetplan.calc.roster_rules import Request, ShiftCover
from sheetplan.calc.roster_solve import solve_roster

__all__ = ["Idle", "explain", "format_span", "idle_people", "pct_covered", "structural_idle"]

# A what-if re-solves the days within this many of a gap's; every other day keeps the roster as
# it is (its shifts fixed, its days off kept off). Any roster it finds is one the relaxed rules
# allow, so each answer is still "this much closes"; the search spends its small budget where
# the gaps are. The example's 客服部: the seven what-ifs took 2.9 CPU-s re-solving every day,
# 1.2 s within two days (the same advice, word for word, also in English); within one day
# (1.1 s) one answer was lost and one worse, within three (1.5 s) the same as two.
WHAT_IF_DAYS_AROUND = 2
# the line saying a what-if was cut short by the wall-clock backstop (a very busy machine), so its
# figures may differ on the next build; the pipeline warns at the department when it is there
WHAT_IF_CUT = {"zh": "注：部分假设分析因机器繁忙被时钟上限截断，以上建议中的数字再次生成时可能不同",
               "en": "Note: some what-ifs were cut short by the wall-clock backstop (a very busy machine): "
                     "the figures in the advice above may differ on the next build"}

_KIND_ZH = {"fulltime": "全职", "student": "学生", "borrowed": "借调"}
_KIND_EN = {"fulltime": "full-time staff", "student": "students", "borrowed": "borrowed staff"}
# the solve's verdict in a department head's words, not the solver's ("partial", "feasible")
_STATUS_ZH = {"optimal": "最优", "feasible": "可行", "partial": "未全部满足", "infeasible": "无解"}
_STATUS_EN = {"optimal": "the best possible", "feasible": "workable", "partial": "not fully covered",
              "infeasible": "no roster"}


def _day_label(day: int, day_labels: Sequence[str] | None, lang: str) -> str:
    if day_labels is not None and 0 <= day < len(day_labels):
        return str(day_labels[day])
    return f"第{day + 1}天" if lang == "zh" else f"Day {day + 1}"


def format_span(
    start_interval: int,
    end_interval: int,
    interval_minutes: int = 60,
    day_labels: Sequence[str] | None = None,
    lang: str = "zh",
) -> str:
    """``11-11 00:00–04:00``; a span that ends at midnight reads ``20:00–24:00`` and one that
    crosses midnight names both days: ``11-10 20:00–11-11 04:00``."""
    a = start_interval * interval_minutes
    b = end_interval * interval_minutes
    d0, m0 = divmod(a, 24 * 60)
    d1, m1 = divmod(b, 24 * 60)
    if m1 == 0 and d1 == d0 + 1:
        d1, m1 = d0, 24 * 60
    first = f"{_day_label(d0, day_labels, lang)} {m0 // 60:02d}:{m0 % 60:02d}"
    end_time = f"{m1 // 60:02d}:{m1 % 60:02d}"
    if d1 == d0:
        return f"{first}–{end_time}"
    return f"{first}–{_day_label(d1, day_labels, lang)} {end_time}"


@dataclass(frozen=True)
class _Run:
    """Consecutive short intervals of one post (gaps of varying size merged)."""

    post: str
    start: int
    end: int
    short: tuple[int, ...]  # per interval

    @property
    def person_intervals(self) -> int:
        return sum(self.short)


def _runs(result: RosterResult) -> list[_Run]:
    runs: list[_Run] = []
    for g in sorted((g for g in result.gaps if g.shift_code is None), key=lambda g: (g.post, g.start_interval)):
        width = g.end_interval - g.start_interval
        last = runs[-1] if runs else None
        if last and last.post == g.post and last.end == g.start_interval:
            runs[-1] = _Run(g.post, last.start, g.end_interval, last.short + (g.shortfall,) * width)
        else:
            runs.append(_Run(g.post, g.start_interval, g.end_interval, (g.shortfall,) * width))
    runs.sort(key=lambda r: (r.start, r.post))
    return runs


def _extra_people(run: _Run, instances: Sequence) -> tuple[int, list[tuple[int, int]], set[int]]:
    """Fewest extra shifts covering the run's missing head count (greedy: at the first
    uncovered interval take the shift that reaches furthest). Returns people needed (max
    shifts on one day), the days involved and the intervals that no shift covers."""
    need = list(run.short)
    per_day: dict[int, int] = defaultdict(int)
    uncoverable: set[int] = set()
    for off in range(len(need)):
        if need[off] <= 0:
            continue
        t = run.start + off
        options = [i for i in instances if i.start_i <= t < i.end_i]
        if not options:
            uncoverable.add(t)
            continue
        best = max(options, key=lambda i: (i.end_i, i.start_i))
        k = need[off]
        per_day[best.day] += k
        for o in range(off, min(len(need), best.end_i - run.start)):
            need[o] = max(0, need[o] - k)
    days = sorted(per_day.items())
    return (max(per_day.values()) if per_day else 0), days, uncoverable


def _relaxations(
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    rules: RosterRules,
    instances: Sequence,
) -> list[tuple[str, str, list[Person], RosterRules]]:
    """(zh text, en text, people, rules) for each binding rule worth re-solving with."""
    out: list[tuple[str, str, list[Person], RosterRules]] = []
    people = list(people)
    if rules.min_rest_hours > 0:
        rest = 8.0 if rules.min_rest_hours > 8 else rules.min_rest_hours / 2
        out.append((
            f"放宽最短休息时间（当前 {rules.min_rest_hours:g} 小时，改为 {rest:g} 小时",
            f"relax the minimum rest (now {rules.min_rest_hours:g} h; at {rest:g} h",
            people,
            replace(rules, min_rest_hours=rest),
        ))
    longest = max((s.hours for s in shifts), default=0)
    if any(p.max_hours_per_day < longest for p in people) or not rules.one_shift_per_day:
        more = [replace(p, max_hours_per_day=p.max_hours_per_day + 4) for p in people]
        out.append((
            "放宽每日最长工时（每人多 4 小时",
            "allow 4 more hours per person per day (",
            more,
            rules,
        ))
    caps = [p.max_hours_total for p in people if p.max_hours_total is not None]
    if caps:
        uncapped = [replace(p, max_hours_total=None) for p in people]
        out.append((
            f"取消活动期总工时上限（当前最低 {min(caps):g} 小时；取消后",
            f"lift the campaign hour caps (lowest now {min(caps):g} h;",
            uncapped,
            rules,
        ))
    horizon = max((i.day for i in instances), default=0) + 1
    if rules.max_consecutive_days is not None and rules.one_shift_per_day and horizon > rules.max_consecutive_days:
        out.append((
            f"取消连续上班天数上限（当前 {rules.max_consecutive_days} 天；取消后",
            f"lift the limit on days in a row (now {rules.max_consecutive_days};",
            people,
            replace(rules, max_consecutive_days=None),
        ))
    if rules.one_shift_per_day:
        same_day_ok = any(
            a.day == b.day
            and a.idx != b.idx
            and (b.start_h >= a.end_h + rules.min_rest_hours or a.start_h >= b.end_h
                 + rules.min_rest_hours)
            for a in instances[: 4 * max(1, len(shifts))]
            for b in instances[: 4 * max(1, len(shifts))]
        )
        if same_day_ok:
            out.append((
                "允许一天上两个班次（当前每天最多一个；允许后",
                "allow two shifts a day (now one;",
                people,
                replace(rules, one_shift_per_day=False),
            ))
    return out


def conflict_text(c: Conflict, rules: RosterRules, people: Mapping[str, Person],
                   day_labels: Sequence[str] | None, lang: str) -> str:
    def row(f: FixedAssignment) -> str:
        return f"{f.person} {_day_label(f.day, day_labels, lang)} {f.shift_code} {f.post}"

    f = c.fixed
    if f is None and c.reason == "too_big":
        size, _, limit = c.detail.partition("/")
        return (f"值班表过大（约 {size} 个排班变量，上限 {limit}）："
                "请减少班次模板、缩短活动期、减少岗位，或把部门分成几个组"
                if lang == "zh" else
                f"the roster is too big (about {size} assignment variables, at most {limit}): use fewer shift "
                "templates, a shorter campaign or fewer posts, or split the department into teams")
    if f is None and c.reason == "min_hours":
        name, most, least = minimum_of(c)
        return (f"「{name}」活动最少 {least:g} 小时无法达到：其可上的班次（去掉不可上班的日子，每天一个）"
                f"最多 {most:g} 小时；请改小「活动最少小时」或减少其不可上班日期" if lang == "zh" else
                f"{name}'s minimum of {least:g} h cannot be reached: the shifts open to them (one a day, on the days "
                f"they are available) come to at most {most:g} h; lower their minimum hours or their days off")
    if f is None and c.reason == "budget":
        return ("求解器在求解预算内未找到任何方案：请调大「排班求解预算」" if lang == "zh" else
                "the solver found no roster within its budget: raise the roster solver budget")
    if f is None:
        return ("求解器未找到满足全部固定排班的方案，请检查固定排班"
                if lang == "zh" else
                "the solver found no roster that keeps every fixed assignment; check the fixed rows")
    p = people.get(f.person)
    zh = {
        "skill": f"此人不具备「{f.post}」技能",
        "kind": f"该班次不允许{_KIND_ZH.get(p.kind, '') if p else ''}人员上",
        "unavailable": "此人当日不可上班",
        "off": "此人当日休息（保留的手工改动）",
        "window": "超出此人的借调时间窗口",
        "day_hours": f"超过每日最长工时（{p.max_hours_per_day:g} 小时）" if p else "超过每日最长工时",
        "total_hours": (f"超过活动期总工时上限（{p.max_hours_total:g} 小时）"
                        if p and p.max_hours_total is not None else "超过总工时上限"),
        "rest": (f"与「{row(c.other)}」间隔不足最短休息 {rules.min_rest_hours:g} 小时"
                 if c.other else "休息时间不足"),
        "same_day": f"与「{row(c.other)}」在同一天（每天最多一个班次）" if c.other else "同一天",
    }
    en = {
        "skill": f"{f.person} lacks skill {f.post}",
        "kind": f"this shift is not open to {_KIND_EN.get(p.kind, '') if p else 'this person'}",
        "unavailable": f"{f.person} is unavailable that day",
        "off": f"{f.person} is off that day (a kept hand edit)",
        "window": f"outside {f.person}'s lending window",
        "day_hours": (f"exceeds the daily limit of {p.max_hours_per_day:g} h" if p
                      else "exceeds the daily limit"),
        "total_hours": (f"exceeds the campaign cap of {p.max_hours_total:g} h"
                        if p and p.max_hours_total is not None else "exceeds the hour cap"),
        "rest": (f"less than {rules.min_rest_hours:g} h rest after/before «{row(c.other)}»"
                 if c.other else "rest too short"),
        "same_day": (f"same day as «{row(c.other)}» (one shift a day)" if c.other
                     else "same day"),
    }
    if lang == "zh":
        return f"固定排班「{row(f)}」无法保留：{zh.get(c.reason, c.reason)}"
    return f"fixed assignment «{row(f)}» cannot be kept: {en.get(c.reason, c.reason)}"


def _run_short(run: _Run, requirement: Mapping[str, Sequence[int]],
               cover: Mapping[str, Sequence[int]]) -> int:
    req, cov = requirement[run.post], cover.get(run.post)
    if cov is None:
        return run.person_intervals
    return sum(max(0, int(req[t]) - int(cov[t])) for t in range(run.start, run.end))


def _around_gaps(result: RosterResult) -> frozenset[int]:
    """The days a what-if may change: those within :data:`WHAT_IF_DAYS_AROUND` of a gap's."""
    per_day = 24 * 60 // result.interval_minutes
    days: set[int] = set()
    for g in result.gaps:
        for d in range(g.start_interval // per_day, (max(g.start_interval, g.end_interval - 1)) // per_day + 1):
            days.update(range(d - WHAT_IF_DAYS_AROUND, d + WHAT_IF_DAYS_AROUND + 1))
    return frozenset(d for d in days if 0 <= d < result.horizon_days)


def _kept_shifts(result: RosterResult, fixed: Sequence[FixedAssignment], open_days: frozenset[int]
                 ) -> list[FixedAssignment]:
    """The roster's shifts outside the open days, fixed (the planner's own fixed ones stay as given)."""
    taken = {(f.person, f.day) for f in fixed}
    return [FixedAssignment(a.person, a.day, a.shift_code, a.post) for a in result.assignments
            if a.day not in open_days and (a.person, a.day) not in taken]


def _kept_off(people: Sequence[Person], result: RosterResult, fixed: Sequence[FixedAssignment],
              open_days: frozenset[int]) -> list[Person]:
    """Each person's days off outside the open days, kept off (unavailable in the what-if). A day
    a kept night shift ends in is not a day off: unavailable, it would forbid that very shift (and
    so every what-if). Such a morning stays open to another shift after the rest rule."""
    per_day = 24 * 60 // result.interval_minutes
    busy = {(a.person, d) for a in result.assignments
            for d in range(a.start_interval // per_day, (a.end_interval - 1) // per_day + 1)}
    busy |= {(f.person, f.day) for f in fixed}
    closed = [d for d in range(result.horizon_days) if d not in open_days]
    return [replace(p, unavailable_days=p.unavailable_days | {d for d in closed if (p.name, d) not in busy})
            for p in people]


@dataclass(frozen=True)
class WhatIfs:
    """The what-if rosters of a roster's gaps: per relaxation or shift design its texts (zh, en),
    its roster and whether it is a design; and the control (nothing relaxed), None without one."""

    relaxed: list[tuple[str, str, RosterResult, bool]]
    control: RosterResult | None


class WhatIfJob:
    """The what-if re-solves of a roster's gaps — each binding rule relaxed, each shift design
    offered (``resolve_time_s`` each, default ``min(5, rules.time_limit_s)``), and once nothing
    relaxed (the control) — as a queue of independent single-threaded solves that helper threads
    and the caller take from (CP-SAT releases the GIL): the same answers however many take part.
    They depend on the roster only through its gaps and the shifts away from them, so they may
    start on a roster of the same gaps while that one is still being priced (department_roster:
    one helper beside the cost phase, the caller joining once it is done)."""

    def __init__(self, result: RosterResult, people: Sequence[Person], shifts: Sequence[ShiftTemplate],
                 requirement: Mapping[str, Sequence[int]], rules: RosterRules, *,
                 day_labels: Sequence[str] | None = None, fixed: Sequence[FixedAssignment] = (),
                 resolve_time_s: float | None = None, requests: Sequence[Request] = (),
                 shift_cover: Sequence[ShiftCover] = (), priority: Mapping[str, Sequence[float]] | None = None,
                 all_hands: Sequence[int] = ()) -> None:
        imin = result.interval_minutes
        limit = min(5.0, rules.time_limit_s) if resolve_time_s is None else resolve_time_s

        def what_if(p2: list[Person], r2: RosterRules, s2: list[ShiftTemplate], open_days: frozenset[int]
                    ) -> RosterResult:
            return solve_roster(
                _kept_off(p2, result, fixed, open_days), s2, requirement, result.horizon_days,
                # a reproducible budget decides (the wall-clock limit is only a generous backstop)
                replace(r2, time_limit_s=limit if r2.deterministic_time is None else 40 * limit + 10,
                        cost_phase=False, deterministic_time=None if r2.deterministic_time is None
                        else min(r2.deterministic_time, limit)),
                list(fixed) + _kept_shifts(result, fixed, open_days), imin, hint=result.assignments,
                requests=requests, shift_cover=shift_cover, priority=priority, all_hands=all_hands,
            )

        instances = shift_instances(shifts, result.horizon_days, imin)
        options = [(*o, list(shifts)) for o in _relaxations(people, shifts, rules, instances)]
        options += personal_relaxations(people, shifts, rules)
        options += shift_designs(_runs(result), shifts, people, rules, imin, day_labels)
        # the control: a re-search moves gaps too (another roster of the same shortfall, or a
        # better one the budget had not reached), so a relaxation is credited only with what it
        # closes beyond the control's roster, never with the search's own wandering
        options.append(("", "", list(people), rules, list(shifts)))
        self.shifts, self.options, self.what_if = list(shifts), options, what_if
        self.around, self.everything = _around_gaps(result), frozenset(range(result.horizon_days))
        self.answers: list[RosterResult | None] = [None] * len(options)
        self.next, self.stopped, self.lock = 0, False, threading.Lock()
        self.helpers: list[Background[None]] = []

    def _work(self) -> None:
        while True:
            with self.lock:
                if self.stopped or self.next >= len(self.options):
                    return
                i, self.next = self.next, self.next + 1
            _, _, p2, r2, s2 = self.options[i]
            self.answers[i] = self.what_if(p2, r2, s2, self.around)

    def start(self, helpers: int) -> WhatIfJob:
        """Let ``helpers`` threads take solves from the queue now."""
        self.helpers += [Background(self._work) for _ in range(max(0, helpers))]
        return self

    def cancel(self) -> None:
        """No more solves (the roster's gaps moved): waits for those under way."""
        with self.lock:
            self.stopped = True
        for h in self.helpers:
            h.get()

    def finish(self) -> WhatIfs:
        """The caller takes its share of the queue, then every answer."""
        self._work()
        for h in self.helpers:
            h.get()
        answers = list(self.answers)
        # the roster itself is a solution of the windowed control, so a control without one means
        # the window broke a rule: then every day is re-solved, rather than no advice in silence
        if answers[-1].status == "infeasible" and self.around != self.everything:  # type: ignore[union-attr]
            with ThreadPoolExecutor(max_workers=max(1, min(len(self.options), os.cpu_count() or 1))) as pool:
                answers = list(pool.map(lambda o: self.what_if(o[2], o[3], o[4], self.everything), self.options))
        control = answers.pop()
        return WhatIfs([(zh_, en_, res2, is_design(o_shifts, self.shifts))
                        for (zh_, en_, _, _, o_shifts), res2 in zip(self.options[:-1], answers, strict=True)
                        if res2.status != "infeasible"],  # type: ignore[union-attr]
                       control if control.status != "infeasible" else None)  # type: ignore[union-attr]


def what_if_rosters(result: RosterResult, people: Sequence[Person], shifts: Sequence[ShiftTemplate],
                    requirement: Mapping[str, Sequence[int]], rules: RosterRules, **kw: Any) -> WhatIfs:
    """The what-ifs of ``result``'s gaps (:class:`WhatIfJob`), on every core now."""
    job = WhatIfJob(result, people, shifts, requirement, rules, **kw)
    return job.start(min(len(job.options), os.cpu_count() or 1) - 1).finish()


def explain(
    result: RosterResult,
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    requirement: Mapping[str, Sequence[int]],
    rules: RosterRules | None = None,
    lang: str = "zh",
    *,
    day_labels: Sequence[str] | None = None,
    fixed: Sequence[FixedAssignment] = (),
    resolve: bool = True,
    resolve_time_s: float | None = None,
    max_lines: int = 30,
    requests: Sequence[Request] = (),
    shift_cover: Sequence[ShiftCover] = (),
    priority: Mapping[str, Sequence[float]] | None = None,
    all_hands: Sequence[int] = (),
    unstaffed: Mapping[str, float] | None = None,
    labour: tuple[float, float] | None = None,
    what_ifs: WhatIfs | None = None,
) -> list[str]:
    """Sentences for a department head, first a summary, then one per understaffed run.
    ``labour`` (cost, premium) is the labour cost with overtime (:mod:`sheetplan.calc.labour`),
    shown in the summary instead of the solver's hours × rate, so the roster sheet states the same
    cost as the labour sheet and the summary. ``what_ifs``: the re-solves, when already made
    (:func:`what_if_rosters`, on a roster with the same gaps).
    ``resolve`` re-solves with each binding rule relaxed (``resolve_time_s`` each, default
    ``min(5, rules.time_limit_s)``) to say which relaxation would close which gap.
    ``unstaffed``: required person-hours of posts no one on the staff holds (not in ``result``):
    the summary counts them as short, so it never reads 100 % or "all covered" while a post has
    nobody."""
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    rules = rules or RosterRules()
    zh = lang == "zh"
    by_name = {p.name: p for p in people}
    if result.status == "infeasible":
        reason = next((c.reason for c in result.conflicts if c.fixed is None), "")
        head = ("排班无解：" if zh else "No roster: ") + {
            "budget": "求解时间不足" if zh else "out of solver budget",
            "too_big": "规模过大" if zh else "too big",
            "min_hours": "有人的活动最少小时无法达到" if zh else "someone's minimum hours cannot be reached",
        }.get(reason, "以下固定排班与规则冲突" if zh else "these fixed assignments break the rules")
        return [head] + [conflict_text(c, rules, by_name, day_labels, lang)
                         for c in result.conflicts]

    n_people = result.people_used
    hours = sum(a.hours for a in result.assignments)
    missing = sum((unstaffed or {}).values())
    short = result.shortfall_hours + missing
    pct = pct_covered(result.required_hours + missing, short)
    status = "partial" if missing > 0 and result.status in ("optimal", "feasible") else result.status
    if labour is not None:
        cost = (f"人工成本 {labour[0]:,.2f}（其中加班 {labour[1]:,.2f}）" if zh
                else f"labour cost {labour[0]:,.2f} ({labour[1]:,.2f} of it overtime)")
    else:
        cost = f"成本 {result.cost:,.2f}" if zh else f"cost {result.cost:,.2f}"
    if zh:
        lines = [
            f"排班 {len(result.assignments)} 人次（{n_people} 人），工时 {hours:g} 小时，"
            f"{cost}，需求覆盖率 {pct}，"
            f"缺口 {short:g} 人·小时（{_STATUS_ZH[status]}）"
        ]
    else:
        lines = [
            f"{len(result.assignments)} shifts for {n_people} people, {hours:g} paid hours, "
            f"{cost}, {pct} of required hours covered, "
            f"{short:g} person-hours short ({_STATUS_EN[status]})"
        ]
    lines += wish_lines(result, requests, day_labels, lang)
    if result.all_hands_off:
        is_duty = duty(requirement, shift_cover, shift_instances(shifts, result.horizon_days, result.interval_minutes))
        lines += all_hands_lines(result, by_name, shifts, day_labels, lang, rules, is_duty)
    runs = _runs(result)
    shift_runs = shift_gap_runs(result, shift_cover, day_labels, lang)
    if not runs and not shift_runs and not missing:
        lines.append("所有岗位在所有时段均已满足需求。" if zh
                     else "Every post is covered in every interval.")
        return lines

    imin = result.interval_minutes
    instances = shift_instances(shifts, result.horizon_days, imin)
    relaxed: list[tuple[str, str, RosterResult, bool]] = []  # texts, what-if roster, a shift design
    control: RosterResult | None = None  # the same people and rules searched again, nothing relaxed
    if resolve:
        found = what_ifs if what_ifs is not None else what_if_rosters(
            result, people, shifts, requirement, rules, day_labels=day_labels, fixed=fixed,
            resolve_time_s=resolve_time_s, requests=requests, shift_cover=shift_cover, priority=priority,
            all_hands=all_hands)
        relaxed, control = found.relaxed, found.control
    # "search more" only for a control that is better as the planner weighs it: fewer short hours
    # and no deeper gap anywhere
    searched_better = (control is not None and control.shortfall_hours < result.shortfall_hours - 1e-9
                       and max((g.shortfall for g in control.gaps), default=0)
                       <= max((g.shortfall for g in result.gaps), default=0))

    iph = 60 // imin
    for run in runs[:max_lines]:
        span = format_span(run.start, run.end, imin, day_labels, lang)
        lo, hi = min(run.short), max(run.short)
        person_hours = run.person_intervals / iph
        if zh:
            size = f"缺 {hi} 人" if lo == hi else f"缺 {lo}–{hi} 人（共 {person_hours:g} 人·小时）"
        else:
            size = (f"short by {hi}" if lo == hi
                    else f"short by {lo}–{hi} ({person_hours:g} person-hours)")
        clauses: list[str] = []
        n_extra, days, uncoverable = _extra_people(run, instances)
        if uncoverable:
            a, b = min(uncoverable), max(uncoverable) + 1
            hole = format_span(a, b, imin, day_labels, lang)
            clauses.append(f"没有任何班次覆盖 {hole}，需增加覆盖该时段的班次" if zh
                           else f"no shift template covers {hole}: add one that does")
        if n_extra:
            day_names = [_day_label(d, day_labels, lang) for d, _ in days]
            one_day = len(day_names) == 1
            if zh:
                when = "当日" if one_day else f"在 {'、'.join(day_names)}"
                clauses.append(f"可增加 {n_extra} 名具备「{run.post}」技能、{when}可上班的人员")
            else:
                when = "that day" if one_day else f"on {', '.join(day_names)}"
                who = "person" if n_extra == 1 else "people"
                clauses.append(f"add {n_extra} {who} with skill {run.post} who can work {when}")
        # cross-training: another post over-staffed throughout the run
        for other in sorted(result.cover):
            if other == run.post or other not in requirement:
                continue
            surplus = min(result.cover[other][t] - int(requirement[other][t])
                          for t in range(run.start, run.end))
            if surplus > 0:
                k = min(surplus, hi)
                clauses.append(f"或从富余的「{other}」调 {k} 人并培训其兼任「{run.post}」" if zh
                               else f"or cross-train {k} of the spare {other} staff for "
                                    f"{run.post}")
        before = run.person_intervals
        again = before if control is None else _run_short(run, requirement, control.cover)
        if searched_better and again < before:
            if zh:
                effect = "可消除该缺口" if again == 0 else f"缺口可降至 {again / iph:g} 人·小时"
                clauses.append(f"或提高排班求解预算（同样的人员和规则多搜索一轮，{effect}）")
            else:
                effect = "the gap closes" if again == 0 else f"the gap falls to {again / iph:g} person-hours"
                clauses.append(f"or raise the roster solver budget (the same people and rules searched "
                               f"once more: {effect})")
        for text_zh, text_en, res2, design in relaxed:
            after = _run_short(run, requirement, res2.cover)
            if after >= min(before, again):
                continue
            if design:
                if not design_uses(res2, run.post, run.start, run.end):
                    continue  # "about 0 shifts closes the gap": the re-search's doing, not the design's
                text_zh, text_en = design_text(text_zh, text_en, res2, run.post, run.start, run.end)
            if zh:
                effect = "可消除该缺口" if after == 0 else f"缺口可降至 {after / iph:g} 人·小时"
                # "（当前 11 小时，改为 8 小时" takes a comma before "缺口可降至"; "…上限（" does not
                comma = "，" if after and not text_zh.endswith("（") else ""
                clauses.append(f"或{text_zh}{comma}{effect}）")
            else:
                effect = ("the gap closes" if after == 0
                          else f"the gap falls to {after / iph:g} person-hours")
                clauses.append(f"or {text_en}{'' if text_en.endswith('(') else ' '}{effect})")
        qualified = _qualified(run, people, instances)
        peak = max(int(requirement[run.post][t]) for t in range(run.start, run.end))
        if qualified < peak:
            clauses.append(f"目前具备「{run.post}」技能且能上这些时段的只有 {qualified} 人" if zh
                           else f"only {qualified} people with skill {run.post} can work "
                                f"these hours at all")
        joined = ("，" if zh else "; ").join(_strip_or(c, i, zh) for i, c in enumerate(clauses))
        sep = "：" if zh else ": "
        # who has the skill and what keeps them off, at the run's deepest interval
        who = gap_reasons(result, people, shifts, instances, rules, run.post, run.start + run.short.index(hi), lang)
        size += (f"（{who}）" if zh else f" ({who})") if who else ""
        lines.append(f"{run.post} {span} {size}" + (sep + joined if joined else ""))
    for text, (day, code, post) in shift_runs[: max(0, max_lines - len(runs))]:
        clauses = []
        def short_of(res: RosterResult, key: tuple[int, str, str] = (day, code, post)) -> int:
            return sum(max(0, c.need - on_shift(res, c)) for c in shift_cover if (c.day, c.shift_code, c.post) == key)

        before = short_of(result)
        floor = before if control is None else min(before, short_of(control))
        for text_zh, text_en, res2, design in relaxed:
            after = short_of(res2)
            if after < floor and not design:  # designs answer interval gaps, not head counts
                effect = ("可消除该缺口" if after == 0 else f"，可降至缺 {after} 人") if zh else (
                    "the gap closes" if after == 0 else f"{after} short then")
                clauses.append(f"或{text_zh}{effect}）" if zh else f"or {text_en} {effect})")
        joined = ("，" if zh else "; ").join(_strip_or(c, i, zh) for i, c in enumerate(clauses))
        lines.append(text + (("：" if zh else ": ") + joined if joined else ""))
    if len(runs) + len(shift_runs) > max_lines:
        rest = len(runs) + len(shift_runs) - max_lines
        lines.append(f"……另有 {rest} 处缺口未列出" if zh else f"… and {rest} more gaps")
    # a window filled first can push a gap elsewhere, deeper: say so where such gaps are listed
    prio = priority or {}
    outside = [run for run in runs if not any(w > 1 for w in prio.get(run.post, ())[run.start:run.end])]
    weights = sorted({w for row in prio.values() for w in row if w > 1})
    if weights and outside:
        w = "/".join(f"{x:g}" for x in weights)
        lines.append(f"注：必保时段（权重 {w}）优先排满，其余时段的缺口可能因此加深" if zh
                     else f"Note: must-cover windows (weight {w}) are filled first; gaps elsewhere may be deeper "
                          "for it")
    if any(res.clock_cut for res in [*(r for _, _, r, _ in relaxed), *([control] if control else [])]):
        lines.append(WHAT_IF_CUT[lang])
    return lines


def pct_covered(required: float, short: float) -> str:
    """The share of required hours covered, '99.9%' at most while anything is short (a rounded
    '100.0%' beside a gap would say all is met)."""
    if required <= 0:
        return "100.0%"
    pct = 100.0 * (1 - short / required)
    return f"{min(pct, 99.9) if short > 0 else pct:.1f}%"


def _strip_or(clause: str, index: int, zh: bool) -> str:
    """The first suggestion reads without a leading 'or'."""
    if index == 0:
        if zh and clause.startswith("或"):
            return clause[1:]
        if not zh and clause.startswith("or "):
            return clause[3:]
    elif not zh and not clause.startswith("or ") and not clause.startswith("only "):
        return "or " + clause
    return clause


def _qualified(run: _Run, people: Sequence[Person], instances: Sequence) -> int:
    """People who hold the post's skill and may work some shift touching the run."""
    touching = [i for i in instances if i.start_i < run.end and run.start < i.end_i]
    return sum(
        1
        for p in people
        if run.post in p.posts and any(block_reason(p, i) is None for i in touching)
    )


@dataclass(frozen=True)
class Idle:
    """Why a person got no shift. ``reason``: ``no_shift`` (no template is open to their kind),
    ``blocked`` (their own limits rule out every shift open to them; ``detail`` is the most
    common block reason), ``no_overlap`` (no shift open to them touches a requirement of their
    posts) or ``not_needed`` (others cover the requirement at lower cost). ``shifts`` lists the
    template codes they could work."""

    person: str
    reason: str
    detail: str = ""
    shifts: tuple[str, ...] = ()


def idle_people(
    result: RosterResult,
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    requirement: Mapping[str, Sequence[int]],
) -> list[Idle]:
    """Everyone with no assignment, and why — so that no one is left at 0 hours in silence."""
    busy = {a.person for a in result.assignments}
    idle = [p for p in people if p.name not in busy]
    return _why_idle(idle, shifts, requirement, result.horizon_days, result.interval_minutes)


def structural_idle(
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    requirement: Mapping[str, Sequence[int]],
    horizon_days: int,
    interval_minutes: int = 60,
) -> list[Idle]:
    """People no roster can give a shift, whatever the solver does (found without solving)."""
    found = _why_idle(people, shifts, requirement, horizon_days, interval_minutes)
    return [i for i in found if i.reason != "not_needed"]


def _why_idle(
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    requirement: Mapping[str, Sequence[int]],
    horizon_days: int,
    interval_minutes: int,
) -> list[Idle]:
    instances = shift_instances(shifts, horizon_days, interval_minutes)
    prefix = {q: _prefix(v) for q, v in requirement.items()}
    out = []
    for p in people:
        open_to = [i for i in instances if p.kind in i.template.kinds]
        reasons = [block_reason(p, i) for i in open_to]
        allowed = [i for i, r in zip(open_to, reasons, strict=True) if r is None]
        codes = tuple(dict.fromkeys(i.template.code for i in allowed))
        if not open_to:
            out.append(Idle(p.name, "no_shift"))
        elif not allowed:
            common = max(set(reasons), key=lambda r: (reasons.count(r), str(r)))
            out.append(Idle(p.name, "blocked", str(common)))
        elif not any(_touches(prefix.get(q), i) for i in allowed for q in p.posts):
            out.append(Idle(p.name, "no_overlap", shifts=codes))
        else:
            out.append(Idle(p.name, "not_needed", shifts=codes))
    return out


def _prefix(values: Sequence[int]) -> list[int]:
    out = [0]
    for v in values:
        out.append(out[-1] + int(v))
    return out


def _touches(prefix: list[int] | None, inst: object) -> bool:
    if prefix is None:
        return False
    a = max(0, inst.start_i)  # type: ignore[attr-defined]
    b = min(len(prefix) - 1, inst.end_i)  # type: ignore[attr-defined]
    return a < b and prefix[b] - prefix[a] > 0

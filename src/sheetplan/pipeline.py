"""Plan -> every number of every output, computed once. Used by the build, the ribbon, `check`
and scripts alike; nothing here writes a file.

The order matters and is the same everywhere: the models (warehouse heads, Erlang C, the fixed
head counts) give series per interval; the plan's requirements (typed rows and the vocabulary's
defaults, :mod:`sheetplan.plan.requirements`) say which department and post each feeds; every
department with staff and a requirement gets a named roster on the shared shift templates; and
everything that could not be honoured becomes a warning naming sheet and row.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from .calc.calendar import minutes_of
from .calc.campaign_service import FIXED_GROUPS, ServicePlan, plan_service
from .calc.department_roster import DepartmentRoster, busy_days, floor_line, roster_department, unreachable_minimums
from .calc.duty_demand import Need, department_requirements, warehouse_series
from .calc.labour import Pay, roster_pay
from .calc.outreach import calls_per_caller_per_day
from .calc.products import ProductPlan, StockRules, TierRules, plan_products
from .calc.roster import FixedAssignment, Gap
from .calc.roster_days import CRITICAL_KINDS, day_worst, graded
from .calc.roster_design import ALL_HANDS_HEAD
from .calc.roster_explain import WHAT_IF_CUT, Idle, format_span, structural_idle
from .calc.shares import ShareTable, share_table
from .calc.shifts import CoverageAudit
from .calc.warehouse import Post, WarehouseStaffing, staff_warehouse
from .calc.warehouse_check import WarehouseCheck, reconcile, stress_what_if
from .i18n import join
from .messages import msg
from .plan import to_roster, to_service
from .plan.model import Edit, Plan
from .plan.problems import Problem
from .plan.requirements import SERVICE_SERIES, Resolution, resolve, spans
from .plan.schema import CHOICE_EN, SETTINGS, SETTINGS_SHEET, YES

MAX_ROSTER_PEOPLE = 1500  # people in one department's roster (a bigger one is split into teams)


@dataclass(frozen=True)
class Demand:
    """What every department needs, before anyone is rostered."""

    resolution: Resolution
    models: dict[str, list[int]]  # series name -> people per interval
    requirements: dict[str, dict[str, list[int]]]  # department -> post -> people per interval
    service: ServicePlan | None
    warehouse: WarehouseStaffing


@dataclass(frozen=True)
class ServiceRoster:
    """The named roster on the posts the Erlang C requirement feeds, per shift instance."""

    posts: list[tuple[str, str]]  # (department, post)
    people: dict[tuple[int, str], int]  # (day, shift code) -> people on those posts
    cover: list[int]
    audit: CoverageAudit


@dataclass(frozen=True)
class Results:
    """Every number the outputs show, computed once by the calculators."""

    warehouse: WarehouseStaffing
    warehouse_stress: WarehouseStaffing
    shares: ShareTable
    outreach: float | None
    service: ServicePlan | None
    rosters: list[DepartmentRoster]
    products: ProductPlan | None
    demand: Demand | None = None
    service_roster: ServiceRoster | None = None
    problems: list[Problem] = field(default_factory=list)  # warnings found while computing
    plan: Plan | None = field(default=None, repr=False, compare=False)
    labour: dict[str, list[Pay]] = field(default_factory=dict)  # department -> pay per person
    # department -> its warehouse posts' heads against its roster (and the stress what-if when asked)
    warehouse_checks: dict[str, WarehouseCheck] = field(default_factory=dict)
    # the change log of --keep-edits as rostered (the 改动记录 sheets): the plan's, with each edit
    # the last guard dropped shown not kept — a log that said 'kept' there would not be true
    edits: list[Edit] = field(default_factory=list)

    def to_frames(self) -> dict[str, Any]:
        """Every computed table as a pandas DataFrame: warehouse, shares, service (per interval),
        shift_plan, assignments, cover (per department, post and interval), warehouse_check (heads
        against the roster per post and day), products, stock_plan, problems."""
        from .result_frames import results_frames

        return results_frames(self)


def warehouse(plan: Plan, factor: float = 1.0) -> WarehouseStaffing:
    posts = [Post(p.group, p.post, p.per_person or 0.0, p.fixed or 0) for p in plan.posts]
    return staff_warehouse(plan.settings.daily_orders, plan.settings.coefficient, posts, factor)


def service_plan(plan: Plan, department: str | None = None) -> ServicePlan | None:
    """Erlang C per interval, the cheapest plan on the department's shift templates (staff
    unlimited) and the free-start theoretical minimum beside it."""
    if not plan.service:
        return None
    s = plan.settings
    templates = to_roster.templates_for(plan, department)
    return plan_service(
        to_service.days(plan), to_service.params(plan), to_service.template_types(templates, s.interval_minutes),
        max_part_time_people=s.max_students_per_day, max_part_time_share=s.max_part_time_share,
        minimum_types=to_service.free_types(templates),
    )


def demand(plan: Plan) -> Demand:
    """Requirements per department and post, from the models and the plan's requirement rows."""
    s = plan.settings
    resolution = resolve(plan)
    service_dept = next((d for d, _ in resolution.posts_fed_by(SERVICE_SERIES)), None)
    service = service_plan(plan, service_dept)
    wh = warehouse(plan)
    n = len(s.days) * 1440 // s.interval_minutes
    models: dict[str, list[int]] = {}
    if service is not None:
        models[SERVICE_SERIES] = list(service.requirement)
        for group in FIXED_GROUPS:
            models[f"fixed:{group}"] = service.fixed_series(group)
    models.update(_warehouse_models(plan, wh))
    needs = [nd for nd in resolution.needs if nd.series is None or nd.series in models]
    reqs = department_requirements(needs, n, s.interval_minutes, models)
    return Demand(resolution, models, reqs, service, wh)


def _warehouse_models(plan: Plan, wh: WarehouseStaffing) -> dict[str, list[int]]:
    """'warehouse:<post>' -> people on duty per interval, from the heads of ``wh``."""
    s = plan.settings
    sale = s.days.index(s.sale_day) if s.sale_day in s.days else 0
    heads = {p.post.name: p.heads for g in wh.groups for p in g.posts}
    wh_series = warehouse_series(
        heads, len(s.days), sale, s.interval_minutes, open_minute=minutes_of(s.warehouse_open),
        close_minute=minutes_of(s.warehouse_close, is_end=True), backlog_days=s.backlog_days,
    )
    return {f"warehouse:{post}": series for post, series in wh_series.items()}


def warehouse_checks(plan: Plan, dem: Demand, rosters_: list[DepartmentRoster]) -> dict[str, WarehouseCheck]:
    """Per department whose posts take the warehouse model: heads against the roster, per post and
    day; and, when the plan asks (排班压力测试), the warehouse requirement at the stress factor
    rostered as a what-if with the same people, shifts and rules."""
    s = plan.settings
    heads = {p.post.name: p.heads for g in dem.warehouse.groups for p in g.posts}
    fed: dict[str, dict[str, str]] = defaultdict(dict)  # department -> its post -> the warehouse post
    for post in heads:
        for dept, q in dem.resolution.posts_fed_by(f"warehouse:{post}"):
            fed[dept][q] = post
    sale = s.days.index(s.sale_day) if s.sale_day in s.days else 0
    peak = [d for d in range(sale, sale + s.backlog_days + 1) if d < len(s.days)]
    stress = warehouse(plan, s.stress_factor) if s.roster_stress == YES else None
    stressed = {p.post.name: p.heads for g in stress.groups for p in g.posts} if stress else {}
    out = {}
    for r in rosters_:
        posts = fed.get(r.department)
        if not posts or r.result.status == "infeasible":
            continue
        model = {q: dem.models[f"warehouse:{w}"] for q, w in posts.items()}
        fixed = to_roster.fixed_assignments(plan, r.department)
        whole = {**dem.requirements.get(r.department, {}), **r.requirement}  # posts no one holds too
        check = reconcile(r.department, {q: heads[w] for q, w in posts.items()}, model, whole, r.result,
                          r.shifts, r.people, peak, fixed)
        if stress is not None:
            models = {**dem.models, **_warehouse_models(plan, stress)}
            needs = [nd for nd in dem.resolution.of(r.department) if nd.series is None or nd.series in models]
            n = len(s.days) * 1440 // s.interval_minutes
            req = department_requirements(needs, n, s.interval_minutes, models).get(r.department, {})
            what_if = stress_what_if(
                {q: stressed[w] for q, w in posts.items()}, req, r.people, r.shifts, to_roster.rules(plan),
                len(s.days), s.interval_minutes, fixed=fixed, requests=to_roster.requests(plan, r.department),
                shift_cover=to_roster.shift_cover(plan, r.department), hint=r.result.assignments)
            check = replace(check, factor=s.stress_factor, stress=what_if)
        out[r.department] = check
    return out


THREADS_ENV = "SHEETPLAN_THREADS"  # batch workers set 1: their processes already use every core


def roster_threads() -> int:
    """How many departments solve at once: one per CPU unless ``SHEETPLAN_THREADS`` says otherwise."""
    value = os.environ.get(THREADS_ENV, "")
    return int(value) if value.isdigit() and int(value) > 0 else os.cpu_count() or 1


@dataclass(frozen=True)
class Rostered:
    """One department's roster as every output shows it, with what follows from it alone."""

    roster: DepartmentRoster
    dropped: dict[str, str]  # the hand edits its last guard dropped: their cell -> why
    problems: list[Problem]  # its gaps, a roster that could not be made, idle people
    labour: list[Pay]
    check: WarehouseCheck | None  # its warehouse posts' heads against it, when it has such posts


# a finished department, the warnings found before any roster, and the hand edits dropped so far
# (every finished department's: the change log each workbook stores counts every department's)
Ready = Callable[[Rostered, list[Problem], dict[str, str]], None]


def rosters(plan: Plan, dem: Demand) -> tuple[list[DepartmentRoster], list[Problem], dict[str, str]]:
    """A named roster for every department that has staff and a requirement; the problems; and
    the hand edits the last guard dropped (their cell -> why), for the change log."""
    done, problems = rostered(plan, dem)
    return [d.roster for d in done], problems, {k: v for d in done for k, v in d.dropped.items()}


def rostered(plan: Plan, dem: Demand, ready: Ready | None = None) -> tuple[list[Rostered], list[Problem]]:
    """Every department's :class:`Rostered`, in the plan's order, and every problem in the order
    检查结果 lists them. ``ready`` is called (in this thread) with the departments finished so far
    whenever a core is free while others still solve, so a caller can write them meanwhile."""
    jobs, before = _roster_jobs(plan, dem)
    done: dict[int, Rostered] = {}
    waiting: list[int] = []
    workers = max(1, min(len(jobs), roster_threads()))
    # each solve is single-threaded and deterministic, and CP-SAT releases the GIL: departments
    # solve side by side on the machine's cores, with the same rosters as one after the other
    with ThreadPoolExecutor(max_workers=workers) as pool:
        index = {pool.submit(job): i for i, job in enumerate(jobs)}
        left = set(index)
        while left:
            finished, left = wait(left, return_when=FIRST_COMPLETED)
            for f in finished:
                done[index[f]] = _finish(plan, dem, jobs[index[f]], f.result())
                waiting.append(index[f])
            if ready is not None and left and len(left) < workers:
                dropped = {k: v for j in sorted(done) for k, v in done[j].dropped.items()}
                for i in sorted(waiting):
                    ready(done[i], before, dropped)
                waiting.clear()
    out = [done[i] for i in range(len(jobs))]
    problems = [*before, *(p for d in out for p in _dropped_problems(plan, d.dropped))]
    problems += [p for d in out for p in d.problems]
    return out, problems + _attendance_problems(plan, dem)


def _roster_jobs(plan: Plan, dem: Demand) -> tuple[list[partial], list[Problem]]:
    """One solve per department that gets a roster; a warning for each that cannot (too big, no shifts)."""
    s = plan.settings
    labels = s.day_labels
    rules = to_roster.rules(plan)
    jobs: list[partial] = []
    problems: list[Problem] = []
    for dept, requirement in dem.requirements.items():
        staff = [p for p in plan.staff if p.department == dept]
        why = _no_roster(plan, dem, dept)
        if why == "too_big":  # bounded time and memory: split such a department into teams
            problems.append(Problem(staff[0].cells.get("department", ""), msg(
                "dept_too_big", plan.lang, dept=dept, n=len(staff), max=MAX_ROSTER_PEOPLE), "warning"))
        elif why == "no_shifts":
            problems.append(Problem(staff[0].cells.get("department", ""), msg("dept_no_shifts", plan.lang, dept=dept),
                                    "warning"))
        if why:  # no staff: reported by the resolution (a requirement no one can work)
            continue
        shifts = to_roster.shift_templates(plan, dept)
        people = [to_roster.person(plan, p, s.interval_minutes) for p in staff]
        needed = _needed_days(plan, dem, dept)
        jobs.append(partial(
            roster_department, dept, people, shifts, requirement, len(s.days), rules,
            interval_minutes=s.interval_minutes, day_labels=labels, lang=plan.lang,
            fixed=to_roster.fixed_assignments(plan, dept), requests=to_roster.requests(plan, dept),
            shift_cover=to_roster.shift_cover(plan, dept), pay_rules=to_roster.pay_rules(plan), dates=s.days,
            priority=to_roster.priority(plan, dept, list(requirement), s.interval_minutes),
            all_hands=[d for d in to_roster.all_hands_days(plan, dept) if d in needed],
            ahead=roster_threads() > 1,  # what-ifs beside the cost phase: the same answers, sooner
        ))
    return jobs, problems


def _finish(plan: Plan, dem: Demand, job: partial, r: DepartmentRoster) -> Rostered:
    """A solved department as the outputs show it: failing hand edits dropped, each day's worst
    interval, its warnings, pay and warehouse check."""
    r, dropped = _without_failing_edits(plan, job, r)
    fed = dem.resolution.posts_fed_by(SERVICE_SERIES)
    r = replace(r, days=day_worst(r, dem.service, [q for d, q in fed if d == r.department]))
    check = warehouse_checks(plan, dem, [r]).get(r.department)
    return Rostered(r, dropped, _roster_problems(plan, dem, r) + _clock_problems(plan, r, check)
                    + _idle_problems(plan, r.department, r.idle), labour(plan, r), check)


def _clock_problems(plan: Plan, r: DepartmentRoster, check: WarehouseCheck | None) -> list[Problem]:
    """A warning when a solve of the department (its roster, a what-if, the stress case) was cut
    short by the wall-clock backstop: the same plan may then give another roster next time."""
    cut = (r.result.clock_cut or WHAT_IF_CUT[plan.lang] in r.explanation
           or bool(check and check.stress and any(s.clock_cut for s in check.stress)))
    if not cut:
        return []
    return [Problem(plan.sheets.get("campaign", ""), msg("roster_clock_cut", plan.lang, dept=r.department),
                    "warning", r.department)]


def _dropped_problems(plan: Plan, dropped: Mapping[str, str]) -> list[Problem]:
    return [Problem(where, msg("edit_not_kept", plan.lang, why=why), "warning") for where, why in dropped.items()]


def _no_roster(plan: Plan, dem: Demand, dept: str) -> str | None:
    """Why :func:`rosters` makes no roster for ``dept`` ('nothing', 'no_requirement', 'no_staff',
    'too_big', 'no_shifts'), or None when it makes one."""
    staff = sum(p.department == dept for p in plan.staff)
    if dept not in dem.requirements:
        return "no_requirement" if staff else "nothing"
    if not staff:
        return "no_staff"
    if staff > MAX_ROSTER_PEOPLE:
        return "too_big"
    return None if to_roster.shift_templates(plan, dept) else "no_shifts"


def _attendance_problems(plan: Plan, dem: Demand) -> list[Problem]:
    """Each department the 考勤排班部门 setting names that gets no roster, and so no attendance
    import: a warning at the setting's cell saying why (a name that is no department at all is
    the reader's warning)."""
    s, lang = plan.settings, plan.lang
    col = next(c for c in SETTINGS if c.key == "attendance_departments")
    where = s.cells.get(col.key, plan.sheets.get(SETTINGS_SHEET.key, SETTINGS_SHEET.label(lang)))
    known = plan.department_names()
    out = []
    for dept in dict.fromkeys(s.attendance_departments):
        why = _no_roster(plan, dem, dept) if dept in known else None
        if why:
            out.append(Problem(where, msg("attendance_no_roster", lang, column=col.label(lang), dept=dept,
                                          why=msg(f"no_roster_{why}", lang, max=MAX_ROSTER_PEOPLE)), "warning", dept))
    return out


def _without_failing_edits(plan: Plan, job: partial, r: DepartmentRoster) -> tuple[DepartmentRoster, dict[str, str]]:
    """A department that cannot be rostered with the hand edits kept (--keep-edits) is rostered
    without them — first the shifts the solver names, then one person's edits, then all; shifts
    and days off alike — each dropped edit (its cell -> why) a warning at that cell and a line
    'not kept' in the change log: kept edits never empty a department."""
    days = to_roster.day_index(plan)
    edits = {FixedAssignment(f.name, days[f.date], f.shift, f.post): f for f in plan.fixed
             if f.cells.get("edit") and f.date in days}
    offs = {(s.name, days[o.date]): o.where for s in plan.staff if s.department == r.department
            for o in s.days_off if o.date in days}  # days off typed by hand: no conflict names them
    kept = _Kept([f for f in job.keywords.get("fixed", ())], set(offs))
    dropped: dict[str, str] = {}
    while r.result.status == "infeasible" and (any(f in edits for f in kept.fixed) or kept.offs):
        named = {c.fixed for c in r.result.conflicts if c.fixed in edits} & set(kept.fixed)
        why = msg("edit_infeasible", plan.lang, why=r.explanation[-1] if r.explanation else r.result.status)
        if named:
            drop, r = _Kept(list(named), set()), None
        else:  # the solver names none: one person's edits at a time, before all of them
            r, drop = _one_person_at_a_time(job, kept, edits)
            drop = drop or _Kept([f for f in kept.fixed if f in edits], set(kept.offs))
        dropped |= {edits[f].cells.get("name", ""): why for f in kept.fixed if f in drop.fixed}
        dropped |= {offs[k]: msg("edit_infeasible", plan.lang, why=msg("edit_off_rules", plan.lang, name=k[0]))
                    for k in sorted(drop.offs)}  # a day off conflicts with its person's own rules
        kept = _Kept([f for f in kept.fixed if f not in drop.fixed], kept.offs - drop.offs)
        r = r if r is not None else _solve(job, kept)
    return r, dropped


@dataclass(frozen=True)
class _Kept:
    """The hand edits a department is rostered with: fixed shifts, and days off (person, day)."""

    fixed: list[FixedAssignment]
    offs: set[tuple[str, int]]

    def of(self, person: str, edits: Mapping[FixedAssignment, object]) -> _Kept:
        return _Kept([f for f in self.fixed if f in edits and f.person == person],
                     {k for k in self.offs if k[0] == person})

    def without(self, other: _Kept) -> _Kept:
        return _Kept([f for f in self.fixed if f not in other.fixed], self.offs - other.offs)


def _solve(job: partial, kept: _Kept) -> DepartmentRoster:
    """The department's roster with only the ``kept`` hand edits (the others' days off given back)."""
    people = [replace(p, off_days=frozenset(d for d in p.off_days if (p.name, d) in kept.offs),
                      off_words=tuple((d, w) for d, w in p.off_words if (p.name, d) in kept.offs))
              for p in job.args[1]]
    return job.func(job.args[0], people, *job.args[2:], **{**job.keywords, "fixed": kept.fixed})


TRY_PEOPLE = 6  # people whose edits are dropped one at a time before all are (a solve each)


def _one_person_at_a_time(job: partial, kept: _Kept, edits: Mapping[FixedAssignment, object]
                          ) -> tuple[DepartmentRoster | None, _Kept | None]:
    """The roster without one person's edits, for the first person (of the first TRY_PEOPLE with
    edits) whose edits alone make it impossible, and those edits; (None, None) when none is."""
    people = list(dict.fromkeys([*(f.person for f in kept.fixed if f in edits), *sorted(n for n, _ in kept.offs)]))
    for person in people[:TRY_PEOPLE] if len(people) > 1 else []:
        drop = kept.of(person, edits)
        r = _solve(job, kept.without(drop))
        if r.result.status != "infeasible":
            return r, drop
    return None, None


def _roster_problems(plan: Plan, dem: Demand, r: DepartmentRoster) -> list[Problem]:
    """A roster that could not be made, and every post left short, at the row that asked for it."""
    lang = plan.lang
    if r.result.status == "infeasible":  # a department with no roster at all: the gravest outcome
        where = next((f.cells.get("name", "") for f in plan.fixed for c in r.result.conflicts
                      if c.fixed and (f.name, f.shift, f.post) == (c.fixed.person, c.fixed.shift_code, c.fixed.post)),
                     plan.sheets.get("fixed" if r.result.conflicts and r.result.conflicts[0].fixed else "campaign", ""))
        return [Problem(where, msg("roster_failed", lang, dept=r.department, why=r.explanation[-1]), "critical",
                        r.department)]
    out = [_floor_problem(plan, r.department, *floor) for floor in r.floors]
    labels = plan.settings.day_labels
    needs = dem.resolution.of(r.department)
    days = plan.settings.days
    sale = days.index(plan.settings.sale_day) if plan.settings.sale_day in days else None
    for post in r.requirement:
        gaps = [g for g in r.result.gaps if g.post == post]
        if not gaps:
            continue
        pieces = graded(gaps, r.priority, r.requirement, r.result.interval_minutes, sale)
        gaps = [g for g, _ in pieces]
        why = {g: kind for g, kind in pieces if kind}
        window = [g for g, k in why.items() if k == "must_cover"]
        if window:  # a must-cover window's gap is read at the window's own row, apart from the rest
            out.append(_window_problem(plan, r, post, window))
            gaps = [g for g in gaps if g not in window]
            why = {g: k for g, k in why.items() if k != "must_cover"}
            if not gaps:
                continue
        hours, worst, span = _extent(gaps, r.result.interval_minutes, labels, lang)
        if why:  # say which (the peak, half-empty sale-day hours) and how much of the gap is there
            kinds = [k for k in CRITICAL_KINDS if k in why.values()]
            at = _and([msg(f"crit_{k}", lang) for k in kinds], lang)
            # the deepest of the critical gaps is the one named (not a deeper one on another day)
            crit, worst, span = _extent(list(why), r.result.interval_minutes, labels, lang)
            there = at if len(kinds) == 1 else msg("crit_these", lang)
            part = msg("roster_short_part", lang, crit=f"{crit:g}", at=there) if crit < hours else ""
            text = msg("roster_short_critical", lang, dept=r.department, post=post, at=at, hours=f"{hours:g}",
                       part=part, span=span, n=worst.shortfall)
        else:
            text = msg("roster_short", lang, dept=r.department, post=post, hours=f"{hours:g}", span=span,
                       n=worst.shortfall)
        where = _asked_at(needs, post, worst.start_interval * r.result.interval_minutes)
        out.append(Problem(where or plan.sheets.get("requirements", ""), text, "critical" if why else "warning",
                           r.department))
    # everyone off on an all-hands day, with the rule that keeps them off, at the department's row
    dept = next((d for d in plan.departments if d.department == r.department), None)
    cell = dept.cells.get("all_hands", dept.cells.get("department", "")) if dept else plan.sheets.get("departments", "")
    out += [Problem(cell, msg("all_hands_off", lang, dept=r.department, line=line), "warning", r.department)
            for line in r.explanation if line.startswith(ALL_HANDS_HEAD[lang])]
    return out


def _window_problem(plan: Plan, r: DepartmentRoster, post: str, gaps: list[Gap]) -> Problem:
    """The gaps of a post inside must-cover windows, at the 必保时段 row whose window holds the
    deepest of them (the department's window for every post when no row names the post)."""
    lang, minutes = plan.lang, r.result.interval_minutes
    hours, worst, span = _extent(gaps, minutes, plan.settings.day_labels, lang)
    minute = worst.start_interval * minutes
    rows = [w for w in plan.must_cover if w.department == r.department and w.post in (post, "")]
    held = [w for w in rows if (s := spans(w, plan.settings)) is None or any(a <= minute < b for a, b in s)]
    row = (held or rows)[0] if rows else None
    where = (row.cells.get("post") or row.cells.get("department", "")) if row else plan.sheets.get("mustcover", "")
    text = msg("roster_short_critical", lang, dept=r.department, post=post, at=msg("crit_must_cover", lang),
               hours=f"{hours:g}", part="", span=span, n=worst.shortfall)
    return Problem(where, text, "critical", r.department)


def _extent(gaps: Sequence[Gap], minutes: int, labels: Sequence[str], lang: str) -> tuple[float, Gap, str]:
    """Gaps of one post: their person-hours, the deepest (earliest first) and its span as text."""
    hours = sum(g.shortfall * (g.end_interval - g.start_interval) for g in gaps) / (60 // minutes)
    worst = max(gaps, key=lambda g: (g.shortfall, -g.start_interval))
    return hours, worst, format_span(worst.start_interval, worst.end_interval, minutes, labels, lang)


def _asked_at(needs: Sequence[Need], post: str, minute: int) -> str:
    """The row that asked for a post at a minute of the campaign: a typed row whose window holds
    it, else a row asking every day (a model series), else the post's first row — a gap is cited
    where its requirement was typed, not at an every-day row that happens to come first."""
    rows = [n for n in needs if n.post == post]
    typed = [n for n in rows if n.spans is not None and any(a <= minute < b for a, b in n.spans)]
    every = [n for n in rows if n.spans is None]
    return (typed or every or rows)[0].where if rows else ""


def _and(items: list[str], lang: str) -> str:
    """两项和三项 / one, two and three: the last two joined by "and"."""
    if len(items) < 2:
        return "".join(items)
    return f"{join(items[:-1], lang)}{msg('and', lang)}{items[-1]}"


def check(plan: Plan) -> list[Problem]:
    """What `sheetplan check` adds to the reader's findings, without solving any roster: the
    requirements that cannot be honoured and the people no roster can give a shift."""
    s = plan.settings
    dem = demand(plan)
    out = list(dem.resolution.problems) + window_problems(plan, dem) + all_hands_problems(plan, dem)
    for dept, requirement in dem.requirements.items():
        staff = [p for p in plan.staff if p.department == dept]
        shifts = to_roster.shift_templates(plan, dept)
        if not staff or not shifts:
            continue
        people = [to_roster.person(plan, p, s.interval_minutes) for p in staff]
        idle = structural_idle(people, shifts, requirement, len(s.days), s.interval_minutes)
        out += _idle_problems(plan, dept, idle)
        # a minimum of hours no roster can reach: said here, before any solve, at that person's
        # cell (the build rosters them without it)
        posts = {q for q, need in requirement.items() if any(need)}
        out += [_floor_problem(plan, dept, *f) for f in unreachable_minimums(
            people, shifts, posts, len(s.days), s.interval_minutes, to_roster.rules(plan))]
    return out + _attendance_problems(plan, dem)


def _needed_days(plan: Plan, dem: Demand, dept: str) -> set[int]:
    """The campaign days on which the department needs someone (a requirement or a head count)."""
    per_day = 24 * 60 // plan.settings.interval_minutes
    days = {t // per_day for need in dem.requirements.get(dept, {}).values() for t, v in enumerate(need) if v > 0}
    return days | {c.day for c in to_roster.shift_cover(plan, dept) if c.need > 0}


def all_hands_problems(plan: Plan, dem: Demand) -> list[Problem]:
    """An all-hands day on which the department needs nobody: nothing to be on duty for, so it is
    left out (a warning; it had put everyone on a shift covering nothing)."""
    index = to_roster.day_index(plan)
    out = []
    for d in plan.departments:
        if d.department not in dem.requirements:
            continue
        needed = _needed_days(plan, dem, d.department)
        idle = [day for day in d.all_hands if day in index and index[day] not in needed]
        if idle:
            out.append(Problem(d.cells.get("all_hands", d.cells.get("department", "")), msg(
                "all_hands_idle", plan.lang, dept=d.department,
                days=join([plan.settings.day_labels[index[day]] for day in idle], plan.lang)), "warning",
                d.department))
    return out


def _floor_problem(plan: Plan, dept: str, name: str, most: float, least: float, ruled: bool = False) -> Problem:
    """A 活动最少小时 no roster can reach, critical at that person's cell, worded as on the roster sheet."""
    who = next((p for p in plan.staff if p.name == name and p.department == dept), None)
    return Problem(who.cells.get("min_hours_total", "") if who else plan.sheets.get("staff", ""),
                   floor_line(dept, name, most, least, ruled, plan.lang), "critical", dept)


def window_problems(plan: Plan, dem: Demand) -> list[Problem]:
    """必保时段 rows against the requirement: a window where the department needs none of the
    post protects nothing (a warning: it was silently accepted); one whose post no one in the
    department holds, though needed there, cannot be staffed (critical)."""
    s = plan.settings
    minutes = s.interval_minutes
    known = {d.department for d in plan.departments} | {p.department for p in plan.staff}
    out = []
    for r in plan.must_cover:
        if r.department not in known:
            continue  # the reader said so
        held = sorted({q for p in plan.staff if p.department == r.department for q in p.posts})
        need = dem.requirements.get(r.department, {})
        posts = [r.post] if r.post else list(need)
        wins = spans(r, s) or ((0, len(s.days) * 1440),)
        asked = [q for q in posts if any(v > 0 for a, b in wins
                                         for v in need.get(q, [])[a // minutes:-(-b // minutes)])]
        where = r.cells.get("post") or r.cells.get("department", plan.sheets.get("must_cover", ""))
        if not asked:
            out.append(Problem(where, msg("must_cover_nothing", plan.lang, dept=r.department,
                                          post=r.post or join(posts, plan.lang) or msg("any_post", plan.lang)),
                               "warning", r.department))
        elif r.post and r.post not in held:
            out.append(Problem(where, msg("must_cover_post", plan.lang, post=r.post, dept=r.department,
                                          posts=join(held, plan.lang)), "critical", r.department))
    return out


def _idle_problems(plan: Plan, dept: str, idle_people: list[Idle]) -> list[Problem]:
    """Everyone at 0 hours, with the reason, at their row on the staff sheet."""
    lang = plan.lang
    rows = {p.name: p for p in plan.staff if p.department == dept}
    out = []
    for idle in idle_people:
        person = rows[idle.person]
        where = person.cells.get("name", plan.sheets.get("staff", ""))
        kind = CHOICE_EN.get(person.type, person.type) if lang == "en" else person.type
        out.append(Problem(where, _idle_text(idle, kind, lang), "warning", dept))
    return out


def _idle_text(idle: Idle, kind: str, lang: str) -> str:
    shifts = join(idle.shifts, lang)
    detail = msg(f"block_{idle.detail}", lang) if idle.reason == "blocked" else ""
    return msg(f"idle_{idle.reason}", lang, name=idle.person, kind=kind, shifts=shifts, detail=detail)


def service_roster(dem: Demand, rosters_: list[DepartmentRoster]) -> ServiceRoster | None:
    """The named roster's head count on the Erlang C posts, per shift instance and interval."""
    sp = dem.service
    if sp is None:
        return None
    posts = dem.resolution.posts_fed_by(SERVICE_SERIES)
    people: dict[tuple[int, str], int] = defaultdict(int)
    cover = [0] * len(sp.requirement)
    for r in rosters_:
        for a in r.result.assignments:
            if (r.department, a.post) in posts:
                people[(a.day, a.shift_code)] += 1
                for t in range(max(0, a.start_interval), min(len(cover), a.end_interval)):
                    cover[t] += 1
    return ServiceRoster(posts, dict(people), cover, sp.audit_cover(cover))


def compute(plan: Plan, *, with_rosters: bool = True,
            ahead: Callable[[Results, str], None] | None = None) -> Results:
    """Every number of every output. `with_rosters=False` skips the CP-SAT rosters (the slow
    part) for callers that only need the duty tables, such as the ribbon's 生成职责表.

    ``ahead(part, department)``, when given, is called with a department's results as known so
    far (its roster and what follows from it; the change log with the edits dropped so far)
    while other departments still solve, so the build can write its workbook on a free core.
    What the rest changes (an edit dropped later elsewhere, a warning found later) the caller
    checks for itself."""
    s = plan.settings
    inv = plan.inventory
    dem = demand(plan)
    outreach = (
        calls_per_caller_per_day(s.vip_customers, s.callers, s.call_days)
        if s.vip_customers and s.callers and s.call_days
        else None
    )
    base = Results(
        warehouse=dem.warehouse,
        warehouse_stress=warehouse(plan, s.stress_factor),
        shares=share_table(
            [r.category for r in inv],
            [r.quantity for r in inv],
            [r.amount for r in inv],
            s.share_decimals,
            s.share_method,  # type: ignore[arg-type]
        ),
        outreach=outreach,
        service=dem.service,
        rosters=[],
        products=product_plan(plan),
        demand=dem,
        problems=list(dem.resolution.problems) + window_problems(plan, dem) + all_hands_problems(plan, dem),
        plan=plan,
        edits=list(plan.edits),
    )
    if not with_rosters:
        return base

    part: Ready | None = None
    if ahead is not None:
        rostered_ = {dept for dept in dem.requirements if _no_roster(plan, dem, dept) is None}  # as _roster_jobs

        def part(d: Rostered, before: list[Problem], dropped: dict[str, str]) -> None:
            dept = d.roster.department
            edits, unrostered = _edits_now(plan, rostered_, dropped)
            ahead(replace(
                base, rosters=[d.roster], labour={dept: d.labour},
                warehouse_checks={dept: d.check} if d.check is not None else {},
                problems=[*base.problems, *before, *_dropped_problems(plan, d.dropped), *d.problems, *unrostered],
                edits=edits), dept)

    done, problems = rostered(plan, dem, part)
    rosters_ = [d.roster for d in done]
    dropped = {k: v for d in done for k, v in d.dropped.items()}
    edits, unrostered = _edits_now(plan, {r.department for r in rosters_}, dropped)
    return replace(
        base,
        rosters=rosters_,
        service_roster=service_roster(dem, rosters_),
        problems=[*base.problems, *problems, *unrostered],
        labour={d.roster.department: d.labour for d in done},
        warehouse_checks={d.roster.department: d.check for d in done if d.check is not None},
        edits=edits,
    )


def _edits_now(plan: Plan, rostered: set[str], dropped: dict[str, str]
               ) -> tuple[list[Edit], list[Problem]]:
    """The 改动记录 as rostered: an edit the roster's last guard dropped says why (its warning is
    the guard's), and so does a kept one whose department got no roster (no 值班需求 now), with a
    warning of its own: nothing lists it as kept."""
    out, problems = [], []
    for e in plan.edits:
        if not e.why and e.where in dropped:
            e = replace(e, why=dropped[e.where])
        elif not e.why and e.is_shift and e.department not in rostered:
            e = replace(e, why=msg("edit_no_roster", plan.lang, dept=e.department))
            problems.append(Problem(e.where, msg("edit_not_kept", plan.lang, why=e.why), "warning", e.department))
        out.append(e)
    return out, problems


def labour(plan: Plan, r: DepartmentRoster) -> list[Pay]:
    """Hours and cost per person of a department's roster, overtime by the plan's pay rules (the
    ones its roster already computed, so its explanation and every sheet state one figure)."""
    if r.pay or not r.result.assignments:
        return list(r.pay)
    days = plan.settings.days
    rates = {p.name: p.cost_per_hour for p in r.people}
    busy = {p.name: busy_days(p, days, plan.settings.interval_minutes) for p in r.people}
    return roster_pay([(a.person, days[a.day], a.hours) for a in r.result.assignments], rates,
                      to_roster.pay_rules(plan), busy)


def product_plan(plan: Plan) -> ProductPlan | None:
    df = plan.products
    if df is None or len(df) == 0:
        return None
    s = plan.settings
    return plan_products(
        df,
        tier_rules=TierRules(hit_share=s.hit_share, featured_share=s.featured_share),
        stock_rules=StockRules(sales_days=s.sales_days, multiple=s.stock_multiple, uplift=s.hit_uplift,
                               lead_time_days=s.lead_time_days, ref_date=s.as_of or s.start, sale_date=s.sale_day,
                               sale_day_factor=max(1.0, s.coefficient), cost_ratio=s.cost_ratio),
    )

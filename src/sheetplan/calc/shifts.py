"""Cost-optimal shift plans on one continuous campaign timeline, and a coverage audit.

The campaign is a single row of intervals ``0 .. T-1`` (interval 0 starts at
``timeline_start_hour`` on day 1). A shift is a contiguous run of intervals on that row, so a
shift starting 20:00 on day 1 covers 00:00–04:00 of day 2 — it is never wrapped back into
its own day (the mistake DESIGN.md §4 notes in a popular library).

Why an LP first: every column of the covering matrix (one shift start) has its ones in
consecutive rows, i.e. it is an interval matrix, which is totally unimodular. The LP
relaxation therefore has an integral optimal vertex and GLOP proves the integer optimum in
milliseconds even at 15-minute resolution. Side constraints (head-count caps, a part-time
share) can break that; then CP-SAT solves the integer model, hinted by the rounded LP and
bounded below by the LP objective so it can prove optimality (or report the gap).

When the requirement cannot be met — an interval no shift can reach, or caps too tight —
the plan is still returned: intervals no shift covers are set aside, and if caps are the
cause, CP-SAT minimises total shortfall first and cost second (the limit of an
infinitely large shortfall penalty, solved lexicographically so no penalty constant can be
too small). ``uncovered`` lists every interval still short, recomputed from the starts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from sheetplan.calc.service import service_level

from .cp_solver import new_solver

__all__ = [
    "AuditRow",
    "CoverageAudit",
    "ShiftPlanResult",
    "ShiftType",
    "cover_from_starts",
    "coverage_audit",
    "plan_shifts",
]

MINUTES_PER_DAY = 1440
_INT_TOL = 1e-6


@dataclass(frozen=True)
class ShiftType:
    """A kind of shift that may start at any allowed time of any day.

    ``earliest_start_hour``/``latest_start_hour`` are hours of the day applied every day
    (inclusive; when earliest > latest the window wraps past midnight, e.g. 22 → 2).
    Starts fall on multiples of ``start_step_hours`` counted from midnight.
    ``max_people`` caps how many people work this shift type per calendar day (counted by
    the day the shift starts) — a person works one shift a day, so it is the head count.
    """

    code: str
    hours: float
    cost_per_hour: float = 1.0
    part_time: bool = False
    earliest_start_hour: float | None = None
    latest_start_hour: float | None = None
    start_step_hours: float = 1.0
    max_people: int | None = None

    def __post_init__(self) -> None:
        if not str(self.code).strip():
            raise ValueError("shift code must not be empty")
        if not self.hours > 0:
            raise ValueError(f"shift {self.code}: hours must be greater than 0")
        if not self.cost_per_hour >= 0:
            raise ValueError(f"shift {self.code}: cost_per_hour must not be negative")
        if not self.start_step_hours > 0:
            raise ValueError(f"shift {self.code}: start_step_hours must be greater than 0")
        for name in ("earliest_start_hour", "latest_start_hour"):
            value = getattr(self, name)
            if value is not None and not 0 <= value < 24:
                raise ValueError(f"shift {self.code}: {name} must be between 0 and 24")
        if self.max_people is not None and self.max_people < 0:
            raise ValueError(f"shift {self.code}: max_people must not be negative")


@dataclass
class ShiftPlanResult:
    """A shift plan and how far it can be trusted.

    ``starts`` holds ``(start_interval, shift_code, people)``; ``uncovered`` holds
    ``(interval, shortfall)`` for every interval the plan leaves short. ``status`` is
    ``"optimal"`` (full cover, proven cheapest), ``"feasible"`` (full cover, optimality not
    proven within the time limit) or ``"infeasible"`` (the requirement cannot be met; the
    plan is the best partial one). ``lower_bound``/``gap`` are on cost, for full-cover plans.
    """

    interval_minutes: int
    requirement: list[int]
    starts: list[tuple[int, str, int]]
    cover: list[int]
    paid_hours: float
    cost: float
    status: str
    proven_optimal: bool
    solve_seconds: float
    uncovered: list[tuple[int, int]]
    solver: str
    lower_bound: float | None = None
    gap: float | None = None
    message: str = ""
    shift_intervals: dict[str, int] = field(default_factory=dict)
    timeline_start_hour: float = 0.0

    @property
    def horizon(self) -> int:
        return len(self.requirement)

    def start_time(self, interval: int) -> tuple[int, str]:
        """``(day_index, "HH:MM")`` of the start of ``interval`` (day 0 is the first day)."""
        return _clock(interval, self.interval_minutes, self.timeline_start_hour)


# ----------------------------------------------------------------------------- inputs
def _clock(interval: int, interval_minutes: int, start_hour: float) -> tuple[int, str]:
    minute = round(start_hour * 60) + interval * interval_minutes
    day, of_day = divmod(minute, MINUTES_PER_DAY)
    return day, f"{of_day // 60:02d}:{of_day % 60:02d}"


def _whole_intervals(hours: float, interval_minutes: int, what: str) -> int:
    count = hours * 60 / interval_minutes
    if abs(count - round(count)) > 1e-9 or round(count) <= 0:
        raise ValueError(f"{what} must be a whole number of {interval_minutes}-minute intervals")
    return round(count)


def _check_requirement(requirement: Sequence[Any]) -> np.ndarray:
    values = []
    for v in requirement:
        if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
            raise ValueError("requirement must hold numbers")
        if not math.isfinite(v) or v < 0 or v != int(v):
            raise ValueError("requirement must hold whole numbers, not negative")
        values.append(int(v))
    return np.asarray(values, dtype=np.int64)


def _in_window(minute_of_day: int, shift: ShiftType) -> bool:
    lo = 0 if shift.earliest_start_hour is None else round(shift.earliest_start_hour * 60)
    hi = MINUTES_PER_DAY - 1 if shift.latest_start_hour is None else round(
        shift.latest_start_hour * 60)
    if lo <= hi:
        return lo <= minute_of_day <= hi
    return minute_of_day >= lo or minute_of_day <= hi


@dataclass
class _Columns:
    """One column per allowed (shift type, start interval)."""

    type_index: np.ndarray
    start: np.ndarray
    length: np.ndarray
    day: np.ndarray
    hours: np.ndarray
    cost: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


def _build_columns(
    horizon: int, interval_minutes: int, shift_types: Sequence[ShiftType], start_minute: int
) -> _Columns:
    rows: list[tuple[int, int, int, int]] = []
    for k, shift in enumerate(shift_types):
        length = _whole_intervals(shift.hours, interval_minutes, f"shift {shift.code}: hours")
        step = round(shift.start_step_hours * 60)
        if abs(shift.start_step_hours * 60 - step) > 1e-9 or step % interval_minutes:
            raise ValueError(
                f"shift {shift.code}: start_step_hours must be a whole number of intervals")
        for t in range(horizon - length + 1):
            day, of_day = divmod(start_minute + t * interval_minutes, MINUTES_PER_DAY)
            if of_day % step == 0 and _in_window(of_day, shift):
                rows.append((k, t, length, day))
    arr = np.asarray(rows, dtype=np.int64).reshape(-1, 4)
    kinds = arr[:, 0]
    hours = np.asarray([shift_types[k].hours for k in kinds], dtype=float)
    rates = np.asarray([shift_types[k].cost_per_hour for k in kinds], dtype=float)
    return _Columns(kinds, arr[:, 1], arr[:, 2], arr[:, 3], hours, hours * rates)


def cover_from_starts(
    starts: Sequence[tuple[int, str, int]], shift_intervals: dict[str, int], horizon: int
) -> list[int]:
    """People on duty per interval, recomputed from the starts alone (a difference array)."""
    diff = np.zeros(horizon + 1, dtype=np.int64)
    for start, code, people in starts:
        end = start + shift_intervals[code]
        if start < 0 or end > horizon:
            raise ValueError(f"shift {code} at interval {start} runs outside the horizon")
        diff[start] += people
        diff[end] -= people
    return np.cumsum(diff[:-1]).tolist()


def _column_cover(cols: _Columns, x: np.ndarray, horizon: int) -> np.ndarray:
    diff = np.zeros(horizon + 1, dtype=float)
    np.add.at(diff, cols.start, x)
    np.add.at(diff, cols.start + cols.length, -x)
    return np.cumsum(diff[:-1])


# ----------------------------------------------------------------------------- the model
@dataclass
class _Problem:
    req: np.ndarray  # requirement the model must meet (0 where no shift can reach)
    cols: _Columns
    shift_types: Sequence[ShiftType]
    max_pt_share: float | None
    max_pt_people: int | None

    @property
    def has_side_constraints(self) -> bool:
        capped = any(s.max_people is not None for s in self.shift_types)
        return capped or self.max_pt_share is not None or self.max_pt_people is not None

    def cap_groups(self) -> list[tuple[np.ndarray, int]]:
        """(column indices, cap) for every per-day head-count cap."""
        groups = []
        cols = self.cols
        part_time = np.asarray([self.shift_types[k].part_time for k in cols.type_index], bool)
        for day in np.unique(cols.day):
            on_day = cols.day == day
            for k, shift in enumerate(self.shift_types):
                if shift.max_people is not None:
                    groups.append((np.flatnonzero(on_day & (cols.type_index == k)),
                                   shift.max_people))
            if self.max_pt_people is not None:
                groups.append((np.flatnonzero(on_day & part_time), self.max_pt_people))
        return [(idx, cap) for idx, cap in groups if len(idx)]

    def part_time_mask(self) -> np.ndarray:
        return np.asarray([self.shift_types[k].part_time for k in self.cols.type_index], bool)

    def covering(self) -> list[np.ndarray]:
        """Column indices covering each interval with a positive requirement."""
        order = np.argsort(self.cols.start, kind="stable")
        starts = self.cols.start[order]
        out = []
        for t in range(len(self.req)):
            if self.req[t] <= 0:
                out.append(np.empty(0, dtype=np.int64))
                continue
            cand = order[: np.searchsorted(starts, t, side="right")]
            out.append(cand[self.cols.start[cand] + self.cols.length[cand] > t])
        return out

    def satisfies(self, x: np.ndarray, *, cover_all: bool = True) -> bool:
        """Independent check of an integer plan against caps (and cover if asked)."""
        if cover_all and np.any(_column_cover(self.cols, x, len(self.req)) < self.req):
            return False
        for idx, cap in self.cap_groups():
            if x[idx].sum() > cap:
                return False
        if self.max_pt_share is not None:
            pt = self.part_time_mask()
            total = float(self.cols.hours @ x)
            if float(self.cols.hours[pt] @ x[pt]) > self.max_pt_share * total + 1e-9:
                return False
        return True


def _solve_lp(p: _Problem, covering: list[np.ndarray], time_limit_s: float = 10.0) -> tuple[str, np.ndarray, float]:
    """GLOP on the LP relaxation; returns (status, x, objective)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    solver.SetTimeLimit(max(100, int(time_limit_s * 1000)))
    n = len(p.cols)
    x = [solver.NumVar(0.0, solver.infinity(), "") for _ in range(n)]
    for t, idx in enumerate(covering):
        if p.req[t] > 0:
            row = solver.Constraint(float(p.req[t]), solver.infinity())
            for j in idx.tolist():
                row.SetCoefficient(x[j], 1.0)
    for idx, cap in p.cap_groups():
        row = solver.Constraint(-solver.infinity(), float(cap))
        for j in idx.tolist():
            row.SetCoefficient(x[j], 1.0)
    if p.max_pt_share is not None:
        row = solver.Constraint(-solver.infinity(), 0.0)
        share = p.max_pt_share
        for j, pt in enumerate(p.part_time_mask().tolist()):
            h = float(p.cols.hours[j])
            row.SetCoefficient(x[j], h * (1.0 - share) if pt else -h * share)
    objective = solver.Objective()
    for j in range(n):
        objective.SetCoefficient(x[j], float(p.cols.cost[j]))
    objective.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return ("infeasible" if status == pywraplp.Solver.INFEASIBLE else "unknown",
                np.zeros(n), math.nan)
    values = np.asarray([v.solution_value() for v in x])
    return "optimal", values, objective.Value()


def _cost_scale(costs: np.ndarray) -> int:
    """Smallest power of ten that makes every column cost (nearly) an integer for CP-SAT."""
    for scale in (1, 10, 100, 1000, 10_000, 100_000):
        scaled = costs * scale
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6):
            return scale
    return 1_000_000


@dataclass
class _SatOutcome:
    status: str  # "optimal" | "feasible" | "infeasible" | "unknown"
    x: np.ndarray
    bound: float | None  # on cost
    shortfall: int = 0


def _solve_sat(
    p: _Problem,
    covering: list[np.ndarray],
    *,
    time_limit: float,
    hint: np.ndarray | None,
    soft: bool,
    lp_bound: float | None = None,
    max_shortfall: int | None = None,
) -> _SatOutcome:
    """CP-SAT on the integer model; ``soft`` adds shortfall variables (see module doc)."""
    model = cp_model.CpModel()
    n = len(p.cols)
    ub = int(max(1, p.req.sum()))
    x = [model.new_int_var(0, ub, f"x{j}") for j in range(n)]
    slack = []
    for t, idx in enumerate(covering):
        if p.req[t] <= 0:
            continue
        terms = [x[j] for j in idx.tolist()]
        if soft:
            s = model.new_int_var(0, int(p.req[t]), f"s{t}")
            slack.append(s)
            terms.append(s)
        model.add(sum(terms) >= int(p.req[t]))
    for idx, cap in p.cap_groups():
        model.add(sum(x[j] for j in idx.tolist()) <= cap)
    if p.max_pt_share is not None:
        share = Fraction(p.max_pt_share).limit_denominator(10_000)
        lengths = p.cols.length.tolist()
        pt_mask = p.part_time_mask().tolist()
        model.add(
            sum((share.denominator - share.numerator) * lengths[j] * x[j]
                for j in range(n) if pt_mask[j])
            <= sum(share.numerator * lengths[j] * x[j] for j in range(n) if not pt_mask[j]))
    scale = _cost_scale(p.cols.cost)
    int_cost = np.round(p.cols.cost * scale).astype(np.int64).tolist()
    cost_expr = sum(int_cost[j] * x[j] for j in range(n))
    shortfall_expr = sum(slack) if slack else 0
    if lp_bound is not None and not soft and scale < 1_000_000:
        # The LP optimum is a valid lower bound; the relative margin absorbs GLOP's tolerance
        # so the cut can never exclude the integer optimum.
        scaled = lp_bound * scale
        model.add(cost_expr >= math.ceil(scaled - 1e-6 * max(1.0, abs(scaled))))
    if soft and max_shortfall is None:
        model.minimize(shortfall_expr)
    else:
        if max_shortfall is not None:
            model.add(shortfall_expr <= max_shortfall)
        model.minimize(cost_expr)
    if hint is not None:
        for j in range(n):
            model.add_hint(x[j], int(hint[j]))
    solver = new_solver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    # One worker: deterministic (same plan -> same workbook) and, measured on the 8-day
    # campaign, faster than the multi-worker portfolio because the LP-guided default search
    # starts from the LP's hint and bound.
    solver.parameters.num_workers = 1
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _SatOutcome("infeasible" if code == cp_model.INFEASIBLE else "unknown",
                           np.zeros(n), None)
    values = np.asarray([solver.value(v) for v in x], dtype=float)
    short = int(sum(solver.value(s) for s in slack))
    minimising_cost = not soft or max_shortfall is not None
    bound = solver.best_objective_bound / scale if minimising_cost else None
    status = "optimal" if code == cp_model.OPTIMAL else "feasible"
    return _SatOutcome(status, values, bound, short)


# ----------------------------------------------------------------------------- driver
def plan_shifts(
    requirement: Sequence[int],
    interval_minutes: int,
    shift_types: Sequence[ShiftType],
    *,
    max_part_time_share: float | None = None,
    max_part_time_people: int | None = None,
    time_limit_s: float = 10,
    timeline_start_hour: float = 0.0,
) -> ShiftPlanResult:
    """Cheapest set of shift starts whose head count meets ``requirement`` in every interval.

    ``requirement[t]`` is the number of people needed in interval ``t`` of the whole
    campaign (closed intervals: 0). Cost is ``cost_per_hour × hours × people``; shifts lie
    inside the horizon. ``max_part_time_share`` caps part-time paid hours as a share of all
    paid hours; ``max_part_time_people`` caps part-time people per calendar day.
    """
    t0 = time.perf_counter()
    minutes = _check_interval(interval_minutes)
    req = _check_requirement(requirement)
    _check_options(shift_types, max_part_time_share, max_part_time_people, time_limit_s)
    start_minute = round(timeline_start_hour * 60)
    if not 0 <= start_minute < MINUTES_PER_DAY:
        raise ValueError("timeline_start_hour must be between 0 and 24")
    cols = _build_columns(len(req), minutes, shift_types, start_minute)
    reach = _column_cover(cols, np.ones(len(cols)), len(req))
    model_req = np.where(reach > 0, req, 0)
    problem = _Problem(model_req, cols, shift_types, max_part_time_share, max_part_time_people)
    x, status, proven, solver, bound, note = _optimise(problem, t0, time_limit_s)
    return _result(req, minutes, shift_types, cols, x, status, proven, solver, bound, note,
                   time.perf_counter() - t0, timeline_start_hour)


def _check_interval(interval_minutes: Any) -> int:
    if isinstance(interval_minutes, bool) or not isinstance(interval_minutes, int | float):
        raise ValueError("interval_minutes must be a number")
    if interval_minutes <= 0 or interval_minutes != int(interval_minutes):
        raise ValueError("interval_minutes must be a whole number greater than 0")
    return int(interval_minutes)


def _check_options(
    shift_types: Sequence[ShiftType], share: float | None, people: int | None, limit: float
) -> None:
    if not shift_types:
        raise ValueError("shift_types must not be empty")
    codes = [s.code for s in shift_types]
    if len(set(codes)) != len(codes):
        raise ValueError("shift codes must be unique")
    if share is not None and not 0 <= share <= 1:
        raise ValueError("max_part_time_share must be between 0 and 1")
    if people is not None and (people < 0 or people != int(people)):
        raise ValueError("max_part_time_people must be a whole number, not negative")
    if not limit > 0:
        raise ValueError("time_limit_s must be greater than 0")


def _optimise(
    p: _Problem, t0: float, limit: float
) -> tuple[np.ndarray, str, bool, str, float | None, str]:
    """LP first; CP-SAT when integrality breaks; lexicographic soft cover when cover fails."""
    n = len(p.cols)
    if n == 0 or not p.req.any():
        return np.zeros(n), "optimal", True, "none", 0.0, ""
    covering = p.covering()
    lp_status, x_lp, lp_obj = _solve_lp(p, covering, limit - (time.perf_counter() - t0))
    if lp_status == "optimal":
        x_int = np.round(x_lp)
        if np.all(np.abs(x_lp - x_int) < _INT_TOL) and p.satisfies(x_int):
            return x_int, "optimal", True, "glop", lp_obj, ""
        remaining = limit - (time.perf_counter() - t0)
        out = _solve_sat(p, covering, time_limit=remaining, hint=np.ceil(x_lp - _INT_TOL),
                         soft=False, lp_bound=lp_obj)
        if out.status in ("optimal", "feasible"):
            bound = max(lp_obj, out.bound or -math.inf)
            return out.x, out.status, out.status == "optimal", "glop+cp-sat", bound, ""
        if out.status == "unknown":
            return _soft(p, covering, t0, limit, "no plan found within the time limit; ")
    return _soft(p, covering, t0, limit, "the caps make full cover impossible; ")


def _soft(
    p: _Problem, covering: list[np.ndarray], t0: float, limit: float, note: str
) -> tuple[np.ndarray, str, bool, str, float | None, str]:
    remaining = limit - (time.perf_counter() - t0)
    first = _solve_sat(p, covering, time_limit=remaining / 2, hint=None, soft=True)
    if first.status not in ("optimal", "feasible"):
        return (np.zeros(len(p.cols)), "infeasible", False, "cp-sat", None,
                note + "no partial plan found within the time limit")
    remaining = limit - (time.perf_counter() - t0)
    second = _solve_sat(p, covering, time_limit=remaining, hint=first.x, soft=True,
                        max_shortfall=first.shortfall)
    best = second if second.status in ("optimal", "feasible") else first
    proven = first.status == "optimal" and second.status == "optimal"
    if first.shortfall == 0:  # full cover after all: an ordinary plan
        status = "optimal" if proven else "feasible"
        # Under a tight time limit the cost stage may end without a bound; 0 is always a valid
        # lower bound (costs are non-negative), so the gap is honest (100 %) rather than missing.
        bound = best.bound if best.bound is not None else 0.0
        return best.x, status, proven, "cp-sat", bound, ""
    how = "shortfall minimised" + (" (proven)" if first.status == "optimal" else " (not proven)")
    return best.x, "infeasible", proven, "cp-sat", None, note + how


def _result(
    req: np.ndarray,
    minutes: int,
    shift_types: Sequence[ShiftType],
    cols: _Columns,
    x: np.ndarray,
    status: str,
    proven: bool,
    solver: str,
    bound: float | None,
    note: str,
    seconds: float,
    start_hour: float,
) -> ShiftPlanResult:
    people = np.round(x).astype(np.int64)
    codes = [s.code for s in shift_types]
    lengths = {s.code: _whole_intervals(s.hours, minutes, s.code) for s in shift_types}
    starts = sorted((int(cols.start[j]), codes[cols.type_index[j]], int(people[j]))
                    for j in np.flatnonzero(people))
    cover = cover_from_starts(starts, lengths, len(req))
    uncovered = [(t, int(req[t] - c)) for t, c in enumerate(cover) if c < req[t]]
    cost = float(cols.cost @ people)
    if uncovered:
        status = "infeasible"
        if not note:
            note = "no shift can reach some intervals"
        bound = None
    gap = None
    if bound is not None and cost > 0:
        gap = round(max(0.0, (cost - bound) / cost), 12)
    return ShiftPlanResult(
        interval_minutes=minutes,
        requirement=req.tolist(),
        starts=starts,
        cover=cover,
        paid_hours=round(float(cols.hours @ people), 9),
        cost=round(cost, 9),
        status=status,
        proven_optimal=proven,
        solve_seconds=seconds,
        uncovered=uncovered,
        solver=solver,
        lower_bound=bound,
        gap=gap,
        message=note,
        shift_intervals=lengths,
        timeline_start_hour=start_hour,
    )


# ----------------------------------------------------------------------------- audit
@dataclass(frozen=True)
class AuditRow:
    """One interval of the audit; ``service_level`` is None unless arrivals were given."""

    interval: int
    day: int
    time: str
    requirement: int
    cover: int
    over: int
    under: int
    arrivals: float | None = None
    service_level: float | None = None


@dataclass(frozen=True)
class CoverageAudit:
    """Per-interval rows plus totals in person-hours."""

    rows: list[AuditRow]
    over_hours: float
    under_hours: float
    intervals_short: int
    worst_service_level: float | None

    def as_dicts(self) -> list[dict[str, Any]]:
        return [asdict(r) for r in self.rows]


def coverage_audit(
    result: ShiftPlanResult,
    arrivals: Sequence[float] | None = None,
    service_params: dict[str, Any] | None = None,
) -> CoverageAudit:
    """Compare the plan's head count with the requirement, interval by interval.

    Cover is recomputed from ``result.starts`` (not trusted from the solver). With
    ``arrivals``, the service level reached by the people on duty is added;
    ``service_params`` holds ``aht_seconds``, ``answer_seconds`` and optionally
    ``concurrency`` and ``shrinkage`` (agents on the phones = floor(cover × (1 − shrinkage))).
    """
    horizon = result.horizon
    cover = cover_from_starts(result.starts, result.shift_intervals, horizon)
    levels = _levels(cover, arrivals, service_params, result.interval_minutes, horizon)
    rows = []
    for t in range(horizon):
        day, clock = result.start_time(t)
        need = result.requirement[t]
        rows.append(AuditRow(
            interval=t, day=day, time=clock, requirement=need, cover=cover[t],
            over=max(0, cover[t] - need), under=max(0, need - cover[t]),
            arrivals=None if arrivals is None else float(arrivals[t]),
            service_level=levels[t],
        ))
    hours = result.interval_minutes / 60
    known = [v for v in levels if v is not None]
    return CoverageAudit(
        rows=rows,
        over_hours=sum(r.over for r in rows) * hours,
        under_hours=sum(r.under for r in rows) * hours,
        intervals_short=sum(1 for r in rows if r.under),
        worst_service_level=min(known) if known else None,
    )


def _levels(
    cover: list[int],
    arrivals: Sequence[float] | None,
    params: dict[str, Any] | None,
    minutes: int,
    horizon: int,
) -> list[float | None]:
    if arrivals is None:
        return [None] * horizon
    if len(arrivals) != horizon:
        raise ValueError("arrivals must have one value per interval of the plan")
    params = dict(params or {})
    params.pop("interval_minutes", None)
    if "aht_seconds" not in params or "answer_seconds" not in params:
        raise ValueError("service_params must give aht_seconds and answer_seconds")
    shrink = float(params.pop("shrinkage", 0.0))
    if not 0 <= shrink < 1:
        raise ValueError("shrinkage must be between 0 and 1")
    out: list[float | None] = []
    for c, a in zip(cover, arrivals, strict=True):
        agents = math.floor(c * (1 - shrink) + 1e-9)
        out.append(service_level(agents, a, interval_minutes=minutes, **params))
    return out

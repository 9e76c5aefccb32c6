"""Solving a roster: the inputs checked, the model built, then the search in phases, and the
roster read back with every figure recomputed from the assignments.

Phases (lexicographic, the default): 1) the least weighted shortfall (gaps by depth and
priority, see :mod:`sheetplan.calc.roster_cover`), 2) at that shortfall the least cost, unfairness
and unmet wishes — two phases prove far better bounds than one objective with a huge weight.
With ``RosterRules.shortfall_weight`` set, one weighted objective instead (the benchmark's).
Reproducible: one worker and a budget in CP-SAT's deterministic time (grown when too small to
find any roster); the wall clock is only a backstop.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from .cp_solver import new_solver
from .roster_checks import check_extras, check_inputs, fixed_conflicts, hour_conflicts
from .roster_constraints import Built, Inputs, build_model
from .roster_greedy import Candidate, Limits, greedy_roster
from .roster_lns import Background, Budget, improve, set_domain, set_hint
from .roster_model import (
    _COST_SCALE,
    _EPS,
    Assignment,
    Conflict,
    FixedAssignment,
    Gap,
    Person,
    RosterResult,
    RosterRules,
    ShiftTemplate,
    Status,
    _gaps_from,
    _Instance,
    _intervals_per_hour,
    _night_codes,
    duty,
    model_size,
    shift_instances,
)
from .roster_premium import Premium
from .roster_rules import Request, ShiftCover

__all__ = ["solve_roster"]
_GOOD = (cp_model.OPTIMAL, cp_model.FEASIBLE)
_log = logging.getLogger(__name__)
_DEFAULT_RULES = RosterRules()
# Above this many assignment variables (about 60 people over 8 days) a department is searched by
# neighbourhoods (:mod:`sheetplan.calc.roster_lns`): it starts from the greedy roster checked and
# completed by the model, and keeps that roster when the search finds nothing better.
# * In the reproducible mode (plans) only by neighbourhoods: one worker's whole-model search on
#   such a model spends its budget in presolve (200 people: 4.8 s for 0.6 units, no better roster;
#   1,000: nothing at all), while the neighbourhoods, re-solved in moments, moved 300 people from
#   97.9 % to 99.2 % covered and 1,000 from 97.7 % to 98.3 % at the default budget.
# * On several workers (benchmarks) the whole-model search first, for its bound, then the
#   neighbourhoods for ``RosterRules.lns_share`` of each phase — from WALL_LNS_ABOVE on, one
#   stream of rounds per core.
# Below it the reproducible mode searches the whole model only: it does as well or better there
# (the example's 客服部, 2,125: phase 1 proven in a second; with the neighbourhoods the build took
# 50 % longer for 1.6 % of cost).
LNS_ABOVE = 3_000
# With several workers on the wall clock (benchmarks) the neighbourhoods pay off from smaller
# models, after the whole-model search's share: the Curtois-Qu Instance 8 (2,158 assignment
# variables) reached 1,426-1,703 (median 1,529, three 60-s runs) with them against 1,443-1,811
# (median 1,643, seven runs) without; Instance 7 (1,248) 1,065-1,068 against 1,067-1,170
# (bimodal); Instance 9 (2,912) 445-458 against 439-469. Below the line they do not help: 5 (676)
# settles in its poor mode with them (1,235-1,237 against 1,144-1,151 for the same seeds, two
# streams), 6 (1,040) reached 2,047 with them, inside its spread without (1,950-2,051).
WALL_LNS_ABOVE = 1_200
# The models the whole-model search alone solves on the wall clock (up to WALL_LNS_ABOVE) hold
# the rules on runs of days as one automaton per person (roster_rules.add_runs_automaton), not
# as clauses, and their portfolio leaves out SMALL_IGNORE so that the LP subsolvers, which find
# the escapes from the poor modes once the relaxation is tight, get more of the cores. Curtois-Qu
# at 60 s: 5 at 1,143-1,147 in every run (12) (1,143 proven in 36-57 s; the clauses gave
# 1,144-1,151 or 1,233-1,244 from run to run); 6 within 2 % in 7 runs of 8 (1,950 proven in 3)
# against 4 of 7 with the automaton alone; 4 proven at 1,716 in 18-30 s (never proven before).
# Not above the line: there the neighbourhood rounds do the work and did worse with the
# automaton (8: 1,542-1,862 in three runs against 1,414-1,720); not in the reproducible mode
# (plans: one worker at a deterministic budget), where it was worse: the example's 客服部 cost
# 57,620 -> 58,703, 仓储物流部 38,624 (proven) -> 42,777, the rosters 2.5 -> 4.4 s.
SMALL_IGNORE = ("core", "no_lp")
# In the cost phase on the wall clock, the whole-model search runs beside the neighbourhood
# rounds, for the whole phase, on this many subsolvers (time-shared), the rounds on the other
# cores: its bound is what "x % from the bound" is measured against, and its half of the phase
# (two seconds, one of them presolve) left the bound 3-5 % under the roster (300-person customer
# service at 10 s, 2.6-4.8 % over seeds 0-3); beside the rounds for the whole phase, 0.42-1.97 %
# over seeds 0-7 (median 1.0), the warehouse 0.3-1.5 %. One subsolver beside the rounds gave a
# weaker bound (3.2-3.7 %), eight left the rounds too little of the two cores (both tried with
# phase 1 searched alongside too); two streams of rounds beside four subsolvers no better
# (median 1.1 %).
# The bound search leaves out BOUND_IGNORE, so its few subsolvers are the LP ones (max_lp_sym,
# reduced_costs, quick_restart): with them, four subsolvers gave 2.7-3.6 %. The benchmarks' own
# portfolio keeps them (left out there too: Curtois-Qu 5 and 7 as bimodal as before, 8 no better)
BOUND_WORKERS = 4
BOUND_IGNORE = ("core", "no_lp", "default_lp")


def _whole_model_only(n_x: int, rules: RosterRules) -> bool:
    """Whether a model of ``n_x`` assignment literals is searched by the whole-model search
    alone, without neighbourhood rounds (see LNS_ABOVE, WALL_LNS_ABOVE): the one place that
    decides it, read by the phases, the portfolio (SMALL_IGNORE) and the model's encoding."""
    return n_x <= (LNS_ABOVE if rules.deterministic_time is not None else WALL_LNS_ABOVE)


def _automaton_up_to(rules: RosterRules) -> int:
    """Up to how many assignment literals the rules on runs are one automaton per person: the
    models the whole-model search alone solves on the wall clock (see WALL_LNS_ABOVE); none in
    the reproducible mode. A size, not a verdict: the model's size is known once it is built."""
    return WALL_LNS_ABOVE if rules.deterministic_time is None else 0


@dataclass
class _Problem:
    """A checked roster problem and what every phase needs of it."""

    people: list[Person]
    instances: list[_Instance]
    by_key: dict[tuple[int, str], _Instance]
    requirement: dict[str, list[int]]
    shift_cover: list[ShiftCover]
    requests: Sequence[Request]
    rules: RosterRules
    horizon_days: int
    interval_minutes: int
    required_hours: float
    t0: float

    @property
    def n_intervals(self) -> int:
        return self.horizon_days * 24 * _intervals_per_hour(self.interval_minutes)

    def empty(self, status: Status, conflicts: list[Conflict], solver_status: str) -> RosterResult:
        """No roster: every requirement short, with the reasons."""
        cover = {q: [0] * self.n_intervals for q in self.requirement}
        return RosterResult(
            status=status, assignments=[], cover=cover,
            gaps=_gaps_from(self.requirement, cover) + _shift_gaps(self.shift_cover, [], self.by_key)[0],
            objective=math.nan, best_bound=math.nan, gap_pct=math.nan,
            solve_seconds=time.perf_counter() - self.t0, horizon_days=self.horizon_days,
            interval_minutes=self.interval_minutes, shortfall_hours=self.required_hours,
            required_hours=self.required_hours, solver_status=solver_status, conflicts=conflicts,
        )


def solve_roster(
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    requirement: Mapping[str, Sequence[int]],
    horizon_days: int,
    rules: RosterRules = _DEFAULT_RULES,
    fixed: Sequence[FixedAssignment] = (),
    interval_minutes: int = 60,
    *,
    hint: Sequence[Assignment] = (),
    requests: Sequence[Request] = (),
    shift_cover: Sequence[ShiftCover] = (),
    priority: Mapping[str, Sequence[float]] | None = None,
    all_hands: Iterable[int] = (),
    premium: Premium | None = None,
    on_first: Callable[[RosterResult], None] | None = None,
) -> RosterResult:
    """Assign named people to (day, shift, post) so that every post is covered in every
    interval (and every per-shift head count is met) at least cost, fairly, with as many wishes
    granted as their weights are worth. Cover is soft: an understaffed department still gets its
    best partial roster, with the shortfall listed in ``gaps``. ``hint`` warm-starts the search
    (e.g. with a previous result); without one, a greedy roster does. ``priority`` multiplies the
    cost of a gap per post and interval (must-cover windows); on ``all_hands`` days everyone who
    can work does (soft, explained when not). With ``premium`` (the plan's pay rules), cost is
    the labour cost with overtime (:mod:`sheetplan.calc.roster_premium`), not rate × hours.
    ``on_first`` is called with the first phase's roster (the least shortfall, not yet priced)
    before the cost phase starts, so a caller can begin work that depends only on its gaps."""
    pb = _prepare(people, shifts, requirement, horizon_days, rules, fixed, interval_minutes, requests, shift_cover)
    conflicts = (fixed_conflicts({p.name: p for p in pb.people}, pb.by_key, list(fixed), rules)
                 + hour_conflicts(pb.people, pb.instances, rules))
    if conflicts:
        return pb.empty("infeasible", conflicts, "NOT_SOLVED")
    size = model_size(pb.people, pb.instances, pb.requirement)
    if size > rules.max_variables:
        return pb.empty("infeasible", [Conflict(None, "too_big", detail=f"{size:,}/{rules.max_variables:,}")],
                        "NOT_SOLVED")
    if premium is not None and len(premium.dates) < horizon_days:
        raise ValueError(f"premium needs a date for each of the {horizon_days} days, not {len(premium.dates)}")
    days = frozenset(d for d in all_hands if 0 <= d < horizon_days)
    built = build_model(Inputs(pb.people, pb.instances, pb.requirement, rules, list(fixed), _night_codes(shifts, rules),
                               pb.n_intervals, requests, pb.shift_cover, _priority(priority, pb), days, premium,
                               _automaton_up_to(rules)))
    hinted = _add_hint(built, pb, hint, fixed)
    start = None
    # a caller's roster (what-ifs, the stress case: the same roster with a rule relaxed) is
    # completed too, whatever the size: CP-SAT then starts at its shortfall and can only better
    # it; from the bare assignment hint one worker often ends its small budget far worse (the
    # example's what-ifs: 3,620 weighted short hours where the roster has 250)
    if hinted and rules.shortfall_weight is None and (len(built.x) > LNS_ABOVE or hint):
        solver0, code0, values = _complete(built, hinted, pb.t0 + max(0.2, float(rules.time_limit_s)))
        if values:
            set_hint(built.model, values)
            start = (solver0, code0)
    deadline = pb.t0 + max(0.2, float(rules.time_limit_s) - 0.15)  # the whole call: build, phases, read-back
    if rules.shortfall_weight is None:
        first = None if on_first is None else (lambda s, c, b, sp: on_first(
            _result(s, c, b, built, pb, sp, s.status_name(c), premium)))
        outcome = _lexicographic(built, rules, deadline, start, first)
    else:
        outcome = _weighted(built, rules, deadline)
    if isinstance(outcome, _Failed):
        return replace(pb.empty("infeasible", [Conflict(None, outcome.reason)], outcome.status_name),
                       clock_cut=built.clock_cut)
    solver, code, bound, short_proven = outcome
    result = _result(solver, code, bound, built, pb, short_proven, solver.status_name(code), premium)
    if days:  # a shift that is no real duty leaves them off, as the model counts it
        is_duty = duty(pb.requirement, pb.shift_cover, pb.instances)
        worked = {(a.person, a.day) for a in result.assignments if is_duty(a.post, pb.by_key[(a.day, a.shift_code)])}
        result.all_hands_off = [(p.name, d) for d in sorted(days) for p in pb.people if (p.name, d) not in worked]
    return result


def _prepare(people: Sequence[Person], shifts: Sequence[ShiftTemplate], requirement: Mapping[str, Sequence[int]],
             horizon_days: int, rules: RosterRules, fixed: Sequence[FixedAssignment], interval_minutes: int,
             requests: Sequence[Request], shift_cover: Sequence[ShiftCover]) -> _Problem:
    """Inputs checked (a ValueError names the first mistake) and put on the timeline."""
    t0 = time.perf_counter()
    iph = _intervals_per_hour(interval_minutes)
    n_intervals = horizon_days * 24 * iph
    people = list(people)
    check_inputs(people, shifts, requirement, horizon_days, n_intervals, list(fixed))
    check_extras(people, shifts, horizon_days, requests, shift_cover)
    instances = shift_instances(shifts, horizon_days, interval_minutes)
    by_key = {(i.day, i.template.code): i for i in instances}
    req = {q: [int(v) for v in vals] for q, vals in requirement.items()}
    cover_rows = [c for c in shift_cover if c.need > 0 or c.over_weight > 0]
    per_shift_hours = sum(c.need * by_key[(c.day, c.shift_code)].hours for c in cover_rows)
    required_hours = sum(sum(v) for v in req.values()) / iph + per_shift_hours
    return _Problem(people, instances, by_key, req, cover_rows, requests, rules, horizon_days, interval_minutes,
                    required_hours, t0)


def _priority(priority: Mapping[str, Sequence[float]] | None, pb: _Problem) -> dict[str, list[float]]:
    out = {q: list(v) for q, v in (priority or {}).items() if q in pb.requirement}
    for q, v in out.items():
        if len(v) != pb.n_intervals or any(not math.isfinite(w) or w <= 0 for w in v):
            raise ValueError(f"priority for {q} must hold {pb.n_intervals} positive numbers")
    return out


def _add_hint(built: Built, pb: _Problem, hint: Sequence[Assignment], fixed: Sequence[FixedAssignment]
              ) -> set[tuple[str, int, str]]:
    """Warm start: the caller's roster, else a greedy one; an all-zero hint misleads the search,
    so none when there is nothing to hint."""
    hinted = {(a.person, pb.by_key[(a.day, a.shift_code)].idx, a.post) for a in hint
              if (a.day, a.shift_code) in pb.by_key} or _greedy_hint(built, pb, fixed)
    if hinted:
        set_hint(built.model, [key in hinted for key in built.x], [var.index for var in built.x.values()])
    return hinted


@dataclass(frozen=True)
class _Failed:
    reason: str  # solver (proven infeasible) or budget
    status_name: str


def _run(built: Built, rules: RosterRules, deadline: float, limit: float, share: float, scale: float = 1.0,
         ) -> tuple[cp_model.CpSolver, int]:
    """One CP-SAT solve: reproducible (one worker, deterministic budget ``share`` × the rules'
    budget × ``scale``) when the rules ask for it, else ``limit`` seconds on several workers."""
    solver = new_solver()
    params = solver.parameters
    params.random_seed = int(rules.random_seed)
    # clauses (a cover of one person is a clause after presolve) in the LP too: without them
    # the bound stays far below the cost of any roster and the search runs to its budget
    params.linearization_level = 2
    if rules.relative_gap > 0:
        params.relative_gap_limit = rules.relative_gap
    if rules.deterministic_time is not None:
        params.num_workers = 1
        params.max_deterministic_time = max(0.1, rules.deterministic_time * share) * scale
        # the wall-clock cap is a backstop: the deterministic budget normally ends the search
        # (reproducibly); only a much slower machine is cut short by it
        params.max_time_in_seconds = max(0.5, deadline - time.perf_counter())
    else:
        params.max_time_in_seconds = max(0.1, limit)
        params.num_workers = max(1, min(int(rules.num_workers), 8))
        if _whole_model_only(len(built.x), rules):  # see SMALL_IGNORE
            params.ignore_subsolvers.extend(n for n in SMALL_IGNORE if n not in params.ignore_subsolvers)
    for name, value in rules.solver_params:
        if isinstance(value, tuple | list):  # a repeated field (e.g. ignore_subsolvers): added to
            getattr(params, name).extend(value)
        else:
            setattr(params, name, value)
    code = solver.solve(built.model)
    if (rules.deterministic_time is not None and code not in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
            and solver.deterministic_time < 0.99 * params.max_deterministic_time
            and solver.wall_time >= 0.95 * params.max_time_in_seconds):
        built.clock_cut = True
    return solver, code


def _search(built: Built, rules: RosterRules, deadline: float, limit: float, share: float, scale: float = 1.0,
            start: Sequence[int] | None = None, alongside: bool = False) -> tuple[cp_model.CpSolver, int, float]:
    """One phase: CP-SAT on the whole model, then — when it found a roster it could not prove
    best — the neighbourhood search (:mod:`sheetplan.calc.roster_lns`) for ``rules.lns_share`` of
    the phase's budget; from ``start`` (a complete solution, e.g. the previous phase's) when the
    whole-model search found nothing in its share, or was skipped (see :data:`LNS_ABOVE`).
    ``alongside`` (on the wall clock, from ``start``, with more subsolvers than
    :data:`BOUND_WORKERS`): both at once for the whole phase instead. Returns a solver holding
    the best roster (every variable), its status and the whole-model search's bound on the
    objective (NaN without one)."""
    lns = min(0.95, max(0.0, float(rules.lns_share)))
    if _whole_model_only(len(built.x), rules):
        lns = 0.0
    elif start is not None and rules.deterministic_time is not None:
        lns = 1.0  # one worker: neighbourhoods only (see LNS_ABOVE)
    elif start is not None and alongside and lns > 0 and int(rules.num_workers) > BOUND_WORKERS:
        return _alongside(built, rules, deadline, limit, start)  # a portfolio that has the cores to share
    if lns < 1:
        solver, code = _run(built, rules, deadline, limit * (1 - lns), share * (1 - lns), scale)
        bound = _bound(solver, code)
    else:
        solver, code, bound = None, cp_model.UNKNOWN, math.nan
    if not lns or code in (cp_model.OPTIMAL, cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        return solver, code, bound
    if code == cp_model.FEASIBLE:
        values, objective = list(solver.response_proto.solution), solver.objective_value
    elif start is not None:
        solver, code = _fixed(built, _values(built, start), deadline, start)  # the start, priced by this phase
        if code not in _GOOD:
            return solver, code, bound
        values, objective = list(solver.response_proto.solution), solver.objective_value
    else:
        return solver, code, bound
    if objective <= bound + _EPS:
        return solver, code, bound
    det = rules.deterministic_time
    # reproducible: the deterministic budget ends the search, the wall clock only as the backstop
    budget = Budget(deadline=deadline if det is not None else min(deadline, time.perf_counter() + limit * lns),
                    deterministic=None if det is None else max(0.1, det * share) * scale * lns)
    # on the wall clock the rounds use every core the rules give the solver (one stream per core)
    streams = 1 if det is not None else max(1, min(int(rules.num_workers), os.cpu_count() or 1))
    better, best, stats = _rounds(built, rules, values, objective, budget, streams)
    built.clock_cut |= det is not None and stats.clock_cut
    _log.debug("start %s (%s, bound %s), neighbourhood search %s in %d rounds (%d better)", objective,
               "the roster given" if lns >= 1 else f"whole-model search, {solver.wall_time:.2f} s", bound, best,
               stats.rounds, stats.improved)
    if best >= objective - _EPS:
        return solver, code, bound
    return _priced(built, deadline, better, best, bound, (solver, code))


def _bound(solver: cp_model.CpSolver, code: int) -> float:
    """The whole-model search's bound on the objective, NaN when it has none."""
    return solver.best_objective_bound if code in (*_GOOD, cp_model.INFEASIBLE) else math.nan


def _rounds(built: Built, rules: RosterRules, values: list[int], objective: float, budget: Budget, streams: int
            ) -> tuple[list[int], float, object]:
    """The neighbourhood search from a complete solution: (best values, their objective, stats)."""
    return improve(built.model, built.x, [inst.day for inst in built.instances], values, objective, budget,
                   seed=int(rules.random_seed), streams=streams)


def _priced(built: Built, deadline: float, better: Sequence[int], best: float, bound: float,
            fallback: tuple[cp_model.CpSolver, int]) -> tuple[cp_model.CpSolver, int, float]:
    """The neighbourhoods' roster as a solver holding every variable (its assignments fixed and
    propagated), proven when it meets the bound; ``fallback`` should that fail."""
    fixed, code = _fixed(built, _values(built, better), deadline, better)
    if code not in _GOOD:
        return (*fallback, bound)
    return fixed, cp_model.OPTIMAL if best <= bound + _EPS else cp_model.FEASIBLE, bound


def _alongside(built: Built, rules: RosterRules, deadline: float, limit: float, start: Sequence[int]
               ) -> tuple[cp_model.CpSolver, int, float]:
    """The whole-model search (:data:`BOUND_WORKERS` subsolvers, in a thread: CP-SAT releases the
    GIL) and the neighbourhood rounds from ``start`` (one stream per other core) at once, for
    ``limit`` seconds: the better roster of the two, and the whole-model search's bound."""
    bound_rules = replace(rules, num_workers=min(int(rules.num_workers), BOUND_WORKERS),
                          solver_params=(("ignore_subsolvers", BOUND_IGNORE), *rules.solver_params))
    whole = Background(lambda: _run(built, bound_rules, deadline, limit, 1.0))
    try:
        solver0, code0 = _fixed(built, _values(built, start), deadline, start)  # the start, priced by this phase
        better, best = list(start), math.inf
        if code0 in _GOOD:
            budget = Budget(deadline=min(deadline, time.perf_counter() + limit))
            streams = max(1, min(int(rules.num_workers), (os.cpu_count() or 1) - 1))
            better, best, stats = _rounds(built, rules, list(solver0.response_proto.solution),
                                          solver0.objective_value, budget, streams)
            _log.debug("beside the whole-model search: neighbourhoods %s in %d rounds", best, stats.rounds)
    finally:
        whole.wait()
    solver, code = whole.get()
    bound = _bound(solver, code)
    if code in (cp_model.OPTIMAL, cp_model.INFEASIBLE, cp_model.MODEL_INVALID) or (
            code == cp_model.FEASIBLE and solver.objective_value <= best + _EPS):
        return solver, code, bound
    if math.isinf(best):  # no roster from either
        return solver0, code0, bound
    if best >= solver0.objective_value - _EPS:  # the start is the best: proven only by the bound
        return solver0, cp_model.OPTIMAL if best <= bound + _EPS else cp_model.FEASIBLE, bound
    return _priced(built, deadline, better, best, bound, (solver, code))


def _fixed(built: Built, assigned: Mapping[int, int], deadline: float, hint: Sequence[int] = (),
           objective: cp_model.LinearExprT | None = None) -> tuple[cp_model.CpSolver, int]:
    """A copy of the model with every assignment literal fixed (``assigned``: proto index → 0/1),
    solved by propagation in moments: feasible exactly when those assignments keep every hard
    rule, and then a solver holding every variable's value. ``hint``: all values, when known;
    ``objective``: set on the copy when the model has none yet (same variable indices)."""
    model = built.model.clone()
    variables = model.proto.variables
    for index, value in assigned.items():
        domain = variables[index].domain
        if domain[0] <= value <= domain[1]:  # a literal's domain is one interval
            set_domain(variables[index], value, value)
        else:  # a value the model forbids: infeasible, as it must be
            model.add(model.get_bool_var_from_proto_index(index) == value)
    if hint:
        set_hint(model, hint)
    if objective is not None:
        model.minimize(objective)
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 10.0
    solver.parameters.max_time_in_seconds = max(5.0, deadline - time.perf_counter())
    return solver, solver.solve(model)


def _values(built: Built, values: Sequence[int]) -> dict[int, int]:
    """The assignment literals' part of a complete solution, by proto index."""
    return {var.index: values[var.index] for var in built.x.values()}


def _lexicographic(built: Built, rules: RosterRules, deadline: float,
                   start: tuple[cp_model.CpSolver, int] | None,
                   on_first: Callable[[cp_model.CpSolver, int, float, bool], None] | None = None,
                   ) -> tuple[cp_model.CpSolver, int, float, bool] | _Failed:
    """Phase 1: the least weighted shortfall (its budget grown when too small to find any roster;
    when even that finds none, the greedy roster it started from, checked by the model);
    phase 2: at that shortfall, the least cost, unfairness and unmet wishes."""
    model = built.model
    first = 0.6 if rules.cost_phase else 1.0
    model.minimize(built.shortfall)
    begin = list(start[0].response_proto.solution) if start is not None else None
    # phase 1's share of the wall clock (benchmarks); half of it: the 300-person customer service
    # 45 h short on average over seeds 0-7 where 0.6 gives 37.5, its cost gap no smaller
    wall = 0.6
    solver, code, bound1 = _search(built, rules, deadline, wall * (deadline - time.perf_counter()), first, start=begin)
    for scale in (4.0, 16.0):  # a budget too small to finish presolve: grow it (still reproducible)
        if code in _GOOD or code == cp_model.INFEASIBLE or time.perf_counter() > deadline:
            break
        solver, code, bound1 = _search(built, rules, deadline, wall * (deadline - time.perf_counter()), first, scale,
                                       start=begin)
    if code not in _GOOD and code != cp_model.INFEASIBLE and start is not None:
        solver, code = start  # too big for the budget: the greedy roster, checked by the model
        return solver, cp_model.FEASIBLE, math.nan, False
    if code not in _GOOD:
        return _Failed("solver" if code == cp_model.INFEASIBLE else "budget", solver.status_name(code))
    best_short = round(solver.objective_value)
    short_proven = code == cp_model.OPTIMAL and bound1 >= best_short - _EPS
    if not rules.cost_phase:
        return solver, cp_model.FEASIBLE, math.nan, short_proven
    if on_first is not None:
        on_first(solver, code, bound1, short_proven)
    # hint every variable (not only x): CP-SAT then starts phase 2 from a complete, feasible
    # solution instead of having to repair one
    values = list(solver.response_proto.solution)
    set_hint(model, values)
    model.add(built.shortfall <= best_short)
    model.minimize(built.cost_fair)
    # the cost phase's bound beside its neighbourhoods (wall clock): see BOUND_WORKERS
    solver2, code2, bound2 = _search(built, rules, deadline, deadline - time.perf_counter(), 0.4, start=values,
                                     alongside=True)
    if code2 in _GOOD:
        return solver2, code2, (bound2 + built.penalty_const) / _COST_SCALE, short_proven
    return solver, cp_model.FEASIBLE, math.nan, short_proven  # phase 1's roster: valid, not cost-optimised


def _complete(built: Built, hinted: set[tuple[str, int, str]], deadline: float
              ) -> tuple[cp_model.CpSolver, int, list[int]]:
    """The greedy roster checked and completed by the model (see :func:`_fixed`): its values
    (every variable, not only the assignments) become the search's starting point and, should
    the search find nothing in its budget, the roster."""
    solver, code = _fixed(built, {var.index: int(key in hinted) for key, var in built.x.items()}, deadline,
                          objective=built.shortfall)
    return solver, code, list(solver.response_proto.solution) if code in _GOOD else []


def _weighted(built: Built, rules: RosterRules, deadline: float
              ) -> tuple[cp_model.CpSolver, int, float, bool] | _Failed:
    """One objective: weighted shortfall next to cost (the benchmark's penalties)."""
    built.model.minimize(built.w_short * built.shortfall + built.cost_fair)
    solver, code, bound = _search(built, rules, deadline, deadline - time.perf_counter(), 0.4)
    if code not in _GOOD:
        return _Failed("solver", solver.status_name(code))
    return solver, code, (bound + built.penalty_const) / _COST_SCALE, True


def _result(solver: cp_model.CpSolver, code: int, bound: float, built: Built, pb: _Problem, short_proven: bool,
            status_name: str, premium: Premium | None = None) -> RosterResult:
    """The roster read back from the solver, with every figure recomputed from the assignments
    (not from the model), so the headline numbers mean what they say."""
    people_by_name = {p.name: p for p in pb.people}
    requirement, shift_cover, requests, rules = pb.requirement, pb.shift_cover, pb.requests, pb.rules
    by_key, required_hours, t0 = pb.by_key, pb.required_hours, pb.t0
    horizon_days, interval_minutes = pb.horizon_days, pb.interval_minutes
    iph = _intervals_per_hour(interval_minutes)
    n_intervals = horizon_days * 24 * iph
    instances = built.instances
    assignments: list[Assignment] = []
    for (name, k, post), var in built.x.items():
        if solver.boolean_value(var):
            inst = instances[k]
            assignments.append(
                Assignment(
                    person=name,
                    department=people_by_name[name].department,
                    post=post,
                    day=inst.day,
                    shift_code=inst.template.code,
                    start_interval=inst.start_i,
                    end_interval=inst.end_i,
                    start_hour_abs=inst.start_h,
                    hours=inst.hours,
                )
            )
    assignments.sort(key=lambda a: (a.start_hour_abs, a.post, a.person))
    cover = {q: [0] * n_intervals for q in requirement}
    for a in assignments:
        if a.post in cover:
            row = cover[a.post]
            for t in range(max(0, a.start_interval), min(n_intervals, a.end_interval)):
                row[t] += 1
    shift_gaps, shift_short_hours = _shift_gaps(shift_cover, assignments, by_key)
    gaps = _gaps_from(requirement, cover) + shift_gaps
    short_iv = {q: sum(max(0, r - c) for r, c in zip(requirement[q], cover[q], strict=True))
                for q in requirement}
    short_hours = sum(short_iv.values()) / iph + shift_short_hours
    unfair = {
        key: int(solver.value(hi) - solver.value(lo))
        for key, (hi, lo) in built.unfair_vars.items()
    }
    penalties, unmet = _penalties(assignments, shift_cover, requests)
    cost = sum(a.hours * people_by_name[a.person].cost_per_hour for a in assignments)
    # the premium as calc.labour pays it (the model's own never exceeds it: its bound holds)
    extra = premium.of(assignments, pb.people) if premium is not None else 0.0
    objective = cost + extra + rules.fairness_weight * sum(unfair.values()) + penalties["wishes_unmet"] + penalties[
        "wishes_against"] + penalties["cover_over"]
    if rules.shortfall_weight is not None:
        objective += rules.shortfall_weight * (sum(short_iv.values()) - built.shortfall_const)
        objective += penalties["cover_under"]
    proven = short_proven and code == cp_model.OPTIMAL and not math.isnan(bound) and bound >= objective - 1e-6
    if math.isnan(bound) or objective <= _EPS:
        gap_pct = math.nan if math.isnan(bound) else 0.0
    else:
        gap_pct = max(0.0, 100.0 * (objective - bound) / objective)
    status: Status = "partial" if gaps else ("optimal" if proven else "feasible")
    proto = built.model.proto
    return RosterResult(
        status=status,
        assignments=assignments,
        cover=cover,
        gaps=gaps,
        objective=objective,
        best_bound=bound,
        gap_pct=0.0 if proven else gap_pct,
        solve_seconds=time.perf_counter() - t0,
        horizon_days=horizon_days,
        interval_minutes=interval_minutes,
        cost=cost,
        shortfall_hours=short_hours,
        required_hours=required_hours,
        unfairness=unfair,
        num_variables=len(proto.variables),
        num_constraints=len(proto.constraints),
        solver_status=status_name,
        proven_optimal=proven,
        penalties=penalties,
        unmet_requests=unmet,
        clock_cut=built.clock_cut,
    )


def _shift_gaps(rows: Sequence[ShiftCover], assignments: Sequence[Assignment],
                by_key: Mapping[tuple[int, str], _Instance]) -> tuple[list[Gap], float]:
    """A gap per per-shift head count left short, over that shift's hours; and the person-hours short."""
    on = Counter((a.day, a.shift_code, a.post) for a in assignments)
    out, hours = [], 0.0
    for c in rows:
        short = c.need - on[(c.day, c.shift_code, c.post)]
        if short > 0:
            inst = by_key[(c.day, c.shift_code)]
            out.append(Gap(c.post, inst.start_i, inst.end_i, short, c.shift_code))
            hours += short * inst.hours
    return out, hours


def _penalties(assignments: Sequence[Assignment], shift_cover: Sequence[ShiftCover],
               requests: Sequence[Request]) -> tuple[dict[str, float], list[Request]]:
    """What the roster costs in wishes and per-shift cover, counted from the assignments."""
    worked = {(a.person, a.day) for a in assignments}
    shifts = {(a.person, a.day, a.shift_code) for a in assignments}
    on = Counter((a.day, a.shift_code, a.post) for a in assignments)
    unmet = [r for r in requests if r.want != (
        (r.person, r.day) in worked if r.shift_code is None else (r.person, r.day, r.shift_code) in shifts)]
    under = sum(max(0, c.need - on[(c.day, c.shift_code, c.post)]) * c.under_weight for c in shift_cover)
    over = sum(max(0, on[(c.day, c.shift_code, c.post)] - c.need) * c.over_weight for c in shift_cover)
    return {
        "wishes_unmet": sum(r.weight for r in unmet if r.want),
        "wishes_against": sum(r.weight for r in unmet if not r.want),
        "cover_under": under,
        "cover_over": over,
    }, unmet


def _greedy_hint(built: Built, pb: _Problem, fixed: Sequence[FixedAssignment]) -> set[tuple[str, int, str]]:
    """A greedy roster (see :mod:`sheetplan.calc.roster_greedy`) as the search's starting point."""
    people, requirement, shift_cover, rules = pb.people, pb.requirement, pb.shift_cover, pb.rules
    by_key, requests = pb.by_key, pb.requests

    limits = Limits(
        min_rest_hours=rules.min_rest_hours,
        one_shift_per_day=rules.one_shift_per_day,
        most_in_a_row={p.name: p.most_in_a_row(rules) for p in people},
        max_hours_per_day={p.name: p.max_hours_per_day for p in people},
        max_hours_total={p.name: p.max_hours_total for p in people},
        max_shifts={p.name: dict(p.max_shifts) for p in people},
        max_weekends={p.name: p.max_weekends for p in people},
        weekends=rules.weekends,
    )
    cands = [Candidate(name, k, q) for name, k, q in built.x]
    forced = [Candidate(f.person, by_key[(f.day, f.shift_code)].idx, f.post) for f in fixed]
    per_shift = {(c.day, c.shift_code, c.post): c.need for c in shift_cover}
    costs = {p.name: p.cost_per_hour for p in people}
    wishes: dict[tuple[str, int, str | None], float] = defaultdict(float)
    for r in requests:
        wishes[(r.person, r.day, r.shift_code)] += -r.weight if r.want else r.weight
    chosen = greedy_roster(cands, built.instances, requirement, per_shift, costs, limits, forced, wishes)
    return {(c.person, c.inst, c.post) for c in chosen}

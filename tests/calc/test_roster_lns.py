"""The neighbourhood search (roster_lns): it improves a complete roster to the optimum on a
hand-checkable model, keeps every hard rule, and is reproducible under a deterministic budget —
also inside solve_roster, where plans depend on byte-identical output."""

from __future__ import annotations

import random
import time

import pytest
from ortools.sat.python import cp_model

from roster_checker import check_roster
from sheetplan.calc import roster_solve
from sheetplan.calc.cp_solver import new_solver
from sheetplan.calc.roster import Person, RosterRules, ShiftTemplate, assignment_rows, solve_roster
from sheetplan.calc.roster_lns import Budget, improve

PEOPLE, DAYS, NEED, MOST = 6, 7, 3, 4


def _model() -> tuple[cp_model.CpModel, dict[tuple[str, int, str], cp_model.IntVar]]:
    """Six people, one shift a day for a week, three needed a day, at most four shifts each;
    person p costs p + 1 a shift and a missing person 100. Optimum by hand: 21 shifts fit in
    the 24 available, the five cheapest take four each and the dearest one: 4·15 + 6 = 66."""
    model = cp_model.CpModel()
    x = {(f"P{p}", d, "post"): model.new_bool_var(f"x{p}_{d}") for p in range(PEOPLE) for d in range(DAYS)}
    short = [model.new_int_var(0, NEED, f"short{d}") for d in range(DAYS)]
    for d in range(DAYS):
        model.add(sum(x[(f"P{p}", d, "post")] for p in range(PEOPLE)) + short[d] >= NEED)
    for p in range(PEOPLE):
        model.add(sum(x[(f"P{p}", d, "post")] for d in range(DAYS)) <= MOST)
    model.minimize(100 * sum(short) + sum((p + 1) * x[(f"P{p}", d, "post")]
                                          for p in range(PEOPLE) for d in range(DAYS)))
    return model, x


def _poor_start(model: cp_model.CpModel, x: dict) -> tuple[list[int], float]:
    """A complete, feasible but poor solution: the dearest people first, some days short."""
    fixed = model.clone()
    for (name, d, _), var in x.items():
        p = int(name[1:])
        works = p >= 2 and (d - p) % DAYS < MOST  # four days in a row each, from day p
        fixed.add(fixed.get_bool_var_from_proto_index(var.index) == int(works))
    solver = new_solver()
    solver.parameters.num_workers = 1
    assert solver.solve(fixed) == cp_model.OPTIMAL
    return list(solver.response_proto.solution), solver.objective_value


def test_the_search_reaches_the_hand_computed_optimum_from_a_poor_roster() -> None:
    model, x = _model()
    values, start = _poor_start(model, x)
    assert start > 66
    budget = Budget(deadline=time.perf_counter() + 120, deterministic=5.0)
    better, objective, stats = improve(model, x, list(range(DAYS)), values, start, budget, seed=3)
    assert objective == 66
    assert stats.improved >= 1 and stats.end == 66 and stats.start == start
    # the values keep every rule: the model with them fixed is feasible at that objective
    check = model.clone()
    for i, v in enumerate(better):
        check.add(check.get_int_var_from_proto_index(i) == v)
    solver = new_solver()
    assert solver.solve(check) == cp_model.OPTIMAL and solver.objective_value == 66


def test_the_search_is_reproducible_under_a_deterministic_budget() -> None:
    model, x = _model()
    values, start = _poor_start(model, x)
    runs = [improve(model, x, list(range(DAYS)), values, start,
                    Budget(deadline=time.perf_counter() + 120, deterministic=0.3), seed=7)[:2] for _ in range(2)]
    assert runs[0] == runs[1]


def _department(n: int) -> tuple[list[Person], dict[str, list[int]], list[ShiftTemplate]]:
    rng = random.Random(n)
    shifts = [ShiftTemplate("早", 8, 8, label="早班"), ShiftTemplate("中", 14, 8, label="中班"),
              ShiftTemplate("晚", 20, 8, label="晚班")]
    people = [Person(f"Agent {k:02d}", "Care", tuple(rng.sample(("Chat", "Returns"), rng.choice((1, 2)))),
                     unavailable_days=frozenset(rng.sample(range(4), 1)), cost_per_hour=20 + k % 7)
              for k in range(n)]
    req = {q: [0] * 96 for q in ("Chat", "Returns")}
    for t in range(96):
        hour = t % 24
        if 8 <= hour < 24:
            req["Chat"][t] = round(n * 0.16 * (1.4 if 20 <= hour < 22 else 1.0))
            req["Returns"][t] = round(n * 0.08)
    return people, req, shifts


def test_a_plan_roster_with_the_search_is_reproducible_and_keeps_every_rule(monkeypatch) -> None:
    calls = []
    real = roster_solve.improve

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append(out[2])
        return out

    monkeypatch.setattr(roster_solve, "improve", spy)
    monkeypatch.setattr(roster_solve, "LNS_ABOVE", 0)  # this small model searched too
    people, req, shifts = _department(40)
    rules = RosterRules(time_limit_s=60, deterministic_time=0.4, num_workers=1, min_rest_hours=11)
    results = [solve_roster(people, shifts, req, 4, rules) for _ in range(2)]
    assert calls, "the neighbourhood search did not run"
    assert any(s.rounds > 0 for s in calls)
    a, b = ([(x.person, x.day, x.shift_code, x.post) for x in r.assignments] for r in results)
    assert a == b and results[0].objective == results[1].objective
    problems = check_roster(assignment_rows(results[0]), people, req, rules, (), results[0].gaps,
                            shifts=shifts, interval_minutes=60)
    assert problems == []


@pytest.mark.parametrize("share", [0.0, 0.5])
def test_the_search_share_is_a_rule(share: float, monkeypatch) -> None:
    """lns_share 0 switches the search off; either way a valid roster comes back."""
    people, req, shifts = _department(12)
    monkeypatch.setattr(roster_solve, "LNS_ABOVE", 0)
    res = solve_roster(people, shifts, req, 4, RosterRules(time_limit_s=20, deterministic_time=0.5, num_workers=1,
                                                            lns_share=share))
    assert res.assignments and res.cover


def _built(n: int = 8):
    """A small department's model, as solve_roster builds it."""
    from sheetplan.calc.roster_constraints import Inputs, build_model
    from sheetplan.calc.roster_model import _night_codes

    people, req, shifts = _department(n)
    rules = RosterRules(deterministic_time=0.5, num_workers=1)
    pb = roster_solve._prepare(people, shifts, req, 4, rules, [], 60, (), ())
    return build_model(Inputs(pb.people, pb.instances, pb.requirement, rules, [], _night_codes(shifts, rules),
                              pb.n_intervals))


def test_fixing_assignments_pins_every_literal_to_its_value() -> None:
    """_fixed edits domains in place (a constraint per literal is slow): a literal fixed to 0
    stays 0 even when the objective would gain by setting it — an edit through a negative index
    is lost in OR-Tools' proto containers and would have left every 0 free."""
    built = _built()
    solver, code = roster_solve._fixed(built, {var.index: 0 for var in built.x.values()},
                                       time.perf_counter() + 30, objective=built.shortfall)
    assert code == cp_model.OPTIMAL
    assert not any(solver.boolean_value(var) for var in built.x.values())
    ones = {var.index: int(k % 3 == 0) for k, var in enumerate(built.x.values())}
    solver, code = roster_solve._fixed(built, ones, time.perf_counter() + 30, objective=built.shortfall)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # feasible only when those shifts keep every rule
        assert [int(solver.boolean_value(var)) for var in built.x.values()] == list(ones.values())
    # the caller's model is untouched
    assert all(list(built.model.proto.variables[var.index].domain) == [0, 1] for var in built.x.values())


def test_fixing_a_literal_to_a_value_its_domain_forbids_is_infeasible() -> None:
    built = _built()
    first = next(iter(built.x.values()))
    domain = built.model.proto.variables[first.index].domain
    domain[0], domain[1] = 0, 0  # e.g. a person who cannot work that shift
    _, code = roster_solve._fixed(built, {first.index: 1}, time.perf_counter() + 30)
    assert code == cp_model.INFEASIBLE


def test_two_streams_on_the_wall_clock_reach_the_optimum_and_keep_every_rule() -> None:
    """Benchmark mode runs rounds in two threads at once, each from the best roster either found."""
    model, x = _model()
    values, start = _poor_start(model, x)
    budget = Budget(deadline=time.perf_counter() + 3, round_seconds=0.1)
    better, objective, stats = improve(model, x, list(range(DAYS)), values, start, budget, seed=3, streams=2)
    assert objective == 66 and stats.end == 66 and stats.improved >= 1 and stats.rounds >= 2
    check = model.clone()
    for i, v in enumerate(better):
        check.add(check.get_int_var_from_proto_index(i) == v)
    solver = new_solver()
    assert solver.solve(check) == cp_model.OPTIMAL and solver.objective_value == 66


def test_a_failing_stream_is_raised_not_lost(monkeypatch) -> None:
    from sheetplan.calc import roster_lns

    def boom(self, stats) -> None:
        raise RuntimeError("round failed")

    monkeypatch.setattr(roster_lns._Stream, "run", boom)
    model, x = _model()
    values, start = _poor_start(model, x)
    with pytest.raises(RuntimeError, match="round failed"):
        improve(model, x, list(range(DAYS)), values, start, Budget(deadline=time.perf_counter() + 3), streams=2)


def test_the_cost_phase_on_the_wall_clock_searches_the_whole_model_beside_the_rounds(monkeypatch) -> None:
    """Benchmark mode: in the cost phase the whole-model search (its bound) runs in a thread for
    the whole phase while the rounds run; the roster keeps every rule and no bound exceeds it."""
    seen: list[tuple[int, list[str]]] = []
    real_run, real_along = roster_solve._run, roster_solve._alongside
    threads: list[str] = []

    def run(built, rules, *args, **kwargs):
        solver, code = real_run(built, rules, *args, **kwargs)
        seen.append((solver.parameters.num_workers, list(solver.parameters.ignore_subsolvers)))
        threads.append(__import__("threading").current_thread().name)
        return solver, code

    def along(*args, **kwargs):
        threads.append("alongside")
        return real_along(*args, **kwargs)

    monkeypatch.setattr(roster_solve, "_run", run)
    monkeypatch.setattr(roster_solve, "_alongside", along)
    monkeypatch.setattr(roster_solve, "WALL_LNS_ABOVE", 0)
    people, req, shifts = _department(24)
    rules = RosterRules(time_limit_s=6, num_workers=8, min_rest_hours=11)
    res = solve_roster(people, shifts, req, 4, rules)
    assert "alongside" in threads and threads[-1] != "MainThread"  # the cost phase's search ran in a thread
    assert (roster_solve.BOUND_WORKERS, list(roster_solve.BOUND_IGNORE)) in seen
    assert seen[0] == (8, [])  # phase 1: the whole portfolio
    assert res.best_bound <= res.objective + 1e-6
    problems = check_roster(assignment_rows(res), people, req, rules, (), res.gaps, shifts=shifts, interval_minutes=60)
    assert problems == []


def test_a_failing_whole_model_search_beside_the_rounds_is_raised(monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("whole-model search failed")

    built = _built(12)
    built.model.minimize(built.shortfall)
    solver = new_solver()
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    monkeypatch.setattr(roster_solve, "_run", boom)
    with pytest.raises(RuntimeError, match="whole-model search failed"):
        roster_solve._alongside(built, RosterRules(num_workers=8), time.perf_counter() + 5, 1.0,
                                list(solver.response_proto.solution))


def test_two_workers_on_the_wall_clock_keep_to_their_threads(monkeypatch) -> None:
    """solve_roster's default (two workers, wall clock) has no cores to spare for a bound search
    beside the rounds: the phases run one after the other, as before."""
    def refuse(*args, **kwargs):
        raise AssertionError("a bound search beside the rounds with two workers")

    monkeypatch.setattr(roster_solve, "_alongside", refuse)
    monkeypatch.setattr(roster_solve, "WALL_LNS_ABOVE", 0)
    people, req, shifts = _department(12)
    res = solve_roster(people, shifts, req, 4, RosterRules(time_limit_s=3, num_workers=2))
    assert res.assignments and res.best_bound <= res.objective + 1e-6

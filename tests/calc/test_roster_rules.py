"""The day-pattern rules, wishes and per-shift cover in the roster engine: each rule binds, random
rosters pass the independent checker, and a benchmark instance scores with the benchmark's own
scorer exactly as the engine says."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from roster_checker import check_roster
from sheetplan.calc import roster_rules as rr
from sheetplan.calc import roster_solve
from sheetplan.calc.cp_solver import new_solver
from sheetplan.calc.roster import (
    Person,
    Request,
    RosterRules,
    ShiftCover,
    ShiftTemplate,
    assignment_rows,
    explain,
    solve_roster,
)

ROOT = Path(__file__).resolve().parents[2]
NRP = ROOT / "tests" / "data" / "nrp"
sys.path.insert(0, str(ROOT / "bench"))
from nrp import load  # noqa: E402  # the bench's loader of the benchmark format

ALL = frozenset({"fulltime", "borrowed"})
E, L, N = (ShiftTemplate("E", 6, 8, ALL), ShiftTemplate("L", 14, 8, ALL),
           ShiftTemplate("N", 22, 8, ALL, not_followed_by=frozenset({"E", "L"})))
SHIFTS = [E, L, N]
DET = {"num_workers": 1, "deterministic_time": 5.0, "time_limit_s": 30}


def rules(**kw) -> RosterRules:
    return RosterRules(**{"min_rest_hours": 0, "max_consecutive_days": None, **DET, **kw})


def checked(res, people, req, r, shifts=SHIFTS, cover=(), days=7) -> None:
    problems = check_roster(assignment_rows(res), people, req, r, (), res.gaps, shifts=shifts,
                            horizon_days=days, shift_cover=cover)
    assert problems == []


def cover_all(days: int, need: int, post: str = "A", shifts=SHIFTS) -> list[ShiftCover]:
    return [ShiftCover(d, s.code, post, need) for d in range(days) for s in shifts]


def test_forbidden_succession_holds_even_when_it_costs_cover() -> None:
    # one person, night on day 0 and early on day 1 both wanted: only one can be worked
    p = [Person("A", "d", ("A",))]
    cover = [ShiftCover(0, "N", "A", 1), ShiftCover(1, "E", "A", 1)]
    res = solve_roster(p, SHIFTS, {}, 2, rules(), shift_cover=cover)
    assert len(res.assignments) == 1
    assert res.penalties["cover_under"] == 1
    checked(res, p, {}, rules(), cover=cover, days=2)


def test_max_shifts_min_hours_and_weekends() -> None:
    people = [Person("A", "d", ("A",), max_shifts=(("N", 1),), min_hours_total=32, max_weekends=0),
              Person("B", "d", ("A",))]
    r = rules(weekends=((5, 6),))
    cover = [ShiftCover(d, "N", "A", 1) for d in range(7)]
    res = solve_roster(people, SHIFTS, {}, 7, r, shift_cover=cover)
    mine = [a for a in res.assignments if a.person == "A"]
    assert sum(a.shift_code == "N" for a in mine) <= 1
    assert sum(a.hours for a in mine) >= 32
    assert not any(a.day in (5, 6) for a in mine)
    checked(res, people, {}, r, cover=cover)


def test_min_days_in_a_row_and_min_days_off() -> None:
    people = [Person("A", "d", ("A",), min_consecutive_days=3, min_days_off=2, max_consecutive_days=4)]
    # work wanted on days 1 and 5 only: interior runs must still be ≥ 3 days, breaks ≥ 2 days
    cover = [ShiftCover(d, "E", "A", 1, under_weight=10) for d in (1, 5)]
    res = solve_roster(people, SHIFTS, {}, 9, rules(), shift_cover=cover)
    checked(res, people, {}, rules(), cover=cover, days=9)
    assert res.penalties["cover_under"] == 0


def test_wishes_are_weighed_and_reported() -> None:
    people = [Person("A", "d", ("A",)), Person("B", "d", ("A",))]
    cover = [ShiftCover(0, "E", "A", 1)]
    wishes = [Request("A", 0, None, False, 5), Request("B", 0, "E", True, 2), Request("B", 1, "L", True, 0.5)]
    r = rules(cost_phase=True)
    res = solve_roster(people, SHIFTS, {}, 2, r, shift_cover=cover, requests=wishes)
    assert [(a.person, a.day, a.shift_code) for a in res.assignments] == [("B", 0, "E")]
    # B's late shift on day 1 is not needed: 8 h of cost is worth more than a wish of weight 0.5
    assert res.unmet_requests == [wishes[2]]
    lines = explain(res, people, SHIFTS, {}, r, lang="en", requests=wishes, shift_cover=cover, resolve=False)
    assert any("Wishes: 2 of 3 granted" in line and "B Day 2 wants L" in line for line in lines)


def test_shift_gap_and_personal_rule_in_the_explanation() -> None:
    people = [Person("A", "d", ("A",), max_shifts=(("N", 0),))]
    cover = [ShiftCover(0, "N", "A", 1)]
    r = rules()
    res = solve_roster(people, SHIFTS, {}, 1, r, shift_cover=cover)
    lines = explain(res, people, SHIFTS, {}, r, lang="zh", day_labels=["11-11"], shift_cover=cover,
                    resolve_time_s=1)
    text = "\n".join(lines)
    assert "A 11-11 N 班 缺 1 人" in text
    assert "取消各班次次数上限" in text and "可消除该缺口" in text


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(1, 3), st.integers(1, 2), st.integers(2, 6), st.integers(0, 2),
                       st.integers(0, 4)), min_size=2, max_size=5),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 6), st.sampled_from([None, "E", "L", "N"]),
                       st.booleans(), st.integers(1, 9)), max_size=8),
    st.integers(0, 2),
)
def test_random_rosters_keep_every_rule(staff, wishes, need) -> None:
    people = [Person(f"P{i}", "d", ("A",), min_consecutive_days=a, min_days_off=b, max_consecutive_days=c,
                     max_weekends=w, max_shifts=(("N", n),)) for i, (a, b, c, w, n) in enumerate(staff)]
    names = {p.name for p in people}
    requests = list({(f"P{i}", d, s): Request(f"P{i}", d, s, want, wt)
                     for i, d, s, want, wt in wishes if f"P{i}" in names}.values())
    cover = cover_all(7, need)
    r = rules(weekends=((5, 6),), deterministic_time=1.0)
    res = solve_roster(people, SHIFTS, {}, 7, r, shift_cover=cover, requests=requests)
    checked(res, people, {}, r, cover=cover)
    # the penalties the result states are what the rows give
    got = {(a.person, a.day, a.shift_code) for a in res.assignments}
    worked = {(a.person, a.day) for a in res.assignments}
    unmet = [q for q in requests if q.want != ((q.person, q.day) in worked if q.shift_code is None
                                               else (q.person, q.day, q.shift_code) in got)]
    assert sorted(map(repr, unmet)) == sorted(map(repr, res.unmet_requests))


def test_benchmark_instance_scores_as_the_engine_says(tmp_path: Path) -> None:
    inst = load(NRP / "Instance1.txt")
    r = inst.rules(30, 1)
    res = solve_roster(inst.people, inst.shifts, {}, inst.horizon, RosterRules(**{
        **r.__dict__, "deterministic_time": 10.0}), interval_minutes=inst.interval_minutes,
        requests=inst.requests, shift_cover=inst.cover)
    assert res.proven_optimal
    sol = tmp_path / "Instance1.csv"
    with sol.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["employee", "day", "shift"])
        w.writerows([a.person, a.day, a.shift_code] for a in res.assignments)
    out = subprocess.run([sys.executable, str(NRP / "evaluate.py"), str(NRP / "Instance1.txt"), str(sol), "--json"],
                         capture_output=True, text=True, check=True)
    verdict = json.loads(out.stdout)
    assert verdict["feasible"], verdict["violation_counts"]
    assert verdict["objective"] == round(res.objective)
    assert verdict["objective"] == 607  # the published optimum (best_known.json)
    checked(res, inst.people, {}, r, shifts=inst.shifts, cover=inst.cover, days=inst.horizon)


def _allowed(most: int | None, least_on: int, least_off: int, closed: frozenset[int], automaton: bool,
             horizon: int = 8) -> set[tuple[int, ...]]:
    """Every works/off sequence the encoding allows (days in ``closed``: no literal, off)."""
    model = cp_model.CpModel()
    days = rr.DayLits([None if d in closed else model.new_bool_var(f"w{d}") for d in range(horizon)])
    (rr.add_runs_automaton if automaton else rr.add_runs_clauses)(model, days, most, least_on, least_off)
    found: set[tuple[int, ...]] = set()

    class Seen(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.add(tuple(0 if w is None else self.value(w) for w in days.works))

    solver = new_solver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    solver.solve(model, Seen())
    return found


@pytest.mark.parametrize("most", [None, 0, 1, 2, 3, 5])
@pytest.mark.parametrize("least_on,least_off", [(1, 2), (2, 1), (2, 2), (3, 2), (2, 3), (3, 3), (1, 1)])
@pytest.mark.parametrize("closed", [frozenset(), frozenset({3}), frozenset({0, 6})])
def test_the_runs_automaton_allows_exactly_what_the_clauses_allow(most, least_on, least_off, closed) -> None:
    clauses = _allowed(most, least_on, least_off, closed, automaton=False)
    assert clauses  # every rule set leaves some roster (all days off at least)
    assert _allowed(most, least_on, least_off, closed, automaton=True) == clauses


def test_a_small_model_on_the_wall_clock_holds_its_runs_in_an_automaton(monkeypatch) -> None:
    """The benchmark's route (several workers, no deterministic budget): the rules on runs are
    one automaton per person, the LP subsolvers get the cores, and the roster is still the
    published optimum, feasible by the benchmark's rules (the independent checker)."""
    calls, solvers = [], []
    real = rr.add_runs_automaton
    monkeypatch.setattr(rr, "add_runs_automaton", lambda *a: (calls.append(a), real(*a))[1])
    monkeypatch.setattr(roster_solve, "new_solver", lambda: solvers.append(new_solver()) or solvers[-1])
    inst = load(NRP / "Instance1.txt")
    res = solve_roster(inst.people, inst.shifts, {}, inst.horizon, inst.rules(60, 2),
                       interval_minutes=inst.interval_minutes, requests=inst.requests, shift_cover=inst.cover)
    assert len(calls) == len(inst.people)
    # and its portfolio leaves the subsolvers without an LP out (roster_solve.SMALL_IGNORE)
    assert any({"core", "no_lp"} <= set(s.parameters.ignore_subsolvers) for s in solvers)
    assert res.proven_optimal and round(res.objective) == 607
    checked(res, inst.people, {}, inst.rules(60, 2), shifts=inst.shifts, cover=inst.cover, days=inst.horizon)

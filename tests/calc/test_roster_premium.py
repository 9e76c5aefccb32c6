"""Overtime in the roster's objective (calc.roster_premium): the cost phase minimises the labour
cost calc.labour pays, not rate × hours — and the model's premium never exceeds what
calc.labour pays for the same roster, so the solver's bound stays a bound."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from ortools.sat.python import cp_model

from sheetplan.calc import roster_solve
from sheetplan.calc.labour import PayRules
from sheetplan.calc.roster import Person, RosterRules, ShiftTemplate, solve_roster
from sheetplan.calc.roster_constraints import Inputs, build_model
from sheetplan.calc.roster_model import _COST_SCALE, _night_codes
from sheetplan.calc.roster_premium import Premium

DAY = [ShiftTemplate("D", 9, 8, label="Day")]
RULES = RosterRules(time_limit_s=20, deterministic_time=2, num_workers=1, max_consecutive_days=None)
FRI = dt.date(2026, 11, 13)  # a Friday; the next day is a rest day


def _need(days: int, per_day: list[int]) -> dict[str, list[int]]:
    req = [0] * (24 * days)
    for d, n in enumerate(per_day):
        for h in range(9, 17):
            req[24 * d + h] = n
    return {"Desk": req}


def test_a_holiday_goes_to_the_cheaper_person() -> None:
    """Both days need one person and each may work one day: rate × hours is the same either way,
    but the holiday's triple pay is cheaper on the cheaper person."""
    people = [Person("Ann", "Care", ("Desk",), cost_per_hour=10, max_hours_total=8),
              Person("Bob", "Care", ("Desk",), cost_per_hour=12, max_hours_total=8)]
    dates = [FRI, FRI + dt.timedelta(days=1)]
    premium = Premium(PayRules(holidays=frozenset({dates[1]}), days=frozenset(dates)), dates)
    res = solve_roster(people, DAY, _need(2, [1, 1]), 2, RULES, premium=premium)
    assert [(a.person, a.day) for a in sorted(res.assignments, key=lambda a: a.day)] == [("Bob", 0), ("Ann", 1)]
    assert res.objective == 12 * 8 + 10 * 8 * 3  # the holiday at 300 %, as calc.labour pays it


def test_a_rest_day_is_given_back_by_a_weekday_off_instead_of_paid_double() -> None:
    """Friday and Saturday need one person each. Ann is cheaper: rate × hours alone puts her on
    both, and her Saturday is paid double (no weekday off that week); with the premium priced,
    Bob takes Friday, and Ann's Saturday is given back by her Friday off (补休)."""
    people = [Person("Ann", "Care", ("Desk",), cost_per_hour=10), Person("Bob", "Care", ("Desk",), cost_per_hour=11)]
    dates = [FRI, FRI + dt.timedelta(days=1)]
    rules = PayRules(days=frozenset(dates))
    plain = solve_roster(people, DAY, _need(2, [1, 1]), 2, RULES)
    assert {a.person for a in plain.assignments} == {"Ann"}  # the blind roster
    priced = solve_roster(people, DAY, _need(2, [1, 1]), 2, RULES, premium=Premium(rules, dates))
    assert sorted((a.day, a.person) for a in priced.assignments) == [(0, "Bob"), (1, "Ann")]
    assert Premium(rules, dates).of(priced.assignments, people) == 0
    assert Premium(rules, dates).of(plain.assignments, people) == 80  # Ann's Saturday at 200 %


def test_the_model_never_prices_a_roster_above_what_labour_pays() -> None:
    """Random rosters of a week with a weekend and a holiday, long shifts and the week's limit:
    the model's premium at those assignments (its least value) is at most calc.labour's."""
    rng = random.Random(5)
    shifts = [ShiftTemplate("E", 7, 10, label="Early"), ShiftTemplate("L", 14, 8, label="Late")]
    start = dt.date(2026, 11, 9)  # a Monday
    dates = [start + dt.timedelta(days=d) for d in range(7)]
    pay = PayRules(holidays=frozenset({dates[2]}), week_limit=40, days=frozenset(dates))
    people = [Person(f"P{k}", "Care", ("Desk",), cost_per_hour=20 + k, unavailable_days=frozenset({k % 7}))
              for k in range(6)]
    rules = RosterRules(max_consecutive_days=None, min_rest_hours=0)
    busy = {p.name: frozenset(dates[d] for d in p.unavailable_days) for p in people}
    premium = Premium(pay, dates, busy)
    req = {"Desk": [1] * (24 * 7)}
    pb = roster_solve._prepare(people, shifts, req, 7, rules, [], 60, (), ())
    priced = []
    for trial in range(12):
        built = build_model(Inputs(pb.people, pb.instances, pb.requirement, rules, [], _night_codes(shifts, rules),
                                   pb.n_intervals, premium=premium))
        plain = build_model(Inputs(pb.people, pb.instances, pb.requirement, rules, [], _night_codes(shifts, rules),
                                   pb.n_intervals))
        chosen: dict[tuple[str, int], int] = {}
        for (name, k, _), var in built.x.items():
            day = pb.instances[k].day
            if (name, day) not in chosen and rng.random() < 0.6:
                chosen[(name, day)] = var.index
        solver, code = roster_solve._fixed(built, {v.index: int(v.index in chosen.values()) for v in built.x.values()},
                                           1e12, objective=built.cost_fair)
        assert code == cp_model.OPTIMAL, trial
        base, _ = roster_solve._fixed(plain, {v.index: int(v.index in chosen.values()) for v in plain.x.values()},
                                      1e12, objective=plain.cost_fair)
        model_premium = (solver.objective_value - base.objective_value) / _COST_SCALE
        result = roster_solve._result(solver, code, float("nan"), built, pb, False, "x", premium)
        paid = premium.of(result.assignments, people)
        assert model_premium <= paid + 1e-6, (trial, model_premium, paid)
        assert paid > 0 or model_premium == 0
        priced.append(model_premium)
    assert sum(1 for m in priced if m > 0) >= 6  # the rosters do carry a premium the model sees


def test_pay_rules_without_a_date_for_every_day_are_a_clear_error() -> None:
    people = [Person("Ann", "Care", ("Desk",))]
    with pytest.raises(ValueError, match="a date for each of the 2 days"):
        solve_roster(people, DAY, _need(2, [1, 1]), 2, RULES, premium=Premium(PayRules(), [FRI]))

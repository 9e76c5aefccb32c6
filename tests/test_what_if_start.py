"""A what-if re-solves the department from the roster it questions: the caller's roster is
completed by the model, so the re-search starts at that roster's shortfall and can only better
it. From the bare assignments as a hint, one worker on a small budget ended far worse (the
example's 客服部: 3,620 weighted short hours where the roster has 250), and every what-if, the
control included, then read as "makes it worse" — advice lost in the search's noise."""

from __future__ import annotations

from dataclasses import replace

from sheetplan.calc.roster import solve_roster
from sheetplan.plan import to_roster


def test_a_re_solve_from_the_roster_never_ends_worse_than_it(demo_results) -> None:
    plan, results = demo_results
    worst = max(results.rosters, key=lambda r: r.result.shortfall_hours)  # the example's 客服部
    res = worst.result
    assert res.shortfall_hours > 0 and len(res.assignments) > 200
    dept = worst.department
    rules = replace(to_roster.rules(plan), deterministic_time=0.25, cost_phase=False)  # as explain's what-ifs
    again = solve_roster(worst.people, worst.shifts, worst.requirement, res.horizon_days, rules,
                         to_roster.fixed_assignments(plan, dept), res.interval_minutes, hint=res.assignments,
                         requests=to_roster.requests(plan, dept), shift_cover=to_roster.shift_cover(plan, dept),
                         priority=worst.priority, all_hands=to_roster.all_hands_days(plan, dept))
    assert again.shortfall_hours <= res.shortfall_hours
    deepest = max(g.shortfall for g in res.gaps)
    assert max((g.shortfall for g in again.gaps), default=0) <= deepest

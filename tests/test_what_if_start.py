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


def test_a_what_if_re_solves_only_the_days_around_the_gaps(demo_results, monkeypatch) -> None:
    """Outside the days within WHAT_IF_DAYS_AROUND of a gap the roster is kept as it is (shifts
    and days off): the small budget is spent where the gaps are, and every day of the roster
    the advice is about stays the planner's."""
    from sheetplan.calc import roster_explain as rex

    plan, results = demo_results
    worst = max(results.rosters, key=lambda r: r.result.shortfall_hours)
    res = worst.result
    open_days = rex._around_gaps(res)
    assert open_days and len(open_days) < res.horizon_days  # the example's gaps are on the sale day
    gap_days = {g.start_interval * res.interval_minutes // (24 * 60) for g in res.gaps}
    assert all(d + k in open_days for d in gap_days for k in range(-2, 3) if 0 <= d + k < res.horizon_days)
    seen = []

    def spy(*a, **k):
        out = solve_roster(*a, **k)
        seen.append(out)
        return out

    monkeypatch.setattr(rex, "solve_roster", spy)
    dept = worst.department
    rex.explain(res, worst.people, worst.shifts, worst.requirement, to_roster.rules(plan),
                day_labels=plan.settings.day_labels, fixed=to_roster.fixed_assignments(plan, dept),
                resolve_time_s=0.25, requests=to_roster.requests(plan, dept),
                shift_cover=to_roster.shift_cover(plan, dept), priority=worst.priority,
                all_hands=to_roster.all_hands_days(plan, dept))
    assert len(seen) >= 3  # the rule relaxations, the shift designs and the control

    def outside(r):
        return {(a.person, a.day, a.shift_code, a.post) for a in r.assignments if a.day not in open_days}

    assert all(outside(r) == outside(res) for r in seen)
    # and inside the open days the what-ifs do move shifts (the answers differ from the roster)
    assert any({(a.person, a.day, a.shift_code) for a in r.assignments}
               != {(a.person, a.day, a.shift_code) for a in res.assignments} for r in seen)

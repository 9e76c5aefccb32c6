"""The same plan gives the same roster: the deterministic budget ends every search, and the
wall-clock limit is only a backstop. A helper's attack built the example twice at once beside a
test suite: the 10-s backstop then cut the customer-service roster (labour cost 57,200 -> 57,700,
wishes met 3/4 -> 1/4) and the warehouse stress case (12 -> 14 more people), in silence. The
backstop is now generous, and a search it does cut says so, at the department."""

from __future__ import annotations

from dataclasses import replace

from sheetplan.calc.roster import solve_roster
from sheetplan.messages import msg
from sheetplan.pipeline import _roster_jobs, compute, demand
from sheetplan.plan import to_roster

DEPT = "客服部"


def _job(plan):
    jobs, _ = _roster_jobs(plan, demand(plan))
    return next(j for j in jobs if j.args[0] == DEPT)


def test_a_search_the_backstop_cuts_is_marked_and_one_it_does_not_is_not(demo_results) -> None:
    plan, _ = demo_results
    job = _job(plan)
    _, people, shifts, req, days, rules = job.args
    kw = job.keywords
    args = {k: kw[k] for k in ("fixed", "requests", "shift_cover", "priority", "all_hands")}

    def solve(r):
        return solve_roster(people, shifts, req, days, r, interval_minutes=kw["interval_minutes"], **args)

    cut = solve(replace(rules, deterministic_time=50.0, time_limit_s=1.0))
    assert cut.clock_cut and cut.assignments  # a roster, said to be cut
    whole = solve(replace(rules, deterministic_time=0.3, cost_phase=False))
    assert not whole.clock_cut


def test_the_default_backstop_leaves_room_for_a_busy_machine(demo_results) -> None:
    """About twenty times what the default budget takes on an idle machine, not five."""
    plan, _ = demo_results
    rules = to_roster.rules(plan)
    assert rules.time_limit_s >= 20 * rules.deterministic_time


def test_a_cut_department_is_warned_about_in_the_plans_language(demo_results, monkeypatch) -> None:
    plan, _ = demo_results
    monkeypatch.setattr(to_roster, "BACKSTOP_S", 0.5)
    monkeypatch.setattr(to_roster, "MAX_WALL_S", 0.5)
    results = compute(plan)
    said = [p for p in results.problems if p.message == msg("roster_clock_cut", "zh", dept=DEPT)]
    assert said and said[0].severity == "warning" and said[0].department == DEPT


def test_what_ifs_beside_the_cost_phase_give_the_same_advice(demo_results) -> None:
    """The what-ifs may start on the first phase's roster while the cost phase still runs (a
    second core idle otherwise): the advice is the same as when they run after it, one thread."""
    plan, _ = demo_results
    job = _job(plan)
    beside = job(ahead=True)
    after = job(ahead=False)
    assert beside.explanation == after.explanation and beside.result.assignments == after.result.assignments
    assert any("可消除该缺口" in x or "缺口可降至" in x for x in beside.explanation)  # the what-ifs spoke
    first = []
    _, people, shifts, req, days, rules = job.args
    kw = job.keywords
    final = solve_roster(people, shifts, req, days, rules, interval_minutes=kw["interval_minutes"],
                         **{k: kw[k] for k in ("fixed", "requests", "shift_cover", "priority", "all_hands")},
                         on_first=first.append)
    assert len(first) == 1 and first[0].shortfall_hours == final.shortfall_hours  # the cost phase keeps it

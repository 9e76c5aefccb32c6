"""Gaps weighed by depth, must-cover windows, all-hands days and shift-design advice (issue 21)."""

from __future__ import annotations

from sheetplan.calc.cp_solver import new_solver
from sheetplan.calc.roster import FixedAssignment, Person, RosterRules, ShiftTemplate, explain, solve_roster
from sheetplan.calc.roster_cover import gap_cost, layers

RULES = RosterRules(time_limit_s=20, num_workers=1, deterministic_time=5, max_consecutive_days=None)
# two one-hour shifts a day at 00:00 and 12:00; four people, one shift a day, each hour needs four
SHIFTS = [ShiftTemplate("A", 0, 1), ShiftTemplate("B", 12, 1)]


def _req(a: int, b: int) -> dict[str, list[int]]:
    row = [0] * 24
    row[0], row[12] = a, b
    return {"desk": row}


def _people(n: int, cheap_b: bool = False) -> list[Person]:
    return [Person(f"p{i}", "d", ("desk",), cost_per_hour=1.0) for i in range(n)]


def test_layers_are_convex_and_add_up() -> None:
    assert layers(4) == [(1, 1), (1, 2), (1, 4), (1, 8)]
    assert sum(n for n, _ in layers(31)) == 31
    weights = [w for _, w in layers(31)]
    assert weights == sorted(weights)
    assert gap_cost(31, 16) > 16 * gap_cost(10, 1)  # one deep gap costs more than sixteen shallow ones
    # the person whose absence empties a post costs the most, whatever the post's size
    assert layers(1) == [(1, 8)] and layers(2) == [(1, 2), (1, 8)]
    assert all(layers(n)[-1][1] == 8 for n in range(1, 60))


def test_a_one_person_post_is_not_left_empty_to_fill_a_larger_one() -> None:
    # four people for a post of four and a post of one (a helper's plan left "Ship" empty for
    # whole sale days, its one seat weighed as the cheapest layer, to seat Pack's fourth)
    people = [Person(f"p{i}", "d", ("pack", "ship")) for i in range(4)]
    req = {"pack": [4] * 8 + [0] * 16, "ship": [1] * 8 + [0] * 16}
    res = solve_roster(people, [ShiftTemplate("D", 0, 8)], req, 1, RULES)
    assert res.shortfall_hours == 8
    assert min(res.cover["ship"][:8]) == 1 and min(res.cover["pack"][:8]) == 3


def test_a_deep_gap_is_spread_into_shallow_ones() -> None:
    # flat weights are indifferent between 4/0 and 2/2 (four short person-hours either way)
    # and the cost phase then picks any; by depth, two short of four twice is far cheaper
    res = solve_roster(_people(4), SHIFTS, _req(4, 4), 1, RULES)
    assert res.shortfall_hours == 4
    assert max(4 - res.cover["desk"][0], 4 - res.cover["desk"][12]) == 2


def test_flat_weights_may_leave_the_deep_gap() -> None:
    # the same people with a cheaper midnight (cost tie broken): the flat objective leaves noon empty
    people = [Person(f"p{i}", "d", ("desk",)) for i in range(4)]
    shifts = [ShiftTemplate("A", 0, 1), ShiftTemplate("B", 12, 2)]  # B costs more
    req = _req(4, 4)
    flat = solve_roster(people, shifts, req, 1, RosterRules(**{**RULES.__dict__, "depth_weights": (1,)}))
    deep = solve_roster(people, shifts, req, 1, RULES)
    assert 4 - flat.cover["desk"][12] == 4  # the whole noon hour unstaffed
    assert 4 - deep.cover["desk"][12] <= 2


def test_a_must_cover_window_is_staffed_first() -> None:
    prio = {"desk": [10.0] + [1.0] * 23}
    res = solve_roster(_people(4), SHIFTS, _req(4, 4), 1, RULES, priority=prio)
    assert res.cover["desk"][0] == 4 and res.cover["desk"][12] == 0


def test_all_hands_day_rosters_everyone_who_can_work() -> None:
    req = {"desk": ([0] * 8 + [1] * 8 + [0] * 8) * 2}  # one person needed 08:00–16:00 each day
    people = [Person("a", "d", ("desk",)), Person("b", "d", ("desk",)),
              Person("c", "d", ("desk",), unavailable_days=frozenset({1}))]
    shifts = [ShiftTemplate("D", 8, 8)]
    plain = solve_roster(people, shifts, req, 2, RULES)
    assert len([a for a in plain.assignments if a.day == 1]) == 1
    res = solve_roster(people, shifts, req, 2, RULES, all_hands=[1])
    assert {a.person for a in res.assignments if a.day == 1} == {"a", "b"}
    assert res.all_hands_off == [("c", 1)]
    lines = explain(res, people, shifts, req, RULES, resolve=False, all_hands=[1])
    assert any("全员在岗日" in x and "c（不可上班）" in x for x in lines)


def test_shift_design_advice_is_computed() -> None:
    # midnight needs 3 but only a 16:00–24:00 shift exists before it: running it on is the fix
    req = {"desk": [0] * 16 + [1] * 8 + [3] + [0] * 23}
    people = [Person(f"p{i}", "d", ("desk",)) for i in range(3)]
    shifts = [ShiftTemplate("L", 16, 8, label="中班"), ShiftTemplate("E", 8, 8, label="早班")]
    res = solve_roster(people, shifts, req, 2, RULES)
    assert res.cover["desk"][24] == 0
    lines = explain(res, people, shifts, req, RULES, day_labels=["11-10", "11-11"], resolve_time_s=1)
    advice = next(x for x in lines if x.startswith("desk 11-11 00:00"))
    assert "将「中班」延长到 01:00（作为加班，约 3 人次可消除该缺口）" in advice


def test_a_model_too_big_for_its_budget_keeps_the_greedy_roster(monkeypatch) -> None:
    """When the search finds nothing in its budget (a 1,000-person department at the default
    budget), the greedy roster it started from, checked by the model, is the roster — not none."""
    from ortools.sat.python import cp_model

    from sheetplan.calc import roster_solve
    from sheetplan.calc.roster_lns import LnsStats

    def nothing(*args: object, **kw: object) -> tuple[cp_model.CpSolver, int]:
        return new_solver(), cp_model.UNKNOWN

    def no_better(model, x, day_of, values, objective, *args, **kw):
        return values, objective, LnsStats(start=objective, end=objective)

    monkeypatch.setattr(roster_solve, "LNS_ABOVE", 0)
    monkeypatch.setattr(roster_solve, "_run", nothing)
    monkeypatch.setattr(roster_solve, "improve", no_better)
    req = {"desk": [0] * 8 + [2] * 8 + [0] * 8}
    people = [Person(f"p{i}", "d", ("desk",)) for i in range(3)]
    res = solve_roster(people, [ShiftTemplate("D", 8, 8)], req, 1, RULES)
    assert res.status in ("optimal", "feasible") and res.coverage_pct == 100.0
    assert len(res.assignments) == 2 and not res.proven_optimal


def test_a_design_counts_only_the_shifts_at_its_gap() -> None:
    """The what-if may put the variant on other days too (nothing stops it there): "about n
    shifts" counts those that cover the gap, so 16 short less n agrees with what is left."""
    from dataclasses import replace as _replace

    from sheetplan.calc.roster_design import DESIGN_MARK, design_text

    req = {"desk": [0] * 16 + [1] * 8 + [3] + [0] * 23}
    people = [Person(f"p{i}", "d", ("desk",)) for i in range(3)]
    shifts = [ShiftTemplate("L", 16, 8, label="中班")]
    res = solve_roster(people, shifts, req, 2, RULES)
    on = [_replace(a, shift_code=f"L{DESIGN_MARK}0", end_interval=a.end_interval + 1) for a in res.assignments]
    elsewhere = _replace(on[0], day=1, start_interval=40, end_interval=49)  # 11-11 16:00-01:00: not the gap
    what_if = _replace(res, assignments=[*on, elsewhere])
    zh, en = design_text("约 {n} 人次", "about {n} shifts", what_if, "desk", 24, 25)
    assert (zh, en) == (f"约 {len(on)} 人次", f"about {len(on)} shift{'s' * (len(on) != 1)}")


def test_a_shift_label_typed_with_braces_stays_as_typed_in_design_advice() -> None:
    """The count fills the design's own placeholder, never a '{n}' a planner typed in a label."""
    req = {"desk": [0] * 16 + [1] * 8 + [3] + [0] * 23}
    people = [Person(f"p{i}", "d", ("desk",)) for i in range(3)]
    shifts = [ShiftTemplate("L", 16, 8, label="晚{n}班"), ShiftTemplate("E", 8, 8, label="早班")]
    res = solve_roster(people, shifts, req, 2, RULES)
    lines = explain(res, people, shifts, req, RULES, day_labels=["11-10", "11-11"], resolve_time_s=1)
    advice = next(x for x in lines if x.startswith("desk 11-11 00:00"))
    assert "将「晚{n}班」延长到 01:00（作为加班，约 3 人次可消除该缺口）" in advice


def test_english_design_advice_reads_as_english() -> None:
    """One shift is "1 shift", and a new shift's length takes no article ("add a 8-hour shift")."""
    from dataclasses import replace as _replace
    from types import SimpleNamespace

    from sheetplan.calc.roster_design import DESIGN_MARK, design_text, shift_designs

    req = {"desk": [0] * 16 + [1] * 8 + [3] + [0] * 23}
    people = [Person(f"p{i}", "d", ("desk",)) for i in range(3)]
    shifts = [ShiftTemplate("L", 16, 8, label="Late")]
    res = solve_roster(people, shifts, req, 2, RULES)
    one = _replace(res, assignments=[_replace(res.assignments[0], shift_code=f"L{DESIGN_MARK}0")])
    assert design_text("约 {n} 人次", "about {n} shifts: …", one, "desk", 16, 25)[1] == "about 1 shift: …"
    gap = SimpleNamespace(start=24, end=25, short=(3,))
    texts = [en for _, en, *_ in shift_designs([gap], shifts, people, RULES, 60, None)]
    assert "add a shift of 8 hours starting 00:00 (about {n} shifts:" in texts
    assert not any("a 8" in t for t in texts)


def test_a_gap_says_what_keeps_the_skilled_people_off() -> None:
    """Who has the post's skill, who is on it at the gap's hour and why the others are not: their
    own shifts (one a day, rest), leave — in the plan's language."""
    req = {"desk": [0] * 8 + [2] * 8 + [0] * 8}  # two needed 08:00–16:00, one day
    people = [Person("a", "d", ("desk",)), Person("b", "d", ("desk",), unavailable_days=frozenset({0})),
              Person("c", "d", ("desk", "door"))]
    shifts = [ShiftTemplate("D", 8, 8)]
    res = solve_roster(people, shifts, req, 1, RULES, fixed=[FixedAssignment("c", 0, "D", "door")])
    lines = explain(res, people, shifts, {**req, "door": [0] * 24}, RULES, resolve=False, lang="en")
    line = next(x for x in lines if x.startswith("desk"))
    assert "of the 3 people with skill desk: 1 on it, 1 on another post, 1 unavailable" in line


def test_a_window_filled_first_says_gaps_elsewhere_may_be_deeper() -> None:
    """One person, two hours asking for them: the must-cover hour gets them, and the sheet says
    why the other hour is short (a helper's attack: no text said the window caused it)."""
    req = {"desk": [0] * 8 + [1] * 16 + [0] * 24}
    people = [Person("a", "d", ("desk",))]
    shifts = [ShiftTemplate("E", 8, 8), ShiftTemplate("L", 16, 8)]
    prio = {"desk": [1.0] * 16 + [5.0] * 8 + [1.0] * 24}
    res = solve_roster(people, shifts, req, 2, RULES, priority=prio)
    lines = explain(res, people, shifts, req, RULES, resolve=False, priority=prio)
    assert any(x.startswith("注：必保时段（权重 5）优先排满") for x in lines)

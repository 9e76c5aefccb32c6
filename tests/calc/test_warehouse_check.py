"""Warehouse heads against the roster: the fewest shifts a requirement takes, and the reconciliation
of a small roster by hand."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from sheetplan.calc.cp_solver import new_solver
from sheetplan.calc.roster import Assignment, Person, RosterResult, ShiftTemplate, shift_instances
from sheetplan.calc.warehouse_check import fewest_shifts, reconcile

SHIFTS = [ShiftTemplate("早", 8, 8), ShiftTemplate("中", 16, 8), ShiftTemplate("学", 10, 4), ShiftTemplate("峰", 22, 4)]


def _exact(required: list[int], instances: list) -> int:
    """The fewest shifts covering ``required`` wherever some shift can, by CP-SAT."""
    m = cp_model.CpModel()
    x = [m.new_int_var(0, 50, f"x{i.idx}") for i in instances]
    for t, r in enumerate(required):
        on = [x[k] for k, i in enumerate(instances) if i.start_i <= t < i.end_i]
        if on:
            m.add(sum(on) >= r)
    m.minimize(sum(x))
    solver = new_solver()
    solver.parameters.num_workers = 1
    assert solver.solve(m) == cp_model.OPTIMAL
    return round(solver.objective_value)


@given(st.lists(st.integers(0, 4), min_size=48, max_size=48))
def test_the_greedy_cover_is_the_fewest_shifts(required: list[int]) -> None:
    instances = shift_instances(SHIFTS, 2, 60)
    picked = fewest_shifts(required, instances)
    assert sum(picked.values()) == _exact(required, instances)
    cover = [0] * 48
    by_idx = {i.idx: i for i in instances}
    for idx, k in picked.items():
        for t in range(max(0, by_idx[idx].start_i), min(48, by_idx[idx].end_i)):
            cover[t] += k
    coverable = {t for i in instances for t in range(max(0, i.start_i), min(48, i.end_i))}
    assert all(cover[t] >= r for t, r in enumerate(required) if t in coverable)


def test_a_small_roster_reconciles_by_hand() -> None:
    """3 heads on a peak day: ⌈3/2⌉ = 2 on duty 08:00–24:00, two shifts relay: 4 people; one more
    typed 10:00–14:00 makes 5; the roster puts on 5, one 早 short of the need on the second day."""
    model = [0] * 8 + [2] * 16 + [0] * 8 + [1] * 16
    total = list(model)
    for t in range(10, 14):
        total[t] += 1
    people = [Person(f"p{k}", "仓", ("打包",), min_hours_total=8 if k == 2 else None) for k in range(6)]

    def a(name: str, day: int, code: str) -> Assignment:
        t = next(s for s in SHIFTS if s.code == code)
        start = 24 * day + t.start_hour
        return Assignment(name, "仓", "打包", day, code, int(start), int(start + t.hours), start, t.hours)

    shifts = [a("p0", 0, "早"), a("p1", 0, "早"), a("p2", 0, "早"), a("p3", 0, "中"), a("p4", 0, "中"),
              a("p5", 1, "中")]
    cover = [0] * 48
    for x in shifts:
        for t in range(x.start_interval, x.end_interval):
            cover[t] += 1
    result = RosterResult("partial", shifts, {"打包": cover}, [], 0, 0, 0, 0, horizon_days=2, interval_minutes=60)
    check = reconcile("仓", {"打包": 3}, {"打包": model}, {"打包": total}, result, SHIFTS[:3], people, [0])
    day0, day1 = check.rows
    assert (day0.heads, day0.peak, day0.on_duty, day0.typed, day0.relay) == (3, True, 2, 1, 2)
    assert (day0.minimum_model, day0.minimum, day0.rostered, day0.short_hours) == (4, 5, 5, 0)
    assert day0.over_hours == 4  # the third 早 stays 4 hours beyond the 10:00–14:00 need
    assert (day0.guaranteed, day1.guaranteed) == (1, 0)  # p2 is guaranteed hours
    assert (day1.peak, day1.on_duty, day1.minimum, day1.rostered, day1.short_hours) == (False, 1, 2, 1, 8)
    assert [d.rostered for d in check.days] == [5, 1]


def test_a_post_no_one_holds_is_all_short_and_says_so() -> None:
    model = [0] * 8 + [1] * 16
    result = RosterResult("optimal", [], {}, [], 0, 0, 0, 0, horizon_days=1, interval_minutes=60)
    people = [Person("p0", "仓", ("打包",))]
    check = reconcile("仓", {"叉车": 2}, {"叉车": model}, {"叉车": model}, result, SHIFTS[:2], people, [0])
    (row,) = check.rows
    assert (row.staffed, row.on_duty, row.minimum, row.rostered, row.short_hours) == (False, 1, 2, 0, 16)

"""Shift plans: checked by recomputing cover from the returned starts, never from the solver.

The campaign used throughout is the seed's window 11-10 .. 11-17 (8 days) with the sale's
midnight spike at 00:00 of 11-11 (day 2).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.linear_solver import pywraplp

from sheetplan.calc.profiles import NORMAL_DAY, SALE_DAY, daily_arrivals
from sheetplan.calc.service import requirement_series, service_level
from sheetplan.calc.shifts import ShiftPlanResult, ShiftType, coverage_audit, plan_shifts

DAYS = 8
SALE = 1  # 11-11 is the second day of the 11-10 .. 11-17 window
FULL = ShiftType("FT8", 8, cost_per_hour=1.0)
STUDENT = ShiftType("PT4", 4, cost_per_hour=1.1, part_time=True)


# ----------------------------------------------------------------------------- helpers
def campaign_requirement(interval_minutes: int) -> list[int]:
    """Agents per interval for 11-10..11-17 via Erlang C; 11-11 opens with the spike."""
    arrivals: list[float] = []
    for day in range(DAYS):
        profile, volume = (SALE_DAY, 40_000) if day == SALE else (NORMAL_DAY, 5_000)
        arrivals += daily_arrivals(volume, profile, interval_minutes)
    return requirement_series(arrivals, None, aht_seconds=240, target_sl=0.8, answer_seconds=30,
                              interval_minutes=interval_minutes, concurrency=2.5)


def independent_cover(result: ShiftPlanResult, types: list[ShiftType]) -> list[int]:
    """People on duty, counted person by person from the starts (no shared code)."""
    per_interval = {t.code: round(t.hours * 60 / result.interval_minutes) for t in types}
    cover = [0] * len(result.requirement)
    for start, code, people in result.starts:
        assert people > 0
        assert start + per_interval[code] <= len(cover), "shift leaves the horizon"
        for t in range(start, start + per_interval[code]):
            cover[t] += people
    return cover


def paid_cost(result: ShiftPlanResult, types: list[ShiftType]) -> float:
    by_code = {t.code: t for t in types}
    return sum(by_code[c].hours * by_code[c].cost_per_hour * n for _, c, n in result.starts)


def reference_mip_cost(requirement: list[int], types: list[ShiftType], minutes: int,
                       day_caps: dict[str, int] | None = None) -> float:
    """Naive MIP (SCIP) with hourly starts anywhere on the timeline, for cross-checking."""
    solver = pywraplp.Solver.CreateSolver("SCIP")
    horizon, step = len(requirement), 60 // minutes
    columns = []
    for shift in types:
        length = round(shift.hours * 60 / minutes)
        for start in range(0, horizon - length + 1, step):
            columns.append((shift, start, length, solver.IntVar(0, solver.infinity(), "")))
    for t, need in enumerate(requirement):
        if need:
            solver.Add(sum(v for _, s, n, v in columns if s <= t < s + n) >= need)
    for code, cap in (day_caps or {}).items():
        for day in range(horizon * minutes // 1440 + 1):
            on_day = [v for sh, s, _, v in columns
                      if sh.code == code and s * minutes // 1440 == day]
            if on_day:
                solver.Add(sum(on_day) <= cap)
    solver.Minimize(sum(sh.hours * sh.cost_per_hour * v for sh, _, _, v in columns))
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    return solver.Objective().Value()


# ----------------------------------------------------------------------------- the campaign
def test_hourly_campaign_covers_the_true_timeline_and_is_optimal() -> None:
    req = campaign_requirement(60)
    assert len(req) == DAYS * 24
    spike = 24 * SALE  # 00:00 of 11-11
    assert req[spike] == max(req) and req[spike] > 3 * req[spike - 1]
    types = [FULL, STUDENT]
    result = plan_shifts(req, 60, types)
    cover = independent_cover(result, types)
    assert all(c >= r for c, r in zip(cover, req, strict=True))
    assert cover == result.cover
    assert result.status == "optimal" and result.proven_optimal and result.uncovered == []
    assert result.solver == "glop"  # interval matrix: the LP alone proves the optimum
    assert result.cost == pytest.approx(paid_cost(result, types))
    assert result.cost == pytest.approx(reference_mip_cost(req, types, 60))
    assert result.paid_hours == pytest.approx(sum(
        {"FT8": 8, "PT4": 4}[c] * n for _, c, n in result.starts))


def test_spike_is_staffed_by_shifts_started_the_evening_before() -> None:
    req = campaign_requirement(60)
    result = plan_shifts(req, 60, [FULL])
    spike = 24 * SALE
    from_day_one = sum(n for s, _, n in result.starts if s < spike <= s + 7)
    assert from_day_one > 0  # at least part of 00:00 on 11-11 comes from 11-10 evening starts
    assert result.start_time(spike) == (1, "00:00")


def test_night_shift_from_day_one_counts_on_day_two() -> None:
    req = [0] * 48
    for t in range(24, 28):  # 00:00-04:00 on day 2
        req[t] = 3
    night = ShiftType("N8", 8, earliest_start_hour=20, latest_start_hour=20)
    result = plan_shifts(req, 60, [night])
    assert result.starts == [(20, "N8", 3)]  # 20:00 on day 1 ...
    cover = independent_cover(result, [night])
    assert cover[20:28] == [3] * 8 and sum(cover) == 24  # ... runs to 04:00 of day 2
    assert cover[0:4] == [0] * 4  # never wrapped back onto day 1's early hours
    assert result.status == "optimal" and result.uncovered == []


def test_quarter_hour_campaign_is_correct() -> None:
    req = campaign_requirement(15)
    assert len(req) == DAYS * 96
    types = [FULL, STUDENT]
    result = plan_shifts(req, 15, types)
    cover = independent_cover(result, types)
    assert all(c >= r for c, r in zip(cover, req, strict=True))
    assert result.status == "optimal" and result.proven_optimal
    assert all(start % 4 == 0 for start, _, _ in result.starts)  # hourly start grid
    hourly = plan_shifts(campaign_requirement(60), 60, types)
    assert result.paid_hours >= hourly.paid_hours * 0.9  # sanity: same scale of plan


# ----------------------------------------------------------------------------- caps
def test_head_count_cap_leaves_listed_shortfall() -> None:
    req = [0] * 24
    for t in range(10, 18):
        req[t] = 5
    capped = ShiftType("FT8", 8, max_people=3)
    result = plan_shifts(req, 60, [capped])
    assert result.status == "infeasible"
    assert result.uncovered == [(t, 2) for t in range(10, 18)]
    assert result.starts == [(10, "FT8", 3)]
    assert "caps" in result.message and result.proven_optimal


def test_interval_no_shift_can_reach_is_listed() -> None:
    req = [1] * 10
    morning = ShiftType("M8", 8, earliest_start_hour=0, latest_start_hour=0)
    result = plan_shifts(req, 60, [morning])
    assert result.uncovered == [(8, 1), (9, 1)]  # the 8 h shift cannot start after 00:00
    assert result.starts == [(0, "M8", 1)]
    assert result.status == "infeasible" and result.solver == "glop"


def test_caps_are_obeyed_and_plan_is_optimal() -> None:
    req = campaign_requirement(60)
    student = ShiftType("PT4", 4, cost_per_hour=0.7, part_time=True, max_people=20)
    types = [FULL, student]
    result = plan_shifts(req, 60, types, max_part_time_people=15)
    cover = independent_cover(result, types)
    assert all(c >= r for c, r in zip(cover, req, strict=True))
    per_day = [0] * DAYS
    for start, code, n in result.starts:
        if code == "PT4":
            per_day[start // 24] += n
    assert max(per_day) <= 15
    assert result.status == "optimal" and result.proven_optimal
    assert result.cost == pytest.approx(
        reference_mip_cost(req, types, 60, day_caps={"PT4": 15}))


def test_part_time_share_is_obeyed() -> None:
    req = campaign_requirement(60)
    student = ShiftType("PT4", 4, cost_per_hour=0.7, part_time=True)
    types = [FULL, student]
    free = plan_shifts(req, 60, types)
    capped = plan_shifts(req, 60, types, max_part_time_share=0.25)
    pt_hours = sum(4 * n for _, c, n in capped.starts if c == "PT4")
    assert pt_hours <= 0.25 * capped.paid_hours + 1e-9
    assert capped.cost >= free.cost
    cover = independent_cover(capped, types)
    assert all(c >= r for c, r in zip(cover, req, strict=True))
    assert capped.status in ("optimal", "feasible")


def test_share_cap_making_cover_impossible_is_reported() -> None:
    req = [0] * 12 + [2] * 4 + [0] * 8  # only a 4 h need, and only students may work it
    student = ShiftType("PT4", 4, part_time=True)
    full = ShiftType("FT8", 8, earliest_start_hour=0, latest_start_hour=0)  # cannot reach 12-16
    result = plan_shifts(req, 60, [full, student], max_part_time_share=0.0)
    assert result.status == "infeasible"
    assert result.uncovered == [(t, 2) for t in range(12, 16)]


# ----------------------------------------------------------------------------- windows
def test_windows_steps_and_timeline_start() -> None:
    req = [2] * 48  # half hours from 08:00 to 08:00 next day
    day = ShiftType("D", 8, earliest_start_hour=8, latest_start_hour=16, start_step_hours=8)
    night = ShiftType("N", 8, earliest_start_hour=23, latest_start_hour=1, start_step_hours=0.5,
                      cost_per_hour=1.5)
    result = plan_shifts(req, 30, [day, night], timeline_start_hour=8)
    for start, code, _ in result.starts:
        _, clock = result.start_time(start)
        if code == "D":
            assert clock in ("08:00", "16:00")
        else:
            hh, mm = map(int, clock.split(":"))
            assert hh * 60 + mm >= 23 * 60 or hh * 60 + mm <= 60
    assert result.uncovered == [] and result.status == "optimal"
    assert result.start_time(0) == (0, "08:00") and result.start_time(32) == (1, "00:00")


# ----------------------------------------------------------------------------- properties
def greedy_cost(req: list[int], types: list[ShiftType]) -> float:
    """A valid but naive plan: fix each shortfall with the cheapest-per-shift type."""
    cover, cost = [0] * len(req), 0.0
    for t, need in enumerate(req):
        if cover[t] < need:
            shift = min(types, key=lambda s: s.hours * s.cost_per_hour)
            n = round(shift.hours)
            start = min(t, len(req) - n)
            missing = need - cover[t]
            for u in range(start, start + n):
                cover[u] += missing
            cost += missing * shift.hours * shift.cost_per_hour
    return cost


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(req=st.lists(st.integers(0, 30), min_size=8, max_size=60),
       pt_cost=st.floats(0.5, 2.0))
def test_random_plans_cover_and_beat_greedy(req: list[int], pt_cost: float) -> None:
    types = [ShiftType("FT8", 8), ShiftType("PT4", 4, cost_per_hour=pt_cost, part_time=True)]
    result = plan_shifts(req, 60, types)
    cover = independent_cover(result, types)
    assert all(c >= r for c, r in zip(cover, req, strict=True))
    assert result.status == "optimal" and result.proven_optimal
    assert result.cost <= greedy_cost(req, types) + 1e-9


# ----------------------------------------------------------------------------- audit
def test_coverage_audit_totals_and_service_level() -> None:
    arrivals = [0.0] * 8 + [120.0] * 8 + [0.0] * 8
    params = {"aht_seconds": 180, "answer_seconds": 20}
    req = requirement_series(arrivals, None, target_sl=0.8, **params)
    result = plan_shifts(req, 60, [FULL])
    audit = coverage_audit(result, arrivals, params)
    assert [r.cover for r in audit.rows] == independent_cover(result, [FULL])
    assert audit.under_hours == 0 and audit.intervals_short == 0
    assert audit.over_hours == sum(r.cover - r.requirement for r in audit.rows)
    busy = [r for r in audit.rows if r.arrivals]
    assert all(r.service_level >= 0.8 for r in busy)
    assert busy[0].service_level == service_level(busy[0].cover, 120, 180, 20)
    assert audit.worst_service_level == min(r.service_level for r in audit.rows)
    assert audit.as_dicts()[8]["time"] == "08:00"


def test_coverage_audit_reports_under_cover_and_shrinkage() -> None:
    req = [0] * 4 + [5] * 8 + [0] * 4
    result = plan_shifts(req, 30, [ShiftType("FT4", 4, max_people=3)])
    audit = coverage_audit(result)
    assert audit.intervals_short == 8 and audit.under_hours == 8 * 2 * 0.5
    assert all(r.service_level is None for r in audit.rows)
    shrunk = coverage_audit(result, [40.0] * 16,
                            {"aht_seconds": 180, "answer_seconds": 20, "shrinkage": 0.5})
    # 3 people on duty, half of them lost to shrinkage -> 1 agent against 4 Erlangs
    assert shrunk.rows[5].service_level == 0.0


# ----------------------------------------------------------------------------- validation
@pytest.mark.parametrize("call,word", [
    (lambda: plan_shifts([1, 2], 45, [ShiftType("A", 8)]), "whole number of 45-minute"),
    (lambda: plan_shifts([1, -2], 60, [FULL]), "requirement"),
    (lambda: plan_shifts([1.5], 60, [FULL]), "requirement"),
    (lambda: plan_shifts([1], 60, []), "shift_types"),
    (lambda: plan_shifts([1], 60, [FULL, FULL]), "unique"),
    (lambda: plan_shifts([1], 60, [FULL], max_part_time_share=2), "max_part_time_share"),
    (lambda: plan_shifts([1], 0, [FULL]), "interval_minutes"),
    (lambda: plan_shifts([1], 60, [ShiftType("A", 2, start_step_hours=0.25)]), "start_step"),
    (lambda: ShiftType("A", 0), "hours"),
    (lambda: ShiftType("A", 8, earliest_start_hour=25), "earliest_start_hour"),
])
def test_bad_inputs(call, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        call()


def test_empty_and_zero_requirements() -> None:
    assert plan_shifts([], 60, [FULL]).starts == []
    zero = plan_shifts([0] * 48, 60, [FULL])
    assert zero.starts == [] and zero.status == "optimal" and zero.cost == 0
    short = plan_shifts([1, 1], 60, [FULL])  # horizon shorter than any shift
    assert short.uncovered == [(0, 1), (1, 1)] and short.status == "infeasible"
    assert math.isclose(short.cost, 0)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(req=st.lists(st.integers(0, 12), min_size=8, max_size=48),
       cap=st.integers(0, 6), pt_people=st.integers(0, 8),
       share=st.sampled_from([None, 0.0, 0.3, 0.6]))
def test_capped_plans_obey_caps_and_report_shortfall_exactly(
    req: list[int], cap: int, pt_people: int, share: float | None
) -> None:
    types = [ShiftType("FT8", 8, max_people=cap), ShiftType("PT4", 4, part_time=True)]
    result = plan_shifts(req, 60, types, max_part_time_people=pt_people,
                         max_part_time_share=share, time_limit_s=2)
    cover = independent_cover(result, types)
    short = [(t, r - c) for t, (r, c) in enumerate(zip(req, cover, strict=True)) if c < r]
    assert result.uncovered == short
    assert (result.status == "infeasible") == bool(short)
    for day in range(2):
        in_day = [(c, n) for s, c, n in result.starts if s // 24 == day]
        assert sum(n for c, n in in_day if c == "FT8") <= cap
        assert sum(n for c, n in in_day if c == "PT4") <= pt_people
    if share is not None:
        pt_hours = sum(4 * n for _, c, n in result.starts if c == "PT4")
        assert pt_hours <= share * result.paid_hours + 1e-9


def test_tiny_time_limit_still_returns_a_consistent_plan() -> None:
    req = campaign_requirement(15)
    types = [FULL, ShiftType("PT4", 4, cost_per_hour=0.7, part_time=True, max_people=25)]
    result = plan_shifts(req, 15, types, max_part_time_share=0.2, time_limit_s=0.05)
    cover = independent_cover(result, types)
    short = [(t, r - c) for t, (r, c) in enumerate(zip(req, cover, strict=True)) if c < r]
    assert result.uncovered == short
    assert result.status in ("optimal", "feasible", "infeasible")
    if result.status == "feasible":
        assert result.gap is not None and result.gap >= 0

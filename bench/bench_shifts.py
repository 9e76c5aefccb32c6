"""Benchmark: optimal shift plans for an 8-day mega-sale campaign, against pyworkforce.

Instance. The seed's customer-service window 11-10 .. 11-17 (8 days, one continuous
timeline). Contacts: 5,000 a day on a normal-day profile, 40,000 on 11-11 with the sale-day
profile (the 00:00-00:10 flash-sale spike); Erlang C per interval turns them into agents
(AHT 240 s, 3 chats at once -> factor 2.5, 80 % answered in 30 s). Shifts: 8 h full-time and
4 h student shifts, each may start on every hour; both cost 1 per paid hour, so cost equals
paid hours and both planners minimise the same number. Solved at 60-, 30- and 15-minute
intervals; the 15-minute case is also run with starts every 15 minutes (4x the columns).
A last sheetplan-only row adds side constraints pyworkforce cannot express (at most 20
students a day, student hours at most 20 % of paid hours), which breaks total unimodularity
and sends the model to CP-SAT (warm-started and bounded by the LP).

Comparison. pyworkforce 0.5.1 (the release pip offers on Python 3.11), ``MinRequiredResources``
(CP-SAT, minimise cost subject to cover). Its per-day model would wrap a night shift back
into its own day, so to make the instances identical it gets one flat horizon:
``num_days=1``, ``periods`` = every interval of the campaign, and one "shift" per allowed
start whose coverage row lies wholly inside the horizon — exactly sheetplan's columns.
Its per-shift/per-period caps are set loose enough never to bind. Both plans are re-checked
here by recounting cover from the returned starts. pyworkforce gets a time limit; if it hits
it, its status says FEASIBLE (or UNKNOWN) and that is printed as found.

Timing is wall-clock for the whole call (model building included), best of ``REPEAT`` runs
for sheetplan and one run for pyworkforce, in the same process. Read the ratios, not the
absolute seconds: the machine is shared. Run: ``python bench/bench_shifts.py``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sheetplan.calc.profiles import NORMAL_DAY, SALE_DAY, daily_arrivals
from sheetplan.calc.service import concurrency_factor, requirement_series
from sheetplan.calc.shifts import ShiftPlanResult, ShiftType, plan_shifts

DAYS = 8
SALE_DAY_INDEX = 1  # 11-11 in the 11-10 .. 11-17 window
REPEAT = 3
PYWORKFORCE_TIME_LIMIT_S = 60.0
CASES = [(60, 1.0), (30, 1.0), (15, 1.0), (15, 0.25)]  # (interval minutes, start step hours)


def campaign_requirement(interval_minutes: int) -> list[int]:
    arrivals: list[float] = []
    for day in range(DAYS):
        profile, volume = (SALE_DAY, 40_000) if day == SALE_DAY_INDEX else (NORMAL_DAY, 5_000)
        arrivals += daily_arrivals(volume, profile, interval_minutes)
    return requirement_series(
        arrivals, None, aht_seconds=240, target_sl=0.8, answer_seconds=30,
        interval_minutes=interval_minutes, concurrency=concurrency_factor(3))


def shift_types(step_hours: float) -> list[ShiftType]:
    return [ShiftType("FT8", 8, start_step_hours=step_hours),
            ShiftType("PT4", 4, part_time=True, start_step_hours=step_hours)]


def recount(starts: list[tuple[int, str, int]], lengths: dict[str, int], horizon: int) -> list[int]:
    cover = [0] * horizon
    for start, code, people in starts:
        for t in range(start, start + lengths[code]):
            cover[t] += people
    return cover


@dataclass
class Run:
    status: str
    paid_hours: float
    seconds: float
    covers: bool
    columns: int = 0


def run_sheetplan(req: list[int], minutes: int, step: float) -> tuple[Run, ShiftPlanResult]:
    best, result = float("inf"), None
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        result = plan_shifts(req, minutes, shift_types(step))
        best = min(best, time.perf_counter() - t0)
    assert result is not None
    cover = recount(result.starts, result.shift_intervals, len(req))
    ok = all(c >= r for c, r in zip(cover, req, strict=True))
    status = f"{result.status}/{result.solver}"
    return Run(status, result.paid_hours, best, ok), result


def run_pyworkforce(req: list[int], minutes: int, step: float) -> Run | str:
    try:
        from pyworkforce.scheduling import MinRequiredResources
    except ImportError:
        return "not installed (pip install pyworkforce==0.5.1)"
    horizon, stride = len(req), round(step * 60) // minutes
    coverage, cost, lengths = {}, {}, {}
    for shift in shift_types(step):
        length = round(shift.hours * 60) // minutes
        for start in range(0, horizon - length + 1, stride):
            name = f"{shift.code}@{start}"
            coverage[name] = [1 if start <= t < start + length else 0 for t in range(horizon)]
            cost[name] = round(shift.hours * shift.cost_per_hour)
            lengths[name] = length
    t0 = time.perf_counter()
    scheduler = MinRequiredResources(
        num_days=1, periods=horizon, shifts_coverage=coverage, required_resources=[req],
        max_period_concurrency=10 * max(req), max_shift_concurrency=max(req), cost_dict=cost,
        max_search_time=PYWORKFORCE_TIME_LIMIT_S, num_search_workers=2)
    solution = scheduler.solve()
    seconds = time.perf_counter() - t0
    if solution["status"] not in ("OPTIMAL", "FEASIBLE"):
        return f"{solution['status']} after {seconds:.1f} s (limit {PYWORKFORCE_TIME_LIMIT_S:.0f} s)"
    starts = [(int(r["shift"].split("@")[1]), r["shift"], int(r["resources"]))
              for r in solution["resources_shifts"] if r["resources"]]
    cover = recount(starts, lengths, horizon)
    hours = sum(lengths[name] * n for _, name, n in starts) * minutes / 60
    ok = all(c >= r for c, r in zip(cover, req, strict=True))
    return Run(solution["status"].lower(), hours, seconds, ok, len(coverage))


def _capped_row() -> str:
    minutes = 15
    req = campaign_requirement(minutes)
    types = [ShiftType("FT8", 8), ShiftType("PT4", 4, part_time=True, max_people=20)]
    best, result = float("inf"), None
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        result = plan_shifts(req, minutes, types, max_part_time_share=0.2)
        best = min(best, time.perf_counter() - t0)
    assert result is not None
    status = f"{result.status}/{result.solver}"
    return (f"{minutes:>6} m {60:>4} m {len(req):>7} {'+caps':>7} {max(req):>5} | "
            f"{status:<19} {result.paid_hours:>8.0f} {best:>7.3f} | "
            "n/a (pyworkforce has no head-count or share caps)")


def main() -> None:
    print(__doc__.split("\n\n")[0])
    print("sheetplan: LP (GLOP) on the interval matrix; pyworkforce 0.5.1: CP-SAT, flat horizon")
    print()
    head = (f"{'interval':>8} {'starts':>6} {'periods':>7} {'columns':>7} {'peak':>5} | "
            f"{'sheetplan':<19} {'paid h':>8} {'time s':>7} | "
            f"{'pyworkforce':<11} {'paid h':>8} {'time s':>7} | {'hours x':>7} {'time x':>7}")
    print(head)
    print("-" * len(head))
    for minutes, step in CASES:
        req = campaign_requirement(minutes)
        ours, result = run_sheetplan(req, minutes, step)
        theirs = run_pyworkforce(req, minutes, step)
        columns = sum((len(req) - n) // round(step * 60 / minutes) + 1
                      for n in result.shift_intervals.values())
        left = (f"{minutes:>6} m {step * 60:>4.0f} m {len(req):>7} {columns:>7} {max(req):>5} | "
                f"{ours.status:<19} {ours.paid_hours:>8.0f} {ours.seconds:>7.3f} | ")
        if isinstance(theirs, str):
            print(left + theirs)
            continue
        flags = "" if ours.covers and theirs.covers else "  (cover check FAILED)"
        print(left + f"{theirs.status:<11} {theirs.paid_hours:>8.0f} {theirs.seconds:>7.3f} | "
              f"{theirs.paid_hours / ours.paid_hours:>7.3f} {theirs.seconds / ours.seconds:>7.1f}"
              + flags)
    print(_capped_row())
    print()
    print("hours x = pyworkforce paid hours / sheetplan paid hours (1.000 = same optimum);")
    print("time x = pyworkforce time / sheetplan time. Both plans re-checked: cover >= need.")


if __name__ == "__main__":
    main()

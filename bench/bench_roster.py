"""Benchmark: named duty rosters (``sheetplan.calc.roster``) at realistic department sizes.

What it measures: for 50, 150 and 300 people, a customer-service department (客服部: 售前 /
催单 / 售后, online 24 h on 11-10 and 11-11 with a midnight spike at 00:00 on 11-11, 15 h a
day afterwards, pre-sales demand moving to after-sales after the peak) and a warehouse
department (仓储物流部: 打单 / 拣货 / 质检 / 打包 / 称重, double shifts plus a night shift in the
shipping rush after 11-11) are rostered over 8 days (11-10..11-17) at hourly resolution with
CP-SAT (8 subsolvers time-shared on the cores) and a 10 s time limit (the goal: 300 people within 1 %
of the bound in at most 10 s).

Staff are generated with a fixed seed: mostly full-time staff with one to three skills and one
or two days off, students (4 h shifts only, 32 h cap) and borrowed staff lent only for the
first four days. Demand is scaled with head count so that the plans are tight: the spike is
meant to be slightly short, which exercises the soft-cover path.

Printed per run: people, model variables, solve time, objective, best bound, gap %, status
and shortfall in person-hours, and the 300-people gaps as RATIO lines.

Run: ``python bench/bench_roster.py`` (``--sizes 50 150`` to choose sizes, ``--limit 10``, ``--workers 8``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from common import ratio  # bench/ is on sys.path when run as a script
from sheetplan.calc.roster import (
    Person,
    RosterRules,
    ShiftTemplate,
    solve_roster,
)

DAYS = 8
HOURS = DAYS * 24
SHIFTS = (
    ShiftTemplate("早", 8, 8, frozenset({"fulltime", "borrowed"}), "早班 08:00–16:00"),
    ShiftTemplate("中", 14, 8, frozenset({"fulltime", "borrowed"}), "中班 14:00–22:00"),
    ShiftTemplate("晚", 20, 8, frozenset({"fulltime", "borrowed"}), "夜班 20:00–04:00"),
    ShiftTemplate("凌", 4, 8, frozenset({"fulltime"}), "凌晨班 04:00–12:00"),
    ShiftTemplate("学", 10, 4, frozenset({"student"}), "学生班 10:00–14:00"),
    ShiftTemplate("学晚", 18, 4, frozenset({"student"}), "学生晚班 18:00–22:00"),
)

# relative hourly load of a sale day (after-work peaks at 11:00 and 20:00-22:00)
HOUR_SHAPE = [
    0.5, 0.35, 0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0,
    0.9, 0.8, 0.8, 0.85, 0.9, 0.85, 0.8, 0.9, 1.0, 1.0, 0.9, 0.7,
]  # fmt: skip


def customer_service(n: int, rng: random.Random) -> tuple[list[Person], dict[str, list[int]]]:
    """客服部 with ``n`` people and its hourly requirement per post."""
    people: list[Person] = []
    for k in range(n):
        r = rng.random()
        off = frozenset(rng.sample(range(2, DAYS), rng.choice((1, 2))))
        if r < 0.65:
            posts = rng.choice([("售前", "售后"), ("售前",), ("售后", "催单"), ("售前", "催单", "售后")])
            people.append(Person(f"客服{k:03d}", "客服部", posts, "fulltime", unavailable_days=off,
                                 cost_per_hour=30))
        elif r < 0.85:
            posts = rng.choice([("售前",), ("催单",)])
            people.append(Person(f"学生{k:03d}", "客服部", posts, "student", max_hours_total=32,
                                 unavailable_days=off, cost_per_hour=18))
        else:
            people.append(Person(f"借调{k:03d}", "客服部", ("售前",), "borrowed",
                                 available_windows=((0, 4 * 24 + 4),), cost_per_hour=35))
    scale = n * 0.22
    req = {q: [0] * HOURS for q in ("售前", "催单", "售后")}
    for t in range(HOURS):
        day, hour = divmod(t, 24)
        if day == 0 and hour < 8:
            continue  # the campaign starts at 08:00 on 11-10
        if day >= 2 and not 8 <= hour < 23:
            continue  # 15 h a day after the peak
        load = HOUR_SHAPE[hour] * scale * (1.2 if day == 1 else 1.0 if day < 3 else 0.7)
        if day == 1 and hour < 2:
            load = scale * 1.6  # midnight spike of 11-11
        split = (0.6, 0.15, 0.25) if day < 2 else (0.4, 0.15, 0.45)
        for q, share in zip(req, split, strict=True):
            req[q][t] = round(load * share)
    return people, req


def warehouse(n: int, rng: random.Random) -> tuple[list[Person], dict[str, list[int]]]:
    """仓储物流部 with ``n`` people: seed ratio 打单2 拣货3 质检2 打包6 称重2."""
    ratio = {"打单": 2, "拣货": 3, "质检": 2, "打包": 6, "称重": 2}
    posts = list(ratio)
    people: list[Person] = []
    for k in range(n):
        r = rng.random()
        off = frozenset(rng.sample(range(DAYS), rng.choice((1, 2))))
        main = rng.choices(posts, weights=list(ratio.values()))[0]
        skills = tuple(dict.fromkeys([main, *rng.sample(posts, rng.choice((0, 1, 2)))]))
        if r < 0.75:
            people.append(Person(f"仓{k:03d}", "仓储物流部", skills, "fulltime",
                                 unavailable_days=off, cost_per_hour=25))
        elif r < 0.9:
            people.append(Person(f"学仓{k:03d}", "仓储物流部", ("打包",), "student",
                                 max_hours_total=32, unavailable_days=off, cost_per_hour=16))
        else:
            people.append(Person(f"借仓{k:03d}", "仓储物流部", skills, "borrowed",
                                 available_windows=((24, 5 * 24),), cost_per_hour=28))
    total = sum(ratio.values())
    req = {q: [0] * HOURS for q in posts}
    for t in range(HOURS):
        day, hour = divmod(t, 24)
        rush = day in (1, 2, 3)
        if not (8 <= hour < 22 or (rush and (hour >= 22 or (hour < 4 and day > 1)))):
            continue
        level = n * 0.20 * (1.3 if rush else 0.8) * (0.6 if hour < 8 or hour >= 22 else 1.0)
        for q in posts:
            req[q][t] = round(level * ratio[q] / total)
    return people, req


def run(sizes: list[int], limit: float, workers: int = 8) -> int:
    rules = RosterRules(time_limit_s=limit, num_workers=workers, peak_days=frozenset({1}))
    header = (f"{'dept':<10} {'people':>6} {'vars':>7} {'time s':>7} {'objective':>12} "
              f"{'bound':>12} {'gap %':>6} {'status':<9} {'short h':>7}")
    print(header)
    print("-" * len(header))
    worst = 0
    for n in sizes:
        for name, make in (("客服部", customer_service), ("仓储物流部", warehouse)):
            people, req = make(n, random.Random(n))
            t0 = time.perf_counter()
            res = solve_roster(people, SHIFTS, req, DAYS, rules)
            elapsed = time.perf_counter() - t0
            print(f"{name:<10} {n:>6} {res.num_variables:>7} {elapsed:>7.1f} "
                  f"{res.objective:>12.0f} {res.best_bound:>12.0f} {res.gap_pct:>6.2f} "
                  f"{res.status:<9} {res.shortfall_hours:>7.0f}", flush=True)
            if n >= 300 and (res.status == "infeasible" or elapsed > limit + 2):
                worst = 1
            if n == max(sizes):
                ratio(f"roster: {name} {n} people, gap to the bound %", res.gap_pct,
                      f"{elapsed:.1f} s, {limit:g} s limit, {workers} CP-SAT subsolvers; goal ≤ 1 % in ≤ 10 s")
    return worst


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 150, 300])
    ap.add_argument("--limit", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=8,
                    help="CP-SAT subsolvers time-shared on the cores (8: the full portfolio, LP and LNS included)")
    args = ap.parse_args(argv)
    return run(args.sizes, args.limit, args.workers)


if __name__ == "__main__":
    sys.exit(main())

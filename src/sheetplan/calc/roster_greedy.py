"""A quick, rule-abiding roster to start CP-SAT from.

CP-SAT's first roster leaves nearly everything uncovered (every shift is "off" until the search
learns otherwise) and it then spends most of its budget climbing to a decent cover. A greedy
roster — repeatedly give the shift that closes the most still-open person-intervals, cheapest
first, to someone who may still work it — takes milliseconds and is usually close to the best
cover, so the search starts near the end.

It keeps the upper-bound rules (rest, one shift a day, hours, days in a row, shifts of a kind,
weekends, forbidden successions); rules that ask for *at least* something (days in a row, days
off in a row, hours) cannot be met one shift at a time, so the search repairs those.

Lazy greedy: gains only fall as the roster fills, so a candidate popped with a stale gain is
re-scored and pushed back; the first that keeps its gain is taken. Ties break on cost, then on
the model's own order, so the roster (and the search after it) is deterministic.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

_EPS = 1e-6


@dataclass(frozen=True)
class Candidate:
    """One model variable: ``person`` may work instance number ``inst`` on ``post``."""

    person: str
    inst: int
    post: str


@dataclass(frozen=True)
class Limits:
    """The upper-bound rules a greedy roster keeps, per person where they are personal."""

    min_rest_hours: float
    one_shift_per_day: bool
    most_in_a_row: Mapping[str, int | None]
    max_hours_per_day: Mapping[str, float]
    max_hours_total: Mapping[str, float | None]
    max_shifts: Mapping[str, Mapping[str, int]]
    max_weekends: Mapping[str, int | None]
    weekends: Sequence[Sequence[int]]


def greedy_roster(
    candidates: Sequence[Candidate],
    instances: Sequence,  # roster_model._Instance, indexed by Candidate.inst
    requirement: Mapping[str, Sequence[int]],
    per_shift: Mapping[tuple[int, str, str], int],
    costs: Mapping[str, float],
    limits: Limits,
    fixed: Sequence[Candidate] = (),
    wishes: Mapping[tuple[str, int, str | None], float] = {},  # read only
) -> set[Candidate]:
    """The chosen candidates: ``fixed`` first, then the greedy picks. Among equally useful picks
    the cheapest goes first, an unwanted shift counting its wish's weight as cost and a wanted
    one as a saving (``wishes``: (person, day, code or None for any shift) -> +weight / -weight)."""
    residual = {q: np.asarray(v, dtype=np.int64).copy() for q, v in requirement.items()}
    n = len(next(iter(residual.values()))) if residual else 0
    open_shifts = dict(per_shift)
    weekend_of = {d: k for k, days in enumerate(limits.weekends) for d in days}
    chosen: set[Candidate] = set()
    taken: dict[str, list] = {}

    def gain(c: Candidate) -> int:
        inst = instances[c.inst]
        g = 0
        row = residual.get(c.post)
        if row is not None:
            g += int(np.count_nonzero(row[max(0, inst.start_i):min(n, inst.end_i)] > 0))
        if open_shifts.get((inst.day, inst.template.code, c.post), 0) > 0:
            g += inst.end_i - inst.start_i
        return g

    def fits(c: Candidate) -> bool:
        inst = instances[c.inst]
        mine = taken.get(c.person, [])
        for other in mine:
            if other.idx == inst.idx or (limits.one_shift_per_day and other.day == inst.day):
                return False
            first, second = (other, inst) if other.start_h <= inst.start_h else (inst, other)
            if second.start_h < first.end_h + limits.min_rest_hours - _EPS:
                return False
            if second.day == first.day + 1 and second.template.code in first.template.not_followed_by:
                return False
        if inst.hours + sum(o.hours for o in mine if o.day == inst.day) > limits.max_hours_per_day.get(
                c.person, math.inf) + _EPS:
            return False
        cap = limits.max_hours_total.get(c.person)
        if cap is not None and inst.hours + sum(o.hours for o in mine) > cap + _EPS:
            return False
        most = limits.max_shifts.get(c.person, {}).get(inst.template.code)
        if most is not None and 1 + sum(o.template.code == inst.template.code for o in mine) > most:
            return False
        days = sorted({o.day for o in mine} | {inst.day})
        row = limits.most_in_a_row.get(c.person)
        if row is not None and _longest_run(days) > row:
            return False
        weekends = limits.max_weekends.get(c.person)
        return weekends is None or len({weekend_of[d] for d in days if d in weekend_of}) <= weekends

    def take(c: Candidate) -> None:
        inst = instances[c.inst]
        chosen.add(c)
        taken.setdefault(c.person, []).append(inst)
        row = residual.get(c.post)
        if row is not None:
            row[max(0, inst.start_i):min(n, inst.end_i)] -= 1
        key = (inst.day, inst.template.code, c.post)
        if key in open_shifts:
            open_shifts[key] -= 1

    for c in fixed:
        take(c)
    def price(c: Candidate) -> float:
        inst = instances[c.inst]
        wish = wishes.get((c.person, inst.day, inst.template.code), 0.0) + wishes.get((c.person, inst.day, None), 0.0)
        return costs.get(c.person, 1.0) * inst.hours + wish

    heap = [(-gain(c), price(c), k, c) for k, c in enumerate(candidates) if c not in chosen]
    heapq.heapify(heap)
    while heap:
        neg, cost, k, c = heapq.heappop(heap)
        if neg >= 0:
            break
        if not fits(c):
            continue
        g = gain(c)
        if g < -neg:
            if g > 0:
                heapq.heappush(heap, (-g, cost, k, c))
            continue
        take(c)
    return chosen


def _longest_run(days: Sequence[int]) -> int:
    best = run = 0
    prev = None
    for d in days:
        run = run + 1 if prev is not None and d == prev + 1 else 1
        best = max(best, run)
        prev = d
    return best

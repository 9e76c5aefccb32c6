"""Large neighbourhood search over a roster: keep the best roster found, free a part of it (a
few people over the whole campaign, or everyone over a few days, or some people over some
days), let CP-SAT re-solve that part with the rest fixed, keep the result when it is better.

Why: on two cores CP-SAT's portfolio gives each of its neighbourhood workers a fraction of a
core, and a full-model search over hundreds of people spends its budget on presolve and LP.
A small sub-roster with everything else fixed is solved to optimality in a fraction of a second,
so many of them in a row move a roster much further (the nurse-rostering benchmark, rosters of
300 people) — the approach of the strong CP-SAT rostering results.

Reproducible when asked: the neighbourhoods come from a seeded generator and each sub-solve has
a deterministic budget on one worker, so the same model gives the same roster.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

_GOOD = (cp_model.OPTIMAL, cp_model.FEASIBLE)
ROUND_COST = 0.02  # the least deterministic time a round is charged (its model copy is not counted)


@dataclass
class LnsStats:
    """What the search did, for benches and the result's notes."""

    rounds: int = 0
    improved: int = 0
    proven: bool = False  # a round with every assignment free was solved to optimality
    start: float = 0.0
    end: float = 0.0


@dataclass(frozen=True)
class Budget:
    """When to stop: a wall-clock deadline, and a deterministic budget when reproducible."""

    deadline: float
    deterministic: float | None = None  # total CP-SAT deterministic time for all rounds
    round_deterministic: float = 0.5  # per round (deterministic mode)
    round_seconds: float = 0.5  # per round (wall-clock mode)
    workers: int = 1


def improve(model: cp_model.CpModel, x: Mapping[tuple[str, int, str], cp_model.IntVar],
            day_of: Sequence[int], values: list[int], objective: float, budget: Budget, seed: int = 0,
            ) -> tuple[list[int], float, LnsStats]:
    """Improve the complete solution ``values`` (one per model variable) of ``model`` (its
    objective set) by re-solving neighbourhoods of the assignment literals ``x``; ``day_of``
    gives each shift instance's day. Returns the best values, their objective and the stats."""
    stats = LnsStats(start=objective, end=objective)
    people = list(dict.fromkeys(name for name, _, _ in x))
    days = sorted(set(day_of))
    if len(people) < 2 or not days:
        return values, objective, stats
    x_idx = [var.index for var in x.values()]
    person_of = {var.index: name for (name, _, _), var in x.items()}
    day_of_idx = {var.index: day_of[k] for (_, k, _), var in x.items()}
    rng = random.Random(seed)
    sub = model.clone()
    sub.clear_hints()
    for i, v in enumerate(values):  # every variable hinted; the values are updated in place each round
        sub.add_hint(sub.get_int_var_from_proto_index(i), v)
    proto = sub.proto
    hint = proto.solution_hint.values
    original = {i: tuple(proto.variables[i].domain) for i in x_idx}  # (0, 1): booleans
    wins = [0] * len(_KINDS)  # neighbourhoods that improved the roster are drawn more often
    share = 0.15  # the freed share of the assignment literals; adapted each round
    spent = 0.0
    while time.perf_counter() < budget.deadline - 0.05:
        if budget.deterministic is not None and spent >= budget.deterministic:
            break
        kind = rng.choices(range(len(_KINDS)), weights=[1 + 2 * w for w in wins])[0]
        free = _KINDS[kind](rng, people, days, share, person_of, day_of_idx)
        freed = 0
        for i in x_idx:
            lo, hi = original[i] if free(i) else (values[i], values[i])
            freed += lo != hi
            dom = proto.variables[i].domain
            dom[0], dom[1] = lo, hi
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.random_seed = rng.randrange(1 << 30)
        p.num_workers = budget.workers
        p.linearization_level = 2
        left = budget.deadline - time.perf_counter()
        if budget.deterministic is not None:
            p.num_workers = 1
            p.max_deterministic_time = min(budget.round_deterministic, max(0.01, budget.deterministic - spent))
            p.max_time_in_seconds = max(0.05, left)
        else:
            p.max_time_in_seconds = max(0.05, min(budget.round_seconds, left))
        code = solver.solve(sub)
        # a round costs at least ROUND_COST: tiny models end by the budget too, reproducibly
        spent += max(ROUND_COST, solver.deterministic_time)
        stats.rounds += 1
        if code in _GOOD and solver.objective_value < objective - 1e-9:
            values = list(solver.response_proto.solution)
            objective = solver.objective_value
            for i, v in enumerate(values):
                hint[i] = v
            stats.improved += 1
            wins[kind] += 1
        if code == cp_model.OPTIMAL and freed == len(x_idx):
            stats.proven = True  # everything was free: this round searched the whole roster
            break
        # a neighbourhood solved to optimality was too small to hold a better roster: grow it;
        # one cut short by its budget was too big to search: shrink it
        share = min(0.6, share * 1.15) if code == cp_model.OPTIMAL else max(0.02, share * 0.85)
    stats.end = objective
    return values, objective, stats


Free = Callable[[int], bool]


def _people(rng: random.Random, people: list[str], days: list[int], share: float,
            person_of: Mapping[int, str], day_of_idx: Mapping[int, int]) -> Free:
    """Some people over the whole campaign: their own rules (runs, totals, wishes) move freely."""
    chosen = set(rng.sample(people, max(2, min(len(people), round(share * len(people))))))
    return lambda i: person_of[i] in chosen


def _days(rng: random.Random, people: list[str], days: list[int], share: float,
          person_of: Mapping[int, str], day_of_idx: Mapping[int, int]) -> Free:
    """Everyone over a run of days: the cover of those days is rearranged among all."""
    width = max(1, min(len(days), round(share * len(days))))
    first = rng.randrange(len(days) - width + 1)
    window = set(days[first:first + width])
    return lambda i: day_of_idx[i] in window


def _block(rng: random.Random, people: list[str], days: list[int], share: float,
           person_of: Mapping[int, str], day_of_idx: Mapping[int, int]) -> Free:
    """More people over a longer run of days: swaps between people across a few days."""
    n = max(2, min(len(people), round(2 * share ** 0.5 * len(people))))
    width = max(1, min(len(days), round(share ** 0.5 * len(days))))
    chosen = set(rng.sample(people, n))
    first = rng.randrange(len(days) - width + 1)
    window = set(days[first:first + width])
    return lambda i: person_of[i] in chosen and day_of_idx[i] in window


_KINDS = (_people, _days, _block)

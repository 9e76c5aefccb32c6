"""Large neighbourhood search over a roster: keep the best roster found, free a part of it (a
few people over the whole campaign, or everyone over a few days, or some people over some
days), let CP-SAT re-solve that part with the rest fixed, keep the result when it is better.

Why: on two cores CP-SAT's portfolio gives each of its neighbourhood workers a fraction of a
core, and a full-model search over hundreds of people spends its budget on presolve and LP.
A small sub-roster with everything else fixed is solved to optimality in a fraction of a second,
so many of them in a row move a roster much further (the nurse-rostering benchmark, rosters of
300 people) — the approach of the strong CP-SAT rostering results.

Reproducible when asked: the neighbourhoods come from a seeded generator and each sub-solve has
a deterministic budget on one worker, so the same model gives the same roster. On the wall clock
(benchmarks) one stream of rounds runs per core, each from the best roster any stream found: a
single stream left the second core idle for the neighbourhood half of each phase.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar, cast

from ortools.sat.python import cp_model

from .cp_solver import new_solver

_GOOD = (cp_model.OPTIMAL, cp_model.FEASIBLE)
ROUND_COST = 0.02  # the least deterministic time a round is charged
# CP-SAT's deterministic clock counts a round's small solve at a fraction of its wall time (1,000
# people: 0.1 s of wall for 0.01-0.03 units, of which loading the whole model is 0.02 s); the
# difference, about 1.5 µs per model variable, is charged too, so the budget bounds the wall time
ROUND_OVERHEAD_PER_VARIABLE = 1.5e-6
# literals freed in the first round: a few people's campaign, solved in moments at any size (a
# first round of 15 % — 6,600 literals at 1,000 people — ran out of its budget without a roster)
FIRST_FREE = 300
_log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class LnsStats:
    """What the search did, for benches and the result's notes."""

    rounds: int = 0
    improved: int = 0
    proven: bool = False  # a round with every assignment free was solved to optimality
    clock_cut: bool = False  # a deterministic budget ended by the wall-clock deadline instead
    start: float = 0.0
    end: float = 0.0


@dataclass(frozen=True)
class Budget:
    """When to stop: a wall-clock deadline, and a deterministic budget when reproducible."""

    deadline: float
    deterministic: float | None = None  # total CP-SAT deterministic time for all rounds
    round_deterministic: float = 0.5  # per round (deterministic mode)
    # per round (wall-clock mode), on one worker: on two cores, rounds of 0.25 s on one worker
    # (twice as many) halved the short hours of bench_roster's 300-person 客服部 at 10 s (mean of
    # four seeds 88 -> 45) and brought the 300-person warehouse's cost gap from 3.5-4.8 to 1.6-2.2 %,
    # against rounds of 0.5 s on two workers
    round_seconds: float = 0.25


def set_hint(model: cp_model.CpModel, values: Sequence[int], indices: Sequence[int] | None = None) -> None:
    """Replace the model's hint by ``values`` (of the variables at ``indices``, default: every
    variable in order) in one bulk copy: one ``add_hint`` call per variable costs a second on
    a department of 1,000 people."""
    hint = model.proto.solution_hint
    hint.vars.clear()
    hint.values.clear()
    hint.vars.extend(range(len(values)) if indices is None else indices)
    hint.values.extend(int(v) for v in values)


def set_domain(variable: object, lo: int, hi: int) -> None:
    """Set a literal's domain (one interval, ``[lo, hi]``) in its proto, in place: much faster
    than a constraint per literal. Positions, not ``[-1]``: OR-Tools' proto containers take no
    negative index (a write to it is lost)."""
    domain = variable.domain  # type: ignore[attr-defined]
    domain[0], domain[1] = lo, hi


def improve(model: cp_model.CpModel, x: Mapping[tuple[str, int, str], cp_model.IntVar],
            day_of: Sequence[int], values: list[int], objective: float, budget: Budget, seed: int = 0,
            streams: int = 1) -> tuple[list[int], float, LnsStats]:
    """Improve the complete solution ``values`` (one per model variable) of ``model`` (its
    objective set) by re-solving neighbourhoods of the assignment literals ``x``; ``day_of``
    gives each shift instance's day. Returns the best values, their objective and the stats.

    ``streams`` rounds run at once in threads (CP-SAT releases the GIL), each from the best
    roster any of them has found: on the wall clock only — a round's result then depends on
    timing, so a deterministic budget always runs one stream."""
    stats = LnsStats(start=objective, end=objective)
    people = list(dict.fromkeys(name for name, _, _ in x))
    days = sorted(set(day_of))
    if len(people) < 2 or not days:
        return values, objective, stats
    by_person: dict[str, list[int]] = {}
    by_day: dict[int, list[int]] = {}
    for (name, k, _), var in x.items():
        by_person.setdefault(name, []).append(var.index)
        by_day.setdefault(day_of[k], []).append(var.index)
    groups = _Groups(people, days, by_person, by_day, {var.index: day_of[k] for (_, k, _), var in x.items()})
    best = _Best(values, objective)
    if budget.deterministic is not None or streams <= 1:
        _Stream(model, x, groups, best, budget, seed).run(stats)
    else:
        runners = [_Stream(model, x, groups, best, budget, seed + k) for k in range(streams)]
        parts = [LnsStats() for _ in runners]

        def stop() -> None:  # one stream failed: the others end too
            best.stop = True

        running = [Background(partial(r.run, st), on_error=stop) for r, st in zip(runners, parts, strict=True)]
        for b in running:
            b.wait()
        for b in running:
            b.get()  # a stream's error, in the caller's thread: never lost
        stats.rounds = sum(st.rounds for st in parts)
        stats.improved = sum(st.improved for st in parts)
        stats.proven = any(st.proven for st in parts)
    stats.end = best.objective
    return best.values, best.objective, stats


class Background(Generic[T]):
    """``fn`` in a thread of its own (CP-SAT releases the GIL while it solves); :meth:`get` gives
    its result or raises its error in the caller's thread, so a failure is never lost."""

    def __init__(self, fn: Callable[[], T], on_error: Callable[[], None] | None = None) -> None:
        self.result: T | None = None
        self.error: BaseException | None = None

        def run() -> None:
            try:
                self.result = fn()
            except BaseException as exc:
                self.error = exc
                if on_error is not None:
                    on_error()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def wait(self) -> None:
        self.thread.join()

    def get(self) -> T:
        self.wait()
        if self.error is not None:
            raise self.error
        return cast(T, self.result)  # set: the thread ended without an error


class _Best:
    """The best roster found so far, shared by the streams (a version counts its changes)."""

    def __init__(self, values: list[int], objective: float) -> None:
        self.values, self.objective, self.version = values, objective, 0
        self.lock = threading.Lock()
        self.stop = False  # a stream proved the best roster optimal

    def offer(self, values: list[int], objective: float) -> bool:
        with self.lock:
            if objective >= self.objective - 1e-9:
                return False
            self.values, self.objective, self.version = values, objective, self.version + 1
            return True


class _Stream:
    """One sequence of rounds on its own copy of the model: every literal fixed to the best
    roster's value except the neighbourhood freed this round."""

    def __init__(self, model: cp_model.CpModel, x: Mapping[tuple[str, int, str], cp_model.IntVar], groups: _Groups,
                 best: _Best, budget: Budget, seed: int) -> None:
        self.groups, self.best, self.budget = groups, best, budget
        self.rng = random.Random(seed)
        self.n_x = len(x)
        self.sub = model.clone()
        set_hint(self.sub, best.values)  # every variable hinted; the values are updated in place each round
        self.variables = self.sub.proto.variables
        self.hint = self.sub.proto.solution_hint.values
        self.domains = model.proto.variables  # the original domains (the model itself is not changed)
        self.x_indices = [var.index for var in x.values()]
        self.values, self.version = best.values, best.version
        for i in self.x_indices:
            set_domain(self.variables[i], self.values[i], self.values[i])
        self.overhead = ROUND_OVERHEAD_PER_VARIABLE * len(self.variables)
        self.open_now: set[int] = set()  # the literals free (original domain) now; all others fixed

    def _sync(self) -> None:
        """Take up the best roster another stream found (only what differs is written)."""
        with self.best.lock:
            values, version = self.best.values, self.best.version
        for i in [i for i, (a, b) in enumerate(zip(values, self.values, strict=True)) if a != b]:
            self.hint[i] = values[i]
        for i in self.x_indices:
            if values[i] != self.values[i] and i not in self.open_now:
                set_domain(self.variables[i], values[i], values[i])
        self.values, self.version = values, version

    def run(self, stats: LnsStats) -> None:
        budget, rng, groups = self.budget, self.rng, self.groups
        wins = [0] * len(_KINDS)  # neighbourhoods that improved the roster are drawn more often
        # the freed share of the assignment literals, adapted each round; a first round of a few
        # hundred literals is solved in moments even on a department of 1,000 people
        share = min(0.15, FIRST_FREE / self.n_x)
        spent = 0.0
        while time.perf_counter() < budget.deadline - 0.05 and not self.best.stop:
            if budget.deterministic is not None and spent >= budget.deterministic:
                break
            if self.version != self.best.version:
                self._sync()
            kind = rng.choices(range(len(_KINDS)), weights=[1 + 2 * w for w in wins])[0]
            free = _KINDS[kind](rng, groups, share)
            for i in self.open_now - free:  # fixed again, to the best roster's value
                set_domain(self.variables[i], self.values[i], self.values[i])
            for i in free - self.open_now:
                o = self.domains[i].domain
                set_domain(self.variables[i], o[0], o[1])
            self.open_now = free
            solver = new_solver()
            p = solver.parameters
            p.random_seed = rng.randrange(1 << 30)
            p.num_workers = 1
            p.linearization_level = 2
            left = budget.deadline - time.perf_counter()
            if budget.deterministic is not None:
                p.max_deterministic_time = min(budget.round_deterministic, max(0.01, budget.deterministic - spent))
                p.max_time_in_seconds = max(0.05, left)
            else:
                p.max_time_in_seconds = max(0.05, min(budget.round_seconds, left))
            code = solver.solve(self.sub)
            # a round costs at least ROUND_COST: tiny models end by the budget too, reproducibly
            spent += max(ROUND_COST, solver.deterministic_time + self.overhead)
            stats.rounds += 1
            _log.debug("round %d %s share %.3f freed %d %s det %.2f wall %.3f obj %s best %s", stats.rounds,
                       _KINDS[kind].__name__, share, len(free), solver.status_name(code), solver.deterministic_time,
                       solver.wall_time,
                       solver.objective_value if code in _GOOD else None, self.best.objective)
            if code in _GOOD and self.best.offer(list(solver.response_proto.solution), solver.objective_value):
                stats.improved += 1
                wins[kind] += 1
            if code == cp_model.OPTIMAL and len(free) == self.n_x:
                stats.proven = self.best.stop = True  # everything was free: this round searched the whole roster
                break
            # a neighbourhood solved to optimality was too small to hold a better roster: grow it;
            # one cut short by its budget was too big to search: shrink it
            share = min(0.6, share * 1.15) if code == cp_model.OPTIMAL else max(0.02, share * 0.85)
        if budget.deterministic is not None and spent < budget.deterministic and not self.best.stop:
            stats.clock_cut = True  # the wall-clock deadline came before the deterministic budget


@dataclass(frozen=True)
class _Groups:
    """The assignment literals' proto indices by person and by day, for drawing neighbourhoods."""

    people: list[str]
    days: list[int]
    by_person: dict[str, list[int]]
    by_day: dict[int, list[int]]
    day_of: dict[int, int]


def _people(rng: random.Random, g: _Groups, share: float) -> set[int]:
    """Some people over the whole campaign: their own rules (runs, totals, wishes) move freely."""
    chosen = rng.sample(g.people, max(2, min(len(g.people), round(share * len(g.people)))))
    return {i for name in chosen for i in g.by_person[name]}


def _days(rng: random.Random, g: _Groups, share: float) -> set[int]:
    """Everyone over a run of days: the cover of those days is rearranged among all."""
    width = max(1, min(len(g.days), round(share * len(g.days))))
    first = rng.randrange(len(g.days) - width + 1)
    return {i for day in g.days[first:first + width] for i in g.by_day[day]}


def _block(rng: random.Random, g: _Groups, share: float) -> set[int]:
    """More people over a longer run of days: swaps between people across a few days."""
    n = max(2, min(len(g.people), round(2 * share ** 0.5 * len(g.people))))
    width = max(1, min(len(g.days), round(share ** 0.5 * len(g.days))))
    chosen = rng.sample(g.people, n)
    first = rng.randrange(len(g.days) - width + 1)
    window = set(g.days[first:first + width])
    return {i for name in chosen for i in g.by_person[name] if g.day_of[i] in window}


_KINDS = (_people, _days, _block)

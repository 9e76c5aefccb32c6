"""Day-pattern rules, wishes and per-shift cover for the roster model.

These are the rules planners write on a staff sheet and the field's benchmark (Curtois & Qu's
shift scheduling instances) measures: days in a row (at most / at least), days off in a row,
weekends worked, shifts of each kind, a minimum of hours, which shift may not follow which,
wishes to work or not to work a shift (员工意愿), and a head count per shift and day with
weights for too few and too many. They are added to the CP-SAT model built in
:mod:`sheetplan.calc.roster_model`, through one literal per person and day ("works that day").

Boundaries: the days before and after the campaign are unknown, so a run of work days or days
off that touches the first or last day is never too short (it may continue outside), while the
"at most in a row" rule counts days outside as days off — the benchmark's convention.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

_SCALE = 100  # weights are modelled in hundredths, like costs


@dataclass(frozen=True)
class Request:
    """A wish (员工意愿): ``person`` wants (``want``) or does not want to work ``shift_code``
    on ``day`` — any shift when ``shift_code`` is None (a day off, when not wanted). ``weight``
    is what an unmet wish costs, in cost units."""

    person: str
    day: int
    shift_code: str | None
    want: bool
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not math.isfinite(self.weight) or self.weight < 0:
            raise ValueError(f"request of {self.person}: weight must be a non-negative number")


@dataclass(frozen=True)
class ShiftCover:
    """``need`` people on shift ``shift_code`` of ``day`` at ``post``, counted per shift (not per
    interval). ``under_weight`` per missing person, ``over_weight`` per extra one."""

    day: int
    shift_code: str
    post: str
    need: int
    under_weight: float = 1.0
    over_weight: float = 0.0

    def __post_init__(self) -> None:
        if self.need < 0:
            raise ValueError(f"shift cover {self.shift_code} day {self.day}: need must not be negative")
        if min(self.under_weight, self.over_weight) < 0:
            raise ValueError(f"shift cover {self.shift_code} day {self.day}: weights must not be negative")


def weight(value: float) -> int:
    """A weight in the model's integer hundredths."""
    return round(value * _SCALE)


@dataclass
class DayLits:
    """One person's "works on day d" literal per day (None: cannot work that day)."""

    works: list[cp_model.IntVar | None]

    def window(self, a: int, b: int) -> list[cp_model.IntVar]:
        return [w for w in self.works[max(0, a):b] if w is not None]


def day_literals(
    model: cp_model.CpModel, name: str, horizon: int, by_day: Mapping[int, Sequence[cp_model.IntVar]],
    one_shift_per_day: bool,
) -> DayLits:
    """A literal per day equal to "works that day" (the shift literals of a day are exclusive
    when one shift a day is the rule, so their sum is the literal)."""
    works: list[cp_model.IntVar | None] = []
    for d in range(horizon):
        lits = list(by_day.get(d, ()))
        if not lits:
            works.append(None)
            continue
        w = model.new_bool_var(f"works|{name}|{d}")
        if one_shift_per_day:
            model.add(w == sum(lits))
        else:
            model.add_max_equality(w, lits)
        works.append(w)
    return DayLits(works)


def add_max_in_a_row(model: cp_model.CpModel, days: DayLits, most: int) -> None:
    """At most ``most`` days in a row: any ``most + 1`` consecutive days hold a day off."""
    horizon = len(days.works)
    for d0 in range(0, horizon - most):
        window = days.window(d0, d0 + most + 1)
        if len(window) > most:
            model.add(sum(window) <= most)


def add_min_in_a_row(model: cp_model.CpModel, days: DayLits, least: int, *, off: bool) -> None:
    """Runs of work days (``off`` False) or days off (True) of at least ``least`` days, unless
    they touch the first or last day: no run of length 1..least-1 between two opposite days."""
    w = days.works
    horizon = len(w)
    for length in range(1, least):
        for d in range(1, horizon - length):
            before, after, inside = w[d - 1], w[d + length], w[d:d + length]
            clause = []
            if off:  # forbid: works(d-1), off d..d+length-1, works(d+length)
                if before is None or after is None:
                    continue
                clause = [before.Not(), after.Not(), *(x for x in inside if x is not None)]
            else:  # forbid: off(d-1), works d..d+length-1, off(d+length)
                if any(x is None for x in inside):
                    continue
                clause = [*(x for x in (before, after) if x is not None), *(x.Not() for x in inside)]
            model.add_bool_or(clause)


def add_runs_clauses(model: cp_model.CpModel, days: DayLits, most: int | None, least_on: int, least_off: int
                     ) -> None:
    """The three rules on runs (see :func:`add_runs_automaton`) as windows and clauses: the
    encoding plans use (one worker, a deterministic budget: there the automaton did worse)."""
    if most is not None:
        add_max_in_a_row(model, days, most)
    if least_on > 1:
        add_min_in_a_row(model, days, least_on, off=False)
    if least_off > 1:
        add_min_in_a_row(model, days, least_off, off=True)


def add_runs_automaton(model: cp_model.CpModel, days: DayLits, most: int | None, least_on: int, least_off: int
                       ) -> None:
    """The three rules on runs (at most ``most`` days in a row; runs of work days and of days
    off at least ``least_on`` / ``least_off`` long unless they touch the first or last day) as
    one automaton over the person's days. It allows exactly the sequences the clauses of
    :func:`add_max_in_a_row` and :func:`add_min_in_a_row` allow, but CP-SAT's relaxation sees a
    run as one path through its states rather than as separate windows: on Curtois–Qu 5 the
    bound rises from 1,005–1,077 to 1,140–1,143 (best known 1,143) and the roster is
    1,143–1,147 in every run instead of 1,233–1,250 in about one run in two."""
    if most is None and least_on <= 1 and least_off <= 1:
        return  # no rule on runs: nothing to hold
    zero = model.new_constant(0)
    labels = [w if w is not None else zero for w in days.works]
    top_on = most if most is not None else max(1, least_on)
    states: dict[tuple, int] = {}
    triples: list[tuple[int, int, int]] = []

    def state(kind: str, run: int, edge: bool) -> tuple:
        least = least_on if kind == "on" else least_off
        return (kind, run, edge and run < least)  # a run long enough no longer needs its edge

    queue: list[tuple] = [("start", 0, True)]
    states[queue[0]] = 0
    while queue:
        here = queue.pop(0)
        kind, run, edge = here
        moves: list[tuple[int, tuple]] = []
        if kind == "start":
            moves = [(0, state("off", 1, True)), (1, state("on", 1, True))]
        elif kind == "on":
            if edge or run >= least_on:
                moves.append((0, state("off", 1, False)))
            if most is None or run < most:
                moves.append((1, state("on", min(run + 1, top_on), edge)))
        else:
            moves.append((0, state("off", min(run + 1, max(1, least_off)), edge)))
            if edge or run >= least_off:
                moves.append((1, state("on", 1, False)))
        for label, nxt in moves:
            if label and most == 0:  # no day of work at all
                continue
            if nxt not in states:
                states[nxt] = len(states)
                queue.append(nxt)
            triples.append((states[here], label, states[nxt]))
    model.add_automaton(labels, 0, list(states.values()), triples)  # a run touching the last day is never short


def add_max_weekends(model: cp_model.CpModel, name: str, days: DayLits, weekends: Iterable[Sequence[int]],
                     most: int) -> None:
    """At most ``most`` weekends with any work (a weekend is a group of days, e.g. Sat + Sun)."""
    worked = []
    for k, group in enumerate(weekends):
        lits = [days.works[d] for d in group if 0 <= d < len(days.works) and days.works[d] is not None]
        if not lits:
            continue
        we = model.new_bool_var(f"weekend|{name}|{k}")
        for lit in lits:
            model.add_implication(lit, we)
        worked.append(we)
    if len(worked) > most:
        model.add(sum(worked) <= most)


def request_terms(
    model: cp_model.CpModel,
    requests: Sequence[Request],
    shift_lits: Mapping[tuple[str, int, str], Sequence[cp_model.IntVar]],
    day_lits: Mapping[str, DayLits],
) -> tuple[list[tuple[cp_model.LinearExprT, int]], int]:
    """(expression, weight) terms and a constant whose sum is the weight of unmet wishes."""
    terms: list[tuple[cp_model.LinearExprT, int]] = []
    const = 0
    for r in requests:
        w = weight(r.weight)
        if w == 0:
            continue
        if r.shift_code is None:
            days = day_lits.get(r.person)
            lit = days.works[r.day] if days is not None and 0 <= r.day < len(days.works) else None
            lits = [lit] if lit is not None else []
        else:
            lits = list(shift_lits.get((r.person, r.day, r.shift_code), ()))
        if r.want:  # unmet when none of the literals is true
            const += w
            if lits:
                terms.append((sum(lits), -w))
        elif lits:
            terms.append((sum(lits), w))
    return terms, const


@dataclass
class CoverVars:
    """The under- and over-cover variables of one shift cover row."""

    row: ShiftCover
    lits: list[cp_model.IntVar]
    under: cp_model.IntVar | int
    over: cp_model.IntVar | int


def shift_cover_vars(
    model: cp_model.CpModel,
    rows: Sequence[ShiftCover],
    lits_of: Mapping[tuple[int, str, str], Sequence[cp_model.IntVar]],
) -> list[CoverVars]:
    """under ≥ need − people on the shift, over ≥ people − need (only when over is weighted)."""
    out = []
    for k, c in enumerate(rows):
        lits = list(lits_of.get((c.day, c.shift_code, c.post), ()))
        under: cp_model.IntVar | int = c.need
        if lits and c.need > 0:
            under = model.new_int_var(0, c.need, f"under|{k}")
            model.add(under + sum(lits) >= c.need)
        elif lits:
            under = 0
        over: cp_model.IntVar | int = 0
        if lits and c.over_weight > 0 and len(lits) > c.need:
            over = model.new_int_var(0, len(lits) - c.need, f"over|{k}")
            model.add(over >= sum(lits) - c.need)
        out.append(CoverVars(c, lits, under, over))
    return out

"""What overtime adds on top of rate × hours, in the roster's objective.

:mod:`sheetplan.calc.labour` pays a roster as the law does: rest-day hours at 200 % unless a
weekday off in the same week gives the rest day back (补休), holidays at 300 %, hours beyond the
day's or the week's limit at 150 %. A solver that minimised rate × hours alone was blind to all
of it: it put weekend shifts on people with no weekday off and called two rosters equal that
differ by a day's double pay. Here the same rules become model terms, so the cost phase
minimises the labour cost the planner reads.

The model's premium never exceeds :mod:`sheetplan.calc.labour`'s for the same roster (a rest day
given back is counted at 100 % without the day and week limits it also falls under), so the
solver's bound stays a bound on the true cost; the roster's figures are always recomputed by
:mod:`sheetplan.calc.labour` itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .labour import PayRules, roster_pay, total
from .roster_model import _COST_SCALE, Assignment, Person, _Instance

Rows = list[tuple[_Instance, list[cp_model.IntVar]]]
Term = tuple[cp_model.LinearExprT, int]  # an expression (literal or variable) and its weight in hundredths


@dataclass(frozen=True)
class Premium:
    """The plan's pay rules on the roster's day index: ``dates[d]`` is day ``d`` (every day of
    the horizon; :func:`sheetplan.calc.roster.solve_roster` checks); ``busy``: per person, the
    dates that give no day off (unavailable, or lent elsewhere)."""

    rules: PayRules
    dates: Sequence[dt.date]
    busy: Mapping[str, Collection[dt.date]] = field(default_factory=dict)

    def of(self, assignments: Sequence[Assignment], people: Sequence[Person]) -> float:
        """The premium :mod:`sheetplan.calc.labour` pays for these assignments."""
        rates = {p.name: p.cost_per_hour for p in people}
        rows = [(a.person, self.dates[a.day], a.hours) for a in assignments]
        return total(roster_pay(rows, rates, self.rules, self.busy)).premium


def add_premium(model: cp_model.CpModel, person: Person, by_day: Mapping[int, Rows], horizon: int,
                prem: Premium, one_shift_per_day: bool = True) -> tuple[list[Term], int]:
    """The terms of ``person``'s premium (hundredths, see :data:`Term`) and its largest value."""
    rate, r = person.cost_per_hour, prem.rules
    busy = set(prem.busy.get(person.name, ()))
    day_q, week_q = round(r.day_limit * 4), round(r.week_limit * 4)
    terms: list[Term] = []
    most = 0

    def cents(multiple: float, hours: float) -> int:
        return max(0, round((multiple - 1) * rate * hours * _COST_SCALE))

    def most_of(values: list[int]) -> int:  # the day's largest total: one shift, or all of them
        return max(values, default=0) if one_shift_per_day else sum(values)

    weeks: dict[tuple[int, int], list[int]] = defaultdict(list)
    for d in range(horizon):
        weeks[prem.dates[d].isocalendar()[:2]].append(d)
    for days in weeks.values():
        off_credit: list[cp_model.LinearExprT] = []  # working days off: each gives a rest day back
        given: list[cp_model.IntVar] = []
        counted: list[tuple[int, cp_model.IntVar]] = []  # quarter-hours within the day's limit
        most_counted = 0
        for d in days:
            rows = by_day.get(d, [])
            kind = r.kind(prem.dates[d])
            if kind == "holiday":
                terms += [(v, cents(r.holiday, inst.hours)) for inst, lits in rows for v in lits]
                most += most_of([cents(r.holiday, inst.hours) for inst, _ in rows])
            elif kind == "rest" and rows:
                day_most = most_of([cents(r.rest_day, inst.hours) for inst, _ in rows])
                most += day_most
                if r.system != "lieu":
                    terms += [(v, cents(r.rest_day, inst.hours)) for inst, lits in rows for v in lits]
                    continue
                g = model.new_bool_var(f"given|{person.name}|{d}")  # given back: the day's premium lifted
                pay = model.new_int_var(0, day_most, f"rest_premium|{person.name}|{d}")
                model.add(pay >= sum(cents(r.rest_day, inst.hours) * v for inst, lits in rows for v in lits)
                          - day_most * g)
                given.append(g)
                terms.append((pay, 1))
            elif kind == "work":
                if prem.dates[d] not in busy:
                    if not rows:
                        off_credit.append(1)
                    else:
                        off = model.new_bool_var(f"off|{person.name}|{d}")
                        model.add_bool_and([v.Not() for _, lits in rows for v in lits]).only_enforce_if(off)
                        off_credit.append(off)
                # beyond the day's limit at the overtime rate, per shift (exact with one shift a day)
                terms += [(v, cents(r.weekday_overtime, max(0.0, inst.hours - r.day_limit)))
                          for inst, lits in rows for v in lits if inst.hours > r.day_limit]
                within = [(min(round(inst.hours * 4), day_q), v) for inst, lits in rows for v in lits]
                counted += within
                most_counted += most_of([q for q, _ in within])
                most += most_of([cents(r.weekday_overtime, max(0.0, inst.hours - r.day_limit)) for inst, _ in rows])
        if given:
            model.add(sum(given) <= sum(off_credit))
        if counted and most_counted > week_q:  # beyond the week's limit: possible this week
            extra = model.new_int_var(0, most_counted - week_q, f"week_overtime|{person.name}|{days[0]}")
            model.add(extra >= sum(q * v for q, v in counted) - week_q)
            weight = max(0, round((r.weekday_overtime - 1) * rate * _COST_SCALE / 4))
            terms.append((extra, weight))
            most += weight * (most_counted - week_q)
    return terms, most


__all__ = ["Premium", "add_premium"]

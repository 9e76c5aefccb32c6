"""Labour cost of a roster, with overtime as Chinese labour law pays it by default (劳动法 第四十四条,
standard working-hour system): on a working day, hours beyond 8 a day — or beyond 40 in a
Monday–Sunday week — at 150 %; any hour on a rest day at 200 %; any hour on a statutory holiday
at 300 %. The rates, the daily and weekly limits, the rest days and the holidays are the plan's;
by default Saturday and Sunday are rest days and there are no holidays.

Hours count towards the day a shift starts on (as everywhere in the roster). Weeks are counted
within the campaign only: hours worked just before it are not known here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PayRules:
    weekday_overtime: float = 1.5
    rest_day: float = 2.0
    holiday: float = 3.0
    day_limit: float = 8.0
    week_limit: float = 40.0
    rest_days: frozenset[dt.date] | None = None  # None: Saturdays and Sundays
    holidays: frozenset[dt.date] = frozenset()

    def kind(self, day: dt.date) -> str:
        if day in self.holidays:
            return "holiday"
        rest = day in self.rest_days if self.rest_days is not None else day.weekday() >= 5
        return "rest" if rest else "work"


@dataclass(frozen=True)
class Pay:
    """One person's hours by how they are paid, and the cost."""

    person: str
    rate: float
    regular: float
    overtime: float  # working-day overtime (150 %)
    rest: float  # rest-day hours (200 %)
    holiday: float  # holiday hours (300 %)
    cost: float

    @property
    def hours(self) -> float:
        return self.regular + self.overtime + self.rest + self.holiday

    @property
    def overtime_cost(self) -> float:
        return self.cost - self.rate * self.hours


def pay(person: str, rate: float, hours_by_day: Mapping[dt.date, float], rules: PayRules = PayRules()) -> Pay:
    """The pay of one person from their hours per day."""
    regular = overtime = rest = holiday = 0.0
    week_regular: dict[tuple[int, int], float] = defaultdict(float)
    for day in sorted(hours_by_day):
        h = hours_by_day[day]
        kind = rules.kind(day)
        if kind == "holiday":
            holiday += h
        elif kind == "rest":
            rest += h
        else:
            within_day = min(h, rules.day_limit)
            week = day.isocalendar()[:2]
            room = max(0.0, rules.week_limit - week_regular[week])
            counted = min(within_day, room)
            week_regular[week] += counted
            regular += counted
            overtime += h - counted
    cost = rate * (regular + rules.weekday_overtime * overtime + rules.rest_day * rest + rules.holiday * holiday)
    return Pay(person, rate, regular, overtime, rest, holiday, cost)


def roster_pay(shifts: Iterable[tuple[str, dt.date, float]], rates: Mapping[str, float],
               rules: PayRules = PayRules()) -> list[Pay]:
    """Everyone's pay from (person, day the shift starts, hours) rows; people without shifts left out."""
    by_person: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for person, day, hours in shifts:
        by_person[person][day] += hours
    return [pay(p, rates.get(p, 0.0), days, rules) for p, days in sorted(by_person.items())]


def total(pays: Sequence[Pay]) -> Pay:
    """The department's line: sums of every column (rate left 0)."""
    return Pay("", 0.0, sum(p.regular for p in pays), sum(p.overtime for p in pays), sum(p.rest for p in pays),
               sum(p.holiday for p in pays), sum(p.cost for p in pays))


__all__ = ["Pay", "PayRules", "pay", "roster_pay", "total"]

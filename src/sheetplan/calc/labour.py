"""Labour cost of a roster, with overtime as Chinese labour law pays it (劳动法 第四十四条): on a
working day, hours beyond 8 a day — or beyond 40 in a Monday–Sunday week — at 150 %; an hour on a
rest day at 200 % *unless the rest day is given back* (补休); an hour on a statutory holiday at
300 % always. The rates, the limits, the rest days and the holidays are the plan's; by default
Saturday and Sunday are rest days and there are no holidays.

One cost figure: **cost = base + premium**, base = rate × every hour, premium = what the multiples
add on top (the "其中加班" share). Nothing else is ever called the cost.

Two working-hour systems (工时制度):

- ``lieu`` (综合工时/排班补休, the default: how shops roster shift staff): a rest day worked in a
  week in which the person has a working day off (a working day of the campaign without a shift)
  is a swapped day — paid like a working day (100 %, and the daily and weekly limits apply). Each
  day off gives back one rest day, the longest worked rest day first; rest days not given back
  are paid at 200 %. A day the person is not at the department's disposal (unavailable, or a
  borrowed person's day in their own department) is no day off: it gives nothing back.
- ``standard`` (标准工时): every rest-day hour at 200 %, days off or not.

Hours count towards the day a shift starts on (as everywhere in the roster). Weeks are counted
within the campaign only: hours and days off just before or after it are not known here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
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
    system: str = "lieu"  # "lieu" (补休: a weekday off gives a worked rest day back) or "standard"
    days: frozenset[dt.date] = frozenset()  # the rostered days: a working day here without hours is a day off

    def kind(self, day: dt.date) -> str:
        if day in self.holidays:
            return "holiday"
        rest = day in self.rest_days if self.rest_days is not None else day.weekday() >= 5
        return "rest" if rest else "work"


@dataclass(frozen=True)
class Pay:
    """One person's hours by how they are paid, and the cost (= base + premium)."""

    person: str
    rate: float
    regular: float  # at 100 %, including rest days given back (补休)
    overtime: float  # working-day overtime (150 %)
    rest: float  # rest-day hours not given back (200 %)
    holiday: float  # holiday hours (300 %)
    base: float  # rate × every hour
    premium: float  # what the overtime, rest-day and holiday multiples add on top of the base
    lieu: float = 0.0  # of ``regular``: hours on rest days given back by a day off in the same week

    @property
    def hours(self) -> float:
        return self.regular + self.overtime + self.rest + self.holiday

    @property
    def cost(self) -> float:
        return self.base + self.premium


def given_back(hours_by_day: Mapping[dt.date, float], rules: PayRules,
               busy: Collection[dt.date] = frozenset()) -> set[dt.date]:
    """The worked rest days a day off in the same Monday–Sunday week gives back (补休): one per
    working day of ``rules.days`` without hours and not ``busy`` (unavailable, or working for
    another department), the longest rest day first (then the earliest)."""
    if rules.system != "lieu":
        return set()
    offs: dict[tuple[int, int], int] = defaultdict(int)
    for day in rules.days:
        if rules.kind(day) == "work" and not hours_by_day.get(day) and day not in busy:
            offs[day.isocalendar()[:2]] += 1
    rest_worked: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for day, h in hours_by_day.items():
        if h > 0 and rules.kind(day) == "rest":
            rest_worked[day.isocalendar()[:2]].append(day)
    back: set[dt.date] = set()
    for week, worked in rest_worked.items():
        back.update(sorted(worked, key=lambda d: (-hours_by_day[d], d))[:offs[week]])
    return back


def pay(person: str, rate: float, hours_by_day: Mapping[dt.date, float], rules: PayRules = PayRules(),
        busy: Collection[dt.date] = frozenset()) -> Pay:
    """The pay of one person from their hours per day (``busy``: see :func:`given_back`)."""
    regular = overtime = rest = holiday = lieu = 0.0
    week_regular: dict[tuple[int, int], float] = defaultdict(float)
    back = given_back(hours_by_day, rules, busy)
    for day in sorted(hours_by_day):
        h = hours_by_day[day]
        kind = "work" if day in back else rules.kind(day)
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
            lieu += counted if day in back else 0.0
    hours = regular + overtime + rest + holiday
    premium = rate * ((rules.weekday_overtime - 1) * overtime + (rules.rest_day - 1) * rest
                      + (rules.holiday - 1) * holiday)
    return Pay(person, rate, regular, overtime, rest, holiday, rate * hours, premium, lieu)


def roster_pay(shifts: Iterable[tuple[str, dt.date, float]], rates: Mapping[str, float],
               rules: PayRules = PayRules(), busy: Mapping[str, Collection[dt.date]] | None = None) -> list[Pay]:
    """Everyone's pay from (person, day the shift starts, hours) rows; people without shifts left
    out. ``busy``: per person, the days that are no day off (see :func:`given_back`)."""
    by_person: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for person, day, hours in shifts:
        by_person[person][day] += hours
    busy = busy or {}
    return [pay(p, rates.get(p, 0.0), days, rules, busy.get(p, frozenset())) for p, days in sorted(by_person.items())]


def total(pays: Sequence[Pay]) -> Pay:
    """The department's line: sums of every column (rate left 0), premium the sum of premiums."""
    return Pay("", 0.0, sum(p.regular for p in pays), sum(p.overtime for p in pays), sum(p.rest for p in pays),
               sum(p.holiday for p in pays), sum(p.base for p in pays), sum(p.premium for p in pays),
               sum(p.lieu for p in pays))


__all__ = ["Pay", "PayRules", "given_back", "pay", "roster_pay", "total"]

"""The Curtois & Qu shift scheduling benchmark (schedulingbenchmarks.org, text format) as inputs
of sheetplan's roster engine — a loader for the bench, not part of the plan reader.

Every rule of the benchmark is one the engine has for plans too:

| benchmark                         | engine                                                  |
|-----------------------------------|---------------------------------------------------------|
| shift length, forbidden successor | ``ShiftTemplate.hours``, ``not_followed_by``            |
| MaxShifts per type                | ``Person.max_shifts``                                   |
| Max/MinTotalMinutes               | ``Person.max_hours_total`` / ``min_hours_total``        |
| Max/MinConsecutiveShifts          | ``Person.max_consecutive_days`` / ``min_consecutive_days`` |
| MinConsecutiveDaysOff             | ``Person.min_days_off``                                 |
| MaxWeekends (Sat+Sun, from Monday)| ``Person.max_weekends``, ``RosterRules.weekends``       |
| days off                          | ``Person.unavailable_days``                             |
| shift on/off requests             | ``Request(want=True/False, weight)``                    |
| cover per day and shift           | ``ShiftCover(need, under_weight, over_weight)``         |

The benchmark has no clock times, so every shift starts at 00:00 of its day and no rest time is
required (forbidden successions are the rest rule); there is no cost per hour and no fairness
term, so the engine's objective is exactly the benchmark's: the weighted penalties.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from sheetplan.calc.roster import Person, Request, RosterRules, ShiftCover, ShiftTemplate

POST = "nurse"


@dataclass
class Instance:
    name: str
    horizon: int
    shifts: list[ShiftTemplate]
    people: list[Person]
    requests: list[Request] = field(default_factory=list)
    cover: list[ShiftCover] = field(default_factory=list)

    @property
    def interval_minutes(self) -> int:
        """The coarsest grid (dividing 60) on which every shift length falls."""
        g = 60
        for s in self.shifts:
            g = math.gcd(g, round(s.hours * 60))
        return g

    def rules(self, time_limit_s: float, workers: int = 2) -> RosterRules:
        return RosterRules(
            min_rest_hours=0,
            one_shift_per_day=True,
            max_consecutive_days=None,  # per person
            fairness_weight=0,
            shortfall_weight=1,  # weighted objective: the benchmark's penalties, nothing else
            weekends=tuple((7 * k + 5, 7 * k + 6) for k in range(self.horizon // 7)),
            time_limit_s=time_limit_s,
            num_workers=workers,
            max_variables=2_000_000,
        )


def _lines(path: Path):
    for raw in path.read_text(encoding="utf-8-sig").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


def load(path: str | Path) -> Instance:
    """Read one ``InstanceN.txt``."""
    path = Path(path)
    section = None
    horizon = 0
    shifts: list[tuple[str, int, frozenset[str]]] = []
    staff: list[list[str]] = []
    days_off: dict[str, set[int]] = {}
    on: list[list[str]] = []
    off: list[list[str]] = []
    cover: list[list[str]] = []
    for line in _lines(path):
        if line.startswith("SECTION_"):
            section = line
            continue
        p = [x.strip() for x in line.split(",")]
        if section == "SECTION_HORIZON":
            horizon = int(p[0])
        elif section == "SECTION_SHIFTS":
            banned = frozenset(x for x in (p[2] if len(p) > 2 else "").split("|") if x)
            shifts.append((p[0], int(p[1]), banned))
        elif section == "SECTION_STAFF":
            staff.append(p)
        elif section == "SECTION_DAYS_OFF":
            days_off.setdefault(p[0], set()).update(int(x) for x in p[1:] if x)
        elif section == "SECTION_SHIFT_ON_REQUESTS":
            on.append(p)
        elif section == "SECTION_SHIFT_OFF_REQUESTS":
            off.append(p)
        elif section == "SECTION_COVER":
            cover.append(p)
    templates = [ShiftTemplate(code, 0.0, minutes / 60, not_followed_by=banned, label=code)
                 for code, minutes, banned in shifts]
    people = []
    for sid, max_shifts, max_min, min_min, max_cons, min_cons, min_off, max_we in staff:
        limits = dict(kv.split("=") for kv in max_shifts.split("|") if kv)
        people.append(Person(
            name=sid, department="benchmark", posts=(POST,), max_hours_per_day=24,
            max_hours_total=int(max_min) / 60, min_hours_total=int(min_min) / 60,
            max_consecutive_days=int(max_cons), min_consecutive_days=max(1, int(min_cons)),
            min_days_off=max(1, int(min_off)), max_weekends=int(max_we),
            max_shifts={code: int(n) for code, n in limits.items()},
            unavailable_days=frozenset(days_off.get(sid, ())), cost_per_hour=0.0,
        ))
    requests = [Request(e, int(d), s, True, float(w)) for e, d, s, w in on]
    requests += [Request(e, int(d), s, False, float(w)) for e, d, s, w in off]
    rows = [ShiftCover(int(d), s, POST, int(need), float(wu), float(wo)) for d, s, need, wu, wo in cover]
    return Instance(path.stem, horizon, templates, people, requests, rows)

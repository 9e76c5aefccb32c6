"""Checks of a roster's inputs before any model is built, so that a planner sees which typed row
is at fault (a fixed shift that breaks a rule, hours no roster can reach) rather than a bare
'infeasible', and a caller's mistake is a clear ValueError."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from .roster_model import (
    _EPS,
    Conflict,
    FixedAssignment,
    Person,
    RosterRules,
    ShiftTemplate,
    _conflicts_in_time,
    _Instance,
    block_reason,
)
from .roster_rules import Request, ShiftCover


def check_inputs(
    people: Sequence[Person],
    shifts: Sequence[ShiftTemplate],
    requirement: Mapping[str, Sequence[int]],
    horizon_days: int,
    n_intervals: int,
    fixed: Sequence[FixedAssignment],
) -> None:
    if horizon_days <= 0:
        raise ValueError("horizon_days must be positive")
    names = Counter(p.name for p in people)
    dupes = sorted(n for n, c in names.items() if c > 1)
    if dupes:
        raise ValueError(f"duplicate person names: {', '.join(dupes)}")
    codes = Counter(s.code for s in shifts)
    dupes = sorted(c for c, k in codes.items() if k > 1)
    if dupes:
        raise ValueError(f"duplicate shift codes: {', '.join(dupes)}")
    for post, values in requirement.items():
        if len(values) != n_intervals:
            raise ValueError(
                f"requirement for {post} has {len(values)} intervals, expected {n_intervals}"
            )
        if any(v < 0 for v in values):
            raise ValueError(f"requirement for {post} has negative values")
    known = set(names)
    for f in fixed:
        if f.person not in known:
            raise ValueError(f"fixed assignment names unknown person {f.person!r}")
        if f.shift_code not in codes:
            raise ValueError(f"fixed assignment names unknown shift {f.shift_code!r}")
        if not 0 <= f.day < horizon_days:
            raise ValueError(f"fixed assignment day {f.day} outside 0..{horizon_days - 1}")


def check_extras(people: Sequence[Person], shifts: Sequence[ShiftTemplate], horizon_days: int,
                  requests: Sequence[Request], shift_cover: Sequence[ShiftCover]) -> None:
    names = {p.name for p in people}
    codes = {s.code for s in shifts}
    for r in requests:
        if r.person not in names:
            raise ValueError(f"request names unknown person {r.person!r}")
        if r.shift_code is not None and r.shift_code not in codes:
            raise ValueError(f"request names unknown shift {r.shift_code!r}")
        if not 0 <= r.day < horizon_days:
            raise ValueError(f"request day {r.day} outside 0..{horizon_days - 1}")
    seen = set()
    for c in shift_cover:
        if c.shift_code not in codes:
            raise ValueError(f"shift cover names unknown shift {c.shift_code!r}")
        if not 0 <= c.day < horizon_days:
            raise ValueError(f"shift cover day {c.day} outside 0..{horizon_days - 1}")
        key = (c.day, c.shift_code, c.post)
        if key in seen:
            raise ValueError(f"shift cover for {c.shift_code} on day {c.day} at {c.post} given twice")
        seen.add(key)
    for s in shifts:
        unknown = sorted(s.not_followed_by - codes)
        if unknown:
            raise ValueError(f"shift {s.code}: not_followed_by names unknown shifts {', '.join(unknown)}")


def fixed_conflicts(
    people: Mapping[str, Person],
    by_key: Mapping[tuple[int, str], _Instance],
    fixed: Sequence[FixedAssignment],
    rules: RosterRules,
) -> list[Conflict]:
    """Hard-rule violations among the fixed assignments, found before solving so that the
    planner sees which typed row is at fault rather than a bare 'infeasible'."""
    out: list[Conflict] = []
    per_person: dict[str, list[FixedAssignment]] = defaultdict(list)
    for f in dict.fromkeys(fixed):  # exact duplicates are harmless
        person = people[f.person]
        inst = by_key[(f.day, f.shift_code)]
        if f.post not in person.posts:
            out.append(Conflict(f, "skill"))
        reason = block_reason(person, inst)
        if reason:
            out.append(Conflict(f, reason))
        per_person[f.person].append(f)
    for name, rows in per_person.items():
        person = people[name]
        rows.sort(key=lambda f: by_key[(f.day, f.shift_code)].start_h)
        for i, a in enumerate(rows):
            ia = by_key[(a.day, a.shift_code)]
            for b in rows[i + 1 :]:
                ib = by_key[(b.day, b.shift_code)]
                if ia.idx == ib.idx:
                    out.append(Conflict(b, "same_day" if a.post != b.post else "rest", a))
                elif _conflicts_in_time(ia, ib, rules):
                    same_day = rules.one_shift_per_day and ia.day == ib.day
                    out.append(Conflict(b, "same_day" if same_day else "rest", a))
        hours = sum(by_key[(f.day, f.shift_code)].hours for f in rows)
        if person.max_hours_total is not None and hours > person.max_hours_total + _EPS:
            out.append(Conflict(rows[-1], "total_hours"))
        per_day: dict[int, float] = defaultdict(float)
        for f in rows:
            per_day[f.day] += by_key[(f.day, f.shift_code)].hours
        for day, h in per_day.items():
            if h > person.max_hours_per_day + _EPS:
                last = [f for f in rows if f.day == day][-1]
                if Conflict(last, "day_hours") not in out:
                    out.append(Conflict(last, "day_hours"))
    return out


def hour_conflicts(people: Sequence[Person], instances: Sequence[_Instance], rules: RosterRules | None = None
                   ) -> list[Conflict]:
    """A minimum of hours no roster can reach: the most a person can work is every allowed
    shift, the longest each day (one shift a day; else up to their daily limit), with no run of
    days longer than they may work in a row — 60 h asked of someone who may work 6 days in a row
    of 8, 8 h a day, can reach 56 at most."""
    out = []
    for p in people:
        if not p.min_hours_total:
            continue
        best: dict[int, float] = defaultdict(float)
        for inst in instances:
            if block_reason(p, inst) is None:
                if rules is None or rules.one_shift_per_day:
                    best[inst.day] = max(best[inst.day], inst.hours)
                else:
                    best[inst.day] = min(p.max_hours_per_day, best[inst.day] + inst.hours)
        most = _most_hours([best.get(d, 0.0) for d in range(max(best, default=-1) + 1)],
                           p.most_in_a_row(rules) if rules is not None else None)
        if most + _EPS < p.min_hours_total:
            out.append(Conflict(None, "min_hours", detail=f"{p.name}: {most:g}/{p.min_hours_total:g}"))
    return out


def minimum_of(c: Conflict) -> tuple[str, float, float]:
    """(name, the most hours they can reach, their minimum) of a 'min_hours' conflict."""
    name, _, hours = c.detail.rpartition(": ")
    most, _, least = hours.partition("/")
    return name, float(most), float(least)


def _most_hours(per_day: Sequence[float], in_a_row: int | None) -> float:
    """The most hours over the days, with no run of worked days longer than ``in_a_row``."""
    if in_a_row is None or in_a_row >= len(per_day):
        return sum(per_day)
    # best[r]: the most hours so far, ending in a run of r days worked (r = 0: the last day off)
    best = [0.0] + [-math.inf] * in_a_row
    for h in per_day:
        best = [max(best)] + [best[r - 1] + h if h > 0 else -math.inf for r in range(1, in_a_row + 1)]
    return max(best)

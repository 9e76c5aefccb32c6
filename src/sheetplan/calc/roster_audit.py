"""Every rule a hand-edited roster breaks, and the cover it gives.

A planner swaps cells, types 休 for leave or adds a shift in Excel; this re-checks the result with
the same rules the engine rosters by (:mod:`sheetplan.calc.roster_model`): skills, who may work
a shift, unavailable days, lending windows, hours per day and per campaign, rest between shifts,
one shift a day, days in a row, runs of work and days off, weekends, shifts of each kind,
forbidden successions, a minimum of hours; then the cover per post and interval against the
requirement, and per-shift head counts. Pure: no workbook, no solver.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from .roster_model import (
    _EPS,
    Gap,
    Person,
    RosterRules,
    ShiftTemplate,
    _conflicts_in_time,
    _gaps_from,
    block_reason,
    shift_instances,
)
from .roster_rules import ShiftCover


@dataclass(frozen=True)
class Edited:
    """One shift in an edited roster, and the cell it was read from."""

    person: str
    day: int
    shift_code: str
    post: str
    where: str = ""


@dataclass(frozen=True)
class Breach:
    """A broken rule: ``rule`` is a message key suffix, ``where`` the cell, ``detail`` its values."""

    rule: str
    person: str
    where: str
    detail: Mapping[str, object]


@dataclass
class Audit:
    breaches: list[Breach]
    cover: dict[str, list[int]]
    gaps: list[Gap]
    hours: dict[str, float]  # per person


def off_yet_free(edited: Sequence[Edited], people: Sequence[Person], shifts: Sequence[ShiftTemplate],
                 days: Sequence[int], horizon_days: int, rules: RosterRules, interval_minutes: int = 60,
                 skip: Collection[tuple[str, int]] = ()) -> dict[int, list[str]]:
    """Per all-hands day, who has no shift starting that day although one shift would break none
    of their rules, the rest of the roster as it stands (type, availability, lending window,
    hours, rest, days in a row …): an edit that took someone off such a day is said again, not
    only by the build that published it. ``skip``: (person, day) cells that cannot be read."""
    mine: dict[str, list[Edited]] = defaultdict(list)
    for e in edited:
        mine[e.person].append(e)
    by_day: dict[int, list] = defaultdict(list)
    for i in shift_instances(shifts, horizon_days, interval_minutes):
        by_day[i.day].append(i)

    def free(p: Person, day: int) -> bool:
        open_ = [i for i in by_day.get(day, ()) if block_reason(p, i) is None] if p.posts else []
        if not open_:
            return False
        base = Counter(b.rule for b in audit(mine[p.name], [p], shifts, {}, horizon_days, rules,
                                               interval_minutes).breaches)
        for i in open_:
            one = Edited(p.name, day, i.template.code, p.posts[0])
            found = audit([*mine[p.name], one], [p], shifts, {}, horizon_days, rules, interval_minutes).breaches
            if not Counter(b.rule for b in found) - base:  # no rule broken that was not before
                return True
        return False

    out: dict[int, list[str]] = {}
    for d in sorted(set(days)):
        names = [p.name for p in people if (p.name, d) not in skip
                 and not any(e.day == d for e in mine[p.name]) and free(p, d)]
        if names:
            out[d] = names
    return out


def audit(
    edited: Sequence[Edited], people: Sequence[Person], shifts: Sequence[ShiftTemplate],
    requirement: Mapping[str, Sequence[int]], horizon_days: int, rules: RosterRules,
    interval_minutes: int = 60, shift_cover: Sequence[ShiftCover] = (),
) -> Audit:
    """The breaches of ``edited`` (unknown people and codes must be filtered out before)."""
    by_name = {p.name: p for p in people}
    inst_of = {(i.day, i.template.code): i for i in shift_instances(shifts, horizon_days, interval_minutes)}
    out: list[Breach] = []
    mine: dict[str, list[tuple[Edited, object]]] = defaultdict(list)
    for e in edited:
        p, inst = by_name[e.person], inst_of[(e.day, e.shift_code)]
        if e.post not in p.posts:
            out.append(Breach("skill", e.person, e.where, {"post": e.post}))
        reason = block_reason(p, inst)
        if reason is not None:
            out.append(Breach(f"block_{reason}", e.person, e.where, {"code": e.shift_code}))
        mine[e.person].append((e, inst))
    for name, items in mine.items():
        p = by_name[name]
        items.sort(key=lambda x: x[1].start_h)
        for (ea, a), (eb, b) in itertools.pairwise(items):
            if _conflicts_in_time(a, b, rules):
                rule = "same_day" if a.day == b.day and rules.one_shift_per_day else "rest"
                out.append(Breach(rule, name, eb.where, {"other": ea.where, "rest": rules.min_rest_hours}))
            if b.day == a.day + 1 and b.template.code in a.template.not_followed_by:
                out.append(Breach("succession", name, eb.where, {"code": b.template.code, "before": a.template.code}))
        out += _sequence(name, p, items, rules, horizon_days)
    for p in people:  # a minimum of hours binds people with no shift at all too
        total = sum(inst.hours for _, inst in mine.get(p.name, []))
        if p.min_hours_total and total + _EPS < p.min_hours_total:
            out.append(Breach("min_hours", p.name, "", {"hours": total, "min": p.min_hours_total}))
    n = horizon_days * 24 * 60 // interval_minutes
    cover = {q: [0] * n for q in requirement}
    for e in edited:
        inst = inst_of[(e.day, e.shift_code)]
        if e.post in cover:
            for t in range(max(0, inst.start_i), min(n, inst.end_i)):
                cover[e.post][t] += 1
    gaps = _gaps_from({q: [int(v) for v in r] for q, r in requirement.items()}, cover)
    on = Counter((e.day, e.shift_code, e.post) for e in edited)
    for c in shift_cover:
        short = c.need - on[(c.day, c.shift_code, c.post)]
        inst = inst_of.get((c.day, c.shift_code))
        if short > 0 and inst is not None:
            gaps.append(Gap(c.post, inst.start_i, inst.end_i, short, c.shift_code))
    hours = {name: sum(inst.hours for _, inst in items) for name, items in mine.items()}
    return Audit(out, cover, gaps, hours)


def _sequence(name: str, p: Person, items: list, rules: RosterRules, horizon: int) -> list[Breach]:
    """Day-level rules: hours per day and campaign, days in a row, runs, weekends, shifts of a kind."""
    out = []
    last = items[-1][0].where if items else ""
    per_day: dict[int, float] = defaultdict(float)
    for e, inst in items:
        per_day[inst.day] += inst.hours
        if per_day[inst.day] > p.max_hours_per_day + _EPS:
            out.append(Breach("day_hours", name, e.where, {"hours": per_day[inst.day], "max": p.max_hours_per_day}))
    total = sum(per_day.values())
    if p.max_hours_total is not None and total > p.max_hours_total + _EPS:
        out.append(Breach("total_hours", name, last, {"hours": total, "max": p.max_hours_total}))
    codes = Counter(inst.template.code for _, inst in items)
    for code, most in p.max_shifts:
        if codes[code] > most:
            out.append(Breach("max_shifts", name, last, {"code": code, "n": codes[code], "max": most}))
    worked = set(per_day)
    where_of = {inst.day: e.where for e, inst in items}
    most = p.most_in_a_row(rules)
    runs = _runs(worked, horizon)
    for a, b in runs:
        if most is not None and b - a > most:
            out.append(Breach("in_a_row", name, where_of[a + most], {"n": b - a, "max": most}))
        if a > 0 and b < horizon and b - a < p.min_consecutive_days:
            out.append(Breach("short_run", name, where_of[a], {"n": b - a, "min": p.min_consecutive_days}))
    for (_, b), (a2, _) in itertools.pairwise(runs):
        if a2 - b < p.min_days_off:
            out.append(Breach("short_off", name, where_of[a2], {"n": a2 - b, "min": p.min_days_off}))
    if p.max_weekends is not None:
        n = sum(1 for w in rules.weekends if worked & set(w))
        if n > p.max_weekends:
            out.append(Breach("weekends", name, last, {"n": n, "max": p.max_weekends}))
    return out


def _runs(days: set[int], horizon: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for d in sorted(days):
        if out and out[-1][1] == d:
            out[-1] = (out[-1][0], d + 1)
        else:
            out.append((d, d + 1))
    return out


__all__ = ["Audit", "Breach", "Edited", "audit"]

"""The lines of the lists people read: each day's duty list and each person's schedule.

A shift belongs to the day it starts (hours, pay and the roster grid count it there), but a
night shift is also on duty the next day: a 22:00–02:00 shift of 11-10 holds the sale day's
first hours. So it is listed on both days — on the day it starts (running into the next day)
and again on the next day's list, marked as carried over from the evening before — and the
sale day's list holds everyone on duty that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .roster_model import Assignment, ShiftTemplate


@dataclass(frozen=True)
class DutyLine:
    """One person on one post for one shift, as listed on ``day``'s list.

    ``carried``: the shift started the evening before (``day - 1``) and runs into this day;
    ``overnight``: the shift runs past midnight into the next day. Hours belong to the line
    that is not carried (the shift's own day)."""

    day: int
    person: str
    post: str
    shift_code: str
    start_hour: float  # hour of day of the shift's start (on its own day)
    hours: float
    carried: bool = False
    overnight: bool = False


def duty_lines(assignments: Sequence[Assignment], shifts: Sequence[ShiftTemplate], horizon_days: int) -> list[DutyLine]:
    """Every assignment on the day it starts, and a shift past midnight once more on the next
    day (within the campaign), in time order: day, then start on the timeline, then post, person."""
    templates = {t.code: t for t in shifts}
    out = []
    for a in assignments:
        t = templates[a.shift_code]
        out.append(DutyLine(a.day, a.person, a.post, a.shift_code, t.start_hour, a.hours, overnight=t.crosses_midnight))
        if t.crosses_midnight and a.day + 1 < horizon_days:
            out.append(DutyLine(a.day + 1, a.person, a.post, a.shift_code, t.start_hour, a.hours, carried=True,
                                overnight=True))
    return sorted(out, key=_order)


def _order(line: DutyLine) -> tuple:
    start = line.start_hour - (24 if line.carried else 0)  # carried lines began before this day's 00:00
    return line.day, start, line.post, line.shift_code, line.person


def by_day(lines: Sequence[DutyLine]) -> dict[int, dict[tuple[str, str, bool], list[str]]]:
    """Day -> (post, shift code, carried) -> people (sorted): one group per block of a day's list."""
    out: dict[int, dict[tuple[str, str, bool], list[str]]] = defaultdict(lambda: defaultdict(list))
    for line in lines:
        out[line.day][(line.post, line.shift_code, line.carried)].append(line.person)
    return {d: {k: sorted(v) for k, v in groups.items()} for d, groups in out.items()}


def by_person(lines: Sequence[DutyLine]) -> dict[str, list[DutyLine]]:
    """Person -> their lines in time order (a night shift twice: its own day and the next)."""
    out: dict[str, list[DutyLine]] = defaultdict(list)
    for line in lines:
        out[line.person].append(line)
    return dict(out)

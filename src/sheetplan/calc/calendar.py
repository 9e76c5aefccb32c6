"""The campaign calendar: phases by date and sale-day windows by time of day.

Both are checked for gaps and overlaps. Phases are inclusive date ranges; windows are
half-open [start, end) minutes of the day, an end of 00:00 meaning midnight (24:00).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class CalendarIssue:
    kind: Literal["overlap", "gap"]
    a: str
    b: str
    start: str  # of the gap / overlap, as text (date or hh:mm)
    end: str


def minutes_of(t: dt.time, *, is_end: bool = False) -> int:
    """Minutes since midnight; an end time of 00:00 is midnight at the end of the day."""
    m = t.hour * 60 + t.minute
    return DAY_MINUTES if is_end and m == 0 else m


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_phases(phases: Sequence[tuple[str, dt.date, dt.date]]) -> list[CalendarIssue]:
    """Overlaps and gaps between consecutive phases (sorted by start)."""
    issues: list[CalendarIssue] = []
    ordered = sorted(phases, key=lambda p: (p[1], p[2]))
    for (a, _, a_end), (b, b_start, b_end) in itertools.pairwise(ordered):
        if b_start <= a_end:
            issues.append(CalendarIssue("overlap", a, b, b_start.isoformat(), min(a_end, b_end).isoformat()))
        elif (b_start - a_end).days > 1:
            gap_start, gap_end = a_end + dt.timedelta(days=1), b_start - dt.timedelta(days=1)
            issues.append(CalendarIssue("gap", a, b, gap_start.isoformat(), gap_end.isoformat()))
    return issues


def check_windows(windows: Sequence[tuple[str, dt.time, dt.time]]) -> list[CalendarIssue]:
    """Overlaps and gaps of the sale-day windows over the whole 24 h day."""
    spans = sorted((minutes_of(s), minutes_of(e, is_end=True), name) for name, s, e in windows)
    issues: list[CalendarIssue] = []
    for (_s1, e1, a), (s2, e2, b) in itertools.pairwise(spans):
        if s2 < e1:
            issues.append(CalendarIssue("overlap", a, b, hhmm(s2), hhmm(min(e1, e2))))
        elif s2 > e1:
            issues.append(CalendarIssue("gap", a, b, hhmm(e1), hhmm(s2)))
    if spans and spans[0][0] > 0:
        issues.append(CalendarIssue("gap", "00:00", spans[0][2], "00:00", hhmm(spans[0][0])))
    if spans and max(e for _, e, _ in spans) < DAY_MINUTES:
        last = max(spans, key=lambda s: s[1])
        issues.append(CalendarIssue("gap", last[2], "24:00", hhmm(last[1]), "24:00"))
    return issues


def phase_of(day: dt.date, phases: Sequence[tuple[str, dt.date, dt.date]]) -> str | None:
    """The phase a date falls in (the first one listed when several do)."""
    return next((name for name, s, e in phases if s <= day <= e), None)

"""People needed per post per interval, for every department's duty roster.

A department's requirement is the sum of its *needs*. A need is either typed — ``people`` on
duty during some spans of the campaign timeline — or a model's series (the Erlang C requirement,
a customer-service fixed head count, a warehouse post's heads), optionally limited to spans.
Which needs a plan has, and why, is decided in :mod:`sheetplan.plan.requirements`; this module
only does the arithmetic, so the rules can be read and tested on their own.

Spans are minutes from 00:00 of the first campaign day, ``[start, end)``. An interval counts as
needed when any part of it lies inside a span (a 20:30 start with hourly intervals needs the
20:00 interval): rounding outward never leaves a typed minute uncovered.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Span = tuple[int, int]


@dataclass(frozen=True)
class Need:
    """People needed on one post of one department. ``series`` names a model series given to
    :func:`department_requirements`; ``None`` means ``people`` during ``spans``. ``spans=None``
    is the whole campaign. ``where`` says who asked for it (for messages), ``implied`` that the
    plan's vocabulary, not a typed row, assigned it."""

    department: str
    post: str
    series: str | None = None
    people: int = 0
    spans: tuple[Span, ...] | None = None
    where: str = ""
    implied: bool = False
    # a row counted per shift (no hours, so no spans): the days it asks someone on that shift
    shift_days: tuple[dt.date, ...] | None = None


def span_mask(spans: Sequence[Span] | None, n_intervals: int, interval_minutes: int) -> list[bool]:
    """Which intervals a set of spans touches (all of them when ``spans`` is None)."""
    if spans is None:
        return [True] * n_intervals
    mask = [False] * n_intervals
    for a, b in spans:
        lo = max(0, a // interval_minutes)
        hi = min(n_intervals, math.ceil(b / interval_minutes))
        for t in range(lo, hi):
            mask[t] = True
    return mask


def need_series(
    need: Need, n_intervals: int, interval_minutes: int, models: Mapping[str, Sequence[int]]
) -> list[int]:
    """One need as people per interval."""
    mask = span_mask(need.spans, n_intervals, interval_minutes)
    if need.series is None:
        return [need.people if m else 0 for m in mask]
    base = models[need.series]
    if len(base) != n_intervals:
        raise ValueError(f"series {need.series} has {len(base)} intervals, expected {n_intervals}")
    return [int(v) if m else 0 for v, m in zip(base, mask, strict=True)]


def department_requirements(
    needs: Sequence[Need], n_intervals: int, interval_minutes: int, models: Mapping[str, Sequence[int]]
) -> dict[str, dict[str, list[int]]]:
    """Department -> post -> people per interval; needs of the same post add up. Departments and
    posts keep the order in which the plan names them (never sorted by name, so renaming them
    changes nothing else)."""
    out: dict[str, dict[str, list[int]]] = {}
    for need in needs:
        series = need_series(need, n_intervals, interval_minutes, models)
        posts = out.setdefault(need.department, {})
        if need.post in posts:
            posts[need.post] = [a + b for a, b in zip(posts[need.post], series, strict=True)]
        else:
            posts[need.post] = series
    return out


def warehouse_series(
    heads: Mapping[str, int],
    horizon_days: int,
    sale_day: int,
    interval_minutes: int = 60,
    *,
    open_minute: int = 8 * 60,
    close_minute: int = 24 * 60,
    backlog_days: int = 2,
) -> dict[str, list[int]]:
    """On-duty people per warehouse post per interval from its heads per day (people-days).

    The warehouse works two shifts between ``open_minute`` and ``close_minute`` on the sale day
    and the ``backlog_days`` after it (shipping the backlog), so ⌈heads / 2⌉ are on duty at any
    time then; on other days half the people suffice: ⌈heads / 4⌉. A close at or before the
    open runs past midnight."""
    if not 0 <= open_minute < 1440 or not 0 < close_minute <= 1440:
        raise ValueError("the warehouse opens and closes within the day")
    per_day = 1440 // interval_minutes
    out: dict[str, list[int]] = {}
    for post, h in heads.items():
        row = [0] * (horizon_days * per_day)
        for d in range(horizon_days):
            peak = sale_day <= d <= sale_day + backlog_days
            on_duty = math.ceil(h / (2 if peak else 4))
            end = close_minute if close_minute > open_minute else close_minute + 1440
            a = d * 1440 + open_minute
            b = d * 1440 + end
            for t in range(a // interval_minutes, min(len(row), math.ceil(b / interval_minutes))):
                row[t] = max(row[t], on_duty)
        out[post] = row
    return out

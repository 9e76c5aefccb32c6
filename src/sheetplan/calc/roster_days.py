"""Each day of a roster judged by its worst interval, and the service level the chats get.

A coverage share of required person-hours hides where the short hours fall: 99 % covered can
mean the flash sale's hour with half its seats. So every day is summed up by the interval a
department head would look at first — the gap that costs most by the roster's own measure
(:func:`sheetplan.calc.roster_cover.gap_cost`: deeper gaps cost more per missing person, an
empty post the most, times the must-cover priority; then the most people short, the busiest,
the earliest), posts no one on the staff holds included — with the service level reached there on the
posts that take the Erlang C requirement, and the day's service level weighted by chats (what
share of the day's chats are answered within the target time), next to the target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .campaign_service import ServicePlan
from .department_roster import DepartmentRoster
from .roster_cover import gap_cost
from .roster_model import Gap


@dataclass(frozen=True)
class DayWorst:
    day: int
    post: str
    interval: int  # on the campaign timeline
    required: int
    rostered: int
    service_level: float | None  # at that interval, on the Erlang C posts (None: not such a post)
    day_service_level: float | None  # the day's chats answered within target (None: no chats that day)
    target: float | None
    must_cover: bool  # inside a 必保时段 window

    @property
    def short(self) -> int:
        return max(0, self.required - self.rostered)


def service_levels(dr: DepartmentRoster, service: ServicePlan | None, erlang_posts: Sequence[str]
                   ) -> tuple[list[float | None], list[float]]:
    """Service level per interval reached by the department's people on the Erlang C posts, and
    the arrivals served per interval (empty lists when the department has no such post)."""
    posts = [q for q in erlang_posts if q in dr.result.cover]
    if service is None or not posts:
        return [], []
    n = len(service.requirement)
    cover = [sum(dr.result.cover[q][t] for q in posts) for t in range(n)]
    audit = service.audit_cover(cover)
    return [r.service_level for r in audit.rows], service.served()


def day_worst(dr: DepartmentRoster, service: ServicePlan | None = None, erlang_posts: Sequence[str] = (),
              ) -> list[DayWorst]:
    """One line per campaign day with a requirement: its worst interval and service levels."""
    res = dr.result
    per_day = 24 * 60 // res.interval_minutes
    levels, served = service_levels(dr, service, erlang_posts)
    target = service.params.target_sl if service is not None and levels else None
    out = []
    for day in range(res.horizon_days):
        span = range(day * per_day, (day + 1) * per_day)
        best: tuple[tuple[float, int, int, int], str, int] | None = None
        for post, req in {**dr.requirement, **dr.vacant}.items():
            cov = res.cover.get(post, [0] * len(req))
            for t in span:
                if req[t] <= 0:
                    continue
                short = max(0, req[t] - cov[t])
                # a covered day shows its busiest interval
                key = (gap_cost(req[t], short) * _prio(dr.priority, post, t), short, req[t], -t)
                if best is None or key > best[0]:
                    best = (key, post, t)
        if best is None:
            continue
        _, post, t = best
        req = dr.requirement.get(post) or dr.vacant[post]
        erlang = post in erlang_posts and bool(levels)
        chats = sum(served[k] for k in span) if levels else 0.0
        day_sl = (sum(served[k] * (levels[k] or 0.0) for k in span) / chats) if chats > 0 else None
        out.append(DayWorst(day, post, t, int(req[t]), int(res.cover.get(post, [0] * len(req))[t]),
                            levels[t] if erlang else None, day_sl, target,
                            _prio(dr.priority, post, t) > 1))
    return out


def _prio(priority: Mapping[str, Sequence[float]], post: str, t: int) -> float:
    row = priority.get(post)
    return row[t] if row is not None and t < len(row) else 1.0


# why a gap must be read first, in the order a sentence names them
CRITICAL_KINDS = ("must_cover", "peak", "deep", "half")
HALF_SEATS = 4  # on any day, half or more of at least this many seats empty is critical too


def is_critical(priority: Mapping[str, Sequence[float]], requirement: Mapping[str, Sequence[int]],
                interval_minutes: int, post: str, start: int, end: int, sale_day: int | None, short: int = 0
                ) -> str | None:
    """Why a gap of ``short`` people over ``[start, end)`` must be read first, or None:
    "must_cover" (inside a must-cover window), "peak" (at the sale day's busiest interval of
    that post), "deep" (on the sale day, half or more of the post's seats empty: a department
    head reads 18 of 29 agents missing at 20:00 before one missing at a one-person post's peak)
    or "half" (any day, half or more of at least :data:`HALF_SEATS` seats empty: a must-cover
    window at 0点 moved a 4-of-8 gap to the eve, graded a mere warning — a helper's attack).
    From the figures alone: the build and a published roster re-read grade alike (see :func:`graded`)."""
    if any(_prio(priority, post, t) > 1 for t in range(start, end)):
        return "must_cover"
    per_day = 24 * 60 // interval_minutes
    req = requirement.get(post, [])
    day = req[sale_day * per_day:(sale_day + 1) * per_day] if sale_day is not None else []
    if day and max(day) > 0:
        on_sale = [t for t in range(start, end) if sale_day * per_day <= t < (sale_day + 1) * per_day  # type: ignore[operator]
                   and t < len(req)]
        if any(req[t] == max(day) for t in on_sale):
            return "peak"
        if any(req[t] > 0 and 2 * short >= req[t] for t in on_sale):
            return "deep"
    if short and any(t < len(req) and req[t] >= HALF_SEATS and 2 * short >= req[t] for t in range(start, end)):
        return "half"
    return None


def graded(gaps: Sequence[Gap], priority: Mapping[str, Sequence[float]], requirement: Mapping[str, Sequence[int]],
           interval_minutes: int, sale_day: int | None) -> list[tuple[Gap, str | None]]:
    """The gaps cut where their grade changes (:func:`is_critical`, interval by interval) and at
    midnight: a run short by one from 11-10 to 11-12 is critical only for its sale-day part, and
    a must-cover window claims only the hours inside it. Per-shift gaps keep their grade (none)."""
    per_day = 24 * 60 // interval_minutes
    out: list[tuple[Gap, str | None]] = []
    for g in gaps:
        if g.shift_code:
            out.append((g, None))
            continue
        start, key = g.start_interval, None
        for t in range(g.start_interval, g.end_interval + 1):
            now = None if t == g.end_interval else (t // per_day, is_critical(
                priority, requirement, interval_minutes, g.post, t, t + 1, sale_day, g.shortfall))
            if t > g.start_interval and now != key:
                out.append((replace(g, start_interval=start, end_interval=t), key[1] if key else None))
                start = t
            key = now
    return out

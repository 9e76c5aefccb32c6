"""Customer service over the whole campaign: demand per interval on one timeline, the agents
Erlang C requires, the cheapest shift plan that covers them, and its audit.

Pure composition of `profiles`, `service` and `shifts`; inputs are plain numbers so the
build, the UDFs and the benchmarks can all call it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .profiles import Profile, daily_arrivals
from .service import concurrency_factor, requirement_series
from .shifts import CoverageAudit, ShiftPlanResult, ShiftType, coverage_audit, plan_shifts

PROFILE_NAMES = {"大促": "sale_day", "平日": "normal_day", "sale_day": "sale_day", "normal_day": "normal_day"}
FIXED_GROUPS = ("presales", "reminders", "aftersales")  # the order of DayDemand.fixed


@dataclass(frozen=True)
class DayDemand:
    """One campaign day: chat volume, service window [open, close) in minutes (close 1440 =
    midnight), intra-day profile (a built-in name or a Profile), and the planner's fixed head
    counts per group if any. ``arrivals`` (chats per interval, as typed) replaces volume × profile."""

    chats: float
    open_minute: int
    close_minute: int
    profile: str | Profile = "平日"
    fixed: tuple[int, int, int] | None = None  # 售前, 催单, 售后
    arrivals: tuple[float, ...] | None = None


@dataclass(frozen=True)
class ServiceParams:
    aht_seconds: float = 240
    target_sl: float = 0.8
    answer_seconds: float = 30
    interval_minutes: int = 60
    chats_at_once: int = 2
    max_occupancy: float = 0.85
    shrinkage: float = 0.15


@dataclass(frozen=True)
class ServicePlan:
    params: ServiceParams
    days: list[DayDemand]  # the inputs, one per campaign day
    arrivals: list[float]
    open_mask: list[bool]
    requirement: list[int]
    fixed: list[int]  # the planner's fixed total head count per interval (0 when closed / none)
    shifts: ShiftPlanResult  # the cheapest plan on the plan's shift templates, staff unlimited
    audit: CoverageAudit
    minimum: ShiftPlanResult | None = None  # the theoretical minimum: any start time, any length given

    @property
    def per_day(self) -> int:
        return 1440 // self.params.interval_minutes

    def fixed_series(self, group: str) -> list[int]:
        """One fixed head count (presales / reminders / aftersales) per interval while open."""
        k = FIXED_GROUPS.index(group)
        out = []
        for t, is_open in enumerate(self.open_mask):
            fixed = self.days[t // self.per_day].fixed
            out.append(fixed[k] if is_open and fixed else 0)
        return out

    def served(self) -> list[float]:
        """Arrivals while the service is open (closed hours are not served)."""
        return [a if m else 0.0 for a, m in zip(self.arrivals, self.open_mask, strict=True)]

    def audit_cover(self, cover: Sequence[int]) -> CoverageAudit:
        """Requirement, over/short and the service level reached by ``cover`` people per interval."""
        plan = _as_plan(self.shifts, cover)
        return coverage_audit(plan, self.served(), self._audit_params())

    def _audit_params(self) -> dict[str, float]:
        p = self.params
        return {"aht_seconds": p.aht_seconds, "answer_seconds": p.answer_seconds,
                "concurrency": concurrency_factor(p.chats_at_once), "shrinkage": p.shrinkage}


def campaign_demand(days: Sequence[DayDemand], interval_minutes: int) -> tuple[list[float], list[bool], list[int]]:
    """Arrivals, open mask and fixed head count per interval, day after day on one timeline.

    Contacts that the profile puts outside the service window are not served that day
    (they are the shop's closed hours); arrivals there are kept for information only.
    """
    arrivals: list[float] = []
    mask: list[bool] = []
    fixed: list[int] = []
    for d in days:
        if not 0 <= d.open_minute < d.close_minute <= 1440:
            raise ValueError("service window must open before it closes within the day")
        if d.arrivals is not None:
            if len(d.arrivals) != 1440 // interval_minutes:
                raise ValueError("typed arrivals need one value per interval of the day")
            day = list(d.arrivals)
        else:
            profile = d.profile if isinstance(d.profile, Profile) else PROFILE_NAMES.get(d.profile, "normal_day")
            day = daily_arrivals(d.chats, profile, interval_minutes)
        for i, a in enumerate(day):
            start = i * interval_minutes
            is_open = d.open_minute <= start < d.close_minute
            arrivals.append(a)
            mask.append(is_open)
            fixed.append(sum(d.fixed) if d.fixed and is_open else 0)
    return arrivals, mask, fixed


def plan_service(
    days: Sequence[DayDemand],
    params: ServiceParams,
    shift_types: Sequence[ShiftType],
    time_limit_s: float = 10,
    *,
    max_part_time_people: int | None = None,
    max_part_time_share: float | None = None,
    minimum_types: Sequence[ShiftType] = (),
) -> ServicePlan:
    """Erlang C per interval, the cheapest plan on ``shift_types`` and, with ``minimum_types``
    (free start times), the theoretical minimum beside it."""
    arrivals, mask, fixed = campaign_demand(days, params.interval_minutes)
    kw = {
        "aht_seconds": params.aht_seconds,
        "answer_seconds": params.answer_seconds,
        "concurrency": concurrency_factor(params.chats_at_once),
    }
    requirement = requirement_series(
        arrivals,
        mask,
        target_sl=params.target_sl,
        interval_minutes=params.interval_minutes,
        max_occupancy=params.max_occupancy,
        shrinkage=params.shrinkage,
        **kw,
    )
    caps = {"max_part_time_people": max_part_time_people, "max_part_time_share": max_part_time_share}
    result = plan_shifts(requirement, params.interval_minutes, shift_types, time_limit_s=time_limit_s, **caps)
    minimum = (
        plan_shifts(requirement, params.interval_minutes, minimum_types, time_limit_s=time_limit_s, **caps)
        if minimum_types else None
    )
    served = [a if m else 0.0 for a, m in zip(arrivals, mask, strict=True)]
    audit = coverage_audit(result, served, {**kw, "shrinkage": params.shrinkage})
    return ServicePlan(params, list(days), arrivals, mask, requirement, fixed, result, audit, minimum)


def _as_plan(template: ShiftPlanResult, cover: Sequence[int]) -> ShiftPlanResult:
    """A stand-in plan whose cover is ``cover`` (one one-interval 'shift' per person and interval),
    so that the audit of a named roster uses exactly the same arithmetic as the shift plan's."""
    starts = [(t, "_", int(c)) for t, c in enumerate(cover) if c]
    return replace(template, starts=starts, shift_intervals={"_": 1}, cover=list(cover))

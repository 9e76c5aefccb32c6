"""Plan -> the customer-service calculator's inputs: chats per interval, shapes, shift types.

Chats reach Erlang C in one of three ways, per day: as typed per slot on 分时咨询量 (unchanged),
as the day's total spread by a curve the shop supplies on 咨询曲线, or spread by a built-in curve
(平日, or 大促 shaped by the windows and chat multipliers of 大促时段).
"""

from __future__ import annotations

from collections import defaultdict

from ..calc.calendar import minutes_of
from ..calc.campaign_service import DayDemand, ServiceParams
from ..calc.profiles import DEFAULT_SALE_WINDOWS, NORMAL_DAY, SALE_DAY_BASE, Profile, from_slots, shaped, slot_arrivals
from ..calc.shifts import ShiftType
from .model import Plan, ShiftTemplate
from .schema import PROFILES

SALE_CURVE, NORMAL_CURVE = PROFILES


def sale_day_profile(plan: Plan) -> Profile:
    """The built-in sale-day curve, shaped by the plan's windows when they carry multipliers."""
    windows = [
        (minutes_of(w.start), minutes_of(w.end, is_end=True), w.multiplier)
        for w in plan.windows
        if w.multiplier is not None
    ]
    return shaped(SALE_DAY_BASE, windows or DEFAULT_SALE_WINDOWS)  # type: ignore[arg-type]


def curves(plan: Plan) -> dict[str, Profile]:
    """Every curve a service day may name: the two built-in ones and the shop's own."""
    out = {SALE_CURVE: sale_day_profile(plan), NORMAL_CURVE: NORMAL_DAY}
    slots: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for c in plan.curves:
        slots[c.curve].append((minutes_of(c.time), c.weight))
    for name, points in slots.items():
        if any(w > 0 for _, w in points):
            out[name] = from_slots(name, points)
    return out


def days(plan: Plan) -> list[DayDemand]:
    """One DayDemand per campaign day, on one timeline; a day without a row is closed."""
    s = plan.settings
    by_date = {d.date: d for d in plan.service}
    typed: dict = defaultdict(list)
    for v in plan.volumes:
        typed[v.date].append((minutes_of(v.time), v.chats))
    shapes = curves(plan)
    out = []
    for day in s.days:
        d = by_date.get(day)
        if d is None:
            out.append(DayDemand(0, 0, 1440))
            continue
        fixed = (d.presales or 0, d.reminders or 0, d.aftersales or 0)
        arrivals = tuple(slot_arrivals(typed[day], s.interval_minutes)) if typed.get(day) else None
        out.append(DayDemand(
            d.chats or 0.0, minutes_of(d.open), minutes_of(d.close, is_end=True),
            shapes.get(d.profile, NORMAL_DAY), fixed if any(fixed) else None, arrivals,
        ))
    return out


def params(plan: Plan) -> ServiceParams:
    s = plan.settings
    return ServiceParams(
        s.aht_seconds, s.target_sl, s.answer_seconds, s.interval_minutes, s.concurrency, s.max_occupancy, s.shrinkage
    )


def template_types(templates: list[ShiftTemplate], interval_minutes: int) -> list[ShiftType]:
    """The plan's shift templates as shift types that start only at their own time of day;
    templates open to students alone are part-time (the student caps apply to them)."""
    return [
        ShiftType(
            t.code, t.hours, part_time=_student_only(t),
            earliest_start_hour=t.start.hour + t.start.minute / 60,
            latest_start_hour=t.start.hour + t.start.minute / 60,
            start_step_hours=interval_minutes / 60,
        )
        for t in templates
    ]


def free_types(templates: list[ShiftTemplate]) -> list[ShiftType]:
    """The lengths the templates allow, free to start at any interval: the theoretical minimum."""
    by_hours: dict[float, bool] = {}
    for t in templates:
        by_hours[t.hours] = by_hours.get(t.hours, True) and _student_only(t)
    return [ShiftType(f"{h:g}h", h, part_time=pt) for h, pt in sorted(by_hours.items(), reverse=True)]


def _student_only(t: ShiftTemplate) -> bool:
    return bool(t.types) and set(t.types) == {"学生"}

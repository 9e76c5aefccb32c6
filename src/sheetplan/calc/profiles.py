"""Intra-day demand profiles: the share of a day's contacts (or orders) in each interval.

A profile is defined once, per minute, from a few piecewise-constant segments (relative
contact rate per minute), and aggregated to whatever interval the plan uses. Because every
coarser interval is a plain sum of minutes, the 15-, 30- and 60-minute versions agree exactly
when summed, and each adds up to 1.

The seeds give the *phases* of the sale day, not numbers; the weights below are plausible
values chosen to reproduce those phases and should be replaced by a shop's own history
(:meth:`Profile.from_hourly` or :meth:`Profile.from_segments`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "DEFAULT_SALE_WINDOWS",
    "MINUTES_PER_DAY",
    "NORMAL_DAY",
    "PROFILES",
    "SALE_DAY",
    "SALE_DAY_BASE",
    "Profile",
    "daily_arrivals",
    "from_slots",
    "get_profile",
    "shaped",
    "slot_arrivals",
    "slot_minutes",
]

MINUTES_PER_DAY = 1440

Segment = tuple[str, str, float]  # ("HH:MM" start, "HH:MM" end, relative rate per minute)


def _minute(text: str) -> int:
    hours, minutes = text.split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= value <= MINUTES_PER_DAY:
        raise ValueError(f"time {text!r} must lie between 00:00 and 24:00")
    return value


@dataclass(frozen=True)
class Profile:
    """A day shape: ``minute_weights`` holds 1440 non-negative fractions summing to 1."""

    name: str
    minute_weights: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.minute_weights) != MINUTES_PER_DAY:
            raise ValueError("a profile needs one weight per minute of the day (1440)")
        if any(w < 0 or not math.isfinite(w) for w in self.minute_weights):
            raise ValueError("profile weights must be finite and not negative")

    @classmethod
    def from_segments(cls, name: str, segments: Sequence[Segment]) -> Profile:
        """Build from ``(start, end, rate)`` rows that tile 00:00–24:00 without gaps."""
        rates = [math.nan] * MINUTES_PER_DAY
        for start, end, rate in segments:
            lo, hi = _minute(start), _minute(end)
            if hi <= lo:
                raise ValueError(f"segment {start}-{end} must end after it starts")
            if rate < 0:
                raise ValueError(f"segment {start}-{end} has a negative rate")
            for m in range(lo, hi):
                if not math.isnan(rates[m]):
                    raise ValueError(f"segment {start}-{end} overlaps another segment")
                rates[m] = float(rate)
        if any(math.isnan(r) for r in rates):
            raise ValueError("segments must cover the whole day from 00:00 to 24:00")
        return cls(name, _normalise(rates))

    @classmethod
    def from_hourly(cls, name: str, weights: Sequence[float]) -> Profile:
        """Build from 24 relative hourly volumes (e.g. last year's contacts per hour)."""
        if len(weights) != 24:
            raise ValueError("hourly weights need 24 values")
        if any(w < 0 for w in weights):
            raise ValueError("hourly weights must not be negative")
        return cls(name, _normalise([w / 60.0 for w in weights for _ in range(60)]))

    def fractions(self, interval_minutes: int) -> list[float]:
        """Share of the day in each interval of ``interval_minutes`` (a divisor of 1440)."""
        step = _interval(interval_minutes)
        w = self.minute_weights
        return [math.fsum(w[i : i + step]) for i in range(0, MINUTES_PER_DAY, step)]


def _normalise(rates: Sequence[float]) -> tuple[float, ...]:
    total = math.fsum(rates)
    if total <= 0:
        raise ValueError("a profile needs some positive weight")
    return tuple(r / total for r in rates)


def _interval(interval_minutes: int) -> int:
    if isinstance(interval_minutes, bool) or interval_minutes != int(interval_minutes):
        raise ValueError("interval_minutes must be a whole number of minutes")
    step = int(interval_minutes)
    if step <= 0 or MINUTES_PER_DAY % step:
        raise ValueError("interval_minutes must divide the day evenly (e.g. 15, 30 or 60)")
    return step


# Sale day (seed 001, 双十一 on a Wednesday): an ordinary day of the sale (relative contacts per
# hour: night trough, the lunch peak and two after-work peaks, busy until midnight) shaped by the
# sale-day windows of the plan (大促时段), each with its chat multiplier:
#   00:00–00:10 抢购期 flash sale ×13: the huge spike (seckill, limited items);
#   00:10–02:00 冲动消费 impulse buying ×3: high, decaying with the base curve;
#   02:00–22:00 理性消费 rational buying ×1: the base curve itself;
#   22:00–24:00 扫尾期 wrap-up ×1.2: countdown free orders, last-chance buying.
# A plan that gives its own windows and multipliers moves these (move the flash sale to 20:00 and
# the spike moves with it); the defaults below are what a plan without multipliers gets.
SALE_DAY_BASE = Profile.from_hourly("sale_day_base", [
    3.0, 1.8, 1.5, 0.5, 0.5, 0.5,  # 00–06: still busy after midnight, then the night trough
    0.5, 1.2, 1.2, 2.0, 2.0, 2.0,  # 06–12
    3.0, 2.0, 2.0, 2.0, 2.0, 2.4,  # 12–18 (lunch peak 12–13)
    2.4, 2.4, 3.5, 3.5, 2.5, 2.5,  # 18–24 (after-work peaks)
])

Window = tuple[int, int, float]  # (start minute, end minute (may be ≤ start: runs past midnight), multiplier)
DEFAULT_SALE_WINDOWS: tuple[Window, ...] = ((0, 10, 13.0), (10, 120, 3.0), (1320, 1440, 1.2))


def shaped(base: Profile, windows: Sequence[Window], name: str = "sale_day") -> Profile:
    """``base`` with each window's minutes multiplied by its multiplier (later windows win)."""
    factor = [1.0] * MINUTES_PER_DAY
    for start, end, k in windows:
        if not math.isfinite(k) or k < 0:
            raise ValueError("window multipliers must be finite and not negative")
        start %= MINUTES_PER_DAY
        end = end if end > start else end + MINUTES_PER_DAY  # 22:00–02:00 runs past midnight
        for minute in range(start, end):
            factor[minute % MINUTES_PER_DAY] = k
    return Profile(name, _normalise([w * f for w, f in zip(base.minute_weights, factor, strict=True)]))


def slot_minutes(starts: Sequence[int]) -> int:
    """The granularity of slots typed by their start minute: the smallest gap (60 for one slot)."""
    ordered = sorted(set(starts))
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    return min(gaps, default=60)


def from_slots(name: str, slots: Sequence[tuple[int, float]]) -> Profile:
    """A day shape from ``(start minute, weight)`` slots, each covering its start to the next
    slot of the common granularity (e.g. last year's chats per hour)."""
    step = slot_minutes([m for m, _ in slots])
    rates = [0.0] * MINUTES_PER_DAY
    for minute, weight in slots:
        if weight < 0 or not math.isfinite(weight):
            raise ValueError("curve weights must be finite and not negative")
        for m in range(minute, min(MINUTES_PER_DAY, minute + step)):
            rates[m] += weight / step
    return Profile(name, _normalise(rates))


def slot_arrivals(slots: Sequence[tuple[int, float]], interval_minutes: int) -> list[float]:
    """Chats per interval from chats typed per slot: a slot that is one interval (or whole
    intervals) passes unchanged (split evenly); finer or misaligned slots are summed minute by minute."""
    step = slot_minutes([m for m, _ in slots])
    iv = _interval(interval_minutes)
    out = [0.0] * (MINUTES_PER_DAY // iv)
    for minute, chats in slots:
        if minute % iv == 0 and step % iv == 0:
            k = step // iv
            for j in range(minute // iv, min(len(out), minute // iv + k)):
                out[j] += chats if k == 1 else chats / k
            continue
        for m in range(minute, min(MINUTES_PER_DAY, minute + step)):
            out[m // iv] += chats / step
    return out


SALE_DAY = shaped(SALE_DAY_BASE, DEFAULT_SALE_WINDOWS)

# Normal trading day: quiet night, rising from 08:00, morning peak 10–11, evening peak 20–22.
NORMAL_DAY = Profile.from_hourly("normal_day", [
    1.2, 0.6, 0.3, 0.2, 0.2, 0.3,  # 00–06
    0.6, 1.5, 3.0, 5.0, 6.5, 6.5,  # 06–12 (peak 10–11)
    5.5, 5.5, 5.5, 5.5, 5.0, 5.0,  # 12–18
    5.5, 6.5, 8.0, 8.0, 6.0, 3.0,  # 18–24 (peak 20–22)
])

PROFILES: dict[str, Profile] = {p.name: p for p in (SALE_DAY, NORMAL_DAY)}


def get_profile(name: str) -> Profile:
    """Look a built-in profile up by name (``"sale_day"`` / ``"normal_day"``)."""
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in PROFILES:
        raise ValueError(f"profile must be one of: {', '.join(sorted(PROFILES))}")
    return PROFILES[key]


def daily_arrivals(
    daily_volume: float, profile: Profile | str, interval_minutes: int = 60
) -> list[float]:
    """Spread ``daily_volume`` contacts over the day's intervals following ``profile``."""
    if isinstance(daily_volume, bool) or not isinstance(daily_volume, int | float):
        raise ValueError("daily_volume must be a number")
    if not math.isfinite(daily_volume) or daily_volume < 0:
        raise ValueError("daily_volume must be a finite number, not negative")
    shape = get_profile(profile) if isinstance(profile, str) else profile
    return [daily_volume * f for f in shape.fractions(interval_minutes)]

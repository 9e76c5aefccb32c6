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

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "MINUTES_PER_DAY",
    "NORMAL_DAY",
    "PROFILES",
    "SALE_DAY",
    "Profile",
    "daily_arrivals",
    "get_profile",
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


# Sale day (seed 001, 双十一 on a Wednesday): relative contacts per minute.
#   00:00–00:10 抢购期 flash sale: the huge spike (seckill, limited items);
#   00:10–02:00 盲目消费 impulse buying: high, decaying;
#   02:00–22:00 理性消费 rational buying: night trough, then two after-work peaks —
#               lunch 12:00–13:00 and the evening 20:00–22:00;
#   22:00–24:00 扫尾期 wrap-up: elevated (countdown free orders, last-chance buying).
SALE_DAY = Profile.from_segments("sale_day", [
    ("00:00", "00:10", 40.0),
    ("00:10", "01:00", 9.0),
    ("01:00", "02:00", 5.0),
    ("02:00", "03:00", 1.5),
    ("03:00", "07:00", 0.5),
    ("07:00", "09:00", 1.2),
    ("09:00", "12:00", 2.0),
    ("12:00", "13:00", 3.0),
    ("13:00", "17:00", 2.0),
    ("17:00", "20:00", 2.4),
    ("20:00", "22:00", 3.5),
    ("22:00", "24:00", 3.0),
])

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

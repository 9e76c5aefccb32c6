"""VIP outreach capacity: how many calls each caller makes per day."""

from __future__ import annotations

import math


def calls_per_caller_per_day(customers: float, callers: float, days: float) -> float:
    """4000 VIPs, 20 callers, 4 days → 50 (seed 000). Rounded up: a call is not split."""
    if customers < 0:
        raise ValueError("customers must not be negative")
    if callers <= 0:
        raise ValueError("callers must be greater than 0")
    if days <= 0:
        raise ValueError("days must be greater than 0")
    capacity = callers * days  # may underflow for absurdly small inputs
    if capacity == 0:
        raise ValueError("callers × days is too small")
    per_day = customers / capacity
    if not math.isfinite(per_day):
        raise ValueError("customers / (callers × days) is too large")
    return float(math.ceil(per_day - 1e-9))

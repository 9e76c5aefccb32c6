"""Excel-compatible rounding.

Excel first rounds a double to 15 significant digits, then ROUND rounds half away from
zero. A Python reference must do the same, or it disagrees with Excel on binary half-way
cases such as ROUND(1.005, 2) (Excel: 1.01; naive Python: 1.0).
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal


def _to_15_digits(x: float) -> Decimal:
    return Decimal(f"{x:.15g}")


def excel_round(x: float, digits: int = 0) -> float:
    """ROUND(x, digits) as Excel computes it."""
    q = Decimal(1).scaleb(-digits)
    return float(_to_15_digits(x).quantize(q, rounding=ROUND_HALF_UP))


def excel_roundup(x: float, digits: int = 0) -> float:
    """ROUNDUP(x, digits): away from zero, after the 15-digit step."""
    d = _to_15_digits(x)
    q = Decimal(1).scaleb(-digits)
    rounded = abs(d).quantize(q, rounding=ROUND_CEILING)
    return float(rounded if d >= 0 else -rounded)


def ceil_count(x: float) -> int:
    """Head counts: round up, but 3.0000000000000004 (float noise) stays 3."""
    return math.ceil(float(_to_15_digits(x)))

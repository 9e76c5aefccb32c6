"""Share tables (库存件数占比 / 库存金额占比), largest-remainder rounding and ABC classes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

ShareMethod = Literal["exact", "largest_remainder"]


def exact_shares(values: Sequence[float]) -> list[float]:
    """Each value over the total. All zero when the total is zero (nothing to share)."""
    _check_non_negative(values)
    total = math.fsum(values)
    if total == 0:
        return [0.0 for _ in values]
    return [v / total for v in values]


def largest_remainder_shares(values: Sequence[float], decimals: int = 1) -> list[float]:
    """Shares as percentages rounded to `decimals`, adding up to exactly 100 %.

    Hamilton's method: floor every share to the unit, then hand the leftover units to the
    largest remainders (ties go to the earlier row, so the result is deterministic).
    Returned as fractions (0.171 for 17.1 %).
    """
    if decimals < 0 or decimals > 6:
        raise ValueError("decimals must be between 0 and 6")
    shares = exact_shares(values)
    if not shares or math.fsum(values) == 0:
        return shares
    units = 100 * 10**decimals  # units in 100 %
    raw = [s * units for s in shares]
    floors = [math.floor(r + 1e-9) for r in raw]
    leftover = units - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return [f / units for f in floors]


def shares(values: Sequence[float], decimals: int = 1, method: ShareMethod = "exact") -> list[float]:
    """Dispatch on the share method a planner chose."""
    if method == "exact":
        return exact_shares(values)
    if method == "largest_remainder":
        return largest_remainder_shares(values, decimals)
    raise ValueError(f"method must be 'exact' or 'largest_remainder', not {method!r}")


@dataclass(frozen=True)
class ShareRow:
    """One line of the share table (seed 000's inventory table)."""

    label: str
    quantity: float
    amount: float
    quantity_share: float
    amount_share: float
    unit_price: float | None  # implied price: amount / quantity
    abc: str


@dataclass(frozen=True)
class ShareTable:
    rows: list[ShareRow]
    total_quantity: float
    total_amount: float

    @property
    def total_unit_price(self) -> float | None:
        return self.total_amount / self.total_quantity if self.total_quantity else None


def share_table(
    labels: Sequence[str],
    quantities: Sequence[float],
    amounts: Sequence[float],
    decimals: int = 1,
    method: ShareMethod = "exact",
    a_share: float = 0.7,
    b_share: float = 0.2,
) -> ShareTable:
    """Quantity and value shares, implied unit price, ABC class by value, totals."""
    if not (len(labels) == len(quantities) == len(amounts)):
        raise ValueError("labels, quantities and amounts must have the same length")
    q_sh = shares(quantities, decimals, method)
    a_sh = shares(amounts, decimals, method)
    classes = abc_classes(amounts, a_share, b_share)
    rows = [
        ShareRow(
            label=str(lbl),
            quantity=q,
            amount=a,
            quantity_share=qs,
            amount_share=as_,
            unit_price=(a / q) if q else None,
            abc=c,
        )
        for lbl, q, a, qs, as_, c in zip(labels, quantities, amounts, q_sh, a_sh, classes, strict=True)
    ]
    return ShareTable(rows, math.fsum(quantities), math.fsum(amounts))


def abc_classes(values: Sequence[float], a_share: float = 0.7, b_share: float = 0.2) -> list[str]:
    """ABC by value, the common inventory practice (cumulative share of value, items sorted
    descending): an item is A while the cumulative share *up to and including* it is at most
    `a_share` (70 %), B while at most `a_share + b_share` (90 %), else C. The largest item is
    always A. Equal values always share the class of the first of them.

    So A is the few items that make up 70 % of the value — for seed 000's eight categories
    (24/18/15/12/10/10/6/5 %) four A (69 %), two B (to 89 %), two C.
    """
    if not 0 < a_share < 1 or not 0 <= b_share < 1 or a_share + b_share > 1:
        raise ValueError("a_share and b_share must be fractions with a_share + b_share <= 1")
    _check_non_negative(values)
    total = math.fsum(values)
    out = ["C"] * len(values)
    if total == 0:
        return out
    order = sorted(range(len(values)), key=lambda i: -values[i])
    cum = 0.0
    prev: tuple[float, str] | None = None  # (value, its class): equal values share a class
    for k, i in enumerate(order):
        cum += values[i]
        if prev is not None and prev[0] == values[i]:
            out[i] = prev[1]
            continue
        share = cum / total
        out[i] = "A" if k == 0 or share <= a_share + 1e-12 else "B" if share <= a_share + b_share + 1e-12 else "C"
        prev = (values[i], out[i])
    return out


def _check_non_negative(values: Sequence[float]) -> None:
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            raise ValueError(f"value {i + 1} is empty")
        if v < 0:
            raise ValueError(f"value {i + 1} is negative ({v})")

"""Customer service over the campaign timeline: demand, closed hours, cover on the true timeline."""

from __future__ import annotations

import pytest

from sheetplan.calc.campaign_service import DayDemand, ServiceParams, campaign_demand, plan_service
from sheetplan.calc.shifts import ShiftType, cover_from_starts

DAYS = [  # seed 000: 11-10 and 11-11 24 h, then 15 h a day from 09:00
    DayDemand(1200, 0, 1440, "平日", (10, 2, 2)),
    DayDemand(2500, 0, 1440, "大促", (10, 2, 2)),
    *[DayDemand(v, 540, 1440, "平日", (5, 1, 7)) for v in (1500, 1200, 1000, 900, 800, 600)],
]


def test_demand_on_one_timeline() -> None:
    arrivals, mask, fixed = campaign_demand(DAYS, 60)
    assert len(arrivals) == len(mask) == len(fixed) == 8 * 24
    assert sum(arrivals[24:48]) == pytest.approx(2500)
    assert mask[:48] == [True] * 48 and mask[48:57] == [False] * 9 and all(mask[57:72])
    assert fixed[24] == 14 and fixed[48] == 0 and fixed[57] == 13
    assert max(range(48), key=lambda t: arrivals[t]) == 24  # the flash sale at 00:00 of 11-11


def test_plan_covers_every_open_interval_and_closed_hours_need_nobody() -> None:
    sp = plan_service(DAYS, ServiceParams(), [ShiftType("8h", 8), ShiftType("4h", 4, part_time=True)])
    assert sp.shifts.status == "optimal" and sp.shifts.proven_optimal
    assert all(r == 0 for r, m in zip(sp.requirement, sp.open_mask, strict=True) if not m)
    cover = cover_from_starts(sp.shifts.starts, sp.shifts.shift_intervals, len(sp.requirement))
    assert all(c >= r for c, r in zip(cover, sp.requirement, strict=True))
    # the midnight spike of 11-11 is staffed by people who started on 11-10 (true timeline)
    assert any(start < 24 < start + sp.shifts.shift_intervals[code] for start, code, _ in sp.shifts.starts)
    assert sp.audit.under_hours == 0
    assert min(r.service_level for r in sp.audit.rows if r.service_level is not None and r.requirement) >= 0.8 - 1e-9


def test_bad_window() -> None:
    with pytest.raises(ValueError, match="window"):
        campaign_demand([DayDemand(10, 600, 500)], 60)

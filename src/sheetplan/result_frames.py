"""Every computed table as a pandas DataFrame (``Results.to_frames()``, ``sheetplan.api``): a
module of its own, below the API, so the pipeline need not import the API above it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .pipeline import Results


def results_frames(results: Results) -> dict[str, pd.DataFrame]:
    """Every computed table as a DataFrame (see :meth:`Results.to_frames`)."""
    plan = results.plan
    origin = dt.datetime.combine(plan.settings.start, dt.time()) if plan else dt.datetime(2000, 1, 1)
    out: dict[str, pd.DataFrame] = {}
    out["warehouse"] = pd.DataFrame([
        {"group": g.group, "post": p.post.name, "per_person": p.post.per_person or None,
         "fixed": p.post.fixed or None, "heads": p.heads, "heads_stress": ps.heads}
        for g, gs in zip(results.warehouse.groups, results.warehouse_stress.groups, strict=True)
        for p, ps in zip(g.posts, gs.posts, strict=True)
    ])
    out["shares"] = pd.DataFrame([
        {"category": r.label, "quantity": r.quantity, "amount": r.amount, "quantity_share": r.quantity_share,
         "amount_share": r.amount_share, "unit_price": r.unit_price, "abc": r.abc} for r in results.shares.rows
    ])
    sp = results.service
    if sp is not None:
        minutes = sp.params.interval_minutes
        audit = results.service_roster.audit if results.service_roster else sp.audit
        out["service"] = pd.DataFrame([
            {"time": origin + dt.timedelta(minutes=a.interval * minutes), "chats": sp.arrivals[a.interval],
             "open": sp.open_mask[a.interval], "required": a.requirement, "scheduled": a.cover,
             "short": a.under, "service_level": a.service_level} for a in audit.rows
        ])
        out["shift_plan"] = pd.DataFrame([
            {"start": origin + dt.timedelta(minutes=start * minutes), "shift": code,
             "hours": sp.shifts.shift_intervals[code] * minutes / 60, "people": people}
            for start, code, people in sp.shifts.starts
        ], columns=["start", "shift", "hours", "people"])
    out["assignments"] = pd.DataFrame([
        {"person": a.person, "department": a.department, "post": a.post,
         "date": plan.settings.days[a.day] if plan else a.day, "shift": a.shift_code,
         "start": origin + dt.timedelta(hours=a.start_hour_abs), "end": origin + dt.timedelta(hours=a.end_hour_abs),
         "hours": a.hours}
        for r in results.rosters for a in r.result.assignments
    ], columns=["person", "department", "post", "date", "shift", "start", "end", "hours"])
    cover = []
    for r in results.rosters:
        minutes = r.result.interval_minutes
        for post, req in r.requirement.items():
            got = r.result.cover.get(post, [0] * len(req))
            cover += [{"department": r.department, "post": post, "time": origin + dt.timedelta(minutes=t * minutes),
                       "required": need, "scheduled": got[t]} for t, need in enumerate(req)]
    out["cover"] = pd.DataFrame(cover, columns=["department", "post", "time", "required", "scheduled"])
    out["warehouse_check"] = pd.DataFrame([
        {"department": c.department, "post": r.post, "date": plan.settings.days[r.day] if plan else r.day,
         "heads": r.heads, "on_duty": r.on_duty, "typed": r.typed, "fewest": r.minimum, "rostered": r.rostered,
         "short_hours": r.short_hours, "over_hours": r.over_hours}
        for c in results.warehouse_checks.values() for r in c.rows
    ], columns=["department", "post", "date", "heads", "on_duty", "typed", "fewest", "rostered", "short_hours",
                "over_hours"])
    if results.products is not None and plan is not None and plan.products is not None:
        table = results.products.table
        out["products"] = pd.concat([plan.products.reset_index(drop=True), table.reset_index(drop=True)], axis=1)
        out["stock_plan"] = out["products"].iloc[results.products.reorder].reset_index(drop=True)
    out["problems"] = pd.DataFrame([dataclasses.asdict(p) for p in results.problems],
                                   columns=["where", "message", "severity"])
    return out

"""The plan's tables as pandas DataFrames (``Plan.frames()``, ``sheetplan.plan_frames``): here in
the plan layer, so the plan model need not import the API above it. The model is imported for
type checking only (``Plan.frames`` imports this module): each table's columns come from the row
class the ``Plan`` field is annotated with."""

from __future__ import annotations

import dataclasses
import typing
from typing import TYPE_CHECKING, Any

import pandas as pd

from .cells import format_max_shifts
from .schema import SHEETS

if TYPE_CHECKING:
    from . import model as m


# fields no sheet has: where a row was read, and the days off a --keep-edits decided (the plan
# keep_edits returns holds them; a table built from frames has no such column to give back)
_NOT_COLUMNS = frozenset({"cells", "days_off"})


def plan_frames(plan: m.Plan) -> dict[str, pd.DataFrame]:
    """The plan's tables as DataFrames, columns by schema key (settings as one 'value' column)."""
    out: dict[str, pd.DataFrame] = {
        "settings": pd.DataFrame({"value": {f.name: getattr(plan.settings, f.name)
                                            for f in dataclasses.fields(plan.settings) if f.name != "cells"}}),
    }
    hints = typing.get_type_hints(type(plan))  # e.g. staff -> list[StaffMember]
    # the Plan field of a sheet key: the key with or without underscores ("mustcover" -> must_cover)
    field_of = {f.name.replace("_", ""): f.name for f in dataclasses.fields(plan)}
    for sheet in SHEETS:
        name = field_of.get(sheet.key.replace("_", ""))
        rows = getattr(plan, name, None) if name else None
        if isinstance(rows, list):
            (row_class,) = typing.get_args(hints[name])
            columns = [f.name for f in dataclasses.fields(row_class) if f.name not in _NOT_COLUMNS]
            out[sheet.key] = pd.DataFrame([_record(r) for r in rows], columns=columns)
    out["staff"]["max_shifts"] = [format_max_shifts(p.max_shifts, plan.lang) for p in plan.staff]  # as typed
    if plan.products is not None:
        out["products"] = plan.products
    return out


def _record(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name not in _NOT_COLUMNS}

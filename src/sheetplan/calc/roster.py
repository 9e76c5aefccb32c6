"""Named duty rosters per department (public facade).

The model and solver live in :mod:`sheetplan.calc.roster_model`, the department-head
explanations in :mod:`sheetplan.calc.roster_explain`; import everything from here.
"""

from __future__ import annotations

from sheetplan.calc.roster_explain import explain, format_span
from sheetplan.calc.roster_model import (
    KINDS,
    Assignment,
    Conflict,
    FixedAssignment,
    Gap,
    Person,
    Request,
    RosterResult,
    RosterRules,
    ShiftCover,
    ShiftTemplate,
    assignment_rows,
    normalize_kind,
    requirement_from_headcounts,
    shift_instances,
)
from sheetplan.calc.roster_solve import solve_roster

__all__ = [
    "KINDS",
    "Assignment",
    "Conflict",
    "FixedAssignment",
    "Gap",
    "Person",
    "Request",
    "RosterResult",
    "RosterRules",
    "ShiftCover",
    "ShiftTemplate",
    "assignment_rows",
    "explain",
    "format_span",
    "normalize_kind",
    "requirement_from_headcounts",
    "shift_instances",
    "solve_roster",
]

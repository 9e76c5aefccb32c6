"""Which department a warning is about, so each department's workbook can carry its own 检查结果.

A warning names a sheet and cell; the row says whose it is: a staff row, a requirement row, a
duty, department or must-cover row names its department, a fixed shift or a wish row names a person (of one
department), a shift row open to one department only is that department's. A warning the
computation found at a sheet rather than a row (a roster's gap, a roster that could not be
made) carries its department itself (``Problem.department``). The rest — a setting, the
warehouse posts, the service sheet — concern the plan as a whole and stay on 总表's 检查结果.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .model import Plan
from .problems import Problem

_ROW = re.compile(r"^\$?[A-Za-z]{1,3}\$?(\d+)$")


def _place(where: str) -> tuple[str, int] | None:
    """'人员!B5' -> ('人员', 5); a sheet or a file name alone -> None."""
    sheet, bang, ref = where.rpartition("!")
    m = _ROW.match(ref.strip()) if bang else None
    return (sheet.strip("'"), int(m.group(1))) if m else None


def row_owners(plan: Plan) -> dict[tuple[str, int], set[str]]:
    """(sheet, row) -> the departments that row belongs to."""
    out: dict[tuple[str, int], set[str]] = {}
    dept_of = {p.name: p.department for p in plan.staff}

    def own(cells: dict[str, str], depts: Iterable[str]) -> None:
        rows = {_place(c) for c in cells.values()} - {None}
        for place in rows:
            out.setdefault(place, set()).update(d for d in depts if d)  # type: ignore[arg-type]

    for rows in (plan.staff, plan.requirements, plan.duties, plan.departments, plan.must_cover):
        for r in rows:
            own(getattr(r, "cells", None) or {}, [r.department])
    for rows in (plan.fixed, plan.requests):
        for r in rows:
            own(r.cells, [dept_of.get(r.name, "")])
    for t in plan.shifts:
        if len(t.departments) == 1:
            own(t.cells, t.departments)
    return out


def departments_of(problem: Problem, owners: dict[tuple[str, int], set[str]]) -> set[str]:
    """The departments a warning is about (empty: the plan as a whole)."""
    if problem.department:
        return {problem.department}
    place = _place(problem.where)
    return set(owners.get(place, ())) if place else set()


def of_department(plan: Plan, problems: Sequence[Problem], department: str) -> list[Problem]:
    """The warnings about ``department``, in the order the plan's 检查结果 lists them."""
    owners = row_owners(plan)
    return [p for p in problems if department in departments_of(p, owners)]
